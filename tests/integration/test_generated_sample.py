"""The pipeline over generated exports: every defect the generator plants is quarantined or
flagged with the right reason code, and nothing else disappears."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from orchestration.settings import Settings
from tests.integration.conftest import query, run_pipeline
from tools.sample_data import build_export
from tools.sample_data.generator import write_files

pytestmark = pytest.mark.integration

QUARANTINE_REASON = {
    "extracted_at_unparseable": "invalid_extracted_at",
    "extracted_at_in_future": "extracted_at_in_future",
    "source_story_id_missing": "missing_required_field",
    "source_story_id_not_digits": "invalid_source_story_id",
    "malformed_json": "malformed_json",
    "missing_required_field": "missing_required_field",
    "not_an_object": "not_an_object",
    "empty_source_reports": "empty_source_reports",
}
FLAG_REASON = {
    kind: kind
    for kind in (
        "source_count_mismatch",
        "sources_list_mismatch",
        "status_inconsistent",
        "unknown_tone",
        "unknown_entity_type",
        "conflicting_duplicate",
        "unknown_category",
    )
}


def test_every_planted_defect_is_quarantined_or_flagged(settings: Settings) -> None:
    export = build_export(events=300, days=3, start=date(2026, 5, 24), seed=11, defect_rate=0.1)
    kinds = Counter(d.kind for d in export.defects)
    assert set(kinds) == set(QUARANTINE_REASON) | set(FLAG_REASON), "generator kinds changed"
    write_files(export.files, settings.landing_dir)

    run = run_pipeline(settings)
    assert run.result.success and run.published, run.failed_checks()
    db = settings.published_db

    quarantined = set(query(db, "select source_file, line_number, reason_code from audit_quarantine"))
    flags = {
        (event_id, flag)
        for event_id, version_flags in query(db, "select event_id, quality_flags from fct_event_versions")
        for flag in version_flags
    }
    missing = [
        d
        for d in export.defects
        if (d.kind in QUARANTINE_REASON and (d.file, d.line, QUARANTINE_REASON[d.kind]) not in quarantined)
        or (d.kind in FLAG_REASON and (d.event_id, FLAG_REASON[d.kind]) not in flags)
    ]
    assert missing == []

    # every non-blank line is accounted for: loaded or quarantined
    lines = sum(len([line for line in lines if line.strip()]) for lines in export.files.values())
    assert query(db, "select sum(lines_read), sum(rows_loaded + rows_quarantined) from audit_loads") == [(lines, lines)]
    # re-extractions: one current version per event, history kept
    assert query(db, "select count(*) from fct_event_versions where is_current") == query(
        db, "select count(*) from fct_events"
    )
    assert query(db, "select count(*) > 0 from fct_events where n_versions > 1") == [(True,)]
