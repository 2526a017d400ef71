"""Tests for the deterministic sample-export generator (tools.sample_data)."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

import pytest

from tools.sample_data import catalog as C
from tools.sample_data.__main__ import main as cli_main
from tools.sample_data.generator import (
    PlantedDefect,
    build_export,
    generate,
    planted_defects,
    write,
)

START = date(2026, 5, 24)
EVENTS, DAYS, SEED = 500, 5, 11

TS_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
TONE_STRENGTH = {"certain": 3, "likely": 2, "possible": 1, "doubtful": 0}

# Ground truth, built here from the catalog rows (one row = one outlet).
OUTLET_OF = {v: o.name for o in C.OUTLETS for v in o.variants}
GROUP_OF = {o.name: o.group for o in C.OUTLETS}
UNREGISTERED = {name for name, _ in C.UNREGISTERED_OUTLETS}

# The variant groups the brief requires, verbatim.
REQUIRED_ENTITY_NAMES = [
    "Izium",
    "Izyum",
    "Kupiansk",
    "Kupyansk",
    "Koupiansk",
    "Balakliia",
    "Balakliya",
    "Vovchansk",
    "Volchansk",
    "Russian Ministry of Defense",
    "Ministry of Defence of Russia",
    "Russian Ministry of Defence",
    "Ukrainian Border Guard Service",
    "State Border Guard Service of Ukraine",
    "Pentagon",
    "US Pentagon",
    "Zoopark counter-battery radar",
    "Zooprark counter-battery radar",
    "Volodymyr Zelenskyy",
    "Volodymyr Zelensky",
    "Zelenskyy",
    "Armed Forces of Ukraine",
    "Ukrainian Armed Forces",
    "Armed Forces of the Russian Federation",
    "Russian Armed Forces",
    "Kharkiv",
    "Kharkiv Oblast",
    "Russian forces",
    "Ukrainian forces",
    "Shahed-136",
    "Shahed 136",
    "Geran-2",
    "Pat Ryder",
    "Anna Malyar",
    "Hanna Maliar",
    "1st Guards Tank Army",
    "2nd Guards Tank Army",
    "Ministry of Defence of Ukraine",
    "HIMARS",
    "M142 HIMARS",
    "Bakhmut",
    "Artemivsk",
    "Kyiv",
    "Kiev",
    "Odesa",
    "Odessa",
    "Dnipro",
    "Zaporizhzhia",
    "Zaporozhye",
    "Mykolaiv",
    "Nikolaev",
    "Kherson",
    "Avdiivka",
    "Avdeevka",
    "Storm Shadow",
    "Kalibr",
    "Iskander-M",
    "Orlan-10",
    "Lancet",
    "Bayraktar TB2",
    "93rd Mechanized Brigade",
    "3rd Assault Brigade",
    "Wagner Group",
    "Sergei Shoigu",
    "Oleksandr Syrskyi",
    "Valery Gerasimov",
    "IAEA",
    "UN OCHA",
    "ICRC",
    "NATO",
]


def canon(spelling: str) -> str:
    return OUTLET_OF.get(spelling, spelling)


def group(outlet: str) -> str:
    return GROUP_OF.get(outlet, f"unregistered:{outlet}")


def norm_category(text: str) -> str:
    return " ".join(text.split()).lower()


def parse_ts(text: str) -> datetime:
    assert TS_RE.match(text), text
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def file_day(name: str) -> date:
    return date.fromisoformat(name.removeprefix("events-").removesuffix(".jsonl"))


class Line:
    def __init__(self, file: str, number: int, text: str, defect: str | None):
        self.file, self.number, self.text, self.defect = file, number, text, defect
        try:
            self.obj = json.loads(text)
        except json.JSONDecodeError:
            self.obj = None


def lines_of(export) -> list[Line]:
    kinds = {(d.file, d.line): d.kind for d in export.defects}
    return [Line(f, i, text, kinds.get((f, i))) for f, texts in export.files.items() for i, text in enumerate(texts, 1)]


@pytest.fixture(scope="module")
def export():
    return build_export(EVENTS, DAYS, START, SEED, 0.03)


@pytest.fixture(scope="module")
def lines(export) -> list[Line]:
    return lines_of(export)


@pytest.fixture(scope="module")
def clean(lines) -> list[Line]:
    return [ln for ln in lines if ln.defect is None]


@pytest.fixture(scope="module")
def defect_export():
    # 15 % of ~430 lines -> ~65 defects: every kind several times
    return build_export(400, 4, START, 5, 0.15)


# --------------------------------------------------------------------------------------------
# Determinism and output layout
# --------------------------------------------------------------------------------------------


def test_same_seed_gives_identical_bytes(tmp_path, capsys):
    a, b = tmp_path / "a" / "nested", tmp_path / "b"
    assert cli_main(["--events", "300", "--days", "3", "--start", "2026-05-24", "--seed", "42", "--out", str(a)]) == 0
    printed = capsys.readouterr().out.splitlines()
    write(b, events=300, days=3, start=START, seed=42)
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted(p.name for p in b.iterdir())
    assert names == ["events-2026-05-24.jsonl", "events-2026-05-25.jsonl", "events-2026-05-26.jsonl"]
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes()
    assert len(printed) == len(names) + 1 and printed[-1].startswith("total: 3 files")


def test_different_seed_gives_different_content():
    one = generate(300, 3, START, 1, 0.03)
    two = generate(300, 3, START, 2, 0.03)
    assert one != two
    assert one == generate(300, 3, START, 1, 0.03)


def test_generate_and_planted_defects_agree_with_build_export(export):
    assert generate(EVENTS, DAYS, START, SEED, 0.03) == export.files
    assert planted_defects(EVENTS, DAYS, START, SEED, 0.03) == export.defects
    assert all(isinstance(d, PlantedDefect) for d in export.defects)


def test_written_files_are_utf8_jsonl_without_defect_list(tmp_path):
    written = write(tmp_path, events=200, days=2, start=START, seed=3, defect_rate=0.1)
    exp = build_export(200, 2, START, 3, 0.1)  # streaming to disk writes what memory holds
    assert written.defects == exp.defects and written.line_count == exp.line_count
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events-2026-05-24.jsonl", "events-2026-05-25.jsonl"]
    for path in tmp_path.iterdir():
        data = path.read_bytes()
        assert data.endswith(b"\n") and b"\r" not in data
        text = data.decode("utf-8")
        assert text.split("\n")[:-1] == exp.files[path.name]
        assert "\\u00" not in text  # ensure_ascii=False


def test_events_spread_over_all_days(export, clean):
    assert list(export.files) == [f"events-{START + timedelta(days=d):%Y-%m-%d}.jsonl" for d in range(DAYS)]
    first_seen: dict[str, str] = {}
    for ln in clean:
        first_seen.setdefault(ln.obj["event_id"], ln.file)
    per_day = Counter(first_seen.values())
    assert len(per_day) == DAYS
    mean = EVENTS / DAYS
    assert all(0.6 * mean <= n <= 1.4 * mean for n in per_day.values()), per_day
    ids = {d.event_id for d in export.defects}
    ids |= {json.loads(t)["event_id"] for ts in export.files.values() for t in ts if _is_obj_with_id(t)}
    assert export.events == EVENTS == len(ids)


def _is_obj_with_id(text: str) -> bool:
    try:
        obj = json.loads(text)
    except json.JSONDecodeError:
        return False
    return isinstance(obj, dict) and "event_id" in obj


# --------------------------------------------------------------------------------------------
# Contract shape
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["export", "defect_export"])
def test_lines_are_objects_with_required_fields(which, request):
    exp = request.getfixturevalue(which)
    for ln in lines_of(exp):
        if ln.defect in ("malformed_json", "not_an_object"):
            continue
        assert isinstance(ln.obj, dict), (ln.file, ln.number)
        missing = {"headline", "location"} if ln.defect == "missing_required_field" else set()
        for key in set(C.REQUIRED_KEYS) - missing:
            assert key in ln.obj, (ln.file, ln.number, key)
        if "location" in ln.obj:
            assert isinstance(ln.obj["location"]["name"], str)
            assert ln.obj["location"]["region"] is None or isinstance(ln.obj["location"]["region"], str)
        ver = ln.obj["verification"]
        assert isinstance(ver["status"], str) and isinstance(ver["summary"], str)
        assert isinstance(ver["source_count"], int)
        assert isinstance(ln.obj["sources"], list) and isinstance(ln.obj["entities"], list)
        assert isinstance(ln.obj["source_reports"], list)
        assert isinstance(ln.obj["extraction"]["extracted_at"], str)
        if ln.defect != "source_story_id_missing":
            assert isinstance(ln.obj["extraction"]["source_story_id"], str)


def test_key_order_follows_the_sample(clean):
    for ln in clean:
        keys = list(ln.obj)
        assert keys[: len(C.RECORD_KEYS)] == list(C.RECORD_KEYS)
        assert list(ln.obj["location"]) == ["name", "region"]
        assert list(ln.obj["verification"])[:3] == ["status", "summary", "source_count"]
        assert list(ln.obj["extraction"])[:2] == ["extracted_at", "source_story_id"]


def test_clean_records_follow_the_consistency_rules(clean):
    categories = {c.lower() for c in C.CATEGORIES}
    for ln in clean:
        rec = ln.obj
        where = (ln.file, ln.number)
        # extraction metadata
        ts = parse_ts(rec["extraction"]["extracted_at"])
        assert ts.date() == file_day(ln.file), where
        sid = rec["extraction"]["source_story_id"]
        assert sid.isdigit() and len(sid) == 7, where
        assert re.fullmatch(rf"{sid}-[123]", rec["event_id"]), where
        # vocabularies
        assert norm_category(rec["category"]) in categories, where
        assert rec["source_reports"], where
        assert all(r["tone"] in TONE_STRENGTH for r in rec["source_reports"]), where
        assert all(e["type"] in C.ENTITY_TYPES for e in rec["entities"]), where
        # sources vs reports
        outlets = list(dict.fromkeys(canon(r["outlet"]) for r in rec["source_reports"]))
        listed = [canon(s) for s in rec["sources"]]
        assert sorted(listed) == sorted(outlets), where  # same set, one entry per outlet
        assert rec["verification"]["source_count"] == len(outlets), where
        # status
        strongest: dict[str, int] = {}
        for r in rec["source_reports"]:
            o = canon(r["outlet"])
            strongest[o] = max(strongest.get(o, -1), TONE_STRENGTH[r["tone"]])
        n_groups = len({group(o) for o in outlets})
        any_doubtful = 0 in strongest.values()
        any_firm = any(v >= 2 for v in strongest.values())
        status = rec["verification"]["status"]
        assert status in C.STATUSES, where
        if status == "Verified":
            assert n_groups >= 3 and not any_doubtful, where
        elif status == "Corroborated":
            assert n_groups >= 2, where
        elif status == "Single source":
            assert n_groups == 1, where
        elif status == "Disputed":
            assert any_doubtful and any_firm, where
        else:
            assert all(TONE_STRENGTH[r["tone"]] <= 1 for r in rec["source_reports"]), where


def test_clean_lines_sorted_and_unique_per_extraction(clean):
    by_file: dict[str, list[str]] = defaultdict(list)
    for ln in clean:
        by_file[ln.file].append(ln.obj["extraction"]["extracted_at"])
    for stamps in by_file.values():
        assert stamps == sorted(stamps)
    keys = Counter((ln.obj["event_id"], ln.obj["extraction"]["extracted_at"]) for ln in clean)
    assert max(keys.values()) == 1


# --------------------------------------------------------------------------------------------
# Defects
# --------------------------------------------------------------------------------------------


def _exhibits(kind: str, ln: Line, all_lines: list[Line]) -> bool:
    rec = ln.obj
    if kind == "malformed_json":
        return rec is None
    if kind == "not_an_object":
        return rec is not None and not isinstance(rec, dict)
    ext, ver = rec["extraction"], rec["verification"]
    outlets = {canon(r["outlet"]) for r in rec["source_reports"]}
    if kind == "extracted_at_unparseable":
        try:
            parse_ts(ext["extracted_at"])
        except (AssertionError, ValueError):
            return True
        return False
    if kind == "extracted_at_in_future":
        return ext["extracted_at"].startswith("2099-") and bool(TS_RE.match(ext["extracted_at"]))
    if kind == "source_story_id_missing":
        return ext.get("source_story_id") in (None, "")
    if kind == "source_story_id_not_digits":
        return isinstance(ext["source_story_id"], str) and not ext["source_story_id"].isdigit()
    if kind == "source_count_mismatch":
        return ver["source_count"] != len(outlets)
    if kind == "sources_list_mismatch":
        return {canon(s) for s in rec["sources"]} != outlets
    if kind == "status_inconsistent":
        return ver["status"] == "Verified" and len({group(o) for o in outlets}) < 3
    if kind == "unknown_tone":
        return any(r["tone"] not in TONE_STRENGTH for r in rec["source_reports"])
    if kind == "unknown_entity_type":
        return any(e["type"] not in C.ENTITY_TYPES for e in rec["entities"])
    if kind == "conflicting_duplicate":
        twins = [
            o.obj
            for o in all_lines
            if o is not ln
            and o.file == ln.file
            and isinstance(o.obj, dict)
            and o.obj.get("event_id") == rec["event_id"]
            and o.obj["extraction"]["extracted_at"] == ext["extracted_at"]
        ]
        return bool(twins) and all(t.get("headline") != rec["headline"] for t in twins)
    if kind == "missing_required_field":
        return "headline" not in rec or "location" not in rec
    if kind == "empty_source_reports":
        return rec["source_reports"] == []
    if kind == "unknown_category":
        return norm_category(rec["category"]) not in {c.lower() for c in C.CATEGORIES}
    raise AssertionError(kind)


def test_every_defect_kind_is_planted_and_visible(defect_export):
    kinds = Counter(d.kind for d in defect_export.defects)
    assert set(kinds) == set(C.DEFECT_KINDS)
    assert min(kinds.values()) >= 3
    all_lines = lines_of(defect_export)
    by_pos = {(ln.file, ln.number): ln for ln in all_lines}
    for d in defect_export.defects:
        ln = by_pos[(d.file, d.line)]
        assert _exhibits(d.kind, ln, all_lines), (d, ln.text[:200])
        if isinstance(ln.obj, dict):
            assert ln.obj["event_id"] == d.event_id
        elif d.kind == "malformed_json":
            assert ln.text.startswith('{"event_id": "' + d.event_id + '"')


def test_default_defect_rate_and_cycle(export, lines):
    n = len(export.defects)
    assert abs(n / len(lines) - 0.03) < 0.01
    assert n >= len(C.DEFECT_KINDS)
    assert {d.kind for d in export.defects} == set(C.DEFECT_KINDS)  # the cycle covers every kind


def test_zero_defect_rate_plants_nothing():
    exp = build_export(150, 2, START, 9, 0.0)
    assert exp.defects == []
    assert all(isinstance(json.loads(t), dict) for ts in exp.files.values() for t in ts)


# --------------------------------------------------------------------------------------------
# Re-extractions, drift, realism
# --------------------------------------------------------------------------------------------


def test_reextractions_are_later_and_modestly_changed(export, clean):
    assert 0.04 * EVENTS <= len(export.reextracted) <= 0.13 * EVENTS
    by_id: dict[str, list[Line]] = defaultdict(list)
    for ln in clean:
        by_id[ln.obj["event_id"]].append(ln)
    checked = 0
    for eid in export.reextracted:
        versions = sorted(by_id[eid], key=lambda ln: ln.file)
        if len({ln.file for ln in versions}) < 2:
            continue  # one of the two lines carries a planted defect
        first, last = versions[0], versions[-1]
        assert file_day(first.file) < file_day(last.file)
        assert parse_ts(first.obj["extraction"]["extracted_at"]) < parse_ts(last.obj["extraction"]["extracted_at"])
        a, b = first.obj, last.obj
        assert a["headline"] != b["headline"] or len(b["source_reports"]) > len(a["source_reports"])
        assert b["verification"]["source_count"] >= a["verification"]["source_count"]
        checked += 1
    assert checked >= 0.8 * len(export.reextracted)


def test_outlets_appear_under_several_spellings(clean):
    spellings: dict[str, set[str]] = defaultdict(set)
    differs = 0
    for ln in clean:
        for s in ln.obj["sources"] + [r["outlet"] for r in ln.obj["source_reports"]]:
            spellings[canon(s)].add(s)
        if sorted(ln.obj["sources"]) != sorted(dict.fromkeys(r["outlet"] for r in ln.obj["source_reports"])):
            differs += 1
    registered = {o: s for o, s in spellings.items() if o in GROUP_OF}
    assert len(registered) == len(C.OUTLETS)
    assert sum(len(s) >= 2 for s in registered.values()) >= 25
    assert spellings["The Kyiv Independent"] == {"Kyiv Independent", "The Kyiv Independent", "kyivindependent.com"}
    assert differs > 0.1 * len(clean)  # sources often spelled unlike the reports
    unregistered = set(spellings) - set(GROUP_OF)
    assert unregistered and unregistered <= UNREGISTERED


def test_entity_variant_groups_appear(clean):
    names: dict[str, str] = {}
    for ln in clean:
        for e in ln.obj["entities"]:
            names.setdefault(e["name"], e["type"])
    missing = [n for n in REQUIRED_ENTITY_NAMES if n not in names]
    assert not missing
    assert names["Kharkiv"] == names["Kharkiv Oblast"] == "location"
    assert names["Russian forces"] == names["Ukrainian forces"] == "military_unit"
    canonical_of = {v: e.name for e in C.ENTITIES for v in e.variants}
    assert canonical_of["Kharkiv"] != canonical_of["Kharkiv Oblast"]
    assert canonical_of["1st Guards Tank Army"] != canonical_of["2nd Guards Tank Army"]
    assert canonical_of["Ministry of Defence of Ukraine"] != canonical_of["Ministry of Defence of Russia"]
    assert canonical_of["Dnipro"] == "Dnipro" and "Dnipropetrovsk" not in canonical_of
    # ~1 % of mentions carry a typo
    mentions = [e["name"] for ln in clean for e in ln.obj["entities"]]
    typos = sum(m not in canonical_of for m in mentions)
    assert 0.002 < typos / len(mentions) < 0.03


def test_volumes_and_vocabulary_coverage(clean):
    recs = [ln.obj for ln in clean]
    n_reports = [len(r["source_reports"]) for r in recs]
    n_entities = [len(r["entities"]) for r in recs]
    assert 3.0 <= sum(n_reports) / len(recs) <= 4.5
    assert 10 <= sum(n_entities) / len(recs) <= 15 and max(n_entities) <= 45
    assert max(len(r["sources"]) for r in recs) >= 6
    tones = Counter(t["tone"] for r in recs for t in r["source_reports"])
    assert set(tones) == set(TONE_STRENGTH)
    assert tones["certain"] == max(tones.values()) and tones["doubtful"] < 0.1 * sum(tones.values())
    assert set(Counter(r["verification"]["status"] for r in recs)) == set(C.STATUSES)
    assert {norm_category(r["category"]) for r in recs} == {c.lower() for c in C.CATEGORIES}
    assert any(r["category"] not in C.CATEGORIES for r in recs)  # case / spacing variants
    drift = sum(len(r) > len(C.RECORD_KEYS) for r in recs) / len(recs)
    assert 0.005 < drift < 0.07
    versions = sum("extractor_version" in r["extraction"] for r in recs) / len(recs)
    assert 0.6 < versions < 0.8
    assert any(r["location"]["region"] is None for r in recs)
    assert any("assessment" in r["verification"] for r in recs)
