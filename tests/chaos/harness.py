"""Crash-safety harness: kill the pipeline (SIGKILL, whole process group) at named fault points
and at random moments, re-run it normally, and compare with a clean run.

After every kill and re-run:
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
from orchestration.sample_data.generator import write
from tests.conftest import SAMPLES

REGRESSIONS = Path(__file__).with_name("regressions.json")
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


def run_pipeline(landing: Path, warehouse: Path, *, case: Case | None = None) -> int:
    env = {k: v for k, v in os.environ.items() if k not in {FAULT_ENV, "DAGSTER_HOME"}}
    env |= {"LANDING_DIR": str(landing), "WAREHOUSE_DIR": str(warehouse)}
    if case and case.point:
        env[FAULT_ENV] = case.point
    process = subprocess.Popen(
        [sys.executable, "-m", "orchestration.run_pipeline"],
        env=env,
        start_new_session=True,  # its own process group: a kill takes dbt down with it
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    if case and case.delay_s is not None:
        try:
            process.wait(timeout=case.delay_s)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
    return process.wait()


def marts_digest(published_db: Path, skip: frozenset[str] = frozenset()) -> str:
    """A hash of every published table's rows (volatile columns and per-run audit tables aside;
    `skip` names more tables to leave out)."""
    digest = hashlib.sha256()
    with duckdb.connect(str(published_db), read_only=True) as con:
        tables = [r[0] for r in con.execute("select table_name from information_schema.tables order by 1").fetchall()]
        for table in tables:
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
            select = ", ".join(f'"{c}"' for c in columns)
            rows = con.execute(f'select {select} from "{table}" order by all').fetchall()
            digest.update(f"{table}:{len(rows)}:{rows!r}\n".encode())
    return digest.hexdigest()


def published_is_complete(published_db: Path) -> bool:
    if not published_db.exists():
        return True
    with duckdb.connect(str(published_db), read_only=True) as con:
        counts = json.loads(con.execute("select row_counts from audit_publish").fetchall()[0][0])
        return all(
            con.execute(f'select count(*) from "{table}"').fetchall()[0][0] == n for table, n in counts.items()
        )


def leftovers(warehouse: Path) -> list[str]:
    """Temporary (dot-named) files or directories anywhere in the warehouse directory."""
    return sorted(str(p.relative_to(warehouse)) for p in warehouse.rglob(".*")) if warehouse.exists() else []


def check_case(case: Case, workdir: Path, clean_digest: str, seed_warehouse: Path | None = None) -> list[str]:
    """Kill a run as `case` says, re-run, and list what went wrong (empty: the promise held).

    With `seed_warehouse`, the killed run starts from that warehouse (a previous publish exists,
    so "previous or new version" is tested, not only "nothing or new").
    """
    landing, warehouse = workdir / "landing", workdir / "warehouse"
    make_landing(landing)
    if seed_warehouse is not None:
        shutil.copytree(seed_warehouse, warehouse)
    problems = []
    run_pipeline(landing, warehouse, case=case)
    if not published_is_complete(warehouse / "published.duckdb"):
        problems.append("published.duckdb incomplete right after the kill")
    code = run_pipeline(landing, warehouse)
    if code != 0:
        problems.append(f"re-run exited {code}")
        return problems
    if (digest := marts_digest(warehouse / "published.duckdb")) != clean_digest:
        problems.append(f"marts differ from a clean run ({digest[:12]} != {clean_digest[:12]})")
    if rest := leftovers(warehouse):
        problems.append(f"temporary files left: {rest}")
    return problems


def clean_reference(workdir: Path) -> tuple[str, float, Path]:
    """A clean run's digest, its duration, and a warehouse with an older publish to start from."""
    landing, warehouse = workdir / "landing", workdir / "warehouse"
    (landing / "pages").mkdir(parents=True)
    shutil.copy(SAMPLES / "event-page-7367235.txt", landing / "pages")  # an older, smaller publish
    if run_pipeline(landing, warehouse) != 0:
        raise RuntimeError("the first clean run failed")
    seed = workdir / "seed-warehouse"
    shutil.copytree(warehouse, seed)
    make_landing(landing)
    started = time.monotonic()
    if run_pipeline(landing, warehouse) != 0:
        raise RuntimeError("the clean run failed")
    return marts_digest(warehouse / "published.duckdb"), time.monotonic() - started, seed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--random", type=int, default=50, help="random-moment kills (default 50)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="chaos-") as tmp:
        root = Path(tmp)
        clean_digest, duration, seed = clean_reference(root / "clean")
        print(f"clean run: {duration:.1f}s, marts digest {clean_digest[:12]}", flush=True)
        cases = [Case(point=p) for p in FAULT_POINTS]
        cases += [Case(delay_s=round(rng.uniform(0.3, duration), 2)) for _ in range(args.random)]
        failures = []
        for number, case in enumerate(cases):
            problems = check_case(case, root / f"case-{number}", clean_digest, seed)
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
