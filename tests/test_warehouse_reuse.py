"""Which models an everyday build leaves as published (erp.warehouse.reuse), decided from the verdicts on their
inputs. The comparison itself runs on dbt's open build file: tests/test_warehouse.py builds for real."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from erp.warehouse.reuse import InputsCompared


def _model(uid: str, parents: list[str], materialized: str = "table", **config: Any) -> tuple[str, dict[str, Any]]:
    node = {
        "unique_id": uid,
        "resource_type": "model",
        "config": {"materialized": materialized, **config},
        "depends_on": {"nodes": parents},
    }
    return uid, node


MANIFEST = {
    "sources": {
        "source.erp.ops.stock_move": {"identifier": "stock_move"},
        "source.erp.ops.work_center": {"identifier": "work_center"},
    },
    "nodes": dict(
        [
            _model("model.erp.moves", ["source.erp.ops.stock_move"], "incremental"),
            _model("model.erp.same", ["model.erp.moves"]),  # rebuilt, came out identical
            _model("model.erp.grown", ["model.erp.moves"]),  # rebuilt, came out different
            _model("model.erp.centres", ["source.erp.ops.work_center"]),  # not in the plan: as published
            _model("model.erp.costs", ["model.erp.same", "model.erp.centres", "source.erp.ops.work_center"]),
            _model("model.erp.margin", ["model.erp.same", "model.erp.grown"]),
            _model("model.erp.same_view", ["model.erp.same"], "view"),
            _model("model.erp.over_view", ["model.erp.same_view"]),
            _model("model.erp.view_itself", ["model.erp.same"], "view"),
            _model("model.erp.previous", [], "table", published_warehouse="/w.duckdb"),
            _model("model.erp.diff", ["model.erp.previous"]),
            _model("model.erp.unknown", ["model.erp.never_compared"]),
            _model("model.erp.never_compared", ["model.erp.moves"]),
            ("test.erp.same_not_null", {"resource_type": "test", "depends_on": {"nodes": ["model.erp.same"]}}),
            ("test.erp.grown_not_null", {"resource_type": "test", "depends_on": {"nodes": ["model.erp.grown"]}}),
        ]
    ),
}
REBUILT = [uid for uid in MANIFEST["nodes"] if uid.startswith("model.") and uid != "model.erp.centres"]


def _compared() -> InputsCompared:
    compared = InputsCompared(MANIFEST, ["stock_move"], Path("/nowhere/warehouse.duckdb"), REBUILT)
    compared.changed.update({"model.erp.moves": True, "model.erp.same": False, "model.erp.grown": True})
    compared.changed["model.erp.previous"] = False
    compared._unavailable = True  # no build file open: a stored model without a verdict counts as changed
    return compared


def test_a_model_whose_every_input_is_identical_is_left_as_published() -> None:
    compared = _compared()
    # an identical rebuilt model, a model the plan does not rebuild, and a store table that did not change
    assert compared.inputs_unchanged("model.erp.costs")
    # a view over identical inputs is identical
    assert compared.inputs_unchanged("model.erp.over_view")
    # the previous publication compared identical: its readers' children may be left too
    assert compared.inputs_unchanged("model.erp.diff")
    compared.skip("model.erp.costs")
    assert compared.skipped == {"model.erp.costs"} and compared.changed["model.erp.costs"] is False


def test_a_model_runs_when_an_input_changed_or_cannot_be_compared() -> None:
    compared = _compared()
    assert not compared.inputs_unchanged("model.erp.moves")  # reads a changed store table
    assert not compared.inputs_unchanged("model.erp.margin")  # one input of two came out different
    assert not compared.inputs_unchanged("model.erp.unknown")  # its input could not be compared
    assert not compared.inputs_unchanged("model.erp.previous")  # reads the previous publication, no inputs
    assert not compared.inputs_unchanged("model.erp.view_itself")  # a view: nothing to save
    assert not compared.inputs_unchanged("model.erp.centres")  # not in the plan (dbt does not reach it)
    assert not compared.inputs_unchanged("model.erp.not_in_the_project")


def test_a_test_whose_every_input_is_identical_passes_as_published() -> None:
    compared = _compared()
    assert compared.test_passes("test.erp.same_not_null")
    assert not compared.test_passes("test.erp.grown_not_null")  # its model came out different: dbt runs it
    assert not compared.test_passes("model.erp.costs")  # not a test
    assert compared.tests_not_rerun == {"test.erp.same_not_null"}
