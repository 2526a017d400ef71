"""Vocabularies for the sample-export generator, kept as data tables.

Everything the generator writes is drawn from here: the platform's categories and tones, the
registered outlets (canonical name, ownership group, spellings seen in exports), the places events
happen at, the entity catalog (canonical name, type, spellings a warehouse should merge), the
sentence templates and the defect kinds. The *first* spelling of an outlet/entity/place is the
most common one; the rest are variants the platform emits for the same real thing.

Ground truth for tests lives here too: two spellings belong to the same outlet/entity exactly when
they are listed in the same row.
"""

from __future__ import annotations

from dataclasses import dataclass

from orchestration.landing.validation import KNOWN_TOP_LEVEL_FIELDS

# --------------------------------------------------------------------------------------------
# Platform vocabularies (contract §1)
# --------------------------------------------------------------------------------------------

CATEGORIES: tuple[str, ...] = (
    "Movement",
    "Attack",
    "Shelling",
    "Airstrike",
    "Drone strike",
    "Missile strike",
    "Casualties",
    "Humanitarian",
    "Infrastructure",
    "Diplomacy",
    "Statement",
)
# relative frequency of each category
CATEGORY_WEIGHTS: dict[str, float] = {
    "Movement": 8,
    "Attack": 12,
    "Shelling": 12,
    "Airstrike": 8,
    "Drone strike": 14,
    "Missile strike": 10,
    "Casualties": 9,
    "Humanitarian": 6,
    "Infrastructure": 8,
    "Diplomacy": 5,
    "Statement": 8,
}
STATUSES: tuple[str, ...] = ("Verified", "Corroborated", "Single source", "Unverified", "Disputed")
TONES: tuple[str, ...] = ("certain", "likely", "possible", "doubtful")  # strongest first
TONE_STRENGTH: dict[str, int] = {"certain": 3, "likely": 2, "possible": 1, "doubtful": 0}
ENTITY_TYPES: tuple[str, ...] = ("military_unit", "location", "organization", "person", "weapon_system")

MIL, LOC, ORG, PER, WPN = ENTITY_TYPES

# record key order, as in data/samples/event-7367235.json: the contract's fields, as landing knows them
RECORD_KEYS: tuple[str, ...] = KNOWN_TOP_LEVEL_FIELDS
REQUIRED_KEYS: tuple[str, ...] = RECORD_KEYS

EXTRACTOR_VERSIONS: tuple[str, ...] = ("ex-2.3.0", "ex-2.3.1", "ex-2.4.0")

# --------------------------------------------------------------------------------------------
# Outlets
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outlet:
    name: str  # canonical name
    group: str  # ownership group: outlets of one group are not independent
    variants: tuple[str, ...]  # spellings seen in exports, most common first
    side: str  # "ua", "ru" (Russian state-aligned) or "intl"
    weight: float  # how often the outlet reports an event


OUTLETS: tuple[Outlet, ...] = (
    # Outlet(canonical, ownership group, spellings, side, weight)
    Outlet(
        "Ukrainska Pravda", "ukrainska_pravda", ("Ukrainska Pravda", "pravda.com.ua", "Ukrayinska Pravda"), "ua", 10
    ),
    Outlet("Ekonomichna Pravda", "ukrainska_pravda", ("Ekonomichna Pravda", "epravda.com.ua"), "ua", 1.5),
    Outlet(
        "The Kyiv Independent",
        "kyiv_independent",
        ("Kyiv Independent", "The Kyiv Independent", "kyivindependent.com"),
        "ua",
        9,
    ),
    Outlet("UNIAN", "1plus1_media", ("UNIAN", "unian.net", "UNIAN news agency"), "ua", 8),
    Outlet("TSN", "1plus1_media", ("TSN", "tsn.ua"), "ua", 4),
    Outlet("Censor.NET", "censor_net", ("Censor.NET", "censor.net", "Censor"), "ua", 5),
    Outlet("Ukrinform", "ukrinform", ("Ukrinform", "ukrinform.net"), "ua", 7),
    Outlet("Hromadske", "hromadske", ("Hromadske", "hromadske.ua"), "ua", 4),
    Outlet("Suspilne", "suspilne", ("Suspilne", "Suspilne News", "suspilne.media"), "ua", 7),
    Outlet("Kyiv Post", "kyiv_post", ("Kyiv Post", "kyivpost.com"), "ua", 4),
    Outlet("RBC-Ukraine", "rbc_ukraine", ("RBC-Ukraine", "rbc.ua", "RBC Ukraine"), "ua", 6),
    Outlet("TASS", "russian_state_media", ("TASS", "tass.com", "tass.ru"), "ru", 4),
    Outlet("RIA Novosti", "russian_state_media", ("RIA Novosti", "ria.ru"), "ru", 3.5),
    Outlet("RT", "russian_state_media", ("RT", "Russia Today", "rt.com"), "ru", 2),
    Outlet("Zvezda", "russian_state_media", ("Zvezda", "tvzvezda.ru"), "ru", 1.5),
    Outlet("Izvestia", "national_media_group", ("Izvestia", "iz.ru"), "ru", 1.5),
    Outlet("Interfax", "interfax", ("Interfax", "interfax.ru"), "ru", 3),
    Outlet("Meduza", "meduza", ("Meduza", "meduza.io"), "intl", 2),
    Outlet("Reuters", "thomson_reuters", ("Reuters", "reuters.com"), "intl", 6),
    Outlet("Associated Press", "associated_press", ("Associated Press", "AP", "apnews.com"), "intl", 5),
    Outlet("AFP", "afp", ("AFP", "Agence France-Presse", "afp.com"), "intl", 4),
    Outlet("BBC News", "bbc", ("BBC News", "BBC", "bbc.com", "bbc.co.uk"), "intl", 4),
    Outlet("The Guardian", "guardian_media_group", ("The Guardian", "Guardian", "theguardian.com"), "intl", 3),
    Outlet("The New York Times", "new_york_times", ("The New York Times", "New York Times", "nytimes.com"), "intl", 3),
    Outlet(
        "The Washington Post",
        "washington_post",
        ("The Washington Post", "Washington Post", "washingtonpost.com"),
        "intl",
        2.5,
    ),
    Outlet("CNN", "warner_bros_discovery", ("CNN", "cnn.com"), "intl", 3),
    Outlet("Al Jazeera", "al_jazeera", ("Al Jazeera", "aljazeera.com"), "intl", 2.5),
    Outlet("Deutsche Welle", "deutsche_welle", ("Deutsche Welle", "DW", "dw.com"), "intl", 2.5),
    Outlet(
        "Institute for the Study of War",
        "isw",
        ("Institute for the Study of War", "ISW", "understandingwar.org"),
        "intl",
        3,
    ),
)

# category-specific multipliers on outlet weights
OUTLET_CATEGORY_BOOST: dict[tuple[str, str], float] = {
    ("Ekonomichna Pravda", "Infrastructure"): 5.0,
    ("Ekonomichna Pravda", "Diplomacy"): 2.0,
    ("Institute for the Study of War", "Movement"): 3.0,
    ("Institute for the Study of War", "Attack"): 2.0,
    ("Institute for the Study of War", "Statement"): 2.0,
    ("Reuters", "Diplomacy"): 2.0,
    ("Associated Press", "Diplomacy"): 2.0,
    ("AFP", "Diplomacy"): 2.0,
    ("Deutsche Welle", "Diplomacy"): 2.0,
}

