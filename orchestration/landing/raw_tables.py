"""The raw zone's other tables: each committed load's manifest row (`raw.file_loads`) and
quarantined lines (`raw.quarantine`) as Parquet beside its records, so that an engine that cannot
open the warehouse file (Spark) reads every dbt source from the raw zone alone.

Layout, as for the records (raw_zone.py):

    file_loads/load_sequence=<N>/content_sha256=<sha>/part-00000.parquet
    quarantine/load_sequence=<N>/content_sha256=<sha>/part-00000.parquet   (empty when none)

The warehouse's tables stay the truth (landing's exactly-once bookkeeping lives there); these
files are copies of committed rows, written after the commit. A load's folder appears by one
rename, so it is whole or absent: a landing killed before writing it leaves it absent, and the
next landing writes every load that has none (`mirror_loads`). The copies never change.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from orchestration.landing import raw_zone

# The copied tables and their columns (raw_zone.TABLE_COLUMNS). A load from before loads were
# numbered goes to load_sequence=0, as its records do.
COLUMNS = {
    table: tuple(column for column, _ in columns)
    for table, columns in raw_zone.TABLE_COLUMNS.items()
    if table != raw_zone.RECORDS_TABLE
}


def _copied_loads(raw_dir: Path, table: str) -> set[tuple[int, str]]:
    """(load_sequence, content_sha256) of the loads whose `table` folder is in place."""
    copied = set()
    for folder in (raw_dir / table).glob("load_sequence=*/content_sha256=*"):
        copied.add((int(folder.parent.name.split("=", 1)[1]), folder.name.split("=", 1)[1]))
    return copied


def _load_rows(con: duckdb.DuckDBPyConnection, table: str, loads: list[tuple[int, str]]) -> pa.Table:
    """`table`'s rows of `loads`, with their keys, ordered. `table` is one of COLUMNS' keys."""
    columns = ", ".join(f"t.{column}" for column in COLUMNS[table])
    order = ", t.line_number" if "line_number" in COLUMNS[table] else ""
    rows: pa.Table = con.sql(
        f"select coalesce(f.load_sequence, 0) as load_sequence, t.content_sha256, {columns} "
        f"from raw.{table} as t inner join raw.file_loads as f using (content_sha256) "
        f"where list_contains($shas, t.content_sha256) order by t.content_sha256{order}",
        params={"shas": [sha for _, sha in loads]},
    ).to_arrow_table()
    return rows


def mirror_loads(con: duckdb.DuckDBPyConnection, raw_dir: Path) -> int:
    """Write the copied tables' folders of every committed load that lacks one; how many were
    written. Run it inside the landing lock, after the loads committed."""
    loads = [
        (int(sequence), str(sha))
        for sequence, sha in con.execute(
            "select coalesce(load_sequence, 0), content_sha256 from raw.file_loads order by 1, 2"
        ).fetchall()
    ]
    written = 0
    for table in COLUMNS:
        missing = sorted(set(loads) - _copied_loads(raw_dir, table))
        if not missing:
            continue
        rows = _load_rows(con, table, missing)
        spans: dict[str, tuple[int, int]] = {}  # the rows are ordered by load: sha -> (first, count)
        for index, key in enumerate(rows.column("content_sha256").to_pylist()):
            first, count = spans.get(str(key), (index, 0))
            spans[str(key)] = (first, count + 1)
        for load_sequence, sha in missing:
            first, count = spans.get(sha, (0, 0))
            part = rows.slice(first, count).select(list(COLUMNS[table]))
            incoming = raw_zone.new_incoming(raw_dir)
            pq.write_table(part, incoming / "part-00000.parquet", compression="zstd")
            raw_zone.make_durable(incoming)
            raw_zone.make_visible(raw_dir, incoming, load_sequence, sha, table=table)
            written += 1
    return written
