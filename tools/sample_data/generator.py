"""Deterministic generator of realistic JSON Lines event exports (contract §1), with planted defects.

Pure functions only: no clock, no I/O except in :func:`write_files`/:func:`write`, randomness from
``random.Random`` streams derived from the seed (one stream per concern, so changing the defect
rate does not change the events). The same arguments always give byte-identical output.

Entry points:

* :func:`build_export` -> :class:`Export` (files, planted defects, re-extracted event ids)
* :func:`generate` -> ``{file name: [line, ...]}`` (lines without the trailing newline)
* :func:`planted_defects` -> ``[PlantedDefect(kind, file, line, event_id), ...]``
* :func:`write` / :func:`write_files` -> write ``events-YYYY-MM-DD.jsonl`` files to a directory

The list of planted defects is never written to the output directory: the warehouse ingests
every ``*.jsonl``/``*.txt`` file it finds there.
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from . import catalog as C

DEFAULT_DEFECT_RATE = 0.03

REEXTRACTION_RATE = 0.08  # share of events extracted again on a later day
DRIFT_RATE = 0.03  # share of records with an unknown extra field
UNREGISTERED_OUTLET_RATE = 0.02  # share of events with one unregistered local outlet
CATEGORY_VARIATION_RATE = 0.05  # share of categories written with other case / spacing
REGION_NULL_RATE = 0.07  # share of locations without a region
EXTRACTOR_VERSION_RATE = 0.70  # share of records carrying extraction.extractor_version
ASSESSMENT_RATE = 0.65  # share of records carrying verification.assessment
TYPO_RATE = 0.01  # share of entity mentions with a doubled / swapped letter
HEADLINE_AS_FIRST_CLAIM = 0.5  # the first report often repeats the headline (as in the sample)
UNCONFIRMED_SUFFIX_RATE = 0.4  # "possible" claims that say "according to unconfirmed reports"

OUTLETS_PER_EVENT = {1: 30, 2: 30, 3: 20, 4: 10, 5: 6, 6: 4}
CLAIMS_PER_OUTLET = {1: 60, 2: 28, 3: 12}
EVENTS_PER_STORY = {1: 60, 2: 28, 3: 12}
ENTITY_MENTIONS_LOGNORMAL = (2.3, 0.45)  # mu, sigma of the target number of entity mentions
MAX_ENTITY_MENTIONS = 45

MS_PER_DAY = 86_400_000
STORY_ID_RANGE = (7_000_000, 10_000_000)  # 7-digit story ids

# tone weights (certain, likely, possible, doubtful) by outlet side and event perspective
STANCE_WEIGHTS: dict[str, dict[str, tuple[float, ...]]] = {
    "ua": {"ua": (66, 24, 9, 1), "neutral": (64, 25, 10, 1), "ru": (22, 28, 35, 15)},
    "intl": {"ua": (48, 35, 16, 1), "neutral": (52, 32, 15, 1), "ru": (20, 35, 37, 8)},
    "ru": {"ua": (22, 22, 30, 26), "neutral": (50, 25, 17, 8), "ru": (72, 22, 5, 1)},
}
RU_OUTLET_BOOST = 3.0  # Russian outlets on Russian claims / events on Russian territory

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

GENERIC_CLAIMS: tuple[C.Template, ...] = (
    C.Template("Details of what happened in {place} are still being clarified.", where="any"),
    C.Template("Officials said more information would be released later.", where="any"),
    C.Template("Local Telegram channels published videos from {place} shortly after the first reports.", where="any"),
)

_T = TypeVar("_T")

# --------------------------------------------------------------------------------------------
# Public result types
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlantedDefect:
    kind: str  # one of catalog.DEFECT_KINDS
    file: str  # file name, e.g. events-2026-05-24.jsonl
    line: int  # 1-based line number within the file
    event_id: str


@dataclass
class Export:
    files: dict[str, list[str]]  # file name -> lines (no trailing newline)
    defects: list[PlantedDefect]
    reextracted: list[str] = field(default_factory=list)  # event ids extracted again later
    events: int = 0  # distinct events generated

    @property
    def line_count(self) -> int:
        return sum(len(lines) for lines in self.files.values())


@dataclass
class WrittenExport:
    """What :func:`write` streamed to disk (the lines themselves are only in the files)."""

    files: list[tuple[Path, int]] = field(default_factory=list)  # (path, lines)
    defects: list[PlantedDefect] = field(default_factory=list)
    reextracted: int = 0
    events: int = 0

    @property
    def line_count(self) -> int:
        return sum(n for _, n in self.files)


# --------------------------------------------------------------------------------------------
# Catalog indexes
# --------------------------------------------------------------------------------------------

OUTLET_BY_NAME: dict[str, C.Outlet] = {o.name: o for o in C.OUTLETS}
ENTITY_BY_NAME: dict[str, C.Entity] = {e.name: e for e in C.ENTITIES}
GOVERNOR_BY_REGION: dict[str, C.Entity] = {e.region: e for e in C.ENTITIES if "governor" in e.roles and e.region}


def _unregistered(name: str) -> C.Outlet:
    return C.Outlet(name, f"unregistered:{name}", (name,), "ua", 0.0)


def outlet_canonical(spelling: str) -> str:
    """Canonical outlet for a spelling (unregistered outlets are their own canonical name)."""
    return _SPELLING_TO_OUTLET.get(spelling, spelling)


_SPELLING_TO_OUTLET: dict[str, str] = {v: o.name for o in C.OUTLETS for v in o.variants}

_pool_cache: dict[tuple[str, str], tuple[list[C.Entity], list[float]]] = {}


def _role_pool(role: str, theatre: str) -> tuple[list[C.Entity], list[float]]:
    """Entities that can play ``role`` on ``theatre`` (same theatre x3, theatre-less x1)."""
    key = (role, theatre)
    if key not in _pool_cache:
        cands = [e for e in C.ENTITIES if role in e.roles]
        local = [(e, e.weight * (3.0 if e.theatre == theatre else 1.0)) for e in cands if e.theatre in ("", theatre)]
        if not local:
            local = [(e, e.weight) for e in cands]
        _pool_cache[key] = ([e for e, _ in local], [w for _, w in local])
    return _pool_cache[key]


def _filler_pool(theatre: str) -> tuple[list[C.Entity], list[float]]:
    """Entities mentioned in passing in an event on ``theatre``."""
    key = ("*filler*", theatre)
    if key not in _pool_cache:
        pairs = [
            (e, e.weight * (3.0 if e.theatre == theatre else 1.0))
            for e in C.ENTITIES
            if e.theatre in ("", theatre) and "governor" not in e.roles
        ]
        pairs += [(e, 2.0) for e in C.ENTITIES if "governor" in e.roles and e.theatre == theatre]
        _pool_cache[key] = ([e for e, _ in pairs], [w for _, w in pairs])
    return _pool_cache[key]


def _place2_pool(place: C.Place) -> tuple[list[C.Entity], list[float]]:
    key = ("*place2*", place.name)
    if key not in _pool_cache:
        pairs = [
            (e, e.weight)
            for e in C.ENTITIES
            if e.theatre == place.theatre and e.name != place.name and ("place" in e.roles or "village" in e.roles)
        ]
        _pool_cache[key] = ([e for e, _ in pairs], [w for _, w in pairs])
    return _pool_cache[key]


# --------------------------------------------------------------------------------------------
# Small random helpers
# --------------------------------------------------------------------------------------------


def _weighted(rng: random.Random, weights: Mapping[_T, float]) -> _T:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _pick(rng: random.Random, items: Sequence[_T], weights: Sequence[float]) -> _T:
    return rng.choices(items, weights=weights)[0]


def _sample_weighted(rng: random.Random, items: list[_T], weights: list[float], k: int) -> list[_T]:
    items, weights = list(items), list(weights)
    out: list[_T] = []
    while items and len(out) < k:
        i = rng.choices(range(len(items)), weights=weights)[0]
        out.append(items.pop(i))
        weights.pop(i)
    return out


def _variant(rng: random.Random, variants: Sequence[str], first: float = 0.5) -> str:
    """A spelling: the first (most common) with probability ``first``, else another one."""
    if len(variants) == 1 or rng.random() < first:
        return variants[0]
    return rng.choice(variants[1:])


def _typo(rng: random.Random, name: str) -> str:
    """Double a letter or swap two adjacent letters (never the first letter)."""
    spots = [
        i for i in range(1, len(name) - 1) if name[i].islower() and name[i + 1].islower() and name[i] != name[i + 1]
    ]
    if not spots:
        return name
    i = rng.choice(spots)
    if rng.random() < 0.5:
        return name[: i + 1] + name[i] + name[i + 1 :]
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]


def _vary_category(rng: random.Random, category: str) -> str:
    style = rng.randrange(4)
    if style == 0:
        return category.lower()
    if style == 1:
        return category.upper()
    if style == 2:
        return " " + category.replace(" ", "  ") + " "
    return category.title() if " " in category else category.lower() + " "


# --------------------------------------------------------------------------------------------
# Verification (the platform's own status, consistent for clean records)
# --------------------------------------------------------------------------------------------


@dataclass
class _Report:
    outlet: str  # canonical outlet name
    group: str  # ownership group
    tone: str
    claim: str


def strongest_tone_by_outlet(tones: Sequence[tuple[str, str]]) -> dict[str, str]:
    """``[(outlet, tone), ...]`` -> ``{outlet: strongest tone}`` (known tones only)."""
    out: dict[str, str] = {}
    for outlet, tone in tones:
        if tone not in C.TONE_STRENGTH:
            continue
        if outlet not in out or C.TONE_STRENGTH[tone] > C.TONE_STRENGTH[out[outlet]]:
            out[outlet] = tone
    return out


def derive_status(reports: Sequence[tuple[str, str, str]]) -> str:
    """Status for reports given as ``(outlet, group, tone)``.

    Unverified when every report is possible/doubtful; Disputed when one outlet is at most
    doubtful while another is certain/likely; otherwise Verified (>= 3 ownership groups),
    Corroborated (2 groups) or Single source (1 group).
    """
    if all(t in ("possible", "doubtful") for _, _, t in reports):
        return "Unverified"
    strongest = strongest_tone_by_outlet([(o, t) for o, _, t in reports])
    if "doubtful" in strongest.values() and any(t in ("certain", "likely") for t in strongest.values()):
        return "Disputed"
    groups = len(dict.fromkeys(g for _, g, _ in reports))
    if groups >= 3:
        return "Verified"
    return "Corroborated" if groups == 2 else "Single source"


def summarise(status: str, source_count: int, disputing: int = 0) -> str:
    n = source_count
    plural = "" if n == 1 else "s"
    if status == "Verified":
        return f"Independently confirmed by {n} source{plural}"
    if status == "Corroborated":
        return f"Corroborated by {n} source{plural}"
    if status == "Single source":
        return "Reported by a single source" if n == 1 else f"Reported by {n} outlets of a single media group"
    if status == "Disputed":
        return f"Disputed by {disputing} of {n} source{plural}"
    return f"Unconfirmed: reported by {n} source{plural}"


# --------------------------------------------------------------------------------------------
# Event construction
# --------------------------------------------------------------------------------------------


class _Cast:
    """Who and what an event talks about: fills template roles consistently within an event."""

    def __init__(self, place: C.Place):
        self.place = place
        self.roles: dict[str, C.Entity] = {}
        self.numbers: dict[str, int] = {}
        self.mentions: dict[str, str] = {}  # spelling -> entity type, in order of first use
        self._rng: random.Random | None = None

    def fits(self, t: C.Template) -> bool:
        p = self.place
        if t.where not in ("any", p.side, p.theatre):
            return False
        return p.region is not None or "{region}" not in t.text

    def render(self, text: str, rng: random.Random) -> str:
        self._rng = rng
        s = text.format_map(_Fill(self))
        return s[:1].upper() + s[1:]

    def entity(self, role: str) -> C.Entity:
        if role not in self.roles:
            self.roles[role] = self._resolve(role)
        return self.roles[role]

    def _resolve(self, role: str) -> C.Entity:
        rng, p = self._rng, self.place
        assert rng is not None
        if role == "place":
            return ENTITY_BY_NAME[p.name]
        if role == "region":
            return ENTITY_BY_NAME[p.region] if p.region else ENTITY_BY_NAME[p.name]
        if role == "place2":
            items, weights = _place2_pool(p)
            return _pick(rng, items, weights)
        if role == "governor":
            gov = GOVERNOR_BY_REGION.get(p.region or p.name)
            if gov is not None:
                return gov
            role = "ua_official" if p.side == "ua" else "ru_official"
        items, weights = _role_pool(role, p.theatre)
        return _pick(rng, items, weights)

    def spell(self, role: str) -> str:
        assert self._rng is not None
        e = self.entity(role)
        name = _variant(self._rng, e.variants)
        self.mentions.setdefault(name, e.type)
        return name

    def number(self, name: str) -> str:
        assert self._rng is not None
        if name not in self.numbers:
            if name in C.NUMBER_DERIVED:
                base, share = C.NUMBER_DERIVED[name]
                total = int(self.number(base).replace(",", ""))
                self.numbers[name] = self._rng.randint(max(1, int(total * share)), total)
            else:
                lo, hi = C.NUMBER_RANGES[name]
                self.numbers[name] = self._rng.randint(lo, hi)
        return f"{self.numbers[name]:,}"


class _Fill(dict[str, str]):
    def __init__(self, cast: _Cast):
        super().__init__()
        self.cast = cast

    def __missing__(self, key: str) -> str:
        if key in C.NUMBER_RANGES or key in C.NUMBER_DERIVED:
            return self.cast.number(key)
        return self.cast.spell(key)


@dataclass
class _Event:
    event_id: str
    story_id: str
    category: str  # as written (may vary in case / spacing)
    headline: str
    headline_template: C.Template
    perspective: str
    loc_name: str
    loc_region: str | None
    reports: list[_Report]
    report_spelling: dict[str, str]  # canonical outlet -> spelling in source_reports
    source_spelling: dict[str, str]  # canonical outlet -> spelling in sources
    entities: list[tuple[str, str]]  # (name, type)
    assessment: int | None  # which assessment text, if any
    day: int
    ts_ms: int  # ms since START 00:00:00Z
    version: str | None
    cast: _Cast
    claims_used: int = 0
    drift: list[tuple[str, Any]] = field(default_factory=list)

    def outlets(self) -> list[str]:
        return list(dict.fromkeys(r.outlet for r in self.reports))


def _outlet_weights(category: str, perspective: str, place: C.Place) -> tuple[list[C.Outlet], list[float]]:
    ru_boost = RU_OUTLET_BOOST if perspective == "ru" or place.side == "ru" else 1.0
    weights = [
        o.weight * C.OUTLET_CATEGORY_BOOST.get((o.name, category), 1.0) * (ru_boost if o.side == "ru" else 1.0)
        for o in C.OUTLETS
    ]
    return list(C.OUTLETS), weights


def _stance(rng: random.Random, side: str, perspective: str) -> str:
    return rng.choices(C.TONES, weights=STANCE_WEIGHTS[side][perspective])[0]


def _weaker(tone: str) -> str:
    return {"certain": "likely", "likely": "possible"}.get(tone, tone)


class _ClaimDeck:
    """Deals claim templates for an event: category claims, then generic ones, reshuffled."""

    def __init__(self, rng: random.Random, cast: _Cast, category: str):
        self.rng = rng
        self.own = [t for t in C.CLAIMS[category] if cast.fits(t)]
        self.generic = [t for t in GENERIC_CLAIMS if cast.fits(t)]
        self.deck: list[C.Template] = []

    def draw(self) -> C.Template:
        if not self.deck:
            self.deck = self.rng.sample(self.own, len(self.own)) + self.rng.sample(self.generic, len(self.generic))
            self.deck.reverse()
        return self.deck.pop()


def _doubt_pool(cast: _Cast, outlet_side: str, perspective: str) -> list[C.Template]:
    if outlet_side == "ru":
        pool = C.DOUBT_CLAIMS["ru"] + C.DOUBT_CLAIMS["any"]
    elif perspective == "ru":
        pool = C.DOUBT_CLAIMS["ua"] + C.DOUBT_CLAIMS["any"]
    else:
        pool = C.DOUBT_CLAIMS["any"]
    return [t for t in pool if cast.fits(t)]


def _outlet_reports(
    rng: random.Random,
    ev_cast: _Cast,
    outlet: C.Outlet,
    perspective: str,
    deck: _ClaimDeck,
    headline: str | None,
    stance: str | None = None,
) -> list[_Report]:
    """1-3 reports by one outlet; the first carries the outlet's strongest tone."""
    stance = stance or _stance(rng, outlet.side, perspective)
    n = _weighted(rng, CLAIMS_PER_OUTLET)
    doubts: list[C.Template] | None = None
    if stance == "doubtful":
        pool = _doubt_pool(ev_cast, outlet.side, perspective)
        doubts = rng.sample(pool, len(pool))
    out: list[_Report] = []
    for j in range(n):
        tone = stance if j == 0 or rng.random() >= 0.3 else _weaker(stance)
        if doubts is not None:
            claim = ev_cast.render(doubts[j % len(doubts)].text, rng)
        elif j == 0 and headline is not None:
            claim = headline
        else:
            claim = ev_cast.render(deck.draw().text, rng)
        if tone == "possible" and rng.random() < UNCONFIRMED_SUFFIX_RATE:
            claim = claim[:-1] + C.UNCONFIRMED_SUFFIX + "."
        out.append(_Report(outlet.name, outlet.group, tone, claim))
    return out