# Local outlets that are not in the outlet registry (each is its own ownership group).
# (name, theatre)
UNREGISTERED_OUTLETS: tuple[tuple[str, str], ...] = (
    ("Kharkiv Today", "kharkiv"),
    ("Kupiansk Vestnyk", "kharkiv"),
    ("Kramatorsk Post", "donetsk"),
    ("Donbas Frontline News", "donetsk"),
    ("Zaporizhzhia Online", "south"),
    ("Kherson Now", "south"),
    ("Mykolaiv News 24", "black_sea"),
    ("Odesa Daily", "black_sea"),
    ("Sumy Today", "north"),
    ("Chernihiv Express", "north"),
    ("Dnipro Operatyvnyi", "rear"),
    ("Lviv Portal", "rear"),
)

# --------------------------------------------------------------------------------------------
# Places where events happen (location.name / location.region); also location entities
# --------------------------------------------------------------------------------------------

THEATRE_WEIGHTS: dict[str, float] = {
    "kharkiv": 24,
    "donetsk": 24,
    "south": 16,
    "black_sea": 10,
    "north": 12,
    "rear": 14,
}


@dataclass(frozen=True)
class Place:
    name: str  # canonical
    variants: tuple[str, ...]  # spellings, most common first
    region: str | None  # canonical region (location.region)
    side: str  # "ua" or "ru" (Russian territory / occupied Crimea)
    theatre: str
    weight: float = 1.0


PLACES: tuple[Place, ...] = (
    # Place(canonical, spellings, region, side, theatre, weight)
    Place("Izium", ("Izium", "Izyum"), "Kharkiv Oblast", "ua", "kharkiv", 3),
    Place("Kupiansk", ("Kupiansk", "Kupyansk", "Koupiansk"), "Kharkiv Oblast", "ua", "kharkiv", 4),
    Place("Balakliia", ("Balakliia", "Balakliya"), "Kharkiv Oblast", "ua", "kharkiv", 2),
    Place("Vovchansk", ("Vovchansk", "Volchansk"), "Kharkiv Oblast", "ua", "kharkiv", 3),
    Place("Kharkiv", ("Kharkiv", "Kharkov"), "Kharkiv Oblast", "ua", "kharkiv", 5),
    Place("Lyptsi", ("Lyptsi", "Liptsi"), "Kharkiv Oblast", "ua", "kharkiv", 1),
    Place("Bakhmut", ("Bakhmut", "Artemivsk", "Artyomovsk"), "Donetsk Oblast", "ua", "donetsk", 2),
    Place("Avdiivka", ("Avdiivka", "Avdeevka", "Avdeyevka"), "Donetsk Oblast", "ua", "donetsk", 2),
    Place("Pokrovsk", ("Pokrovsk", "Krasnoarmeysk"), "Donetsk Oblast", "ua", "donetsk", 4),
    Place("Kramatorsk", ("Kramatorsk",), "Donetsk Oblast", "ua", "donetsk", 3),
    Place("Sloviansk", ("Sloviansk", "Slovyansk", "Slavyansk"), "Donetsk Oblast", "ua", "donetsk", 2),
    Place(
        "Kostiantynivka", ("Kostiantynivka", "Kostyantynivka", "Konstantinovka"), "Donetsk Oblast", "ua", "donetsk", 3
    ),
    Place("Chasiv Yar", ("Chasiv Yar", "Chasov Yar"), "Donetsk Oblast", "ua", "donetsk", 2),
    Place("Lyman", ("Lyman", "Krasny Liman"), "Donetsk Oblast", "ua", "donetsk", 1.5),
    Place("Zaporizhzhia", ("Zaporizhzhia", "Zaporozhye", "Zaporizhia"), "Zaporizhzhia Oblast", "ua", "south", 5),
    Place("Orikhiv", ("Orikhiv", "Orekhov"), "Zaporizhzhia Oblast", "ua", "south", 2),
    Place("Huliaipole", ("Huliaipole", "Gulyaipole"), "Zaporizhzhia Oblast", "ua", "south", 1.5),
    Place("Enerhodar", ("Enerhodar", "Energodar"), "Zaporizhzhia Oblast", "ua", "south", 1),
    Place("Kherson", ("Kherson",), "Kherson Oblast", "ua", "south", 5),
    Place("Nikopol", ("Nikopol",), "Dnipropetrovsk Oblast", "ua", "south", 2),
    Place("Odesa", ("Odesa", "Odessa"), "Odesa Oblast", "ua", "black_sea", 5),
    Place("Izmail", ("Izmail", "Izmayil"), "Odesa Oblast", "ua", "black_sea", 1),
    Place("Mykolaiv", ("Mykolaiv", "Nikolaev", "Mykolayiv"), "Mykolaiv Oblast", "ua", "black_sea", 3),
    Place("Crimea", ("Crimea", "Krym"), None, "ru", "black_sea", 2),
    Place("Sevastopol", ("Sevastopol",), "Crimea", "ru", "black_sea", 1.5),
    Place("Dzhankoi", ("Dzhankoi", "Dzhankoy"), "Crimea", "ru", "black_sea", 0.8),
    Place("Sumy", ("Sumy",), "Sumy Oblast", "ua", "north", 4),
    Place("Chernihiv", ("Chernihiv", "Chernigov"), "Chernihiv Oblast", "ua", "north", 2),
    Place("Belgorod", ("Belgorod", "Bilhorod"), "Belgorod Oblast", "ru", "north", 3),
    Place("Shebekino", ("Shebekino", "Shebekyne"), "Belgorod Oblast", "ru", "north", 1),
    Place("Kursk", ("Kursk",), "Kursk Oblast", "ru", "north", 2),
    Place("Sudzha", ("Sudzha", "Sudja"), "Kursk Oblast", "ru", "north", 1.5),
    Place("Bryansk", ("Bryansk",), "Bryansk Oblast", "ru", "north", 1),
    Place("Kyiv", ("Kyiv", "Kiev"), "Kyiv Oblast", "ua", "rear", 6),
    Place("Lviv", ("Lviv", "Lvov"), "Lviv Oblast", "ua", "rear", 2),
    Place("Dnipro", ("Dnipro",), "Dnipropetrovsk Oblast", "ua", "rear", 4),
    Place("Kryvyi Rih", ("Kryvyi Rih", "Krivoy Rog"), "Dnipropetrovsk Oblast", "ua", "rear", 2),
    Place("Poltava", ("Poltava",), "Poltava Oblast", "ua", "rear", 1.5),
)

# --------------------------------------------------------------------------------------------
# Entity catalog
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entity:
    name: str  # canonical name
    type: str  # one of ENTITY_TYPES
    variants: tuple[str, ...]  # spellings the platform emits, most common first
    roles: tuple[str, ...] = ()  # template roles the entity can fill ("ru_body", "drone", ...)
    theatre: str = ""  # front the entity belongs to ("" = any)
    region: str = ""  # region an official governs (for the "governor" role)
    weight: float = 1.0  # how often it is mentioned in passing


def _e(
    name: str,
    type_: str,
    variants: tuple[str, ...],
    roles: str = "",
    theatre: str = "",
    region: str = "",
    weight: float = 1.0,
) -> Entity:
    return Entity(name, type_, variants, tuple(roles.split()), theatre, region, weight)


