"""Entity resolution, measured against a labelled set (tests/fixtures/entity_eval).

The labelled mentions are landed as ordinary export records and run through the whole pipeline;
the entity ids that `bridge_event_entities` gives them are scored against the labels, the way an
independent check would score a held-back set. Scores are pairwise and per entity type
(resolution never compares names across types): two mentions are a true match when they share
a cluster, a predicted match when they share an entity id;
precision = correct predicted pairs / predicted pairs, recall = correct predicted pairs / true
pairs. A wrong merge is an entity holding mentions of several clusters (a hard negative when
the label set names those clusters as look-alikes); a missed merge is a cluster split over
several entities.

Run it with `make eval-entities` (python -m tools.entity_eval).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import duckdb
import polars as pl

from orchestration.settings import REPO_ROOT, pipeline_subprocess_env

LABELS = REPO_ROOT / "tests" / "fixtures" / "entity_eval" / "labelled_mentions.csv"
# Mentions per landed record: like a real event, which names about a dozen entities.
MENTIONS_PER_EVENT = 10


@dataclass(frozen=True)
class EvalResult:
    scores: pl.DataFrame  # entity_type ('overall' last), pairs and precision / recall / f1
    wrong_merges: pl.DataFrame  # entity_type, entity_id, clusters, mentions, hard_negative
    missed_merges: pl.DataFrame  # entity_type, cluster_id, n_entities, groups
    unresolved: int  # labelled mentions the pipeline gave no entity
    by_kind: pl.DataFrame  # variant_kind, mentions, with_canonical, share: recall per kind of variation

    def overall(self, measure: str) -> float:
        return float(self.scores.filter(pl.col("entity_type") == "overall")[measure][0])

    @property
    def hard_negative_merges(self) -> int:
        return self.wrong_merges.filter(pl.col("hard_negative")).height


def load_labels(path: Path = LABELS) -> pl.DataFrame:
    return pl.read_csv(path, schema_overrides={"confusable_with": pl.String}).with_columns(
        pl.col("confusable_with").fill_null("")
    )


def label_records(
    labels: pl.DataFrame, per_event: int = MENTIONS_PER_EVENT, first_number: int = 1
) -> list[dict[str, Any]]:
    """Contract-shaped export records that name the labelled mentions, `per_event` at a time
    (events numbered from `first_number`, so that several batches make distinct events)."""
    mentions = labels.select("mention", "entity_type").rows()
    records = []
    for number, start in enumerate(range(0, len(mentions), per_event), start=first_number):
        event_id = f"eval-{number:05d}"
        records.append(
            {
                "event_id": event_id,
                "category": "Statement",
                "headline": f"Entity resolution evaluation record {number}.",
                "location": {"name": "Kyiv", "region": None},
                "verification": {"status": "Single source", "summary": "One source", "source_count": 1},
                "sources": ["Reuters"],
                "entities": [{"name": name, "type": kind} for name, kind in mentions[start : start + per_event]],
                "source_reports": [{"outlet": "Reuters", "tone": "certain", "claim": "It happened."}],
                "extraction": {"extracted_at": "2026-05-30T10:00:00.000Z", "source_story_id": f"{8_000_000 + number}"},
            }
        )
    return records


def _pair_counts(assigned: pl.DataFrame, by: list[str], name: str) -> pl.DataFrame:
    """Per entity type: the pairs of mentions that share every column of `by`."""
    return (
        assigned.group_by("entity_type", *by)
        .len()
        .group_by("entity_type")
        .agg((pl.col("len") * (pl.col("len") - 1) // 2).sum().alias(name))
    )


def score(assigned: pl.DataFrame) -> EvalResult:
    """Scores of `assigned` (entity_type, mention, cluster_id, confusable_with, entity_id; a
    mention the pipeline did not resolve has a null entity_id and counts as its own entity)."""
    unresolved = assigned["entity_id"].null_count()
    assigned = assigned.with_columns(
        pl.coalesce("entity_id", pl.lit("unresolved:") + pl.col("mention")).alias("entity_id")
    )
    per_type = (
        _pair_counts(assigned, ["cluster_id"], "true_pairs")
        .join(_pair_counts(assigned, ["entity_id"], "predicted_pairs"), on="entity_type")
        .join(_pair_counts(assigned, ["cluster_id", "entity_id"], "correct_pairs"), on="entity_type")
        .sort("entity_type")
    )
    overall = per_type.select(
        pl.lit("overall").alias("entity_type"), pl.col("true_pairs", "predicted_pairs", "correct_pairs").sum()
    )
    scores = (
        pl.concat([per_type, overall])
        .with_columns(
            # no predicted pair: nothing wrongly merged; no true pair: nothing to miss
            pl.when(pl.col("predicted_pairs") > 0)
            .then(pl.col("correct_pairs") / pl.col("predicted_pairs"))
            .otherwise(1.0)
            .alias("precision"),
            pl.when(pl.col("true_pairs") > 0)
            .then(pl.col("correct_pairs") / pl.col("true_pairs"))
            .otherwise(1.0)
            .alias("recall"),
        )
        .with_columns(
            (2 * pl.col("precision") * pl.col("recall") / (pl.col("precision") + pl.col("recall")))
            .fill_nan(0.0)
            .alias("f1")
        )
    )
    look_alikes = {
        (row["cluster_id"], other)
        for row in assigned.filter(pl.col("confusable_with") != "").iter_rows(named=True)
        for other in row["confusable_with"].split("|")
    }
    merged = (
        assigned.group_by("entity_type", "entity_id")
        .agg(pl.col("cluster_id").unique().sort().alias("clusters"), pl.col("mention").sort().alias("mentions"))
        .filter(pl.col("clusters").list.len() > 1)
        .sort("entity_type", "entity_id")
    )
    wrong = merged.with_columns(
        pl.col("clusters")
        .map_elements(
            lambda clusters: any(
                (a, b) in look_alikes or (b, a) in look_alikes for a in clusters for b in clusters if a < b
            ),
            return_dtype=pl.Boolean,
        )
        .alias("hard_negative")
    )
    missed = (
        assigned.group_by("entity_type", "cluster_id", "entity_id")
        .agg(pl.col("mention").sort().alias("mentions"))
        .group_by("entity_type", "cluster_id")
        .agg(pl.len().alias("n_entities"), pl.col("mentions").alias("groups"))
        .filter(pl.col("n_entities") > 1)
        .sort("entity_type", "cluster_id")
    )
    return EvalResult(scores, wrong, missed, unresolved, by_kind(assigned))


def by_kind(assigned: pl.DataFrame) -> pl.DataFrame:
    """Per kind of variation (`variant_kind`; none given: one kind, `all`): the mentions of that
    kind and how many share an entity with their cluster's canonical mention, and their share.
    Where pairwise recall says how much was missed, this says what kind of spelling it was."""
    if "variant_kind" not in assigned.columns:
        assigned = assigned.with_columns(pl.lit("all").alias("variant_kind"))
    canonical = assigned.filter(pl.col("variant_kind") == "canonical").select(
        "entity_type", "cluster_id", pl.col("entity_id").alias("canonical_entity_id")
    )
    return (
        assigned.filter(pl.col("variant_kind") != "canonical")
        .join(canonical, on=["entity_type", "cluster_id"], how="left")
        .group_by("variant_kind")
        .agg(
            pl.len().alias("mentions"),
            (pl.col("entity_id") == pl.col("canonical_entity_id")).fill_null(False).sum().alias("with_canonical"),
        )
        .with_columns((pl.col("with_canonical") / pl.col("mentions")).alias("share"))
        .sort("share", "variant_kind")
    )


def resolve_through_pipeline(labels: pl.DataFrame, workdir: Path) -> pl.DataFrame:
    """Land the labelled mentions in `workdir`, run the pipeline once, and return the labels with
    the entity id the published `bridge_event_entities` gives each mention."""
    landing, warehouse = workdir / "landing", workdir / "warehouse"
    landing.mkdir(parents=True, exist_ok=True)
    with open(landing / "entity-eval.jsonl", "w", encoding="utf-8") as out:
        for record in label_records(labels):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    run = subprocess.run(
        [sys.executable, "-m", "orchestration.run_pipeline"],
        cwd=REPO_ROOT,
        env=pipeline_subprocess_env(landing, warehouse),
        capture_output=True,
        text=True,
    )
    published = warehouse / "published.duckdb"
    if run.returncode != 0 or not published.exists():
        raise RuntimeError(f"the pipeline failed on the labelled set:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}")
    with duckdb.connect(str(published), read_only=True) as con:
        # pl.from_arrow is typed DataFrame | Series for any input; an Arrow table gives a DataFrame.
        resolved = cast(
            pl.DataFrame,
            pl.from_arrow(
                con.sql(
                    "select distinct mention_name as mention, entity_type, entity_id from bridge_event_entities"
                ).to_arrow_table()
            ),
        )
    return labels.join(resolved, on=["mention", "entity_type"], how="left")


def evaluate(labels_path: Path = LABELS) -> EvalResult:
    labels = load_labels(labels_path)
    with tempfile.TemporaryDirectory(prefix="entity-eval-") as workdir:
        return score(resolve_through_pipeline(labels, Path(workdir)))


def report(result: EvalResult) -> str:
    lines = ["entity resolution on the labelled set (pairwise, within each entity type)", ""]
    lines.append(
        f"{'entity type':<16} {'true':>7} {'predicted':>9} {'correct':>7} {'precision':>9} {'recall':>7} {'f1':>6}"
    )
    for row in result.scores.iter_rows(named=True):
        lines.append(
            f"{row['entity_type']:<16} {row['true_pairs']:>7} {row['predicted_pairs']:>9} {row['correct_pairs']:>7} "
            f"{row['precision']:>9.4f} {row['recall']:>7.4f} {row['f1']:>6.4f}"
        )
    lines += ["", f"mentions the pipeline gave no entity (each counted as its own): {result.unresolved}"]
    lines += ["", "per kind of variation: mentions that joined their cluster's canonical spelling", ""]
    for row in result.by_kind.iter_rows(named=True):
        lines.append(
            f"  {row['variant_kind']:<20} {row['with_canonical']:>5} of {row['mentions']:>5}  {row['share']:>6.1%}"
        )
    lines += ["", f"wrong merges: {result.wrong_merges.height} (hard negatives: {result.hard_negative_merges})"]
    for row in result.wrong_merges.iter_rows(named=True):
        flag = " HARD NEGATIVE" if row["hard_negative"] else ""
        lines.append(f"  {row['entity_type']}: {' + '.join(row['clusters'])}{flag}: {', '.join(row['mentions'])}")
    lines += ["", f"missed merges: {result.missed_merges.height} clusters split"]
    for row in result.missed_merges.iter_rows(named=True):
        groups = " | ".join(", ".join(group) for group in row["groups"])
        lines.append(f"  {row['entity_type']}: {row['cluster_id']} in {row['n_entities']} entities: {groups}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Score entity resolution on a labelled set of mentions.")
    parser.add_argument(
        "--labels",
        type=Path,
        default=LABELS,
        help="labelled mentions CSV (cluster_id, entity_type, mention, variant_kind, confusable_with); "
        "default: the set the resolver is tested against",
    )
    args = parser.parse_args(argv)
    print(f"labelled set: {args.labels}")
    print(report(evaluate(args.labels)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
