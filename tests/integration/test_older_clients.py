"""BI tools that bundle DuckDB 1.4 LTS can read what we publish: a real 1.4 client, in its own
environment (`make test` builds .venv-duckdb14), opens the published file read-only and reads
every table whole, for a file written whole ("copied") and for one patched in place."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from orchestration.incremental import CHANGED_EVENTS
from orchestration.publish.publisher import publish
from tests.conftest import REPO
from tests.integration.conftest import SampleWarehouse

pytestmark = pytest.mark.integration

DUCKDB14_PYTHON = REPO / ".venv-duckdb14" / "bin" / "python"

# Runs under either client: every table of the file, all its rows in a fixed order, as JSON
# (Python values, so both clients' results compare equal when they read the same data).
READER = textwrap.dedent(
    """
    import json, sys, duckdb
    with duckdb.connect(sys.argv[1], read_only=True) as con:
        tables = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'main' order by 1"
        ).fetchall()]
        rows = {t: con.execute(f'select * from "{t}" order by all').fetchall() for t in tables}
    print(json.dumps({"version": duckdb.__version__, "tables": rows}, default=str))
    """
)


def read_published(python: Path, path: Path) -> dict:
    """What the DuckDB client of `python`'s environment reads from `path`, read-only."""
    if not python.exists():
        message = f"{python} is missing: `make test` builds it (make .venv-duckdb14/.installed)"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    done = subprocess.run([str(python), "-c", READER, str(path)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def test_duckdb_14_reads_every_published_table_as_we_do(sample_warehouse: SampleWarehouse, tmp_path: Path) -> None:
    """A whole copy (the first publish) and a patch of it (the next) both open in DuckDB 1.4."""
    settings = sample_warehouse.settings
    published = tmp_path / "published.duckdb"
    copied = publish(settings.working_db, published, tmp_path / "exports", run_id="older-clients")
    patched = publish(
        settings.working_db,
        published,
        tmp_path / "exports",
        run_id="older-clients",
        changed_events=CHANGED_EVENTS,
    )
    assert (copied.mode, patched.mode) == ("copied", "patched")

    ours = read_published(Path(sys.executable), published)
    theirs = read_published(DUCKDB14_PYTHON, published)
    assert theirs["version"].startswith("1.4."), theirs["version"]
    assert ours["version"].startswith("2."), ours["version"]
    assert set(theirs["tables"]) == set(ours["tables"]) >= {"fct_events", "agg_outlet_scorecards", "audit_publish"}
    assert all(len(rows) > 0 for rows in theirs["tables"].values())
    assert theirs["tables"] == ours["tables"]


def test_the_sample_warehouse_published_file_opens_in_duckdb_14(sample_warehouse: SampleWarehouse) -> None:
    """The file the pipeline itself published (through Dagster), not only the publisher's."""
    theirs = read_published(DUCKDB14_PYTHON, sample_warehouse.settings.published_db)
    counts = {table: len(rows) for table, rows in theirs["tables"].items()}
    with duckdb.connect(str(sample_warehouse.settings.published_db), read_only=True) as con:
        [(row_counts,)] = con.execute("select row_counts from audit_publish").fetchall()
    assert {t: counts[t] for t in json.loads(row_counts)} == json.loads(row_counts)
