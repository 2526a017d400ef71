"""Runs whose process is gone: found, failed with a reason, their pool slots freed.

A run killed with SIGKILL, by the OOM killer or by a reboot never writes its end: the instance
keeps it `STARTED`, and it keeps its slot of the `warehouse` pool (dagster.yaml), so every later
run would wait for it for ever. A person would have to find and free it; this module does it.

Whether a run's process lives is judged from what Dagster itself records: every run worker, in
process (`make pipeline`) or launched by the daemon (`make dev`), logs an engine event with its
pid when it starts. The run is abandoned when that process no longer exists, or exists but
started after the run did (its pid was reused, e.g. after a reboot); a run that recorded no pid
within `NO_PID_GRACE_S` of starting is abandoned too. Used in two places:

* `make pipeline` (`orchestration.run_pipeline`) calls `wait_for_warehouse` before it runs: it
  fails abandoned runs, frees their slots, and waits (logging which run holds the pool, sleeping
  between looks) while a live run is in progress;
* under `make dev`, Dagster's run monitoring asks the run launcher configured in dagster.yaml
  (`ProcessCheckingRunLauncher`) whether each started run's worker is healthy, with the same
  rule, and frees the slots of ended runs (`free_slots_after_run_end_seconds`).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
from dagster._core.launcher import CheckRunHealthResult, DefaultRunLauncher, WorkerStatus
from dagster._core.storage.dagster_run import ACTIVE_RUN_STATUSES, RunRecord

log = logging.getLogger(__name__)

WAREHOUSE_POOL = "warehouse"
# A run worker logs its pid within a second of starting; one that has not after this long is
# taken for dead (it was killed between its start and that event).
NO_PID_GRACE_S = 60.0
# How close the process's own start time must be to the run's start: the run worker starts
# first, so a process that started later holds a reused pid.
CLOCK_SLACK_S = 2.0
# A waiting run says whom it waits for this often.
REPORT_EVERY_S = 30.0
# The worker's pid is in one of a run's first engine events; later ones are not read.
FIRST_ENGINE_EVENTS = 20


def process_started_at(pid: int) -> float | None:
    """When process `pid` started (epoch seconds, from Linux's /proc), or None if there is no
    such live process. The start time is what tells a reused pid from the original."""
    try:
        # proc(5): after the command name in parentheses, field 3 (state) ... field 22 (start
        # time, in clock ticks since boot)
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        boot_line = next(line for line in Path("/proc/stat").read_text().splitlines() if line.startswith("btime "))
    except (OSError, IndexError, StopIteration):
        return None
    if fields[0] in {"Z", "X"}:  # a zombie has exited; only its exit status is left
        return None
    return int(boot_line.split()[1]) + int(fields[19]) / os.sysconf("SC_CLK_TCK")


def recorded_worker_pid(instance: dg.DagsterInstance, run_id: str) -> int | None:
    """The pid the run's worker logged: the first engine event that carries one (later ones may
    name short-lived step processes). Only the run's first engine events are read: this is asked
    of every active run at each look."""
    records = instance.get_records_for_run(
        run_id, of_type=dg.DagsterEventType.ENGINE_EVENT, limit=FIRST_ENGINE_EVENTS
    ).records
    for record in records:
        event = record.event_log_entry.dagster_event
        data = event.engine_event_data if event is not None else None
        pid = data.metadata.get("pid") if data is not None else None
        if pid is not None and str(pid.value).isdigit():
            return int(str(pid.value))
    return None


def abandonment_reason(
    instance: dg.DagsterInstance,
    record: RunRecord,
    *,
    started_at: Callable[[int], float | None] = process_started_at,
) -> str | None:
    """Why the run's process is gone, or None while it may still be running."""
    run = record.dagster_run
    if run.status not in ACTIVE_RUN_STATUSES:
        return None
    run_start = record.start_time or record.create_timestamp.timestamp()
    pid = recorded_worker_pid(instance, run.run_id)
    if pid is None:
        age = time.time() - run_start
        if age < NO_PID_GRACE_S:
            return None
        return f"its worker logged no process id in the {age:.0f} s since it started"
    process_start = started_at(pid)
    if process_start is None:
        return f"its worker process {pid} no longer exists (killed, or the machine restarted)"
    if process_start > run_start + CLOCK_SLACK_S:
        return f"its worker process {pid} is gone (that pid now belongs to a process started later)"
    return None


