"""Lifecycle models defined through the builder calls, from a dict and from TOML evaluate
exactly like the same model from JSON and like the built-in default model; errors carry
positions. python3-toml cross-checks the TOML fixture's parse."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import crmkit

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "lifecycle"
CDNOW = ROOT / "examples" / "data" / "cdnow_sample.csv"

THREE = {
    "states": ["lead", "buyer", "lapsed"],
    "cascade": True,
    "columns": ["score"],
    "invariants": {"no_skip": ["lead", "buyer"]},
    "transitions": [
        {"name": "buy", "from": "lead", "to": "buyer", "guard": "orders >= 1"},
        {"name": "lapse", "from": ["buyer"], "to": "lapsed", "guard": "recency_days > 90 or score > 0.9"},
        {"from": "lapsed", "to": "@history", "guard": "not (recency_days > 90) and not score > 0.9"},
    ],
}


def _random_columns(rng, n):
    orders = rng.integers(0, 5, n).astype(float)
    recency = np.where(orders > 0, rng.integers(0, 300, n), np.nan)
    return {"orders": orders, "recency_days": recency, "score": rng.random(n)}


def _evaluate_three_times(lc, n=500, seed=7):
    rng = np.random.default_rng(seed)
    lc.start(n, start="2024-01-01")
    for month in ("2024-02-01", "2024-03-01", "2024-04-01"):
        lc.evaluate(month, _random_columns(rng, n))
    return lc.log(), lc.stage_codes_


def _builder_three():
    return (crmkit.Lifecycle.builder()
            .state("lead").state("buyer").state("lapsed")
            .column("score")
            .no_skip(["lead", "buyer"])
            .cascade()
            .transition("lead", "buyer", "orders >= 1", name="buy")
            .transition(["buyer"], "lapsed", "recency_days > 90 or score > 0.9", name="lapse")
            .transition("lapsed", "@history", "not (recency_days > 90) and not score > 0.9")
            .build())


def test_builder_from_dict_and_json_evaluate_identically():
    reference_log, reference_stage = _evaluate_three_times(crmkit.Lifecycle.from_json(json.dumps(THREE)))
    assert len(reference_log) > 300
    for lc in (_builder_three(), crmkit.Lifecycle.from_dict(THREE)):
        assert lc.states == ["lead", "buyer", "lapsed"]
        assert lc.transitions == ["buy", "lapse", "lapsed->@history"]
        log, stage = _evaluate_three_times(lc)
        pd.testing.assert_frame_equal(log, reference_log)
        np.testing.assert_array_equal(stage, reference_stage)


def test_chain_ranks_on_states_equal_a_no_skip_list():
    by_rank = (crmkit.Lifecycle.builder().state("lead", chain_rank=0).state("buyer", chain_rank=1).state("lapsed")
               .column("score").cascade()
               .transition("lead", "buyer", "orders >= 1", name="buy")
               .transition(["buyer"], "lapsed", "recency_days > 90 or score > 0.9", name="lapse")
               .transition("lapsed", "@history", "not (recency_days > 90) and not score > 0.9")
               .build())
    pd.testing.assert_frame_equal(_evaluate_three_times(by_rank)[0], _evaluate_three_times(_builder_three())[0])


def test_toml_fixture_parses_like_the_json_fixture():
    toml = pytest.importorskip("toml")  # python3-toml, an independent TOML parser
    assert toml.loads((DATA / "default_model.toml").read_text()) == json.loads((DATA / "default_model.json").read_text())


def test_default_model_from_json_toml_dict_equals_builtin_on_cdnow():
    ds = crmkit.Dataset.from_csv(CDNOW, time_column="date")
    ref = crmkit.Lifecycle.default().fit(ds, start="1997-01-01", end="1998-07-01")
    variants = [
        crmkit.Lifecycle.from_json((DATA / "default_model.json").read_text()),
        crmkit.Lifecycle.from_toml((DATA / "default_model.toml").read_text()),
        crmkit.Lifecycle.from_dict(json.loads((DATA / "default_model.json").read_text())),
    ]
    ref_log = ref.log()
    assert len(ref_log) > 1000
    for lc in variants:
        assert lc.states == ref.states and lc.transitions == ref.transitions
        lc.fit(ds, start="1997-01-01", end="1998-07-01")
        pd.testing.assert_frame_equal(lc.counts_, ref.counts_)
        pd.testing.assert_frame_equal(lc.log(), ref_log)


def test_not_never_selects_a_missing_value():
    lc = crmkit.Lifecycle.from_dict({
        "states": ["a", "b"],
        "transitions": [{"from": "a", "to": "b", "guard": "not (recency_days > 90)"}]})
    lc.start(3, start="2024-01-01")
    lc.evaluate("2024-02-01", {"recency_days": [10.0, 100.0, np.nan]})
    assert list(lc.stages_) == ["b", "a", "a"]


def test_builder_and_toml_errors():
    with pytest.raises(crmkit.NotFoundError, match="unknown state 'zz'"):
        crmkit.Lifecycle.builder().state("a").transition("a", "zz").build()
    with pytest.raises(crmkit.Error, match=r"transition #1 'go'.*at position 11: unexpected end of guard"):
        crmkit.Lifecycle.builder().state("a").state("b").transition("a", "b", "orders >= ", name="go").build()
    with pytest.raises(crmkit.Error, match="state 'b' is unreachable"):
        crmkit.Lifecycle.builder().state("a").state("b").build()
    with pytest.raises(crmkit.Error, match="under the unique policy"):
        (crmkit.Lifecycle.builder().state("a").state("b").state("c").policy("unique")
         .transition("a", "b", "orders >= 1").transition("a", "c", "orders >= 2").build())
    with pytest.raises(crmkit.Error, match="breaks the no_skip rule"):
        (crmkit.Lifecycle.builder().state("a").state("b").state("c").no_skip(["a", "b", "c"])
         .transition("a", "b", "orders >= 1").transition("a", "c", "orders >= 2").build())
    with pytest.raises(crmkit.NotFoundError, match="no_skip chain names unknown state 'x'"):
        crmkit.Lifecycle.builder().state("a").no_skip(["a", "x"]).build()
    with pytest.raises(crmkit.InvalidArgumentError, match="policy must be one of"):
        crmkit.Lifecycle.builder().policy("random")
    with pytest.raises(crmkit.InvalidArgumentError, match="unknown key 'colour'"):
        crmkit.Lifecycle.from_dict({"states": ["a"], "colour": 1})
    with pytest.raises(crmkit.Error, match="TOML line 2 column 11: 'cascade' must be true or false"):
        crmkit.Lifecycle.from_toml('states = ["a"]\ncascade = 1\n')
    with pytest.raises(crmkit.Error, match="TOML line 1 column"):
        crmkit.Lifecycle.from_toml('states = ["a"')