def _build_event(
    rng: random.Random, event_id: str, story_id: str, place: C.Place, day: int, ts_ms: int, version: str | None
) -> _Event:
    cast = _Cast(place)
    while True:
        category = _weighted(rng, C.CATEGORY_WEIGHTS)
        options = [t for t in C.HEADLINES[category] if cast.fits(t)]
        if options:
            break
    tpl = rng.choice(options)
    headline = cast.render(tpl.text, rng)
    written_category = _vary_category(rng, category) if rng.random() < CATEGORY_VARIATION_RATE else category

    # outlets and what they say
    items, weights = _outlet_weights(category, tpl.perspective, place)
    outlets = _sample_weighted(rng, items, weights, _weighted(rng, OUTLETS_PER_EVENT))
    if rng.random() < UNREGISTERED_OUTLET_RATE:
        local = [n for n, th in C.UNREGISTERED_OUTLETS if th == place.theatre] or [n for n, _ in C.UNREGISTERED_OUTLETS]
        outlets.insert(rng.randrange(len(outlets) + 1), _unregistered(rng.choice(local)))
    deck = _ClaimDeck(rng, cast, category)
    reports: list[_Report] = []
    for i, outlet in enumerate(outlets):
        repeat_headline = i == 0 and rng.random() < HEADLINE_AS_FIRST_CLAIM
        reports += _outlet_reports(rng, cast, outlet, tpl.perspective, deck, headline if repeat_headline else None)

    report_spelling: dict[str, str] = {}
    source_spelling: dict[str, str] = {}
    for outlet in outlets:
        report_spelling[outlet.name] = _variant(rng, outlet.variants, first=0.55)
        source_spelling[outlet.name] = (
            report_spelling[outlet.name] if rng.random() < 0.65 else _variant(rng, outlet.variants, first=0.55)
        )

    loc_name = _variant(rng, place.variants, first=0.65)
    loc_region = None if rng.random() < REGION_NULL_RATE else place.region

    ev = _Event(
        event_id=event_id,
        story_id=story_id,
        category=written_category,
        headline=headline,
        headline_template=tpl,
        perspective=tpl.perspective,
        loc_name=loc_name,
        loc_region=loc_region,
        reports=reports,
        report_spelling=report_spelling,
        source_spelling=source_spelling,
        entities=[],
        assessment=rng.randrange(2) if rng.random() < ASSESSMENT_RATE else None,
        day=day,
        ts_ms=ts_ms,
        version=version,
        cast=cast,
    )
    ev.entities = _entity_mentions(rng, cast, loc_name, place)
    return ev


