"""`make eval-entities` end to end, as the issue's gate: the labelled set lands through the real
pipeline and `bridge_event_entities` must resolve it with pairwise precision ≥ 0.99 and recall
≥ 0.95 overall, every mention resolved, and not one of the set's look-alikes (hard negatives)
merged."""

import pytest

from tools.entity_eval import evaluate

pytestmark = pytest.mark.integration


def test_labelled_set_meets_precision_recall_and_no_hard_negative_merge() -> None:
    result = evaluate()
    assert result.unresolved == 0
    assert result.hard_negative_merges == 0, result.wrong_merges
    assert result.overall("precision") >= 0.99, result.wrong_merges
    assert result.overall("recall") >= 0.95, result.missed_merges
