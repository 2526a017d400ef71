"""Pairwise scoring of entity resolution (tools/entity_eval.py), on hand-counted cases."""

import polars as pl
import pytest

from tools.entity_eval import label_records, load_labels, score


def assigned(rows: list[tuple[str, str, str, str | None]], confusable: dict[str, str] | None = None) -> pl.DataFrame:
    """rows: (entity_type, mention, cluster_id, entity_id)."""
    frame = pl.DataFrame(rows, schema=["entity_type", "mention", "cluster_id", "entity_id"], orient="row")
    return frame.with_columns(
        pl.col("cluster_id").replace_strict(confusable or {}, default="").alias("confusable_with")
    )


def test_pairs_precision_recall_and_merges() -> None:
    result = score(
        assigned(
            [
                ("location", "a1", "A", "e1"),
                ("location", "a2", "A", "e1"),
                ("location", "a3", "A", "e2"),
                ("location", "b1", "B", "e1"),
                ("location", "b2", "B", "e1"),
            ],
            confusable={"A": "B"},
        )
    )
    row = result.scores.filter(pl.col("entity_type") == "location").row(0, named=True)
    # true pairs: A has 3 mentions (3 pairs), B 2 (1); predicted: e1 holds 4 mentions (6 pairs);
    # correct: a1-a2 and b1-b2
    assert (row["true_pairs"], row["predicted_pairs"], row["correct_pairs"]) == (4, 6, 2)
    assert row["precision"] == pytest.approx(2 / 6) and row["recall"] == pytest.approx(2 / 4)
    assert result.wrong_merges["clusters"].to_list() == [["A", "B"]]
    assert result.hard_negative_merges == 1
    assert result.missed_merges["cluster_id"].to_list() == ["A"]


def test_types_are_scored_apart_and_summed_overall() -> None:
    result = score(
        assigned(
            [
                ("person", "p1", "P", "x"),
                ("person", "p2", "P", "x"),
                ("weapon_system", "w1", "W", "x"),
                ("weapon_system", "w2", "V", None),  # unresolved
            ]
        )
    )
    overall = result.scores.filter(pl.col("entity_type") == "overall").row(0, named=True)
    assert (overall["true_pairs"], overall["predicted_pairs"], overall["correct_pairs"]) == (1, 1, 1)
    assert result.overall("precision") == 1.0 and result.overall("recall") == 1.0
    assert result.wrong_merges.height == 0 and result.hard_negative_merges == 0
    assert result.unresolved == 1


def test_every_labelled_mention_is_landed_once_with_its_type() -> None:
    labels = load_labels()
    landed = [(e["name"], e["type"]) for record in label_records(labels) for e in record["entities"]]
    assert sorted(landed) == sorted(labels.select("mention", "entity_type").rows())
    assert labels.n_unique(["entity_type", "mention"]) == labels.height


def test_recall_per_kind_counts_mentions_that_joined_their_canonical() -> None:
    frame = assigned(
        [
            ("location", "Kyiv", "K", "e1"),
            ("location", "Київ", "K", "e1"),
            ("location", "Kiev", "K", "e2"),
            ("location", "Киев", "K", "e3"),
        ]
    ).with_columns(pl.Series("variant_kind", ["canonical", "cyrillic_uk", "old_spelling", "cyrillic_ru"]))
    kinds = {
        row["variant_kind"]: (row["with_canonical"], row["mentions"])
        for row in score(frame).by_kind.iter_rows(named=True)
    }
    assert kinds == {"cyrillic_uk": (1, 1), "old_spelling": (0, 1), "cyrillic_ru": (0, 1)}