def _entity_mentions(rng: random.Random, cast: _Cast, loc_name: str, place: C.Place) -> list[tuple[str, str]]:
    """Entity mentions: everything the texts name, the location, then entities named in passing."""
    mu, sigma = ENTITY_MENTIONS_LOGNORMAL
    target = max(3, min(MAX_ENTITY_MENTIONS, round(rng.lognormvariate(mu, sigma))))
    mentions: dict[str, str] = {loc_name: C.LOC}
    mentions.update(cast.mentions)
    if place.region:
        region = ENTITY_BY_NAME[place.region]
        mentions.setdefault(_variant(rng, region.variants), C.LOC)
    named = [ENTITY_BY_NAME[place.name], *cast.roles.values()]
    items, weights = _filler_pool(place.theatre)
    for _ in range(target * 8):
        if len(mentions) >= target:
            break
        e = rng.choice(named) if rng.random() < 0.25 else _pick(rng, items, weights)
        mentions.setdefault(_variant(rng, e.variants), e.type)
    out: list[tuple[str, str]] = []
    for name, type_ in mentions.items():
        if rng.random() < TYPO_RATE:
            typo = _typo(rng, name)
            if typo not in mentions:
                name = typo
        out.append((name, type_))
    rng.shuffle(out)
    return out


def _edit_headline(rng: random.Random, ev: _Event) -> str:
    """A modestly edited headline: updated figures, else an attribution clause."""
    old = ev.headline
    used = [k for k in C.NUMBER_RANGES if "{" + k + "}" in ev.headline_template.text]
    if used and rng.random() < 0.7:
        for k in used:
            ev.cast.numbers[k] = ev.cast.numbers.get(k, C.NUMBER_RANGES[k][0]) + rng.randint(1, 5)
        new = ev.cast.render(ev.headline_template.text, rng)
        if new != old:
            return new
    return old[:-1] + rng.choice(C.HEADLINE_EDITS) + "."