# Regions (location entities). "Kharkiv" (city) and "Kharkiv Oblast" (region) are distinct.
REGION_ENTITIES: tuple[Entity, ...] = (
    # _e(canonical, type, spellings, roles, theatre, ...)
    _e("Kharkiv Oblast", LOC, ("Kharkiv Oblast", "Kharkiv region"), "region", "kharkiv", weight=3),
    _e("Donetsk Oblast", LOC, ("Donetsk Oblast", "Donetsk region"), "region", "donetsk", weight=3),
    _e(
        "Zaporizhzhia Oblast",
        LOC,
        ("Zaporizhzhia Oblast", "Zaporizhzhia region", "Zaporozhye region"),
        "region",
        "south",
        weight=2,
    ),
    _e("Kherson Oblast", LOC, ("Kherson Oblast", "Kherson region"), "region", "south"),
    _e("Dnipropetrovsk Oblast", LOC, ("Dnipropetrovsk Oblast", "Dnipropetrovsk region"), "region", "rear"),
    _e("Odesa Oblast", LOC, ("Odesa Oblast", "Odessa region"), "region", "black_sea"),
    _e("Mykolaiv Oblast", LOC, ("Mykolaiv Oblast", "Mykolaiv region"), "region", "black_sea"),
    _e("Sumy Oblast", LOC, ("Sumy Oblast", "Sumy region"), "region", "north"),
    _e("Chernihiv Oblast", LOC, ("Chernihiv Oblast", "Chernihiv region"), "region", "north"),
    _e("Belgorod Oblast", LOC, ("Belgorod Oblast", "Belgorod region"), "region", "north"),
    _e("Kursk Oblast", LOC, ("Kursk Oblast", "Kursk region"), "region", "north"),
    _e("Bryansk Oblast", LOC, ("Bryansk Oblast", "Bryansk region"), "region", "north"),
    _e("Kyiv Oblast", LOC, ("Kyiv Oblast", "Kyiv region"), "region", "rear"),
    _e("Lviv Oblast", LOC, ("Lviv Oblast", "Lviv region"), "region", "rear"),
    _e("Poltava Oblast", LOC, ("Poltava Oblast", "Poltava region"), "region", "rear"),
)

