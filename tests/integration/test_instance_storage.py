"""The instance storage of the project's dagster.yaml (orchestration/automation/instance_storage.py)
keeps its SQLite connections open between events. What it writes must be what Dagster's own
storage would have written, readable by Dagster's own storage, and an open connection must never
block another process that writes the same instance (the UI, the daemon, a second run)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

from orchestration.automation.instance_storage import PooledEventLogStorage

pytestmark = pytest.mark.integration

# One asset with one check, materialised in its own process against $DAGSTER_HOME.
WRITER_SCRIPT = textwrap.dedent(
    """
    import sys
    import dagster as dg

    @dg.asset(name=sys.argv[1])
    def written() -> None:
        return None

    @dg.asset_check(asset=written)
    def present() -> dg.AssetCheckResult:
        return dg.AssetCheckResult(passed=True)

    with dg.DagsterInstance.get() as instance:
        assert dg.materialize([written, present], instance=instance).success
    """
)


@dg.asset
def counted() -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata={"rows": 3})


@dg.asset_check(asset=counted)
def counted_rows() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=True)


def write_in_another_process(home: Path, asset_name: str) -> None:
    subprocess.run(
        [sys.executable, "-c", WRITER_SCRIPT, asset_name],
        env=os.environ | {"DAGSTER_HOME": str(home)},
        check=True,
        timeout=120,
    )


def test_the_project_instance_uses_the_pooled_event_log(instance: dg.DagsterInstance) -> None:
    assert isinstance(instance.event_log_storage, PooledEventLogStorage)


def test_dagsters_own_storage_reads_what_it_wrote(instance: dg.DagsterInstance, home: Path) -> None:
    result = dg.materialize([counted, counted_rows], instance=instance)
    assert result.success

    plain = SqliteEventLogStorage(str(home / "history" / "runs"))
    try:
        ours = [(e.dagster_event_type, e.step_key) for e in instance.all_logs(result.run_id)]
        theirs = [(e.dagster_event_type, e.step_key) for e in plain.get_logs_for_run(result.run_id)]
        assert theirs == ours
        assert dg.DagsterEventType.ASSET_MATERIALIZATION in {kind for kind, _ in theirs}
        # the cross-run index (the asset's latest materialisation and its check) as well
        latest = plain.get_latest_materialization_events([counted.key])[counted.key]
        assert latest is not None and latest.run_id == result.run_id
        check_key = dg.AssetCheckKey(counted.key, "counted_rows")
        executions = plain.get_asset_check_execution_history(check_key, limit=5)
        assert [e.run_id for e in executions] == [result.run_id]
    finally:
        plain.dispose()


def test_an_open_connection_never_blocks_another_writer(instance: dg.DagsterInstance, home: Path) -> None:
    # This process writes first, so it holds open connections to the index and its run's shard
    # while another process writes the same index; then this one writes again.
    first = dg.materialize([counted, counted_rows], instance=instance)
    write_in_another_process(home, "from_elsewhere")
    second = dg.materialize([counted, counted_rows], instance=instance)
    assert first.success and second.success

    other = dg.AssetKey("from_elsewhere")
    latest = instance.get_latest_materialization_events([counted.key, other])
    assert latest[counted.key] is not None and latest[counted.key].run_id == second.run_id
    assert latest[other] is not None
    assert len(instance.get_runs()) == 3


def test_a_wiped_instance_writes_again(instance: dg.DagsterInstance) -> None:
    dg.materialize([counted], instance=instance)
    instance.wipe()
    assert instance.get_runs() == []
    result = dg.materialize([counted], instance=instance)
    assert result.success
    assert instance.get_latest_materialization_events([counted.key])[counted.key] is not None