def _reextract(rng: random.Random, ev: _Event, day: int, ts_ms: int, version: str | None) -> _Event:
    """The same event extracted again later, modestly changed (extra outlet and/or new headline)."""
    new = copy.copy(ev)
    new.reports = list(ev.reports)
    new.report_spelling = dict(ev.report_spelling)
    new.source_spelling = dict(ev.source_spelling)
    new.entities = list(ev.entities)
    new.day, new.ts_ms, new.version = day, ts_ms, version
    add_outlet = rng.random() < 0.65
    edit = rng.random() < 0.5 or not add_outlet
    if add_outlet:
        present = ev.outlets()
        groups = {r.group: True for r in ev.reports}
        fresh = [o for o in C.OUTLETS if o.name not in present and o.group not in groups and o.side != "ru"]
        fresh = fresh or [o for o in C.OUTLETS if o.name not in present]
        outlet = _pick(rng, fresh, [o.weight for o in fresh])
        deck = _ClaimDeck(rng, ev.cast, _canonical_category(ev.category))
        before = set(ev.cast.mentions)
        new.reports += _outlet_reports(
            rng, ev.cast, outlet, ev.perspective, deck, None, stance=rng.choice(("certain", "certain", "likely"))
        )
        new.report_spelling[outlet.name] = _variant(rng, outlet.variants, first=0.55)
        new.source_spelling[outlet.name] = _variant(rng, outlet.variants, first=0.55)
        names = {n for n, _ in new.entities}
        new.entities += [(n, t) for n, t in ev.cast.mentions.items() if n not in before and n not in names]
    if edit:
        new.headline = _edit_headline(rng, new)
    return new