ENTITIES_MAIN: tuple[Entity, ...] = (
    # ---- other locations (villages, facilities, countries) -----------------------------------
    # _e(canonical, type, spellings, roles, theatre, ...)
    _e("Hlyboke", LOC, ("Hlyboke", "Hluboke"), "village", "kharkiv"),
    _e("Strilecha", LOC, ("Strilecha", "Streletche", "Streletskoye"), "village", "kharkiv"),
    _e("Velykyi Burluk", LOC, ("Velykyi Burluk", "Velyky Burluk"), "village", "kharkiv"),
    _e("Dvorichna", LOC, ("Dvorichna", "Dvurechnaya"), "village", "kharkiv"),
    _e("Synkivka", LOC, ("Synkivka", "Sinkovka"), "village", "kharkiv"),
    _e("Ocheretyne", LOC, ("Ocheretyne", "Ocheretino"), "village", "donetsk"),
    _e("Klishchiivka", LOC, ("Klishchiivka", "Kleshcheevka"), "village", "donetsk"),
    _e("Toretsk", LOC, ("Toretsk",), "village", "donetsk"),
    _e("Vuhledar", LOC, ("Vuhledar", "Ugledar"), "village", "donetsk"),
    _e("Robotyne", LOC, ("Robotyne", "Rabotino"), "village", "south"),
    _e("Krynky", LOC, ("Krynky", "Krinki"), "village", "south"),
    _e("Nova Kakhovka", LOC, ("Nova Kakhovka", "Novaya Kakhovka"), "village", "south"),
    _e(
        "Zaporizhzhia Nuclear Power Plant",
        LOC,
        ("Zaporizhzhia Nuclear Power Plant", "Zaporizhzhia NPP", "ZNPP"),
        "znpp",
        "south",
    ),
    _e("Chornomorsk", LOC, ("Chornomorsk", "Chernomorsk"), "village", "black_sea"),
    _e("Ochakiv", LOC, ("Ochakiv", "Ochakov"), "village", "black_sea"),
    _e("Crimean Bridge", LOC, ("Crimean Bridge", "Kerch Bridge"), "village", "black_sea"),
    _e("Shostka", LOC, ("Shostka",), "village", "north"),
    _e("Bila Tserkva", LOC, ("Bila Tserkva", "Belaya Tserkov"), "village", "rear"),
    _e("Pavlohrad", LOC, ("Pavlohrad", "Pavlograd"), "village", "rear"),
    _e("Donbas", LOC, ("Donbas", "Donbass"), "", "donetsk", weight=2),
    _e("Russian Federation", LOC, ("Russian Federation", "Russia"), "", "", weight=2),
    _e("Black Sea", LOC, ("Black Sea",), "", "black_sea"),
    # ---- military units -------------------------------------------------------------------
    _e("Armed Forces of Ukraine", MIL, ("Armed Forces of Ukraine", "Ukrainian Armed Forces"), "ua_army", weight=4),
    _e(
        "Armed Forces of the Russian Federation",
        MIL,
        ("Armed Forces of the Russian Federation", "Russian Armed Forces"),
        "ru_army",
        weight=3,
    ),
    _e("Ukrainian forces", MIL, ("Ukrainian forces", "Ukrainian troops", "Ukrainian defenders"), "ua_force", weight=4),
    _e(
        "Russian forces",
        MIL,
        ("Russian forces", "Russian troops", "Russian army", "Russian military"),
        "ru_force",
        weight=4,
    ),
    _e(
        "Defence Forces of Ukraine",
        MIL,
        ("Defence Forces of Ukraine", "Defense Forces of Ukraine"),
        "ua_army",
        weight=2,
    ),
    _e(
        "State Border Guard Service of Ukraine",
        MIL,
        ("State Border Guard Service of Ukraine", "Ukrainian Border Guard Service", "State Border Service of Ukraine"),
        "ua_body",
        weight=2,
    ),
    _e(
        "Ukrainian Air Force",
        MIL,
        ("Ukrainian Air Force", "Air Force of the Armed Forces of Ukraine", "Air Force of Ukraine"),
        "ua_air ua_body",
        weight=2,
    ),
    _e("Ukrainian Navy", MIL, ("Ukrainian Navy", "Naval Forces of Ukraine"), "", "black_sea"),
    _e("National Guard of Ukraine", MIL, ("National Guard of Ukraine", "Ukrainian National Guard"), "ua_unit"),
    _e(
        "Territorial Defense Forces",
        MIL,
        ("Territorial Defense Forces", "Territorial Defence Forces of Ukraine"),
        "ua_unit",
    ),
    _e(
        "93rd Mechanized Brigade",
        MIL,
        ("93rd Mechanized Brigade", "93rd Separate Mechanized Brigade", "93rd Brigade Kholodnyi Yar"),
        "ua_unit",
        "donetsk",
        weight=3,
    ),
    _e(
        "3rd Assault Brigade",
        MIL,
        ("3rd Assault Brigade", "3rd Separate Assault Brigade"),
        "ua_unit",
        "kharkiv",
        weight=3,
    ),
    _e(
        "47th Mechanized Brigade",
        MIL,
        ("47th Mechanized Brigade", "47th Separate Mechanized Brigade Magura"),
        "ua_unit",
        "donetsk",
    ),
    _e("92nd Assault Brigade", MIL, ("92nd Assault Brigade", "92nd Separate Assault Brigade"), "ua_unit", "kharkiv"),
    _e("36th Marine Brigade", MIL, ("36th Marine Brigade", "36th Separate Marine Brigade"), "ua_unit", "south"),
    _e(
        "79th Air Assault Brigade",
        MIL,
        ("79th Air Assault Brigade", "79th Separate Air Assault Brigade"),
        "ua_unit",
        "donetsk",
    ),
    _e(
        "65th Mechanized Brigade",
        MIL,
        ("65th Mechanized Brigade", "65th Separate Mechanized Brigade"),
        "ua_unit",
        "south",
    ),
    _e(
        "127th Separate Brigade",
        MIL,
        ("127th Separate Brigade", "127th Territorial Defense Brigade"),
        "ua_unit",
        "kharkiv",
    ),
    _e(
        "247th Independent Battalion",
        MIL,
        ("247th Independent Battalion", "247th Separate Battalion"),
        "ua_unit",
        "kharkiv",
    ),
    _e(
        "Azov Brigade", MIL, ("Azov Brigade", "12th Special Forces Brigade Azov", "Azov Regiment"), "ua_unit", "donetsk"
    ),
    _e("Kraken unit", MIL, ("Kraken unit", "Kraken special unit"), "ua_unit", "kharkiv"),
    _e("Khortytsia group", MIL, ("Khortytsia group", "Operational-Strategic Group Khortytsia"), "ua_unit", "donetsk"),
    _e("Tavria group", MIL, ("Tavria group", "Operational-Strategic Group Tavria"), "ua_unit", "south"),
    _e("1st Guards Tank Army", MIL, ("1st Guards Tank Army",), "ru_unit", "kharkiv", weight=3),
    _e("2nd Guards Tank Army", MIL, ("2nd Guards Tank Army",), "ru_unit", "donetsk", weight=3),
    _e("Western Military District", MIL, ("Western Military District",), "ru_unit", "kharkiv"),
    _e("Southern Military District", MIL, ("Southern Military District",), "ru_unit", "south"),
    _e("Leningrad Military District", MIL, ("Leningrad Military District",), "ru_unit", "kharkiv"),
    _e("Wagner Group", MIL, ("Wagner Group", "Wagner PMC", "Wagner mercenaries"), "ru_unit", "donetsk", weight=3),
    _e("58th Combined Arms Army", MIL, ("58th Combined Arms Army", "58th Army"), "ru_unit", "south"),
    _e(
        "20th Combined Arms Army",
        MIL,
        ("20th Combined Arms Army", "20th Guards Combined Arms Army"),
        "ru_unit",
        "kharkiv",
    ),
    _e(
        "76th Guards Air Assault Division",
        MIL,
        ("76th Guards Air Assault Division", "76th Air Assault Division"),
        "ru_unit",
        "south",
    ),
    _e(
        "155th Marine Brigade",
        MIL,
        ("155th Marine Brigade", "155th Separate Guards Marine Brigade"),
        "ru_unit",
        "donetsk",
    ),
    _e("Sever Group of Forces", MIL, ("Sever Group of Forces", "North group of forces"), "ru_unit", "north"),
    _e("Black Sea Fleet", MIL, ("Black Sea Fleet", "Russian Black Sea Fleet"), "ru_unit", "black_sea"),
    _e("Akhmat special forces", MIL, ("Akhmat special forces", "Akhmat battalion"), "ru_unit", "north"),
    _e("Russian Airborne Forces", MIL, ("Russian Airborne Forces", "VDV"), "ru_unit"),
    # ---- organisations --------------------------------------------------------------------
    _e(
        "Russian Ministry of Defense",
        ORG,
        ("Russian Ministry of Defense", "Ministry of Defence of Russia", "Russian Ministry of Defence", "Russian MoD"),
        "ru_body",
        weight=3,
    ),
    _e(
        "Ministry of Defence of Ukraine",
        ORG,
        ("Ministry of Defence of Ukraine", "Ukrainian Ministry of Defense", "Ukrainian Defence Ministry"),
        "ua_body",
        weight=2,
    ),
    _e(
        "General Staff of the Armed Forces of Ukraine",
        ORG,
        (
            "General Staff of the Armed Forces of Ukraine",
            "Ukrainian General Staff",
            "Staff of the Armed Forces of Ukraine",
            "General Staff of Ukraine",
        ),
        "ua_body",
        weight=3,
    ),
    _e(
        "Strategic Communications Unit of the Armed Forces of Ukraine",
        ORG,
        ("Strategic Communications Unit of the Armed Forces of Ukraine", "StratCom of the Armed Forces of Ukraine"),
        "ua_body",
    ),
    _e(
        "Defence Intelligence of Ukraine",
        ORG,
        ("Defence Intelligence of Ukraine", "Main Intelligence Directorate of Ukraine", "HUR"),
        "ua_intel",
    ),
    _e("Security Service of Ukraine", ORG, ("Security Service of Ukraine", "SBU"), "ua_intel"),
    _e(
        "State Emergency Service of Ukraine",
        ORG,
        ("State Emergency Service of Ukraine", "State Emergency Service", "SES of Ukraine"),
        "ua_emergency",
        weight=2,
    ),
    _e("National Police of Ukraine", ORG, ("National Police of Ukraine", "Ukrainian National Police"), "ua_emergency"),
    _e(
        "Office of the President of Ukraine",
        ORG,
        ("Office of the President of Ukraine", "Presidential Office of Ukraine"),
        "",
    ),
    _e(
        "Ministry of Foreign Affairs of Ukraine",
        ORG,
        ("Ministry of Foreign Affairs of Ukraine", "Ukrainian Foreign Ministry"),
        "",
    ),
    _e("Kremlin", ORG, ("Kremlin",), ""),
    _e(
        "Russian Foreign Ministry",
        ORG,
        ("Russian Foreign Ministry", "Ministry of Foreign Affairs of Russia", "Russian MFA"),
        "",
    ),
    _e("Pentagon", ORG, ("Pentagon", "US Pentagon", "US Department of Defense"), "pentagon intl_org", weight=1.5),
    _e("NATO", ORG, ("NATO", "North Atlantic Treaty Organization"), "nato", weight=2),
    _e("IAEA", ORG, ("IAEA", "International Atomic Energy Agency"), "iaea intl_org", weight=2),
    _e(
        "UN OCHA",
        ORG,
        ("UN OCHA", "UN Office for the Coordination of Humanitarian Affairs", "OCHA"),
        "hum_org intl_org",
        weight=2.5,
    ),
    _e("ICRC", ORG, ("ICRC", "International Committee of the Red Cross"), "hum_org intl_org", weight=2.5),
    _e("UNHCR", ORG, ("UNHCR", "UN Refugee Agency"), "hum_org"),
    _e("World Health Organization", ORG, ("World Health Organization", "WHO"), "hum_org"),
    _e("United Nations", ORG, ("United Nations", "UN"), "intl_org"),
    _e("European Union", ORG, ("European Union", "EU"), "eu"),
    _e("Institute for the Study of War", ORG, ("Institute for the Study of War", "ISW"), "isw"),
    _e("Ukrenergo", ORG, ("Ukrenergo", "NPC Ukrenergo"), "ua_energy"),
    _e("DTEK", ORG, ("DTEK",), "ua_energy"),
    _e("Naftogaz", ORG, ("Naftogaz", "Naftogaz of Ukraine"), "ua_energy"),
    _e("Energoatom", ORG, ("Energoatom", "NNEGC Energoatom"), "ua_energy", "south"),
    _e("Rosatom", ORG, ("Rosatom",), "", "south"),
    _e(
        "Coordination Headquarters for the Treatment of Prisoners of War",
        ORG,
        ("Coordination Headquarters for the Treatment of Prisoners of War", "Coordination HQ for POWs"),
        "",
    ),
    _e("Human Rights Watch", ORG, ("Human Rights Watch", "HRW"), ""),
    # ---- people ---------------------------------------------------------------------------
    _e(
        "Volodymyr Zelenskyy",
        PER,
        ("Volodymyr Zelenskyy", "Volodymyr Zelensky", "Zelenskyy", "Zelensky"),
        "ua_official",
        weight=3,
    ),
    _e(
        "Oleksandr Syrskyi", PER, ("Oleksandr Syrskyi", "Oleksandr Syrsky", "Alexander Syrsky"), "ua_official", weight=3
    ),
    _e("Anna Malyar", PER, ("Anna Malyar", "Hanna Maliar", "Hanna Malyar"), "ua_official", weight=2.5),
    _e("Rustem Umerov", PER, ("Rustem Umerov",), "ua_official"),
    _e("Andriy Yermak", PER, ("Andriy Yermak", "Andrii Yermak"), "ua_official"),
    _e("Kyrylo Budanov", PER, ("Kyrylo Budanov", "Kirill Budanov"), "ua_official"),
    _e("Andrii Sybiha", PER, ("Andrii Sybiha", "Andriy Sybiha"), "ua_official"),
    _e("Ihor Klymenko", PER, ("Ihor Klymenko", "Igor Klymenko"), "ua_official"),
    _e("Dmytro Lubinets", PER, ("Dmytro Lubinets", "Dmitry Lubinets"), "ua_official"),
    _e("Yurii Ihnat", PER, ("Yurii Ihnat", "Yuriy Ihnat", "Yuri Ignat"), "ua_official"),
    _e("Andriy Demchenko", PER, ("Andriy Demchenko", "Andrii Demchenko"), "ua_official", "north"),
    _e("Dmytro Lykhovii", PER, ("Dmytro Lykhovii", "Dmytro Lykhoviy"), "ua_official", "south"),
    _e("Nazar Voloshyn", PER, ("Nazar Voloshyn",), "ua_official", "donetsk"),
    _e(
        "Oleh Syniehubov",
        PER,
        ("Oleh Syniehubov", "Oleh Synehubov", "Oleg Sinegubov"),
        "governor",
        "kharkiv",
        "Kharkiv Oblast",
    ),
    _e("Ihor Terekhov", PER, ("Ihor Terekhov", "Igor Terekhov"), "", "kharkiv"),
    _e("Vadym Filashkin", PER, ("Vadym Filashkin", "Vadim Filashkin"), "governor", "donetsk", "Donetsk Oblast"),
    _e("Ivan Fedorov", PER, ("Ivan Fedorov",), "governor", "south", "Zaporizhzhia Oblast"),
    _e("Oleksandr Prokudin", PER, ("Oleksandr Prokudin", "Alexander Prokudin"), "governor", "south", "Kherson Oblast"),
    _e("Serhiy Lysak", PER, ("Serhiy Lysak", "Serhii Lysak"), "governor", "rear", "Dnipropetrovsk Oblast"),
    _e("Oleh Kiper", PER, ("Oleh Kiper", "Oleg Kiper"), "governor", "black_sea", "Odesa Oblast"),
    _e("Vitaliy Kim", PER, ("Vitaliy Kim", "Vitalii Kim"), "governor", "black_sea", "Mykolaiv Oblast"),
    _e("Volodymyr Artiukh", PER, ("Volodymyr Artiukh", "Volodymyr Artyukh"), "governor", "north", "Sumy Oblast"),
    _e("Vyacheslav Chaus", PER, ("Vyacheslav Chaus", "Viacheslav Chaus"), "governor", "north", "Chernihiv Oblast"),
    _e("Vitali Klitschko", PER, ("Vitali Klitschko", "Vitaliy Klychko"), "governor", "rear", "Kyiv Oblast"),
    _e("Maksym Kozytskyi", PER, ("Maksym Kozytskyi", "Maksym Kozytsky"), "governor", "rear", "Lviv Oblast"),
    _e("Volodymyr Kohut", PER, ("Volodymyr Kohut",), "governor", "rear", "Poltava Oblast"),
    _e("Vyacheslav Gladkov", PER, ("Vyacheslav Gladkov", "Viacheslav Gladkov"), "governor", "north", "Belgorod Oblast"),
    _e(
        "Alexander Khinshtein",
        PER,
        ("Alexander Khinshtein", "Aleksandr Khinshtein"),
        "governor",
        "north",
        "Kursk Oblast",
    ),
    _e("Alexander Bogomaz", PER, ("Alexander Bogomaz", "Aleksandr Bogomaz"), "governor", "north", "Bryansk Oblast"),
    _e("Sergei Aksyonov", PER, ("Sergei Aksyonov", "Sergey Aksenov"), "governor", "black_sea", "Crimea"),
    _e("Mikhail Razvozhayev", PER, ("Mikhail Razvozhayev", "Mikhail Razvozhaev"), "", "black_sea"),
    _e("Vladimir Putin", PER, ("Vladimir Putin", "Putin"), "ru_official", weight=2),
    _e("Dmitry Peskov", PER, ("Dmitry Peskov", "Dmitriy Peskov"), "ru_official"),
    _e("Maria Zakharova", PER, ("Maria Zakharova", "Mariya Zakharova"), "ru_official"),
    _e("Andrei Belousov", PER, ("Andrei Belousov", "Andrey Belousov"), "ru_official"),
    _e("Sergei Shoigu", PER, ("Sergei Shoigu", "Sergey Shoigu"), "ru_official", weight=2.5),
    _e(
        "Valery Gerasimov",
        PER,
        ("Valery Gerasimov", "Valeriy Gerasimov", "Valerii Herasymov"),
        "ru_official",
        weight=2.5,
    ),
    _e("Igor Konashenkov", PER, ("Igor Konashenkov", "Ihor Konashenkov"), "ru_official"),
    _e("Ramzan Kadyrov", PER, ("Ramzan Kadyrov",), "", "north"),
    _e("Pat Ryder", PER, ("Pat Ryder", "Patrick Ryder"), "intl_official", weight=2.5),
    _e("Rafael Grossi", PER, ("Rafael Grossi", "Rafael Mariano Grossi"), "", "south"),
    _e("Mark Rutte", PER, ("Mark Rutte",), "intl_official"),
    _e("António Guterres", PER, ("António Guterres", "Antonio Guterres"), "intl_official"),
    _e("Kaja Kallas", PER, ("Kaja Kallas",), "intl_official"),
    # ---- weapon systems -------------------------------------------------------------------
    _e("Shahed-136", WPN, ("Shahed-136", "Shahed 136", "Geran-2"), "drone", weight=3),
    _e("Lancet", WPN, ("Lancet", "ZALA Lancet"), "drone", weight=2.5),
    _e("Gerbera", WPN, ("Gerbera",), "decoy"),
    _e("Kalibr", WPN, ("Kalibr", "3M-14 Kalibr"), "missile", weight=2.5),
    _e("Iskander-M", WPN, ("Iskander-M", "Iskander", "9K720 Iskander"), "missile", weight=2.5),
    _e("Kh-101", WPN, ("Kh-101", "X-101"), "missile"),
    _e("Kinzhal", WPN, ("Kinzhal", "Kh-47M2 Kinzhal"), "missile"),
    _e("S-300", WPN, ("S-300",), "missile"),
    _e("Kh-22", WPN, ("Kh-22",), "missile"),
    _e("P-800 Oniks", WPN, ("P-800 Oniks", "Oniks"), "missile", "black_sea"),
    _e("KAB-500", WPN, ("KAB-500", "KAB 500"), "bomb"),
    _e("FAB-500", WPN, ("FAB-500", "FAB-500M-62"), "bomb"),
    _e("FAB-1500", WPN, ("FAB-1500", "FAB 1500"), "bomb"),
    _e("Su-34", WPN, ("Su-34",), "ru_aircraft"),
    _e("Su-35", WPN, ("Su-35", "Su-35S"), "ru_aircraft"),
    _e("Ka-52", WPN, ("Ka-52", "Ka-52 Alligator"), "ru_system"),
    _e("BM-21 Grad", WPN, ("BM-21 Grad", "Grad"), "ru_artillery"),
    _e("TOS-1A", WPN, ("TOS-1A", "TOS-1A Solntsepyok"), "ru_artillery"),
    _e("Tornado-S", WPN, ("Tornado-S",), "ru_artillery"),
    _e(
        "Zoopark counter-battery radar",
        WPN,
        ("Zoopark counter-battery radar", "Zooprark counter-battery radar", "Zoopark-1 radar"),
        "ru_system",
        weight=3,
    ),
    _e("Orlan-10", WPN, ("Orlan-10", "Orlan reconnaissance drone", "Orlan-10 UAV"), "ru_system", weight=3),
    _e(
        "Regata electronic warfare station", WPN, ("Regata electronic warfare station", "Regata EW system"), "ru_system"
    ),
    _e("Tor-M2", WPN, ("Tor-M2", "Tor M2"), "ru_system"),
    _e("T-90M", WPN, ("T-90M", "T-90M Proryv"), "ru_system"),
    _e("HIMARS", WPN, ("HIMARS", "M142 HIMARS"), "ua_weapon", weight=2),
    _e("M777 howitzer", WPN, ("M777 howitzer", "M777"), "ua_weapon"),
    _e("CAESAR howitzer", WPN, ("CAESAR howitzer", "Caesar self-propelled howitzer"), "ua_weapon"),
    _e("Bayraktar TB2", WPN, ("Bayraktar TB2", "Bayraktar"), "ua_weapon", weight=2.5),
    _e("Leopard 2", WPN, ("Leopard 2", "Leopard 2A6"), ""),
    _e("Storm Shadow", WPN, ("Storm Shadow", "Storm Shadow/SCALP"), "ua_missile", weight=2.5),
    _e("ATACMS", WPN, ("ATACMS", "MGM-140 ATACMS"), "ua_missile"),
    _e("Neptune", WPN, ("Neptune", "R-360 Neptune"), "ua_missile"),
    _e("Liutyi", WPN, ("Liutyi", "Lyutyi"), "ua_drone"),
    _e("UJ-26 Bober", WPN, ("UJ-26 Bober", "Bober"), "ua_drone"),
    _e("Magura V5", WPN, ("Magura V5", "Magura V5 naval drone"), "", "black_sea"),
    _e("Patriot", WPN, ("Patriot", "MIM-104 Patriot"), "air_def"),
    _e("IRIS-T", WPN, ("IRIS-T", "IRIS-T SLM"), "air_def"),
    _e("NASAMS", WPN, ("NASAMS",), "air_def"),
)


