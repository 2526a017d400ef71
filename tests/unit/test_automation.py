"""The landing sensor's fingerprint: same files → same run key; any change → a new one."""

from orchestration.automation.jobs import landing_state_key


def test_landing_state_key_is_order_independent_and_change_sensitive() -> None:
    files = [("a.jsonl", 10, 1), ("b.txt", 20, 2)]
    assert landing_state_key(files) == landing_state_key(list(reversed(files)))
    assert landing_state_key(files) != landing_state_key([("a.jsonl", 11, 1), ("b.txt", 20, 2)])
    assert landing_state_key(files) != landing_state_key(files[:1])


def test_every_asset_is_partitioned_by_extraction_day_one_run_per_day() -> None:
    import dagster as dg

    from orchestration.definitions import defs
    from orchestration.partitions import EXTRACTION_DAYS

    job = defs.resolve_job_def("warehouse_job")
    assert job.partitions_def == EXTRACTION_DAYS
    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        if node.is_materializable:
            assert node.partitions_def == EXTRACTION_DAYS, key
            assert node.backfill_policy == dg.BackfillPolicy.multi_run(1), key


def test_the_schedule_runs_yesterdays_partition() -> None:
    from datetime import UTC, datetime

    import dagster as dg

    from orchestration.automation.jobs import daily_schedule

    context = dg.build_schedule_context(scheduled_execution_time=datetime(2026, 5, 25, 2, 15, tzinfo=UTC))
    request = daily_schedule(context)
    assert request.partition_key == "2026-05-24"
