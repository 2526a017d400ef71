"""Run-level invariants over the working warehouse, checked right after landing.

These are the failures that mean the *run* is broken (not a few bad records): a file whose lines
do not add up, or a share of quarantined records so high that the delivery itself is suspect.
"""

from __future__ import annotations

import duckdb

from orchestration.checks.outcomes import CheckOutcome
from orchestration.incremental import UNPUBLISHED_LOAD_IDS


def loads_balanced(con: duckdb.DuckDBPyConnection) -> CheckOutcome:
    """Per file: lines read = loaded + quarantined, and the raw tables hold exactly those rows."""
    rows = con.execute(
        """
        with loaded as (
            select content_sha256, count(*) as n from raw.event_records group by all
        ), quarantined as (
            select content_sha256, count(*) as n from raw.quarantine group by all
        )
        select f.source_file, f.lines_read, f.rows_loaded, f.rows_quarantined,
               coalesce(l.n, 0), coalesce(q.n, 0)
        from raw.file_loads f
        left join loaded l using (content_sha256)
        left join quarantined q using (content_sha256)
        where f.lines_read <> f.rows_loaded + f.rows_quarantined
           or f.rows_loaded <> coalesce(l.n, 0)
           or f.rows_quarantined <> coalesce(q.n, 0)
        order by f.source_file
        """
    ).fetchall()
    files = con.execute("select count(*) from raw.file_loads").fetchall()[0][0]
    return CheckOutcome(
        table="audit_loads",
        name="lines_read_equal_loaded_plus_quarantined",
        passed=not rows,
        severity="ERROR",
        description="For every landed file, lines read = rows loaded + rows quarantined, "
        "and both counts match the raw tables.",
        metadata={"files_checked": files, "unbalanced_files": [r[0] for r in rows[:20]]},
    )


def quarantine_share(con: duckdb.DuckDBPyConnection, max_share: float, min_records: int) -> CheckOutcome:
    """The share of quarantined records among everything landed since the last publish stays
    under the configured limit.

    Judged over every load not yet published (this run's and those of runs that failed), not
    only this run's: a broken delivery that failed one run must not slip into the next run's
    publish just because it is no longer new. An operator accepts such a batch explicitly by
    raising MAX_QUARANTINE_SHARE for one run (docs/operations.md). Fewer than `min_records`
    records pass: a share of a handful says nothing, and each bad record is quarantined anyway.
    """
    lines, quarantined, runs = con.execute(
        f"""
        select coalesce(sum(lines_read), 0), coalesce(sum(rows_quarantined), 0),
               count(distinct load_id)
        from raw.file_loads
        where load_id in ({UNPUBLISHED_LOAD_IDS})
        """
    ).fetchall()[0]
    share = (quarantined / lines) if lines else 0.0
    return CheckOutcome(
        table="audit_quarantine",
        name="quarantine_share_within_limit",
        passed=lines < min_records or share <= max_share,
        severity="ERROR",
        description=f"At most {max_share:.0%} of the records landed since the last publish may "
        f"be quarantined (MAX_QUARANTINE_SHARE), judged from {min_records} records on "
        "(QUARANTINE_SHARE_MIN_RECORDS); more means a broken delivery, not a few bad records.",
        metadata={
            "records_read": int(lines),
            "records_quarantined": int(quarantined),
            "share": round(share, 4),
            "unpublished_runs": int(runs),
        },
    )