def _canonical_category(written: str) -> str:
    key = " ".join(written.split()).lower()
    for c in C.CATEGORIES:
        if c.lower() == key:
            return c
    raise ValueError(written)


# --------------------------------------------------------------------------------------------
# Serialisation
# --------------------------------------------------------------------------------------------


def format_ts(start: date, ts_ms: int) -> str:
    dt = datetime(start.year, start.month, start.day) + timedelta(milliseconds=ts_ms)
    return f"{dt:%Y-%m-%dT%H:%M:%S}.{dt.microsecond // 1000:03d}Z"


def _record(ev: _Event, start: date) -> dict[str, Any]:
    outlets = ev.outlets()
    status = derive_status([(r.outlet, r.group, r.tone) for r in ev.reports])
    strongest = strongest_tone_by_outlet([(r.outlet, r.tone) for r in ev.reports])
    disputing = sum(1 for t in strongest.values() if t == "doubtful")
    verification: dict[str, Any] = {
        "status": status,
        "summary": summarise(status, len(outlets), disputing),
        "source_count": len(outlets),
    }
    if ev.assessment is not None:
        texts = C.ASSESSMENTS[status]
        verification["assessment"] = texts[ev.assessment % len(texts)]
    extraction: dict[str, Any] = {"extracted_at": format_ts(start, ev.ts_ms), "source_story_id": ev.story_id}
    if ev.version is not None:
        extraction["extractor_version"] = ev.version
    rec: dict[str, Any] = {
        "event_id": ev.event_id,
        "category": ev.category,
        "headline": ev.headline,
        "location": {"name": ev.loc_name, "region": ev.loc_region},
        "verification": verification,
        "sources": [ev.source_spelling[o] for o in outlets],
        "entities": [{"name": n, "type": t} for n, t in ev.entities],
        "source_reports": [
            {"outlet": ev.report_spelling[r.outlet], "tone": r.tone, "claim": r.claim} for r in ev.reports
        ],
        "extraction": extraction,
    }
    for key, value in ev.drift:
        rec[key] = copy.deepcopy(value)
    return rec


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


