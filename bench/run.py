"""`make bench`: the pipeline's cost against DuckDB's own floor, measured side by side.

    python -m bench.run [--scale 1.0] [--out bench/results] [--doc docs/performance.md] [--work DIR]

Scenarios (event counts at --scale 1.0; every count is multiplied by --scale):

    floor_1m          DuckDB alone reads the 1M-event landing files into one table
    full_100k         land → publish, fresh warehouse, 100k events
    full_1m           land → publish, fresh warehouse, 1M events
    incr_10k_on_1m    one new day of 10k events on top of the 1M warehouse
    incr_300k_on_1m   a GDELT-sized day of 300k events on top of that
    full_10k          fresh warehouse, 10k events
    incr_10k_on_10k   the same 10k-event day on top of the 10k warehouse
    import_floor      `python -c "import dagster, dbt.cli.main, duckdb"`: the bare cost of a run's stack
    incr_1k_on_10k    a 1k-event day on the 10k warehouse, on a persistent instance (as `make pipeline`)
    sensor_1k_on_10k  the landing sensor on, under the daemon: a 1k-event file's arrival to its publish
    full_10m, incr_300k_on_10m   with --with-10m (`make bench SCALE=10`): a 10M-event history, the 300k day on it

Each pipeline run is `python -m orchestration.run_pipeline` in a subprocess with the same DuckDB
threads and memory settings as the floor. Wall time per stage comes from the run's audit trail
(`raw.run_stages`); peak RSS is the largest sum of resident memory over the run's process tree
(the pipeline and its dbt subprocess), sampled from /proc every 100 ms.

Prints one table, writes `<out>/<date>.json` and regenerates `<doc>`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from unittest import mock

import duckdb

from orchestration.publish.publisher import read_published_version
from orchestration.run_audit import STAGES
from orchestration.settings import REPO_ROOT, load_settings, pipeline_subprocess_env
from tools.sample_data.generator import STORY_ID_RANGE, write

INSTANCE_YAML = REPO_ROOT / "orchestration" / "instance" / "dagster.yaml"
BASE_START = date(2026, 1, 1)
BASE_DAYS = 30
SEED = 2026

# Targets, as ratios of figures measured in one run: (name, numerator, denominator, max). A
# numerator "<scenario>:<stage>" is that stage's seconds. The speed issue's (2026-12): the full
# build and its landing within a few times DuckDB's own read, a day's cost independent of
# history, a big day following its data, a small run a few times the cost of importing the
# stack; and the scale issue's before it.
RATIO_TARGETS = (
    ("full_1m / floor_1m", "full_1m", "floor_1m", 6.0),
    ("landing of full_1m / floor_1m", "full_1m:landing", "floor_1m", 1.5),
    ("incr_10k_on_1m / incr_10k_on_10k", "incr_10k_on_1m", "incr_10k_on_10k", 1.2),
    ("incr_300k_on_1m / full_1m", "incr_300k_on_1m", "full_1m", 0.35),
    ("incr_1k_on_10k / import_floor", "incr_1k_on_10k", "import_floor", 4.0),
    ("incr_10k_on_1m / full_1m", "incr_10k_on_1m", "full_1m", 0.2),
    ("full_1m / full_100k", "full_1m", "full_100k", 12.0),
    ("incr_300k_on_10m / incr_300k_on_1m", "incr_300k_on_10m", "incr_300k_on_1m", 1.2),
)
ABSOLUTE_TARGETS = (
    ("incr_300k_on_1m seconds", "incr_300k_on_1m", 60.0),
    ("sensor_1k_on_10k seconds (dropped → published)", "sensor_1k_on_10k", 30.0),
)
PEAK_RSS_TARGET_GIB = 6.0
PEAK_RSS_TARGET_10M_GIB = 16.0
# The stack a run cannot start without: the yardstick of a small run's cost.
IMPORT_FLOOR = "import dagster, dbt.cli.main, duckdb"


@dataclass
class Measurement:
    scenario: str
    events: int
    lines: int
    seconds: float
    peak_rss_mib: float
    succeeded: bool
    stage_seconds: dict[str, float | None] = field(default_factory=dict)
    stage_rows: dict[str, int | None] = field(default_factory=dict)


class TreeRssSampler:
    """Peak of the summed RSS of a process and all its descendants (Linux /proc)."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        self.pid, self.interval, self.peak_bytes = pid, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeRssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        page = os.sysconf("SC_PAGE_SIZE")
        while not self._stop.is_set():
            self.peak_bytes = max(self.peak_bytes, sum(_rss_pages(p) for p in _tree(self.pid)) * page)
            self._stop.wait(self.interval)