def _place_entity(p: Place) -> Entity:
    return Entity(p.name, LOC, p.variants, ("place",), p.theatre, "", p.weight)


# The full entity catalog: places, regions, everything else.
ENTITIES: tuple[Entity, ...] = tuple(_place_entity(p) for p in PLACES) + REGION_ENTITIES + ENTITIES_MAIN

# --------------------------------------------------------------------------------------------
# Numbers that templates may mention: name -> (low, high), inclusive
# --------------------------------------------------------------------------------------------

NUMBER_RANGES: dict[str, tuple[int, int]] = {
    "killed": (2, 14),
    "injured": (2, 45),
    "family": (3, 5),
    "drones": (12, 160),
    "missiles": (3, 45),
    "bombs": (2, 25),
    "km": (1, 12),
    "houses": (3, 60),
    "settlements": (2, 40),
    "attacks": (5, 70),
    "tanks": (1, 9),
    "apcs": (2, 20),
    "households": (2_000, 250_000),
    "losses": (900, 1_500),
    "people": (50, 4_000),
    "hours": (3, 36),
}
# derived counts: name -> (source number, min share of it)
NUMBER_DERIVED: dict[str, tuple[str, float]] = {"downed": ("drones", 0.7), "missiles_down": ("missiles", 0.5)}

