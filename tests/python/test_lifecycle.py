"""crmkit.Lifecycle against an independent pandas/numpy implementation of the default model
(bench/lifecycle_peer.py) on the bundled CDNOW sample, plus the API surface and errors."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import crmkit

ROOT = Path(__file__).resolve().parents[2]
CDNOW = ROOT / "examples" / "data" / "cdnow_sample.csv"


def _peer():
    spec = importlib.util.spec_from_file_location("lifecycle_peer", ROOT / "bench" / "lifecycle_peer.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def cdnow():
    return crmkit.Dataset.from_csv(CDNOW, time_column="date")


@pytest.mark.parametrize("start,end", [("1997-01-01", "1998-07-01"), ("1997-01-15", "1998-12-31")])
def test_cdnow_replay_equals_the_numpy_peer(cdnow, start, end):
    peer = _peer()
    lc = crmkit.Lifecycle.default().fit(cdnow, start=start, end=end)
    customer, time_s = cdnow.customer, cdnow.time
    s = int(np.datetime64(start, "s").astype(np.int64))
    e = int(np.datetime64(end, "s").astype(np.int64))
    steps, counts, model = peer.replay(np.asarray(customer), np.asarray(time_s), cdnow.n_customers, s, e)
    assert list(lc.counts_.columns) == peer.STATES
    np.testing.assert_array_equal(lc.counts_.index.values.astype("datetime64[s]").astype(np.int64), steps)
    np.testing.assert_array_equal(lc.counts_.to_numpy(), counts)
    np.testing.assert_array_equal(lc.stage_codes_, model.stage)
    np.testing.assert_array_equal(lc.previous_codes_, model.prev)
    log = lc.log()
    assert len(log) == model.hops
    flow = lc.flow_matrix(start, "2100-01-01")
    assert int(flow.to_numpy().sum()) == len(log)
    # The flow matrix equals the log grouped by (from, to).
    grouped = log.groupby(["from", "to"], observed=True).size()
    for (a, b), n in grouped.items():
        assert flow.loc[a, b] == n


def test_counts_sum_and_monthly_counts_from_the_log(cdnow):
    lc = crmkit.Lifecycle.default().fit(cdnow, start="1997-01-01", end="1998-07-01")
    assert (lc.counts_.sum(axis=1) == cdnow.n_customers).all()
    again = lc.stage_counts_at(lc.counts_.index)
    np.testing.assert_array_equal(again.to_numpy(), lc.counts_.to_numpy())
    conv = lc.conversion_rates()
    assert conv.loc["prospect", "exploration"] == pytest.approx(1.0)  # every CDNOW customer bought
    assert 0.0 <= conv.loc["exploration", "formation"] <= 1.0


def test_evaluate_with_columns_and_events():
    lc = crmkit.Lifecycle.from_json("""{
        "states": ["lead", "buyer", "lapsed"], "cascade": true, "columns": ["score"],
        "transitions": [
          {"name": "buy", "from": "lead", "to": "buyer", "guard": "orders >= 1"},
          {"name": "lapse", "from": "buyer", "to": "lapsed", "guard": "recency_days > 90 or score > 0.9"},
          {"from": "lapsed", "to": "@history", "guard": "recency_days <= 90 and score <= 0.9"}]}""")
    assert lc.states == ["lead", "buyer", "lapsed"]
    assert lc.transitions == ["buy", "lapse", "lapsed->@history"]
    cols = pd.DataFrame({"orders": [1, 0, 3], "recency_days": [10, np.nan, 200], "score": [0.1, 0.5, 0.2]})
    lc.start(3, start="2024-01-01")
    names = lc.predict(cols, as_of="2024-03-01")
    assert list(names) == ["buyer", "lead", "lapsed"]
    assert list(lc.stages_) == ["buyer", "lead", "lapsed"]
    assert lc.entered_at_[0] == np.datetime64("2024-03-01T00:00:00")
    lc.set_stage(1, "buyer", "2024-03-02")
    lc.reset(0, "2024-03-02")
    log = lc.log()
    assert list(log["rule"]) == ["buy", "buy", "lapse", "host_set", "reset"]
    assert list(log["customer"]) == [0, 2, 2, 1, 0]
    cols2 = {"orders": [1, 1, 4], "recency_days": [10, 5, 3], "score": [0.1, 0.5, 0.2]}
    assert lc.evaluate("2024-04-01", cols2) == 2  # c0 lead->buyer, c2 lapsed->buyer (history)
    assert list(lc.stages_) == ["buyer", "buyer", "buyer"]


def test_errors_are_crmkit_errors_with_positions():
    with pytest.raises(crmkit.Error, match="at position 9: unexpected end of guard"):
        crmkit.Lifecycle.from_json('{"states": ["a", "b"], "transitions": [{"from": "a", "to": "b", "guard": "orders <"}]}')
    with pytest.raises(crmkit.Error, match="JSON line 1 column"):
        crmkit.Lifecycle.from_json('{"states": ["a",]}')
    with pytest.raises(crmkit.NotFoundError, match="unknown column 'zz'"):
        crmkit.Lifecycle.from_json('{"states": ["a", "b"], "transitions": [{"from": "a", "to": "b", "guard": "zz > 1"}]}')
    with pytest.raises(crmkit.Error, match="unreachable"):
        crmkit.Lifecycle.from_json('{"states": ["a", "b"]}')
    with pytest.raises(crmkit.Error, match="churn_days"):
        crmkit.Lifecycle.default(decline_days=200, churn_days=100)
    lc = crmkit.Lifecycle.default()
    with pytest.raises(crmkit.Error):
        lc.log()  # no machine yet
    lc.start(2)
    with pytest.raises(crmkit.NotFoundError, match="tenure_days"):
        lc.evaluate(0, {"orders": [1, 2], "recency_days": [1, 2]})
    with pytest.raises(crmkit.Error, match="n_rows"):
        lc.evaluate(0, {"orders": [1], "recency_days": [1], "tenure_days": [1]})
