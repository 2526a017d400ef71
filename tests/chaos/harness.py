"""Crash-safety harness: kill the pipeline (SIGKILL, whole process group) at named fault points
and at random moments, re-run it normally, and compare with a clean run.

Every case keeps one Dagster instance ($DAGSTER_HOME, with the project's dagster.yaml) for the
killed run and the re-run, as `make pipeline` does on a user's machine: the killed run stays
`STARTED` there, holding its pool slot, and the re-run must recover from that by itself.

After every kill and re-run:
  * the re-run finishes within a bound (RERUN_BOUND_S, or four clean runs if longer),
  * the marts' sorted contents hash the same as a clean run's (volatile lineage excluded),
  * no key is duplicated (the re-run's dbt tests and checks passed),
  * no temporary file is left in the warehouse directory,
and right after every kill `published.duckdb` is absent or a complete version (its audit_publish
row counts match its tables).

`make chaos` runs every named point and 50 seeded random kills; failures are appended to
tests/chaos/regressions.json, which the test suite replays.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from orchestration.faults import FAULT_ENV, FAULT_POINTS
from orchestration.sql_text import quote_identifier
from tests.conftest import SAMPLES
from tools.sample_data.generator import write

REGRESSIONS = Path(__file__).with_name("regressions.json")
INSTANCE_YAML = Path(__file__).parents[2] / "orchestration" / "instance" / "dagster.yaml"
# A re-run that has not finished by then is stuck (waiting for a dead run, say), not slow.
RERUN_BOUND_S = 240.0
# Lineage that differs between any two runs by design (run ids, load times).
VOLATILE_COLUMNS = {"load_id", "loaded_at"}


@dataclass(frozen=True)
class Case:
    """A kill at a named point, or after `delay_s` seconds (a seeded random moment)."""

    point: str | None = None
    delay_s: float | None = None

    @property
    def label(self) -> str:
        return self.point or f"random@{self.delay_s:.2f}s"


def make_landing(landing: Path) -> None:
    write(landing / "exports", events=150, days=2, start=date(2026, 5, 24), seed=5, defect_rate=0.05)
    (landing / "pages").mkdir(parents=True, exist_ok=True)
    shutil.copy(SAMPLES / "event-page-7367235.txt", landing / "pages")
    shutil.copy(SAMPLES / "event-7367235.jsonl", landing / "exports")


@dataclass(frozen=True)
class Workspace:
    """One user's set-up: a landing directory, a warehouse and a persistent Dagster instance."""

    root: Path

    @property
    def landing(self) -> Path:
        return self.root / "landing"

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse"

    @property
    def home(self) -> Path:
        return self.root / "dagster_home"

    def ensure_home(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        if not (self.home / "dagster.yaml").exists():
            shutil.copy(INSTANCE_YAML, self.home / "dagster.yaml")

    def copy_state_from(self, other: Workspace) -> None:
        """Start from another workspace's warehouse and instance (its history included)."""
        shutil.copytree(other.warehouse, self.warehouse)
        shutil.copytree(other.home, self.home)


def run_pipeline(ws: Workspace, *, case: Case | None = None, timeout_s: float | None = None) -> int | None:
    """Run `make pipeline`'s command in its own process group; kill it as `case` says. Returns
    its exit code, or None when it was killed (at the case's moment, or still running after
    `timeout_s`)."""
    ws.ensure_home()
    env = {k: v for k, v in os.environ.items() if k != FAULT_ENV}
    env |= {"LANDING_DIR": str(ws.landing), "WAREHOUSE_DIR": str(ws.warehouse), "DAGSTER_HOME": str(ws.home)}
    if case and case.point:
        env[FAULT_ENV] = case.point
    process = subprocess.Popen(
        [sys.executable, "-m", "orchestration.run_pipeline"],
        env=env,
        start_new_session=True,  # its own process group: a kill takes dbt down with it
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    limit = case.delay_s if case and case.delay_s is not None else timeout_s
    try:
        return process.wait(timeout=limit)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return None


def published_tables(published_db: Path, skip: frozenset[str] = frozenset()) -> dict[str, list[tuple]]:
    """Every published table's rows, sorted, volatile columns aside; per-run audit tables and
    the tables named in `skip` left out."""
    tables: dict[str, list[tuple]] = {}
    with duckdb.connect(str(published_db), read_only=True) as con:
        names = [r[0] for r in con.execute("select table_name from information_schema.tables order by 1").fetchall()]
        for table in names:
            if table in {"audit_publish", "audit_runs"} or table in skip:  # one row per version / run by design
                continue
            columns = [
                r[0]
                for r in con.execute(
                    "select column_name from information_schema.columns where table_name = ? order by ordinal_position",
                    [table],
                ).fetchall()
                if r[0] not in VOLATILE_COLUMNS
            ]
            select = ", ".join(map(quote_identifier, columns))
            tables[table] = con.execute(f'select {select} from "{table}" order by all').fetchall()
    return tables


def marts_digest(published_db: Path, skip: frozenset[str] = frozenset()) -> str:
    """A hash of every published table's rows (see published_tables)."""
    digest = hashlib.sha256()
    for table, rows in published_tables(published_db, skip).items():
        digest.update(f"{table}:{len(rows)}:{rows!r}\n".encode())
    return digest.hexdigest()


def table_differences(left: dict[str, list[tuple]], right: dict[str, list[tuple]], show: int = 3) -> list[str]:
    """What differs between two sets of published tables, table by table, with a few rows that
    only one side has (empty: the same rows everywhere)."""
    problems = []
    for table in sorted(set(left) | set(right)):
        a, b = left.get(table), right.get(table)
        if a is None or b is None:
            problems.append(f"{table}: only on the {'right' if a is None else 'left'}")
        elif a != b:
            only_a, only_b = sorted(set(a) - set(b)), sorted(set(b) - set(a))
            problems.append(
                f"{table}: {len(a)} vs {len(b)} rows, {len(only_a)} only left, {len(only_b)} only right;"
                f" left {only_a[:show]} right {only_b[:show]}"
            )
    return problems


def published_is_complete(published_db: Path) -> bool:
    if not published_db.exists():
        return True
    with duckdb.connect(str(published_db), read_only=True) as con:
        counts = json.loads(con.execute("select row_counts from audit_publish").fetchall()[0][0])
        return all(con.execute(f'select count(*) from "{table}"').fetchall()[0][0] == n for table, n in counts.items())


def leftovers(warehouse: Path) -> list[str]:
    """Temporary (dot-named) files or directories anywhere in the warehouse directory."""
    return sorted(str(p.relative_to(warehouse)) for p in warehouse.rglob(".*")) if warehouse.exists() else []


def check_case(case: Case, workdir: Path, reference: Reference) -> list[str]:
    """Kill a run as `case` says, re-run in the same instance, and list what went wrong (empty:
    the promise held). The killed run starts from the reference's older warehouse and instance
    (a previous publish exists, so "previous or new version" is tested, not only "nothing or
    new")."""
    ws = Workspace(workdir)
    ws.copy_state_from(reference.seed)
    make_landing(ws.landing)
    problems = []
    run_pipeline(ws, case=case)
    if not published_is_complete(ws.warehouse / "published.duckdb"):
        problems.append("published.duckdb incomplete right after the kill")
    started = time.monotonic()
    code = run_pipeline(ws, timeout_s=reference.rerun_bound_s)
    if code is None:
        problems.append(f"re-run still running after {reference.rerun_bound_s:.0f} s (killed)")
        return problems
    if code != 0:
        problems.append(f"re-run exited {code}")
        return problems
    if (digest := marts_digest(ws.warehouse / "published.duckdb")) != reference.digest:
        problems.append(f"marts differ from a clean run ({digest[:12]} != {reference.digest[:12]})")
    if rest := leftovers(ws.warehouse):
        problems.append(f"temporary files left: {rest}")
    print(f"     {case.label}: the re-run took {time.monotonic() - started:.1f} s", flush=True)
    return problems


@dataclass(frozen=True)
class Reference:
    """A clean run: its marts digest and duration, and the workspace just before it (an older,
    smaller publish and the instance that made it) for every case to start from."""

    digest: str
    duration_s: float
    seed: Workspace

    @property
    def rerun_bound_s(self) -> float:
        return max(RERUN_BOUND_S, 4 * self.duration_s)


def clean_reference(workdir: Path) -> Reference:
    ws = Workspace(workdir / "clean")
    (ws.landing / "pages").mkdir(parents=True)
    shutil.copy(SAMPLES / "event-page-7367235.txt", ws.landing / "pages")  # an older, smaller publish
    if run_pipeline(ws) != 0:
        raise RuntimeError("the first clean run failed")
    seed = Workspace(workdir / "seed")
    seed.copy_state_from(ws)
    make_landing(ws.landing)
    started = time.monotonic()
    if run_pipeline(ws) != 0:
        raise RuntimeError("the clean run failed")
    return Reference(marts_digest(ws.warehouse / "published.duckdb"), time.monotonic() - started, seed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--random", type=int, default=50, help="random-moment kills (default 50)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="chaos-") as tmp:
        root = Path(tmp)
        reference = clean_reference(root)
        print(f"clean run: {reference.duration_s:.1f}s, marts digest {reference.digest[:12]}", flush=True)
        cases = [Case(point=p) for p in FAULT_POINTS]
        cases += [Case(delay_s=round(rng.uniform(0.3, reference.duration_s), 2)) for _ in range(args.random)]
        failures = []
        for number, case in enumerate(cases):
            problems = check_case(case, root / f"case-{number}", reference)
            print(f"{'FAIL' if problems else 'ok  '} {case.label} {'; '.join(problems)}", flush=True)
            if problems:
                failures.append({"point": case.point, "delay_s": case.delay_s, "problems": problems})
            shutil.rmtree(root / f"case-{number}", ignore_errors=True)
    if failures:
        known = json.loads(REGRESSIONS.read_text())
        REGRESSIONS.write_text(json.dumps(known + failures, indent=2) + "\n")
    print(f"{len(cases) - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