# --------------------------------------------------------------------------------------------
# Sentence templates
#
# {role} is filled with a spelling of an entity that can play the role (see Entity.roles; "place"
# is the event's location, "place2" another place on the same front, "region" the location's
# region, "governor" the official of that region), {number} with a number from NUMBER_RANGES.
# Roles written as "the {role}" take an article; the first letter is capitalised afterwards.
#
# perspective: "ua" (a Ukrainian claim), "ru" (a Russian claim) or "neutral": Russian state
# outlets tend to doubt "ua" claims, Ukrainian and international outlets doubt "ru" claims.
# where: "ua"/"ru" (side of the location), "any", or a theatre name.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Template:
    text: str
    perspective: str = "neutral"
    where: str = "ua"


T = Template

HEADLINES: dict[str, tuple[Template, ...]] = {
    "Movement": (
        T(
            "{ru_force} withdrew from positions around {place}, which the {ru_body} characterized as a planned "
            "regrouping to increase efforts on the Donetsk front.",
            "neutral",
        ),
        T("The {ua_unit} advanced up to {km} kilometres near {place}, according to the {ua_body}.", "ua"),
        T("{ua_force} regained control of {place2} on the approaches to {place}, {ua_official} said.", "ua"),
        T("The {ru_body} claimed that {ru_force} had captured {place2} near {place}.", "ru"),
        T(
            "{ru_force} are concentrating troops and armour near {place} ahead of a possible offensive in {region}, "
            "the {ua_body} said.",
            "ua",
        ),
        T("{ua_force} crossed the border into {region} near {place}, the {ru_body} said.", "ru", "ru"),
        T("The {ru_body} said {ru_force} had pushed {ua_force} back from villages near {place}.", "ru", "ru"),
    ),
    "Attack": (
        T("{ru_force} attacked positions of the {ua_unit} near {place} with armoured vehicles and infantry.", "ua"),
        T(
            "{ua_force} repelled {attacks} Russian assaults in the {place} direction over the past day, the {ua_body} "
            "said.",
            "ua",
        ),
        T("The {ua_unit} destroyed a Russian {ru_system} near {place} using {ua_weapon}.", "ua"),
        T("The {ru_body} claimed that {ru_force} repelled {attacks} attacks by the {ua_unit} near {place}.", "ru"),
        T(
            "A Ukrainian sabotage and reconnaissance group attacked a border checkpoint near {place}, {governor} said.",
            "ru",
            "ru",
        ),
    ),
    "Shelling": (
        T("Russian artillery shelled residential areas of {place}, damaging {houses} houses, {governor} said.", "ua"),
        T(
            "{ru_force} fired {ru_artillery} rockets at {place}, hitting a school and a market, the {ua_emergency} "
            "reported.",
            "ua",
        ),
        T("{place} came under heavy shelling overnight, {governor} said.", "ua"),
        T("The {ru_body} denied shelling {place} and blamed Ukrainian air defence for the damage.", "ru"),
        T("Ukrainian shelling damaged homes and a power substation in {place}, {governor} said.", "neutral", "ru"),
    ),
    "Airstrike": (
        T("Russian aircraft dropped {bombs} {bomb} glide bombs on {place}, the {ua_body} said.", "ua"),
        T("A Russian {ru_aircraft} struck {place} with guided bombs, killing {killed} people, {governor} said.", "ua"),
        T("The {ua_air} said Ukrainian air defence shot down a Russian {ru_aircraft} over {region}.", "ua"),
        T("The {ru_body} said {ru_aircraft} crews struck Ukrainian troop concentrations near {place}.", "ru"),
    ),
    "Drone strike": (
        T(
            "Russia attacked {place} overnight with {drones} {drone} drones, {downed} of which were shot down, the "
            "{ua_air} said.",
            "ua",
        ),
        T("A {drone} drone hit an apartment building in {place}, injuring {injured} people, {governor} said.", "ua"),
        T("The {ua_unit} used FPV drones to destroy a Russian {ru_system} near {place}.", "ua"),
        T("Ukrainian drones attacked an oil depot in {place}, causing a fire, {governor} said.", "neutral", "ru"),
        T("The {ru_body} said air defences destroyed {drones} Ukrainian drones over {region} overnight.", "ru", "ru"),
        T(
            "Ukrainian {ua_drone} drones struck an airfield near {place}, according to a source in the {ua_intel}.",
            "ua",
            "ru",
        ),
    ),
    "Missile strike": (
        T("Russia struck {place} with {missile} missiles, hitting energy infrastructure, {governor} said.", "ua"),
        T("A Russian {missile} missile hit a residential building in {place}, killing {killed} people.", "ua"),
        T(
            "The {ua_air} said it intercepted {missiles_down} of {missiles} missiles launched at {region}, including "
            "{missile} missiles.",
            "ua",
        ),
        T("The {ru_body} said it struck a Ukrainian command post near {place} with {missile} missiles.", "ru"),
        T("The {ru_body} said air defences shot down {missiles} {ua_missile} missiles over {place}.", "ru", "ru"),
        T("A Ukrainian {ua_missile} strike hit a port facility in {place}, the {ua_body} said.", "ua", "ru"),
    ),
    "Casualties": (
        T(
            "{killed} civilians were killed and {injured} injured in a Russian strike on {place}, {governor} said.",
            "ua",
        ),
        T(
            "The {ua_body} said Russia lost {losses} troops over the past day, with the heaviest fighting near "
            "{place}.",
            "ua",
        ),
        T("A family of {family} was killed when a Russian drone hit their house in {place}.", "ua"),
        T(
            "The {ru_body} claimed that {ua_force} lost up to {losses} soldiers in the {place} direction over the "
            "past week.",
            "ru",
        ),
        T("{killed} people were killed in Ukrainian shelling of {place}, {governor} said.", "ru", "ru"),
    ),
    "Humanitarian": (
        T(
            "The {hum_org} delivered aid to {people} residents of {place} as evacuations continued in {region}.",
            "neutral",
        ),
        T(
            "Authorities announced the mandatory evacuation of families with children from {place} and nearby "
            "villages.",
            "ua",
        ),
        T("{governor} said {people} residents had been evacuated from {place} amid intensified shelling.", "ua"),
        T(
            "{governor} announced the evacuation of {people} children from border districts near {place}.",
            "neutral",
            "ru",
        ),
    ),
    "Infrastructure": (
        T(
            "A Russian attack on energy facilities in {place} left {households} households without power, {ua_energy} "
            "said.",
            "ua",
        ),
        T("{ua_energy} announced emergency power outages in {region} after a massive Russian strike.", "ua"),
        T("A Russian strike damaged a railway bridge near {place}, disrupting supplies to {region}.", "ua"),
        T("The {iaea} said the {znpp} lost its last external power line for several hours.", "neutral", "south"),
        T(
            "A Ukrainian drone attack caused a fire at an electrical substation in {place}, {governor} said.",
            "neutral",
            "ru",
        ),
    ),
    "Diplomacy": (
        T(
            "{ua_official} met {intl_official} to discuss additional {air_def} deliveries and the situation near "
            "{place}.",
            "neutral",
        ),
        T(
            "{nato} allies agreed to speed up deliveries of {air_def} systems to Ukraine, {intl_official} said.",
            "neutral",
        ),
        T(
            "{ru_official} said Moscow was ready for talks but only on the basis of the 'new territorial realities'.",
            "ru",
            "any",
        ),
        T("The {iaea} team rotated at the {znpp} after crossing the front line near {place}.", "neutral", "south"),
        T("{ua_official} and {intl_official} visited {place} to see the damage from recent Russian strikes.", "ua"),
    ),
    "Statement": (
        T("{ru_official} claimed that {ru_force} had taken control of {place}, a claim denied by the {ua_body}.", "ru"),
        T("{ua_official} said the situation near {place} remains difficult but under control.", "ua"),
        T("{intl_official} said Russia had suffered heavy losses in the fighting around {place}.", "neutral"),
        T("The {ua_body} said {ru_force} were preparing a new offensive in {region}.", "ua"),
        T("{ru_official} said Ukrainian attacks on {place} would 'not go unanswered'.", "ru", "ru"),
    ),
}