# --------------------------------------------------------------------------------------------
# Defects
# --------------------------------------------------------------------------------------------


def _bad_timestamp(rng: random.Random, start: date, ts_ms: int) -> str:
    dt = datetime(start.year, start.month, start.day) + timedelta(milliseconds=ts_ms)
    style = rng.randrange(4)
    if style == 0:
        return f"{dt:%d/%m/%Y %H:%M}"  # 30/05/2026 04:20
    if style == 1:
        return f"{MONTHS[dt.month - 1]} {dt.day} {dt.year}, {dt:%H:%M}"  # May 30 2026, 04:20
    if style == 2:
        return f"{dt:%Y-%m-%dT%H:%M:%S}+25:00"  # impossible offset
    return f"{dt:%d.%m.%Y %H:%M:%S}"  # 30.05.2026 04:20:51


def _apply_defect(
    kind: str, rng: random.Random, ev: _Event, rec: dict[str, Any], start: date
) -> list[tuple[str, str | None]]:
    """Lines replacing a clean record: ``[(text, defect kind or None), ...]``."""
    rec = copy.deepcopy(rec)
    ver, ext = rec["verification"], rec["extraction"]
    if kind == "extracted_at_unparseable":
        ext["extracted_at"] = _bad_timestamp(rng, start, ev.ts_ms)
    elif kind == "extracted_at_in_future":
        ts = ext["extracted_at"]
        ext["extracted_at"] = str(C.FUTURE_YEAR) + ("-02-28" + ts[10:] if ts[5:10] == "02-29" else ts[4:])
    elif kind == "source_story_id_missing":
        if rng.random() < 0.5:
            del ext["source_story_id"]
        else:
            ext["source_story_id"] = None
    elif kind == "source_story_id_not_digits":
        sid = ext["source_story_id"]
        i = rng.randrange(1, len(sid))
        ext["source_story_id"] = sid[:i] + rng.choice("abcdef") + sid[i + 1 :]
    elif kind == "source_count_mismatch":
        n = ver["source_count"]
        stated = n + rng.choice((1, 2, -1) if n > 1 else (1, 2))
        ver["source_count"] = stated
        ver["summary"] = summarise(
            ver["status"], stated, int(ver["summary"].split()[2]) if ver["status"] == "Disputed" else 0
        )
    elif kind == "sources_list_mismatch":
        present = ev.outlets()
        others = [o for o in C.OUTLETS if o.name not in present]
        extra = rng.choice(others)
        rec["sources"].insert(rng.randrange(len(rec["sources"]) + 1), _variant(rng, extra.variants))
    elif kind == "status_inconsistent":
        first = ev.reports[0].outlet
        spelling = ev.report_spelling[first]
        rec["source_reports"] = [r for r in rec["source_reports"] if r["outlet"] == spelling]
        rec["sources"] = [ev.source_spelling[first]]
        ver["status"] = "Verified"
        ver["source_count"] = 1
        ver["summary"] = summarise("Verified", 1)
        if "assessment" in ver:
            ver["assessment"] = C.ASSESSMENTS["Verified"][0]
    elif kind == "unknown_tone":
        report = rng.choice(rec["source_reports"])
        report["tone"] = rng.choice(C.UNKNOWN_TONES)
    elif kind == "unknown_entity_type":
        if rec["entities"]:
            rng.choice(rec["entities"])["type"] = rng.choice(C.UNKNOWN_ENTITY_TYPES)
        else:
            rec["entities"].append({"name": "T-72B3", "type": "vehicle"})
    elif kind == "conflicting_duplicate":
        dup = copy.deepcopy(rec)
        dup["headline"] = rec["headline"][:-1] + rng.choice(C.HEADLINE_EDITS) + "."
        return [(dumps(rec), None), (dumps(dup), kind)]
    elif kind == "malformed_json":
        text = dumps(rec)
        return [(text[: rng.randint(len(text) // 3, len(text) * 4 // 5)], kind)]
    elif kind == "missing_required_field":
        del rec[rng.choice(("headline", "location"))]
    elif kind == "not_an_object":
        if rng.random() < 0.5:
            return [(dumps([rec]), kind)]
        return [(dumps(f"{rec['event_id']}: {rec['headline']}"), kind)]
    elif kind == "empty_source_reports":
        rec["source_reports"] = []
    elif kind == "unknown_category":
        rec["category"] = rng.choice(C.UNKNOWN_CATEGORIES)
    else:  # pragma: no cover - guarded by DEFECT_KINDS
        raise ValueError(kind)
    return [(dumps(rec), kind)]


# --------------------------------------------------------------------------------------------
# Whole export
# --------------------------------------------------------------------------------------------


def file_name(start: date, day: int) -> str:
    return f"events-{start + timedelta(days=day):%Y-%m-%d}.jsonl"


def _version_for_day(rng: random.Random, day: int, days: int) -> str:
    versions = C.EXTRACTOR_VERSIONS
    idx = min(len(versions) - 1, day * len(versions) // days)
    if idx > 0 and rng.random() < 0.15:  # rollout: some runs still on the previous version
        idx -= 1
    return versions[idx]


@dataclass
class DayFile:
    """One extraction day of an export: the file's lines and what was planted in them."""

    name: str
    lines: list[str]
    defects: list[PlantedDefect]
    events: int  # distinct events first extracted this day
    reextracted: list[str]  # event ids of this day that are extracted again later


def iter_days(
    events: int,
    days: int,
    start: date,
    seed: int,
    defect_rate: float = DEFAULT_DEFECT_RATE,
    story_ids: tuple[int, int] = STORY_ID_RANGE,
) -> Iterator[DayFile]:
    """Generate ``events`` events extracted over ``days`` days from ``start``, one day at a time.

    Story ids are drawn from ``story_ids`` (half-open), increasing with time. Exports meant to
    follow each other (a history, then its next day) take disjoint ranges, later ones higher,
    as the platform's own ids do: the same range twice makes the later export re-deliver
    random old stories.

    Memory holds one day of records plus the re-extractions still due (at most three days
    ahead) and a few integers per story, so 1M+ events stream to disk in bounded memory.
    Days without records are skipped.
    """
    if events < 1 or days < 1:
        raise ValueError("events and days must be >= 1")
    if not 0.0 <= defect_rate <= 1.0:
        raise ValueError("defect_rate must be within [0, 1]")
    rng_layout = random.Random(f"{seed}:layout")
    rng_events = random.Random(f"{seed}:events")
    rng_re = random.Random(f"{seed}:reextract")
    rng_drift = random.Random(f"{seed}:drift")
    rng_def = random.Random(f"{seed}:defects")

    # stories (news clusters): 1-3 events each, spread evenly over the days
    sizes: list[int] = []
    total = 0
    while total < events:
        sizes.append(min(_weighted(rng_layout, EVENTS_PER_STORY), events - total))
        total += sizes[-1]
    n_stories = len(sizes)
    if n_stories > story_ids[1] - story_ids[0]:
        raise ValueError(f"too many stories ({n_stories}) for story ids in {story_ids}")
    slots = sorted((i * days // n_stories, rng_layout.randrange(MS_PER_DAY - 60_000)) for i in range(n_stories))
    drawn_ids = [str(n) for n in sorted(rng_layout.sample(range(*story_ids), n_stories))]

    theatres = C.THEATRE_WEIGHTS
    places_by_theatre = {th: [p for p in C.PLACES if p.theatre == th] for th in theatres}
    p_reextract = min(1.0, REEXTRACTION_RATE * days / (days - 1)) if days > 1 else 0.0
    due: dict[int, list[_Event]] = {}  # re-extractions by the day they are extracted
    story = 0
    defects_planted = 0
    for day in range(days):
        built: list[_Event] = []
        while story < n_stories and slots[story][0] == day:
            base_ms, size, sid = slots[story][1], sizes[story], drawn_ids[story]
            story += 1
            theatre = _weighted(rng_events, theatres)
            cands = places_by_theatre[theatre]
            story_place = _pick(rng_events, cands, [p.weight for p in cands])
            ts = day * MS_PER_DAY + base_ms
            for k in range(1, size + 1):
                place = (
                    story_place
                    if k == 1 or rng_events.random() < 0.5
                    else _pick(rng_events, cands, [p.weight for p in cands])
                )
                version = (
                    _version_for_day(rng_events, day, days) if rng_events.random() < EXTRACTOR_VERSION_RATE else None
                )
                built.append(_build_event(rng_events, f"{sid}-{k}", sid, place, day, ts, version))
                ts += rng_events.randint(200, 8_000)

        # re-extractions on a later day (at most three days on)
        reextracted: list[str] = []
        for ev in built:
            if ev.day < days - 1 and rng_re.random() < p_reextract:
                later = ev.day + rng_re.randint(1, min(3, days - 1 - ev.day))
                ts = later * MS_PER_DAY + rng_re.randrange(MS_PER_DAY)
                version = _version_for_day(rng_re, later, days) if ev.version is not None else None
                due.setdefault(later, []).append(_reextract(rng_re, ev, later, ts, version))
                reextracted.append(ev.event_id)

        records = built + due.pop(day, [])
        if not records:
            continue
        # schema drift (unknown extra fields; not a defect)
        for ev in records:
            if rng_drift.random() < DRIFT_RATE:
                key, values = C.DRIFT_FIELDS[rng_drift.randrange(len(C.DRIFT_FIELDS))]
                ev.drift = [(key, values[rng_drift.randrange(len(values))])]
        records.sort(key=lambda e: e.ts_ms)  # stable: original before re-extraction at equal ts

        # defects: each record with probability defect_rate, kinds in turn (every kind appears)
        name = file_name(start, day)
        lines: list[str] = []
        defects: list[PlantedDefect] = []
        for ev in records:
            rec = _record(ev, start)
            if rng_def.random() < defect_rate:
                kind = C.DEFECT_KINDS[defects_planted % len(C.DEFECT_KINDS)]
                defects_planted += 1
                out = _apply_defect(kind, rng_def, ev, rec, start)
            else:
                out = [(dumps(rec), None)]
            for text, planted in out:
                lines.append(text)
                if planted is not None:
                    defects.append(PlantedDefect(planted, name, len(lines), ev.event_id))
        yield DayFile(name, lines, defects, len(built), reextracted)


def build_export(events: int, days: int, start: date, seed: int, defect_rate: float = DEFAULT_DEFECT_RATE) -> Export:
    """The whole export in memory (tests, small samples); :func:`write` streams instead."""
    export = Export(files={}, defects=[])
    for day in iter_days(events, days, start, seed, defect_rate):
        export.files[day.name] = day.lines
        export.defects.extend(day.defects)
        export.reextracted.extend(day.reextracted)
        export.events += day.events
    return export


def generate(
    events: int, days: int, start: date, seed: int, defect_rate: float = DEFAULT_DEFECT_RATE
) -> dict[str, list[str]]:
    """File name -> lines (without newline) of the export; see :func:`build_export`."""
    return build_export(events, days, start, seed, defect_rate).files


def planted_defects(
    events: int, days: int, start: date, seed: int, defect_rate: float = DEFAULT_DEFECT_RATE
) -> list[PlantedDefect]:
    """The defects :func:`generate` plants for the same arguments (kind, file, line, event id)."""
    return build_export(events, days, start, seed, defect_rate).defects


def write_files(files: dict[str, list[str]], out_dir: str | Path) -> list[tuple[Path, int]]:
    """Write each file as UTF-8 with ``\\n`` line ends; creates ``out_dir``. -> [(path, lines)]."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[tuple[Path, int]] = []
    for name, lines in files.items():
        path = out / name
        path.write_bytes(("".join(line + "\n" for line in lines)).encode("utf-8"))
        written.append((path, len(lines)))
    return written


def write(
    out_dir: str | Path,
    events: int,
    days: int,
    start: date,
    seed: int,
    defect_rate: float = DEFAULT_DEFECT_RATE,
    on_file: Callable[[Path, int], None] | None = None,
    story_ids: tuple[int, int] = STORY_ID_RANGE,
) -> WrittenExport:
    """Generate the export into ``out_dir`` one day file at a time, in bounded memory (defects
    are returned, never written next to the data); ``on_file(path, lines)`` after each file."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = WrittenExport()
    for day in iter_days(events, days, start, seed, defect_rate, story_ids):
        path = out / day.name
        path.write_bytes("".join(line + "\n" for line in day.lines).encode("utf-8"))
        written.files.append((path, len(day.lines)))
        written.defects.extend(day.defects)
        written.reextracted += len(day.reextracted)
        written.events += day.events
        if on_file is not None:
            on_file(path, len(day.lines))
    return written
