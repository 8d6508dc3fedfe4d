"""Stage history and time in stage through the C ABI: a hand-computed case, and on CDNOW
the same quantities recomputed with pandas from the transition log."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import crmkit

ROOT = Path(__file__).resolve().parents[2]
CDNOW = ROOT / "examples" / "data" / "cdnow_sample.csv"
DAY = np.timedelta64(1, "D")
T0 = np.datetime64("2024-01-01T00:00:00", "s")


def _chain():
    # a -> b -> c -> a, one hop per evaluation (no cascade).
    return (crmkit.Lifecycle.builder().state("a").state("b").state("c")
            .transition("a", "b", "orders >= 1").transition("b", "c", "orders >= 2").transition("c", "a", "orders >= 3")
            .build())


def test_hand_computed_history_and_time_in_stage():
    lc = _chain().start(3, start=T0)
    orders = {"orders": [3.0, 1.0, 0.0]}
    for d in (10, 20, 30):
        lc.evaluate(T0 + d * DAY, orders)
    h = lc.history()
    assert list(h["customer"]) == [0, 0, 0, 0, 1, 1, 2]
    assert list(h["visit"]) == [0, 1, 2, 3, 0, 1, 0]
    assert list(h["stage"]) == ["a", "b", "c", "a", "a", "b", "a"]
    assert list(h["entered"]) == [T0 + d * DAY for d in (0, 10, 20, 30, 0, 10, 0)]
    assert list(h["exited"][[0, 1, 2, 4]]) == [T0 + d * DAY for d in (10, 20, 30, 10)]
    assert h["exited"][[3, 5, 6]].isna().all()
    np.testing.assert_array_equal(h["days"].to_numpy(), [10, 10, 10, np.nan, 10, np.nan, np.nan])
    cumulative, latest = lc.time_in_stage(T0 + 40 * DAY)
    np.testing.assert_array_equal(cumulative.to_numpy(), [[20, 10, 10], [10, 30, 0], [40, 0, 0]])
    np.testing.assert_array_equal(latest.to_numpy(), [[10, 10, 10], [10, 30, np.nan], [40, np.nan, np.nan]])
    assert list(pd.Series(lc.previous_stages_).astype(object).fillna("-")) == ["c", "a", "-"]
    assert list(lc.entered_at_) == [T0 + 30 * DAY, T0 + 10 * DAY, T0]
    with pytest.raises(crmkit.InvalidArgumentError, match="before the machine's last event"):
        lc.time_in_stage(T0 + 29 * DAY)


def test_unknown_start_gives_nat_and_nan():
    lc = _chain().start(2)  # start unknown
    lc.evaluate(T0, {"orders": [1.0, 0.0]})
    h = lc.history()
    assert h["entered"].isna().tolist() == [True, False, True]
    cumulative, latest = lc.time_in_stage(T0 + 5 * DAY)
    assert np.isnan(cumulative.loc[0, "a"]) and cumulative.loc[0, "b"] == 5.0
    assert np.isnan(latest.loc[1, "a"])


def test_cdnow_history_and_time_in_stage_equal_pandas_from_the_log():
    ds = crmkit.Dataset.from_csv(CDNOW, time_column="date")
    start, end = np.datetime64("1997-01-01T00:00:00", "s"), np.datetime64("1998-07-01T00:00:00", "s")
    lc = crmkit.Lifecycle.default().fit(ds, start=start, end=end)
    log = lc.log()
    n = ds.n_customers
    # Visits from the log: the initial visit at start, then one per hop; exit = the next entry.
    first = pd.DataFrame({"customer": np.arange(n), "stage": "prospect", "at": start})
    hops = pd.DataFrame({"customer": log["customer"], "stage": log["to"].astype(str), "at": log["at"]})
    ref = pd.concat([first, hops], ignore_index=True).sort_values(["customer", "at"], kind="stable")
    ref["exited"] = ref.groupby("customer")["at"].shift(-1)
    h = lc.history()
    assert len(h) == n + len(log)
    np.testing.assert_array_equal(h["customer"].to_numpy(), ref["customer"].to_numpy())
    np.testing.assert_array_equal(h["stage"].astype(str).to_numpy(), ref["stage"].to_numpy())
    np.testing.assert_array_equal(h["entered"].to_numpy(), ref["at"].to_numpy().astype("datetime64[s]"))
    np.testing.assert_array_equal(h["exited"].to_numpy(), ref["exited"].to_numpy().astype("datetime64[s]"))
    # Time in stage at end: open visits run to `end`.
    as_of = np.datetime64("1998-12-31T00:00:00", "s")
    ref["until"] = ref["exited"].fillna(as_of)
    ref["days"] = (ref["until"] - ref["at"]) / pd.Timedelta(days=1)
    cum_ref = ref.pivot_table(index="customer", columns="stage", values="days", aggfunc="sum", fill_value=0.0)
    last_ref = ref.groupby(["customer", "stage"])["days"].last().unstack()
    cumulative, latest = lc.time_in_stage(as_of)
    cum_ref = cum_ref.reindex(index=range(n), columns=lc.states, fill_value=0.0)
    last_ref = last_ref.reindex(index=range(n), columns=lc.states)
    np.testing.assert_allclose(cumulative.to_numpy(), cum_ref.to_numpy(), rtol=0, atol=1e-9)
    np.testing.assert_allclose(latest.to_numpy(), last_ref.to_numpy(), rtol=0, atol=1e-9)
    assert (cumulative.sum(axis=1) == (as_of - start) / DAY).all()