CLAIMS: dict[str, tuple[Template, ...]] = {
    "Movement": (
        T("{ua_force} liberated {place2} and pushed {ru_force} back from the outskirts of {place}."),
        T("The {pentagon} observed a number of {ru_force} crossing back into Russia from {region}."),
        T("{ru_force} remain present in large numbers near {place} despite the retreat."),
        T("The {ru_unit} was reportedly redeployed to reinforce the line near {place2}."),
        T(
            "{ua_official} said {ua_force} had cleared {settlements} settlements in {region} since the start of the "
            "operation."
        ),
        T("Geolocated footage shows {ua_force} raising the Ukrainian flag in the centre of {place2}."),
        T("The {ru_body} said its units had moved to 'more advantageous positions' east of {place}.", where="any"),
        T(
            "Russian military bloggers reported fighting on the outskirts of {place} as {ua_force} tried to advance.",
            where="ru",
        ),
        T("{governor} said residents of border villages near {place} were being evacuated.", where="ru"),
    ),
    "Attack": (
        T("The assault was supported by {ru_artillery} fire and {drone} drones."),
        T("{ua_force} destroyed {tanks} tanks and {apcs} armoured vehicles during the fighting near {place}."),
        T("The {ua_unit} said the attackers suffered heavy losses and withdrew."),
        T(
            "The {ru_unit} took part in the assault, according to intercepted communications published by the "
            "{ua_intel}."
        ),
        T("Fighting continues on the outskirts of {place2}, {ua_official} said."),
        T("The {ru_body} said {ru_force} had improved their tactical position near {place2}.", where="any"),
        T("Footage released by the {ua_unit} shows a destroyed {ru_system} near {place}."),
        T("{governor} said two border guards were wounded in the attack near {place}.", where="ru"),
        T("The {ru_body} said the sabotage group was destroyed near {place}.", where="ru"),
    ),
    "Shelling": (
        T("At least {injured} people were injured and {houses} private houses damaged in {place}."),
        T("Emergency crews of the {ua_emergency} extinguished fires at several sites in {place}."),
        T("{governor} urged residents of {place} and {place2} to stay in shelters."),
        T(
            "The {ua_body} said Russian artillery carried out {attacks} strikes on settlements in {region} over the "
            "past day."
        ),
        T("Local officials said a gas pipeline was damaged during the shelling of {place2}."),
        T("{governor} said a woman was injured when a shell hit a private house in {place}.", where="ru"),
        T(
            "The {ru_body} said counter-battery fire had suppressed the Ukrainian guns that shelled {place}.",
            where="ru",
        ),
    ),
    "Airstrike": (
        T("The bombs hit an industrial enterprise and several apartment blocks in {place}."),
        T("The {ua_body} recorded {bombs} launches of guided bombs in the {place} direction over the past day."),
        T("{governor} said rescuers were still searching the rubble in {place}."),
        T("{ua_official} again called on partners to supply more {air_def} systems to stop the bombings."),
        T("The {ru_body} said the strikes targeted a temporary deployment point of the {ua_unit}."),
        T("Russian {ru_aircraft} crews launch glide bombs from beyond the range of Ukrainian air defence."),
    ),
    "Drone strike": (
        T("Debris from downed drones damaged {houses} houses and a kindergarten in {place}."),
        T("Mobile fire groups and {air_def} units took part in repelling the attack."),
        T("The {ua_air} said the drones were launched from Kursk, Oryol and Primorsko-Akhtarsk."),
        T("{governor} said there was no critical damage to infrastructure in {region}."),
        T("Some of the drones were {decoy} decoys without warheads, the {ua_air} said."),
        T("The {ru_body} said its forces had struck energy facilities used by the {ua_army}."),
        T(
            "{governor} said a fire broke out at the fuel storage facility in {place} but was quickly contained.",
            where="ru",
        ),
        T("Residents of {place} reported several explosions and air defence activity overnight.", where="ru"),
        T("The {ua_body} later confirmed the strike on military infrastructure in {place}.", where="ru"),
    ),
    "Missile strike": (
        T("The strike damaged a thermal power plant and left parts of {place} without electricity."),
        T("{ua_official} said Russia used {missiles} missiles and {drones} drones in the combined attack."),
        T("Rescuers of the {ua_emergency} pulled {injured} people from the rubble in {place}."),
        T("The {ua_air} said the {missile} missiles were launched from the Black Sea and from Belgorod region."),
        T("The {ru_body} said the strike hit a depot storing ammunition for {ua_weapon} systems.", where="any"),
        T("{intl_official} condemned the strike on {place} as a violation of international humanitarian law."),
        T("{governor} said fragments of the missiles fell on a residential area of {place}.", where="ru"),
        T("Satellite images show damage to an ammunition depot near {place} after the strike.", where="any"),
    ),
    "Casualties": (
        T("Among the dead was a teenager, according to {governor}."),
        T("{injured} people were hospitalised, several of them in serious condition."),
        T("The prosecutor's office opened a war crimes investigation into the strike on {place}."),
        T("{ua_official} said Russian losses near {place} had doubled in recent weeks."),
        T("The {ru_body} did not comment on its own losses near {place}.", where="any"),
        T("The {hum_org} said civilian casualties in {region} had risen sharply this month."),
        T("{governor} said a man was killed when a drone hit his car near {place}.", where="ru"),
    ),
    "Humanitarian": (
        T("Evacuation trains depart daily from {place2} towards western Ukraine."),
        T("The {hum_org} said access to frontline communities near {place} remained severely restricted."),
        T("Volunteers said shops and pharmacies in {place} were closed because of constant shelling."),
        T("About {people} people, including children, remain in {place}, according to {governor}."),
        T("The {ru_body} accused Kyiv of using evacuation routes to move troops.", where="any"),
        T("Temporary accommodation centres were opened in {region} for residents of border villages.", where="ru"),
    ),
    "Infrastructure": (
        T("Repair crews restored power to most consumers in {place} within {hours} hours.", where="any"),
        T("{ua_energy} said generating capacity in the region had been seriously damaged."),
        T("Water supply and heating in parts of {place} were switched to backup generators."),
        T(
            "The {ru_body} said the strikes targeted energy facilities supplying Ukrainian defence industry "
            "enterprises."
        ),
        T("{intl_official} said repeated strikes on the energy system endanger millions of civilians."),
        T("The {iaea} said it was monitoring the situation at the {znpp} after the attack.", where="south"),
        T("{governor} said power was restored to most of {place} by the evening.", where="ru"),
    ),
    "Diplomacy": (
        T(
            "{intl_official} said the alliance would continue to support Ukraine 'for as long as it takes'.",
            where="any",
        ),
        T("{ru_official} warned that deliveries of {ua_missile} missiles would lead to escalation.", where="any"),
        T("{ua_official} said Ukraine needs at least seven more {air_def} systems to protect its cities.", where="any"),
        T("The {eu} approved a new package of sanctions against Russia.", where="any"),
        T("{ru_official} called the meeting 'a continuation of Western interference'.", where="any"),
        T("The talks also covered the return of deported Ukrainian children.", where="any"),
    ),
    "Statement": (
        T("{ua_official} said {ua_force} continue to hold their positions near {place}."),
        T("The {ru_body} published a video purportedly showing {ru_force} in the centre of {place2}."),
        T("The {isw} said geolocated footage did not confirm the Russian claims about {place}."),
        T(
            "{ru_official} said the 'special military operation' would continue until all its goals are achieved.",
            where="any",
        ),
        T("{ua_official} called on partners to speed up deliveries of {ua_weapon} and {air_def} systems.", where="any"),
        T("{governor} said the attacks on {place} had intensified over the past week.", where="ru"),
    ),
}