@dataclass(frozen=True)
class Holder:
    """A live run that the warehouse pool is busy with."""

    run_id: str
    status: str
    since: float
    steps: tuple[str, ...]

    def describe(self) -> str:
        since = datetime.fromtimestamp(self.since, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        holding = f", holding the {WAREHOUSE_POOL} pool for step {', '.join(self.steps)}" if self.steps else ""
        return f"run {self.run_id} ({self.status} since {since}{holding})"


def fail_abandoned_run(instance: dg.DagsterInstance, record: RunRecord, reason: str) -> None:
    """Mark the run failed with the reason, and free every slot and pending claim it left."""
    run = record.dagster_run
    message = f"Marked failed by {os.uname().nodename} pid {os.getpid()}: {reason}."
    instance.report_engine_event(message, run)
    instance.report_run_failed(run, message)
    instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
    log.warning("run %s was %s but %s: marked it failed and freed its pool slots", run.run_id, run.status.value, reason)


def recover_abandoned_runs(instance: dg.DagsterInstance) -> list[Holder]:
    """Fail every active run whose process is gone, free the pool slots that runs no longer in
    progress still hold, and return the live runs that keep the warehouse busy."""
    live: dict[str, RunRecord] = {}
    for record in instance.get_run_records(filters=dg.RunsFilter(statuses=ACTIVE_RUN_STATUSES)):
        reason = abandonment_reason(instance, record)
        if reason is None:
            live[record.dagster_run.run_id] = record
        else:
            fail_abandoned_run(instance, record, reason)

    storage = instance.event_log_storage
    claims: dict[str, list[str]] = {}
    if storage.supports_global_concurrency_limits:
        info = storage.get_concurrency_info(WAREHOUSE_POOL)
        for slot in info.claimed_slots:
            claims.setdefault(slot.run_id, []).append(slot.step_key)
        for pending in info.pending_steps:
            claims.setdefault(pending.run_id, [])
        # A run that ended (or was deleted) without releasing its claims: what the daemon's
        # free_slots_after_run_end_seconds does, for instances without a daemon.
        for run_id in set(claims) - set(live):
            log.warning("run %s is not in progress but still claims the %s pool: freed", run_id, WAREHOUSE_POOL)
            storage.free_concurrency_slots_for_run(run_id)
    return [
        Holder(
            run_id=run_id,
            status=record.dagster_run.status.value,
            since=record.start_time or record.create_timestamp.timestamp(),
            steps=tuple(sorted(claims.get(run_id, []))),
        )
        for run_id, record in sorted(live.items())
    ]


def wait_for_warehouse(
    instance: dg.DagsterInstance,
    *,
    poll_s: float = 2.0,
    timeout_s: float | None = None,
) -> None:
    """Return once no other live run is in progress; abandoned runs are failed on the way.

    Dagster's in-process executor polls a busy pool without sleeping (one core at 100% for as
    long as it waits), so a run started from the command line waits here instead, asleep, and
    says every REPORT_EVERY_S whom it waits for.
    """
    started = time.monotonic()
    last_report: float | None = None
    while holders := recover_abandoned_runs(instance):
        waited = time.monotonic() - started
        if timeout_s is not None and waited > timeout_s:
            raise TimeoutError(f"gave up after {waited:.0f} s waiting for " + "; ".join(h.describe() for h in holders))
        if last_report is None or time.monotonic() - last_report >= REPORT_EVERY_S:
            log.warning(
                "waiting for %s before starting (waited %.0f s so far)",
                "; ".join(h.describe() for h in holders),
                waited,
            )
            last_report = time.monotonic()
        time.sleep(poll_s)
    if last_report is not None:
        log.warning("the warehouse is free after %.0f s: starting", time.monotonic() - started)


class ProcessCheckingRunLauncher(DefaultRunLauncher):
    """Dagster's default launcher, plus the worker health check that run monitoring needs.

    The default launcher cannot tell whether a run's worker lives, so the daemon's run monitoring
    never fails a run whose worker was killed while its code server was down (or one executed in
    process by `make pipeline`). This one answers with `abandonment_reason`, for every run.
    """

    @property
    def supports_check_run_worker_health(self) -> bool:
        return True

    def check_run_worker_health(self, run: dg.DagsterRun) -> CheckRunHealthResult:
        records = self._instance.get_run_records(filters=dg.RunsFilter(run_ids=[run.run_id]))
        reason = abandonment_reason(self._instance, records[0]) if records else "the run is not on record"
        if reason is None:
            return CheckRunHealthResult(WorkerStatus.RUNNING)
        return CheckRunHealthResult(WorkerStatus.FAILED, reason)