def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                todo.extend(int(c) for c in (task / "children").read_text().split())
        except OSError:
            continue  # the process ended while we looked
    return pids


def _rss_pages(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0


def run_pipeline(
    scenario: str, events: int, landing: Path, warehouse: Path, log_dir: Path, home: Path | None = None
) -> Measurement:
    """One `run_pipeline` over `landing` into `warehouse`, timed, with its stage figures; on an
    ephemeral Dagster instance, or (`home`) a persistent one, as `make pipeline` runs."""
    log = log_dir / f"{scenario}.log"
    # Flush the previous scenario's writes first, so that their write-back does not land in
    # this run's time (it made the same landing take 12 s or 16 s).
    os.sync()
    started = time.perf_counter()
    with open(log, "w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "orchestration.run_pipeline"],
            cwd=REPO_ROOT,
            env=_env(landing, warehouse, home),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        with TreeRssSampler(process.pid) as sampler:
            code = process.wait()
    seconds = time.perf_counter() - started
    stage_seconds, stage_rows = _stages(warehouse / "warehouse.duckdb")
    return Measurement(
        scenario,
        events,
        stage_rows.get("landing") or 0,
        round(seconds, 2),
        round(sampler.peak_bytes / 2**20, 1),
        code == 0,
        stage_seconds,
        stage_rows,
    )


def _env(landing: Path, warehouse: Path, home: Path | None) -> dict[str, str]:
    env = pipeline_subprocess_env(landing, warehouse)
    if home is not None:
        home.mkdir(parents=True, exist_ok=True)
        shutil.copy(INSTANCE_YAML, home / "dagster.yaml")
        env["DAGSTER_HOME"] = str(home)
    return env


def import_floor(runs: int = 3) -> Measurement:
    """The bare cost of importing the stack a run needs (the median of `runs` fresh processes)."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", IMPORT_FLOOR], check=True)
        times.append(time.perf_counter() - started)
    return Measurement("import_floor", 0, 0, round(sorted(times)[runs // 2], 2), 0.0, True)


def sensor_latency(
    scenario: str, events: int, day: Path, landing: Path, warehouse: Path, log_dir: Path, timeout_s: float = 300
) -> Measurement:
    """The landing sensor on, under the Dagster daemon: seconds from a file's arrival in the
    landing directory (one rename, as writers deliver) to a new published version."""
    home = log_dir / f"{scenario}-home"
    shutil.rmtree(home, ignore_errors=True)
    env = _env(landing, warehouse, home)
    definitions = ["-m", "orchestration.definitions"]
    dagster = Path(sys.executable).with_name("dagster")
    with open(log_dir / f"{scenario}.log", "w") as out:
        subprocess.run(
            [str(dagster), "sensor", "start", "landing_directory_sensor", *definitions],
            env=env,
            cwd=REPO_ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            check=True,
        )
        daemon = subprocess.Popen(
            [str(Path(sys.executable).with_name("dagster-daemon")), "run", *definitions],
            env=env,
            cwd=REPO_ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            # The first tick runs for what is already there (nothing new): wait for that run,
            # so that the measured run is the dropped file's alone.
            _wait_for_idle(home, timeout_s)
            before = read_published_version(warehouse / "published.duckdb")
            staged = landing / f".{day.name}"
            shutil.copy(day, staged)
            os.sync()
            started = time.perf_counter()
            os.rename(staged, landing / day.name)
            while read_published_version(warehouse / "published.duckdb") == before:
                if time.perf_counter() - started > timeout_s:
                    return Measurement(scenario, events, 0, round(timeout_s, 2), 0.0, False)
                time.sleep(0.2)
            seconds = time.perf_counter() - started
        finally:
            os.killpg(daemon.pid, signal.SIGTERM)
            daemon.wait(timeout=60)
    stage_seconds, stage_rows = _stages(warehouse / "warehouse.duckdb")
    return Measurement(
        scenario, events, stage_rows.get("landing") or 0, round(seconds, 2), 0.0, True, stage_seconds, stage_rows
    )


def _wait_for_idle(home: Path, timeout_s: float) -> None:
    """Until the instance at `home` has run at least once and has no run queued or running."""
    import dagster as dg

    busy = [
        dg.DagsterRunStatus.QUEUED,
        dg.DagsterRunStatus.NOT_STARTED,
        dg.DagsterRunStatus.STARTING,
        dg.DagsterRunStatus.STARTED,
    ]
    deadline = time.perf_counter() + timeout_s
    # The instance's storage is where $DAGSTER_HOME says (orchestration/instance/dagster.yaml), as
    # for the daemon, so it is opened the way the daemon opens it.
    with mock.patch.dict(os.environ, {"DAGSTER_HOME": str(home)}), dg.DagsterInstance.get() as instance:
        while time.perf_counter() < deadline:
            if instance.get_runs_count() and not instance.get_runs_count(dg.RunsFilter(statuses=busy)):
                return
            time.sleep(0.5)
    raise TimeoutError(f"the sensor's first run did not finish within {timeout_s:.0f} s")


def _stages(working_db: Path) -> tuple[dict[str, float | None], dict[str, int | None]]:
    """Seconds per stage of the newest run, and the rows each stage reports (landing: lines)."""
    with duckdb.connect(str(working_db), read_only=True) as con:
        rows = con.execute(
            """
            with newest as (select run_id from raw.run_stages order by started_at desc limit 1)
            select stage, epoch(finished_at) - epoch(started_at), metrics
            from raw.run_stages where run_id = (select run_id from newest)
            """
        ).fetchall()
    seconds = {stage: None for stage in STAGES} | {s: round(t, 2) for s, t, _ in rows}
    figures = {stage: json.loads(m or "{}") for stage, _, m in rows}
    # What each stage processed (see orchestration/run_audit.py): new lines landed, records
    # staged, events rebuilt and their rows in the facts, rows validated, rows published.
    processed = {
        "landing": ("landing", "lines_read"),
        "dbt_staged": ("dbt", "records_staged"),
        "dbt_events": ("dbt", "events_rebuilt"),
        "dbt_rebuilt_marts": ("dbt", "rows_rebuilt_marts"),
        "checks": ("checks", "rows_validated"),
        "publish": ("publish", "rows_published"),
    }
    return seconds, {name: figures.get(stage, {}).get(key) for name, (stage, key) in processed.items()}


def floor(scenario: str, events: int, landing: Path, work: Path) -> Measurement:
    """DuckDB alone: every landing line into one table of JSON, same threads and memory."""
    settings = load_settings()
    db = work / f"{scenario}.duckdb"
    db.unlink(missing_ok=True)
    config = {"threads": str(settings.duckdb_threads), "memory_limit": settings.duckdb_memory_limit}
    os.sync()  # as before every pipeline run
    started = time.perf_counter()
    with TreeRssSampler(os.getpid()) as sampler, duckdb.connect(str(db), config=config) as con:
        con.execute(
            "create table records as select * from read_ndjson_objects(?, ignore_errors = true)",
            [str(landing / "*.jsonl")],
        )
        lines = con.execute("select count(*) from records").fetchall()[0][0]
    seconds = time.perf_counter() - started
    db.unlink(missing_ok=True)
    return Measurement(scenario, events, lines, round(seconds, 2), round(sampler.peak_bytes / 2**20, 1), True)


def generate(target: Path, events: int, days: int, start: date, seed: int, story_ids: tuple[int, int]) -> None:
    """Sample exports (cached by their arguments: generating 1M events takes minutes)."""
    stamp = target / ".generated"
    key = f"{events}:{days}:{start}:{seed}:{story_ids[0]}-{story_ids[1]}"
    if stamp.exists() and stamp.read_text() == key:
        return
    shutil.rmtree(target, ignore_errors=True)
    write(target, events, days, start, seed, story_ids=story_ids)
    stamp.write_text(key)


def _deliver(target: Path, *folders: Path) -> Path:
    """Add the exports of `folders` to the landing directory `target` (hard links, no copies)."""
    target.mkdir(parents=True, exist_ok=True)
    for folder in folders:
        for path in folder.glob("*.jsonl"):
            os.link(path, target / path.name)
    return target


def run_all(scale: float, work: Path, log=print, with_10m: bool = False) -> list[Measurement]:
    def n(events: int) -> int:
        return max(20, int(events * scale))

    data, logs = work / "data", work / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    day_after = BASE_START + timedelta(days=BASE_DAYS)
    # A new day brings new stories: the day sets draw their story (and so event) ids above the
    # histories' range. With the same range, a day re-delivered random old stories (14% of the
    # 300k day), which rebuilt events spread over every day of history.
    sets = {
        "10k": (n(10_000), BASE_DAYS, BASE_START, SEED, STORY_ID_RANGE),
        "100k": (n(100_000), BASE_DAYS, BASE_START, SEED, STORY_ID_RANGE),
        "1m": (n(1_000_000), BASE_DAYS, BASE_START, SEED, STORY_ID_RANGE),
        "day_10k": (n(10_000), 1, day_after, SEED + 1, (10_000_000, 10_100_000)),
        "day_300k": (n(300_000), 1, day_after + timedelta(days=1), SEED + 2, (10_100_000, 11_000_000)),
        "day_1k": (n(1_000), 1, day_after + timedelta(days=2), SEED + 3, (11_000_000, 11_010_000)),
        "day_1k_sensor": (n(1_000), 1, day_after + timedelta(days=3), SEED + 4, (11_010_000, 11_020_000)),
    }
    if with_10m:
        sets["10m"] = (n(10_000_000), BASE_DAYS, BASE_START, SEED, STORY_ID_RANGE)
    counts = {}
    for name, (events, days, start, seed, story_ids) in sets.items():
        log(f"generating {name}: {events} events over {days} day(s)")
        generate(data / name, events, days, start, seed, story_ids)
        counts[name] = events

    results: list[Measurement] = []

    def measure(m: Measurement) -> None:
        results.append(m)
        log(f"{m.scenario:<18} {m.seconds:>8.1f} s  {'ok' if m.succeeded else 'FAILED'}")

    measure(floor("floor_1m", counts["1m"], data / "1m", work))
    for size in ("100k", "1m", "10k", *(["10m"] if with_10m else [])):
        warehouse, landing = work / f"warehouse_{size}", work / f"landing_{size}"
        for stale in (warehouse, landing):
            shutil.rmtree(stale, ignore_errors=True)
        _deliver(landing, data / size)
        measure(run_pipeline(f"full_{size}", counts[size], landing, warehouse, logs))
        if size == "100k":
            continue  # only the scaling ratio needs it
        if size == "10m":
            _deliver(landing, data / "day_300k")
            measure(run_pipeline("incr_300k_on_10m", counts["day_300k"], landing, warehouse, logs))
            continue
        _deliver(landing, data / "day_10k")
        measure(run_pipeline(f"incr_10k_on_{size}", counts["day_10k"], landing, warehouse, logs))
        if size == "1m":
            _deliver(landing, data / "day_300k")
            measure(run_pipeline("incr_300k_on_1m", counts["day_300k"], landing, warehouse, logs))
        if size == "10k":
            # A small day the way `make pipeline` runs it (a persistent Dagster instance),
            # beside the bare cost of importing the stack; then one through the sensor.
            measure(import_floor())
            _deliver(landing, data / "day_1k")
            measure(run_pipeline("incr_1k_on_10k", counts["day_1k"], landing, warehouse, logs, home=work / "home_10k"))
            [day] = sorted((data / "day_1k_sensor").glob("*.jsonl"))
            measure(sensor_latency("sensor_1k_on_10k", counts["day_1k_sensor"], day, landing, warehouse, logs))
    return results


def _figure(by: dict[str, Measurement], ref: str) -> float | None:
    scenario, _, stage = ref.partition(":")
    if scenario not in by:
        return None
    return by[scenario].stage_seconds.get(stage) if stage else by[scenario].seconds


def ratios(results: list[Measurement]) -> list[dict[str, object]]:
    by = {m.scenario: m for m in results}
    out: list[dict[str, object]] = []
    for name, top, bottom, limit in RATIO_TARGETS:
        numerator, denominator = _figure(by, top), _figure(by, bottom)
        if numerator is not None and denominator:
            value = numerator / denominator
            out.append(
                {
                    "ratio": name,
                    "value": round(value, 2),
                    "seconds": f"{numerator:.1f} / {denominator:.1f}",
                    "target": f"≤ {limit}",
                    "met": value <= limit,
                }
            )
    for name, scenario, limit in ABSOLUTE_TARGETS:
        if scenario in by:
            value = by[scenario].seconds
            out.append(
                {
                    "ratio": name,
                    "value": value,
                    "seconds": f"{value:.1f}",
                    "target": f"≤ {limit}",
                    "met": value <= limit,
                }
            )
    for suffix, target in (("1m", PEAK_RSS_TARGET_GIB), ("10m", PEAK_RSS_TARGET_10M_GIB)):
        peaks = [m.peak_rss_mib for m in results if m.scenario.endswith(f"_{suffix}")]
        if peaks:
            peak = max(peaks) / 1024
            out.append(
                {
                    "ratio": f"peak RSS at {suffix.upper()} (GiB)",
                    "value": round(peak, 2),
                    "seconds": "",
                    "target": f"≤ {target}",
                    "met": peak <= target,
                }
            )
    return out


def table(results: list[Measurement]) -> str:
    header = (
        "| scenario | events | lines | wall s | lines/s | "
        + " | ".join(f"{s} s" for s in STAGES)
        + " | peak RSS MiB | ok |"
    )
    rule = "|" + "---|" * (6 + len(STAGES) + 1)
    rows = [
        f"| {m.scenario} | {m.events:,} | {m.lines:,} | {m.seconds:.1f} | "
        f"{(m.lines / m.seconds if m.seconds else 0):,.0f} | "
        + " | ".join("" if m.stage_seconds.get(s) is None else f"{m.stage_seconds[s]:.1f}" for s in STAGES)
        + f" | {m.peak_rss_mib:,.0f} | {'yes' if m.succeeded else 'NO'} |"
        for m in results
    ]
    return "\n".join([header, rule, *rows])


def rows_table(results: list[Measurement]) -> str:
    """Rows each stage processed, per scenario: what an incremental run re-reads, in figures."""
    names = ("landing", "dbt_staged", "dbt_events", "dbt_rebuilt_marts", "checks", "publish")
    lines = ["| scenario | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    lines += [
        f"| {m.scenario} | "
        + " | ".join("" if m.stage_rows.get(n) is None else f"{m.stage_rows[n]:,}" for n in names)
        + " |"
        for m in results
        if m.stage_rows
    ]
    return "\n".join(lines)


def ratio_table(rows: list[dict[str, object]]) -> str:
    lines = ["| measure | value | seconds | target | met |", "|---|---|---|---|---|"]
    lines += [
        f"| {r['ratio']} | {r['value']} | {r['seconds']} | {r['target']} | {'yes' if r['met'] else 'NO'} |"
        for r in rows
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every event count")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "bench" / "results")
    parser.add_argument("--doc", type=Path, default=REPO_ROOT / "docs" / "performance.md")
    parser.add_argument("--work", type=Path, default=REPO_ROOT / "bench" / "work")
    parser.add_argument(
        "--with-10m", action="store_true", help="also a 10M-event history and the 300k day on it (opt-in: hours)"
    )
    args = parser.parse_args(argv)

    results = run_all(args.scale, args.work, with_10m=args.with_10m)
    measured = ratios(results)
    settings = load_settings()
    report = {
        "date": f"{datetime.now(UTC):%Y-%m-%dT%H:%M:%SZ}",
        "scale": args.scale,
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0], "duckdb": duckdb.__version__},
        "duckdb_threads": settings.duckdb_threads,
        "duckdb_memory_limit": settings.duckdb_memory_limit,
        "results": [asdict(m) for m in results],
        "ratios": measured,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"{datetime.now(UTC):%Y-%m-%d}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    print(table(results), "", rows_table(results), "", ratio_table(measured), "", f"results: {path}", sep="\n")
    args.doc.write_text(_document(report, table(results), rows_table(results), ratio_table(measured)))
    return 0 if all(m.succeeded for m in results) else 1


def _document(report: dict, results_table: str, processed_table: str, ratios_table: str) -> str:
    return f"""# Performance

Generated by `make bench` (`bench/run.py`) on {report["date"]}: scale {report["scale"]}
(1.0 = the sizes in the scenario names), {report["machine"]["cpus"]} CPUs, DuckDB
{report["machine"]["duckdb"]}, `DUCKDB_THREADS={report["duckdb_threads"]}`,
`DUCKDB_MEMORY_LIMIT={report["duckdb_memory_limit"]}`. Raw figures:
`bench/results/<date>.json`.

## Method

- **floor**: DuckDB alone reads the same landing files into one table
  (`read_ndjson_objects`), same threads and memory limit: the physical floor of landing.
- **full_N**: a fresh warehouse, N generated events over {BASE_DAYS} days, one
  `python -m orchestration.run_pipeline` (land → dbt build → GX → publish).
- **import_floor**: `python -c "{IMPORT_FLOOR}"` in a fresh process (median of 3): what any run
  pays before it starts; **incr_1k_on_10k** runs a 1k-event day as `make pipeline` does (a
  persistent Dagster instance) and is compared with it.
- **sensor_1k_on_10k**: the Dagster daemon with `landing_directory_sensor` on; a 1k-event file
  is renamed into the landing directory and the clock stops when a new version is published.
- **incr_D_on_N**: one new day of D events added to the landing directory of the full_N
  warehouse, then one more run. A new day brings new stories: its story (and event) ids are
  drawn above the history's range, and its re-extractions fall within the day. (Until
  2026-11-25 the day sets drew ids from the history's range, so 14% of the 300k day re-delivered
  random old stories and rebuilt about 64,000 events spread over every day of history.)
- Every measurement starts after `sync`, so that the previous one's disk write-back does not
  fall into its time.
- Stage seconds come from the run's audit trail (`raw.run_stages`); peak RSS is the largest sum
  of resident memory over the pipeline's process tree (dbt included), sampled every 100 ms.

## Results

{results_table}

### Rows processed per stage

`landing`: lines read from new files; `dbt_staged`: records parsed by the incremental staging
models (only new files); `dbt_events`: events the event-grained models rebuilt
(`int_events_changed`: touched by the new records, or re-identified);
`dbt_rebuilt_marts`: those events' rows in `fct_events`, `fct_event_versions` and `fct_claims`;
`checks`: rows Great Expectations validated (the batch); `publish`: rows written into the new
published file (only the changed events' rows and the small tables when it patches the
previous file; every row on a first or full build).

{processed_table}

## Targets

{ratios_table}

## What still re-reads history, and why

- **Nothing is rebuilt whole on an incremental run.** Staging parses only new files; records are
  re-identified and re-ranked only in the stories that got new records (and the records of other
  stories sharing their events); names are counted per new batch; every event-grained model and
  the published file replace only the events in `int_events_changed`. See
  `dbt_project/macros/incremental.sql` and docs/operations.md.
- **New rows are found by constants, so history is skipped, not filtered.** Raw numbers each
  file content (`load_sequence`) and staging numbers each build (`staging_batch`); the
  incremental models read their high-water marks when they run and filter on them as
  constants (`query_constant` in `dbt_project/macros/incremental.sql`), so DuckDB skips older
  loads unopened (the raw zone's folders are named by `load_sequence`) and the row groups of
  older batches by their min/max, instead of reading every row. The child staging
  tables (reports, mentions, listed sources) are read only from the batches the changed events'
  records came from. A query that reads a CTE twice would make DuckDB materialise it whole
  (filters applied afterwards): the history-sized ones are inlined (`macros/ctes.sql`).
- **Each record is parsed once by dbt**, in `stg_raw__event_records` (`from_json` into a typed
  shape, arrays as typed lists the child models unnest); landing parses it to validate it
  (set-based, in DuckDB: one statement per chunk of a file, Python never reads a line that is
  text) and writes it once, as Parquet in the raw zone.
- **Some steps still scan a whole column, by design, because a scan is cheap and an index would
  not be:** re-ranking probes the previous ranked records by story and record id;
  `int_events_changed` scans the ranked records' batch column; `audit_quarantine` finds the
  raw text of superseded deliveries; the small tables (dimensions, name resolutions, audit
  tables) are rebuilt whole, and their size follows the vocabulary, not the number of events.
- **Generic dbt tests check the rows the run wrote** on an incremental run (the changed events,
  the new staging batches; `dbt_project/macros/test_scope.sql`) and whole tables on a full
  build; the record-accounting singular test checks the records of the changed events, the
  other singular tests read whole tables. Great Expectations validates the batch.
- **Publish copies the previous published file** (a sequential copy, about 0.4 s per GB here;
  readers hold the old file open, so the new version must be a new file) and patches the
  changed events into it. The event-grained Parquet exports are split by first-extraction day:
  only the days the changed events fall on are rewritten (new events, and re-extractions of
  recent ones), the other days' files are hard links to the previous set; the small tables
  are rewritten whole.
- **A re-elected canonical name changes no event.** An uncurated entity is named by its most
  frequent spelling, which new data can change; the facts hold entity ids
  (`fct_events.location_entity_id`), so only the dim row changes.
- **Great Expectations reads only the columns its suites check**, through Arrow, in a worker
  process the run starts when it starts.
- **The outlet scorecards add up days.** `agg_outlet_scorecards` sums `agg_outlet_days`
  (one row per outlet and day, rebuilt for the days the changed events touch) instead of reading every claim.
- **Landing lists every file in the landing directory** and reads (hashing as it reads, about
  1.8 GB/s here) only those not yet loaded or written since they were (their device, inode,
  size and ns times are kept in `raw.landing_file_identities`; docs/operations.md). A file is
  read once: the hash is taken in the same pass that loads it.
- **Start-up is a fixed cost per run:** Python, Dagster and dbt's imports (dbt runs in the
  run's own process, so they are paid once; each warehouse keeps dbt's parse state, and nothing
  in it changes between runs, so nothing is re-parsed), Dagster's bookkeeping (each event is a
  SQLite write, about 350 in a run: dbt's tests are one `dbt_tests` check per table, not one
  check each, and the instance keeps its SQLite connections open, 0.6 ms an event instead of
  1.6: `orchestration/automation/instance_storage.py`), and dbt's per-node overhead (on an
  incremental run 34 models and 113 tests, a few tens of milliseconds each: the seeds and their
  tests are left out, and the marts' required columns are `not_null` constraints that DuckDB
  checks as rows are written). Great Expectations' import and warm-up (about 2 s) overlap
  landing and dbt in its worker. It dominates small runs (`incr_1k_on_10k` against
  `import_floor`).
- **No compaction on the run path:** the warehouse's connections and dbt's profile set
  `max_vacuum_tasks = 0`, so a checkpoint does not merge and rewrite the partly filled row
  groups every append leaves (closing the warehouse after a 300k-record landing: 4.9 s with
  it, 0.1 s without). A full refresh rewrites the dbt tables compactly; the published file is
  patched without compaction too and rewritten whole once it has fragmented (deleted rows over
  a quarter of the live ones, or more surplus row groups than needed ones).
- **A change of models, macros or seeds triggers one full refresh** (the transform fingerprint
  in the audit trail), so that history is recomputed with the new logic.
"""


if __name__ == "__main__":
    sys.exit(main())