# Claims of an outlet that contradicts the event (tone "doubtful").
DOUBT_CLAIMS: dict[str, tuple[Template, ...]] = {
    # a Russian state outlet doubting a Ukrainian / neutral claim
    "ru": (
        T("The {ru_body} dismissed the reports about {place} as Ukrainian disinformation.", where="any"),
        T("{ru_official} denied that Russian forces had struck civilian targets in {place}.", where="any"),
        T(
            "Russian officials said the footage from {place} was staged and called the reports a provocation.",
            where="any",
        ),
        T("The {ru_body} insisted that its forces continue to hold positions near {place}.", where="any"),
    ),
    # a Ukrainian or international outlet doubting a Russian claim
    "ua": (
        T("The {ua_body} denied the claim, saying {ua_force} continue to hold positions near {place}.", where="any"),
        T("{ua_official} called the Russian statement about {place} 'a fake'.", where="any"),
        T("The {isw} found no visual evidence supporting the Russian claim about {place}.", where="any"),
    ),
    "any": (
        T("Local officials in {place} could not confirm the reports, and details remain unclear.", where="any"),
        T("The claims about {place} could not be independently verified.", where="any"),
    ),
}

HEADLINE_EDITS: tuple[str, ...] = (
    ", officials said later",
    ", according to updated reports",
    ", local authorities confirmed",
    ", the regional administration said",
    ", according to preliminary data",
)
UNCONFIRMED_SUFFIX = ", according to unconfirmed reports"

ASSESSMENTS: dict[str, tuple[str, ...]] = {
    "Verified": (
        "Multiple high-reliability sources confirm the core facts of this event.",
        "Independent outlets from different media groups report consistent details.",
    ),
    "Corroborated": (
        "Two or more independent outlets report the event; some details remain unconfirmed.",
        "Core facts are corroborated, but figures differ between sources.",
    ),
    "Single source": (
        "Only one source has reported this event so far.",
        "Awaiting independent confirmation from other outlets.",
    ),
    "Disputed": (
        "Sources contradict each other on the key facts of this event.",
        "Russian state media deny the reports; independent confirmation is limited.",
    ),
    "Unverified": (
        "Reports are tentative and no outlet states the facts with confidence.",
        "The event is mentioned only in hedged terms; treat with caution.",
    ),
}

# Unknown extra fields (schema drift, not a defect): key -> possible values.
DRIFT_FIELDS: tuple[tuple[str, tuple[object, ...]], ...] = (
    ("language", ("uk", "ru", "en")),
    (
        "translation",
        (
            {"source_language": "uk", "engine": "mt-4", "confidence": 0.93},
            {"source_language": "ru", "engine": "mt-4", "confidence": 0.88},
        ),
    ),
    ("image_count", (0, 1, 2, 4)),
    ("tags", (["frontline"], ["energy", "air-defence"], ["civilians"], ["border"])),
)

# --------------------------------------------------------------------------------------------
# Defects (contract §3); planted at --defect-rate, cycling through this order
# --------------------------------------------------------------------------------------------

DEFECT_KINDS: tuple[str, ...] = (
    "extracted_at_unparseable",
    "extracted_at_in_future",
    "source_story_id_missing",
    "source_story_id_not_digits",
    "source_count_mismatch",
    "sources_list_mismatch",
    "status_inconsistent",
    "unknown_tone",
    "unknown_entity_type",
    "conflicting_duplicate",
    "malformed_json",
    "missing_required_field",
    "not_an_object",
    "empty_source_reports",
    "unknown_category",
)
FUTURE_YEAR = 2099
UNKNOWN_TONES: tuple[str, ...] = ("probable", "confirmed", "unlikely", "unclear")
UNKNOWN_ENTITY_TYPES: tuple[str, ...] = ("vehicle", "event", "facility", "equipment")
UNKNOWN_CATEGORIES: tuple[str, ...] = ("Cyberattack", "Sabotage", "Naval incident", "Protest")
