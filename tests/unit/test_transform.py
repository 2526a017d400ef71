"""The dbt step's own bookkeeping: the transform fingerprint, the parse state handed to the next
run, old target folders pruned (the build plan itself: tests/unit/test_incremental.py)."""

from __future__ import annotations

import os
from pathlib import Path

from orchestration.transform.assets import keep_parse_state, prune_run_targets, transform_fingerprint


def _project(root: Path) -> Path:
    for folder in ("models", "macros", "seeds", "tests"):
        (root / folder).mkdir(parents=True)
    (root / "models" / "m.sql").write_text("select 1")
    (root / "tests" / "t.sql").write_text("select 1 where false")
    (root / "dbt_project.yml").write_text("name: p")
    return root


def test_fingerprint_follows_models_not_tests(tmp_path: Path) -> None:
    project = _project(tmp_path)
    before = transform_fingerprint(project)
    (project / "tests" / "t.sql").write_text("select 2 where false")
    assert transform_fingerprint(project) == before
    (project / "models" / "m.sql").write_text("select 2")
    assert transform_fingerprint(project) != before


def test_the_run_parse_state_is_handed_back_for_the_next_run(tmp_path: Path) -> None:
    project_target = tmp_path / "target"
    run_target = project_target / "warehouse_dbt_models-run1-abc"
    run_target.mkdir(parents=True)
    (project_target / "partial_parse.msgpack").write_bytes(b"from dbt parse")
    assert not keep_parse_state(run_target, project_target)  # the run left no state: keep the old
    (run_target / "partial_parse.msgpack").write_bytes(b"from the run")
    assert keep_parse_state(run_target, project_target)
    assert (project_target / "partial_parse.msgpack").read_bytes() == b"from the run"
    assert sorted(p.name for p in project_target.iterdir()) == ["partial_parse.msgpack", run_target.name]


def test_old_dbt_target_folders_are_pruned(tmp_path: Path) -> None:
    """Each dbt invocation leaves a target folder; only the newest few of the step stay."""
    folders = []
    for number in range(8):
        folder = tmp_path / f"warehouse_dbt_models-run{number}-abc"
        (folder / "compiled").mkdir(parents=True)
        os.utime(folder, ns=(number * 10**9, number * 10**9))
        folders.append(folder)
    (tmp_path / "compiled").mkdir()  # dbt's own folder: never touched
    (tmp_path / "other_step-run0-abc").mkdir()  # another step's: never touched
    current = folders[2]  # the invocation that just ran, whatever its mtime
    deleted = prune_run_targets(current, keep=3)
    kept = sorted(p.name for p in tmp_path.iterdir())
    assert kept == sorted(["compiled", "other_step-run0-abc", current.name, folders[7].name, folders[6].name])
    assert len(deleted) == 5
