"""`make bench-entities`: the entity resolver's cost at a scale of distinct spellings far beyond
the sample data's, measured on the real dbt model.

    python -m bench.entity_resolution [--spellings 100000] [--new 10000] [--work DIR]

The pipeline resolves distinct spellings, not mentions: 1M events of real news name perhaps
100k distinct spellings. This builds a scratch warehouse with the seeds, a synthetic
`int_entity_spellings_counted` of `--spellings` spellings (names made of random syllables, each
entity written one to four ways: romanisations, typos, titles, descriptors), then times
`dbt run` of the registry model `int_entity_spellings_registered`: once registering everything
(a first build), once registering `--new` more spellings on top (a day's run), each time after
keying the new names (`int_entity_names_keyed`). Prints each model's own execution time (from
dbt's run_results.json) and the registry's size.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import tempfile
from pathlib import Path

import duckdb

from orchestration.settings import DBT_EXECUTABLE, DBT_PROJECT_DIR

MODELS = ("int_entity_names_keyed", "int_entity_spellings_registered")
SEED = 2026
SYLLABLES = [c + v for c in "bdhklmnprstvz" for v in ("a", "o", "i", "y", "e", "ia", "iu")]
TITLES = ["Gen.", "President", "Defence Minister", "Mayor"]
UNIT_KINDS = ["Mechanized Brigade", "Assault Brigade", "Tank Division", "Combined Arms Army"]
ORG_WORDS = ["National", "Agency", "Service", "Council", "Bureau", "Company", "Energy", "Security"]


def _name(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(syllables)).capitalize()


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 5:
        return text
    i = rng.randrange(1, len(text) - 2)
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


def _romanised(text: str) -> str:
    return text.replace("ia", "ya").replace("iu", "yu").replace("kh", "h").replace("v", "w")


def entity_spellings(rng: random.Random) -> tuple[str, list[str]]:
    """One synthetic entity: its type and one to four ways it is written."""
    kind = rng.choice(["location", "location", "person", "military_unit", "organization", "weapon_system"])
    if kind == "location":
        base = _name(rng, rng.randint(2, 4))
        variants = [base, _romanised(base), _typo(rng, base), f"{base} city"]
    elif kind == "person":
        base = f"{_name(rng, 2)} {_name(rng, 3)}"
        variants = [base, f"{rng.choice(TITLES)} {base}", _romanised(base), _typo(rng, base)]
    elif kind == "military_unit":
        number = rng.randint(1, 250)
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10 if number % 100 not in (11, 12, 13) else 0, "th")
        base = f"{number}{suffix} {rng.choice(UNIT_KINDS)}"
        variants = [base, f"{number}{suffix} Separate {base.split(' ', 1)[1]}", _typo(rng, base)]
    elif kind == "organization":
        base = f"{_name(rng, 2)} {rng.choice(ORG_WORDS)} {rng.choice(ORG_WORDS)}"
        variants = [base, f"The {base}", _typo(rng, base)]
    else:
        base = f"{_name(rng, 1).upper()}-{rng.randint(1, 999)}"
        variants = [base, base.replace("-", ""), base.replace("-", " "), f"{base} missile"]
    return kind, variants[: rng.randint(1, len(variants))]


def spellings(n: int, rng: random.Random, taken: set[tuple[str, str]]) -> list[tuple[str, str, int]]:
    """`n` distinct (spelling, type, mentions) not in `taken` (which it extends)."""
    rows: list[tuple[str, str, int]] = []
    while len(rows) < n:
        kind, variants = entity_spellings(rng)
        for spelling in variants:
            if (spelling, kind) not in taken and len(rows) < n:
                taken.add((spelling, kind))
                rows.append((spelling, kind, rng.randint(1, 50)))
    return rows


def _dbt(args: list[str], project: Path, env: dict[str, str]) -> None:
    run = subprocess.run(
        [str(DBT_EXECUTABLE), *args, "--profiles-dir", "."], cwd=project, env=env, capture_output=True, text=True
    )
    if run.returncode != 0:
        raise RuntimeError(f"dbt {' '.join(args)} failed:\n{run.stdout[-3000:]}")


def _model_seconds(project: Path) -> dict[str, float]:
    results = json.loads((project / "target" / "run_results.json").read_text())["results"]
    return {
        model: next(r["execution_time"] for r in results if r["unique_id"].endswith(f".{model}")) for model in MODELS
    }


def _seconds(times: dict[str, float]) -> str:
    return f"{sum(times.values()):.1f} s (" + ", ".join(f"{m} {t:.1f} s" for m, t in times.items()) + ")"


def _add_spellings(db: Path, rows: list[tuple[str, str, int]], batch: int) -> None:
    with duckdb.connect(str(db)) as con:
        con.execute("create schema if not exists intermediate")
        con.execute("create schema if not exists staging")
        con.execute(
            "create table if not exists intermediate.int_entity_spellings_counted "
            "(mention_name varchar, entity_type varchar, n_mentions bigint, rebuilt_batch bigint)"
        )
        con.execute("create or replace table staging.stg_raw__event_records as select ? as staging_batch", [batch])
        con.executemany(
            "insert into intermediate.int_entity_spellings_counted values (?, ?, ?, ?)",
            [(s, t, n, batch) for s, t, n in rows],
        )


def run(n_spellings: int, n_new: int, work: Path, log=print) -> dict[str, float]:
    project = work / "dbt_project"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs"))
    db = work / "entities.duckdb"
    env = {**os.environ, "WAREHOUSE_DB_PATH": str(db), "DUCKDB_TEMP_DIR": str(work / "tmp")}
    rng, taken = random.Random(SEED), set()

    # the seeds the measured models read, whichever they are (`dbt seed` runs only the seeds of
    # the models' ancestors)
    _dbt(["seed", "--select", *(f"+{model}" for model in MODELS)], project, env)
    _add_spellings(db, spellings(n_spellings, rng, taken), batch=1)
    _dbt(["run", "--select", *MODELS], project, env)
    first = _model_seconds(project)
    log(f"registered {n_spellings:,} spellings (first build): {_seconds(first)}")

    _add_spellings(db, spellings(n_new, rng, taken), batch=2)
    _dbt(["run", "--select", *MODELS], project, env)
    day = _model_seconds(project)
    with duckdb.connect(str(db), read_only=True) as con:
        [(registered, entities, methods)] = con.execute(
            f"select count(*), count(distinct entity_id), "
            f"string_agg(distinct match_method, ', ' order by match_method) from intermediate.{MODELS[-1]}"
        ).fetchall()
    log(f"registered {n_new:,} more on top (a day's run): {_seconds(day)}")
    log(f"registry: {registered:,} spellings, {entities:,} entities; methods used: {methods}")
    return {
        "first_build_seconds": sum(first.values()),
        "day_seconds": sum(day.values()),
        "spellings": registered,
        "entities": entities,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spellings", type=int, default=100_000)
    parser.add_argument("--new", type=int, default=10_000)
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-entities-"))
    run(args.spellings, args.new, work)
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
