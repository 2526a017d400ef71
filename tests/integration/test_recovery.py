"""Recovery without a person, on a persistent Dagster instance configured like a user's
($DAGSTER_HOME with the project's dagster.yaml): a run killed while it holds the `warehouse`
pool is found, failed with a reason and its slot freed, by the next command-line run and by the
daemon's run monitoring; a live holder is waited for, asleep."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from types import SimpleNamespace

import dagster as dg
import pytest
from dagster._daemon.monitoring.concurrency import execute_concurrency_slots_iteration
from dagster._daemon.monitoring.run_monitoring import monitor_started_run

from orchestration.automation.recovery import (
    WAREHOUSE_POOL,
    ProcessCheckingRunLauncher,
    abandonment_reason,
    process_started_at,
    recover_abandoned_runs,
    wait_for_warehouse,
)

pytestmark = pytest.mark.integration

# A stand-in for the warehouse job: one step in the `warehouse` pool that says when it holds
# the slot, then sleeps. Run as its own process so that the test can kill it.
HOLDER_SCRIPT = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    import dagster as dg

    @dg.op(pool="warehouse")
    def hold_the_warehouse():
        Path(sys.argv[1]).write_text("holding")
        time.sleep(float(sys.argv[2]))

    @dg.job(executor_def=dg.in_process_executor)
    def holder():
        hold_the_warehouse()

    holder.execute_in_process(instance=dg.DagsterInstance.get())
    """
)


def start_holder(home: Path, tmp_path: Path, seconds: float) -> subprocess.Popen[bytes]:
    """A run that holds the warehouse pool for `seconds`; returns once it holds it."""
    flag = tmp_path / f"holding-{time.monotonic_ns()}"
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER_SCRIPT, str(flag), str(seconds)],
        env=os.environ | {"DAGSTER_HOME": str(home)},
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while not flag.exists():
        assert process.poll() is None, "the holder run ended before it held the pool"
        assert time.monotonic() < deadline, "the holder run never held the pool"
        time.sleep(0.1)
    return process


def kill(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def slot_holders(instance: dg.DagsterInstance) -> list[str]:
    return [s.run_id for s in instance.event_log_storage.get_concurrency_info(WAREHOUSE_POOL).claimed_slots]


def only_run(instance: dg.DagsterInstance) -> dg.DagsterRun:
    runs = instance.get_runs()
    assert len(runs) == 1
    return runs[0]


def test_process_start_times_tell_live_from_dead_processes() -> None:
    own = process_started_at(os.getpid())
    assert own is not None and own <= time.time()
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()
    assert process_started_at(finished.pid) is None


def test_killed_run_is_failed_with_a_reason_and_its_slot_freed(
    instance: dg.DagsterInstance, home: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    holder = start_holder(home, tmp_path, seconds=600)
    run = only_run(instance)
    assert slot_holders(instance) == [run.run_id]
    # While it lives, nothing is taken from it.
    assert [h.run_id for h in recover_abandoned_runs(instance)] == [run.run_id]
    assert only_run(instance).status == dg.DagsterRunStatus.STARTED

    kill(holder)
    assert only_run(instance).status == dg.DagsterRunStatus.STARTED  # what a kill leaves
    with caplog.at_level(logging.WARNING, logger="orchestration.automation.recovery"):
        assert recover_abandoned_runs(instance) == []
    assert only_run(instance).status == dg.DagsterRunStatus.FAILURE
    assert slot_holders(instance) == []
    assert f"run {run.run_id} was STARTED but its worker process" in caplog.text
    messages = [e.message for e in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.ENGINE_EVENT)]
    assert any("no longer exists" in m for m in messages), "the run's own log says why it failed"

    # The next run gets the pool and finishes (before the fix it spun for ever on the slot).
    holder = start_holder(home, tmp_path, seconds=0)
    assert holder.wait(timeout=60) == 0


def test_a_reused_pid_does_not_keep_a_dead_run_alive(instance: dg.DagsterInstance, home: Path, tmp_path: Path) -> None:
    kill(start_holder(home, tmp_path, seconds=600))
    [record] = instance.get_run_records()
    # As after a reboot: the recorded pid now names a process that started after the run.
    assert abandonment_reason(instance, record, started_at=lambda pid: record.start_time + 60) is not None
    assert abandonment_reason(instance, record, started_at=lambda pid: record.start_time) is None


def test_a_live_holder_is_waited_for_asleep_and_named(
    instance: dg.DagsterInstance, home: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    holder = start_holder(home, tmp_path, seconds=4)
    run = only_run(instance)
    cpu, wall = time.process_time(), time.monotonic()
    with caplog.at_level(logging.WARNING, logger="orchestration.automation.recovery"):
        wait_for_warehouse(instance, poll_s=0.5, timeout_s=60)
    cpu, wall = time.process_time() - cpu, time.monotonic() - wall
    assert holder.wait(timeout=10) == 0
    assert wall >= 1.0, "it waited for the holder"
    assert cpu < 0.5 * wall, f"waiting burnt {cpu:.1f} s of CPU in {wall:.1f} s"
    assert f"waiting for run {run.run_id} (STARTED since" in caplog.text
    assert "holding the warehouse pool for step hold_the_warehouse" in caplog.text
    assert only_run(instance).status == dg.DagsterRunStatus.SUCCESS


def test_run_monitoring_fails_a_dead_run_and_the_daemon_frees_its_slot(
    instance: dg.DagsterInstance, home: Path, tmp_path: Path
) -> None:
    assert isinstance(instance.run_launcher, ProcessCheckingRunLauncher)  # from dagster.yaml
    assert instance.run_monitoring_enabled
    holder = start_holder(home, tmp_path, seconds=600)
    [record] = instance.get_run_records()
    monitor_started_run(instance, None, record, logging.getLogger("test"))  # type: ignore[arg-type]
    assert only_run(instance).status == dg.DagsterRunStatus.STARTED, "a live worker is left alone"

    kill(holder)
    monitor_started_run(instance, None, record, logging.getLogger("test"))  # type: ignore[arg-type]
    assert only_run(instance).status == dg.DagsterRunStatus.FAILURE
    # The daemon's next pass frees the slot of an ended run (after free_slots_after_run_end_seconds).
    seconds = instance.run_monitoring_settings["free_slots_after_run_end_seconds"]
    assert 0 < seconds <= 60
    time.sleep(seconds + 1)
    list(execute_concurrency_slots_iteration(SimpleNamespace(instance=instance), logging.getLogger("test")))  # type: ignore[arg-type]
    assert slot_holders(instance) == []
