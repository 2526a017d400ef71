"""Readers are never hurt: a separate process queries published.duckdb read-only in a loop while
20+ publishes happen. Zero errors, and every read sees one complete version (the row counts
recorded in its one-row audit_publish table match what it reads)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from orchestration.publish.publisher import publish

pytestmark = pytest.mark.integration

READER = textwrap.dedent(
    """
    import json, sys, time, duckdb
    path, stop_file = sys.argv[1], sys.argv[2]
    reads, errors, versions = 0, [], set()
    import os
    while not os.path.exists(stop_file):
        try:
            with duckdb.connect(path, read_only=True) as con:
                version, counts = con.execute("select version_id, row_counts from audit_publish").fetchall()[0]
                counts = json.loads(counts)
                for table, expected in counts.items():
                    got = con.execute(f'select count(*) from "{table}"').fetchall()[0][0]
                    if got != expected:
                        errors.append(f"{version} {table}: {got} != {expected}")
            versions.add(version)
            reads += 1
        except Exception as exc:
            errors.append(repr(exc))
    print(json.dumps({"reads": reads, "errors": errors[:10], "n_errors": len(errors), "versions": len(versions)}))
    """
)


def test_reader_sees_only_complete_versions_during_publishes(tmp_path: Path) -> None:
    working, published, exports = tmp_path / "warehouse.duckdb", tmp_path / "published.duckdb", tmp_path / "exports"

    def build(n: int) -> None:
        with duckdb.connect(str(working)) as con:
            con.execute("create schema if not exists marts")
            con.execute(f"create or replace table marts.fct_events as select range as id, 'x' as v from range({n})")
            con.execute(f"create or replace table marts.fct_claims as select range as id from range({2 * n})")

    build(1000)
    publish(working, published, exports)
    stop = tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(published), str(stop)], stdout=subprocess.PIPE, text=True
    )
    try:
        for i in range(25):
            build(1000 + 37 * i)
            publish(working, published, exports)
    finally:
        stop.touch()
        out, _ = reader.communicate(timeout=60)
    report = json.loads(out)
    assert report["n_errors"] == 0, report["errors"]
    assert report["reads"] > 25 and report["versions"] > 1
