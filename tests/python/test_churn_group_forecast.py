"""crmkit.churn.forecast_by_group / forecast_holdout_by_group on CDNOW (39 weeks calibration,
39 weeks hold-out, Fader-Hardie-Lee): group sums against a pandas groupby of the per-customer
predictions, the hold-out revenue against the transactions, each group's interval against
total_interval on its rows, frequency groups against validate_holdout, row-order
independence, and bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import crmkit
from crmkit import Error, InvalidArgumentError, NotFoundError
from crmkit.churn import BetaGeo, GammaGamma, forecast_by_group, forecast_holdout_by_group, validate_holdout
from conftest import REPO

_CACHE = {}


def cdnow():
    if not _CACHE:
        tx = pd.read_csv(REPO / "examples" / "data" / "cdnow_sample.csv", dtype={"customer_id": str},
                         parse_dates=["date"])
        s = crmkit.btyd_summary(tx, "1997-09-30", holdout_end="1998-06-30", time="date")
        _CACHE.update(tx=tx, s=s, bg=BetaGeo().fit(s), gg=GammaGamma().fit(s))
    return _CACHE


def test_group_sums_equal_a_pandas_groupby_of_the_per_customer_predictions():
    c = cdnow()
    s, bg, gg, tx = c["s"], c["bg"], c["gg"], c["tx"]
    table = crmkit.score_customers(tx, "1997-09-30", customer="customer_id", time="date", amount="amount")
    abc = table["abc"].reindex(s.index)
    # hold-out revenue per customer, from the transactions
    hold = tx[(tx["date"] > "1997-09-30") & (tx["date"] <= "1998-06-30")]
    revenue = hold.groupby("customer_id")["amount"].sum().reindex(s.index, fill_value=0.0)
    f = forecast_by_group(bg, abc, s, horizon=39, spend=gg, actual_purchases=s["frequency_holdout"],
                          actual_revenue=revenue)
    assert list(f.index) == ["A", "B", "C"]
    ref = pd.DataFrame({
        "abc": abc,
        "purchases": bg.conditional_expected_purchases(39, s),
        "revenue": bg.conditional_expected_purchases(39, s) * gg.conditional_expected_spend(s),
        "actual_purchases": s["frequency_holdout"],
        "actual_revenue": revenue,
    }).groupby("abc", observed=True).sum()
    for col in ("purchases", "revenue", "actual_purchases", "actual_revenue"):
        np.testing.assert_allclose(f[col].to_numpy(), ref.loc[f.index, col].to_numpy(), rtol=1e-11)
    np.testing.assert_array_equal(f["customers"].to_numpy(), abc.value_counts().loc[f.index].to_numpy())
    np.testing.assert_allclose(f["purchases_error"], f["purchases"] - f["actual_purchases"], rtol=1e-12)
    np.testing.assert_allclose(f["revenue_ape"], (f["revenue"] - f["actual_revenue"]).abs() / f["actual_revenue"])
    total = f.attrs["total"]
    assert total["customers"] == len(s)
    assert total["purchases"] == pytest.approx(f["purchases"].sum(), rel=1e-12)
    assert total["actual_purchases"] == s["frequency_holdout"].sum()
    assert f.attrs["purchases_wape"] == pytest.approx(
        f["purchases_error"].abs().sum() / f["actual_purchases"].sum(), rel=1e-12)
    # each group's interval: total_interval on the group's rows
    for label in f.index:
        rows = s[abc == label]
        ci = bg.total_interval("expected_purchases", 39, rows)
        assert f.loc[label, "purchases_lower"] == pytest.approx(ci["lower"], rel=1e-9)
        assert f.loc[label, "purchases_upper"] == pytest.approx(ci["upper"], rel=1e-9)
        assert f.loc[label, "purchases_in_interval"] == (ci["lower"] <= f.loc[label, "actual_purchases"] <= ci["upper"])

    # the one-call hold-out path gives the same table
    g = forecast_holdout_by_group(tx, table, "abc", "1997-09-30", "1998-06-30", customer="customer_id", time="date",
                                  amount="amount")
    assert list(g.index) == ["A", "B", "C"]
    pd.testing.assert_frame_equal(g.drop(columns=[]), f, check_names=False, rtol=1e-9)
    assert g.attrs["horizon"] == pytest.approx(39.0)


def test_frequency_groups_agree_with_validate_holdout_and_row_order_does_not_matter():
    c = cdnow()
    s, bg = c["s"], c["bg"]
    capped = np.minimum(s["frequency"], 7).astype(int)
    f = forecast_by_group(bg, capped, s, horizon=39, actual_purchases=s["frequency_holdout"])
    check = validate_holdout(s["frequency"], bg.conditional_expected_purchases(39, s), s["frequency_holdout"])
    b = check["by_frequency"]
    assert list(f.index) == list(range(8))
    np.testing.assert_array_equal(f["customers"].to_numpy(), b["customers"].to_numpy())
    np.testing.assert_allclose(f["purchases"].to_numpy(), (b["predicted_mean"] * b["customers"]).to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(f["actual_purchases"].to_numpy(), (b["actual_mean"] * b["customers"]).to_numpy(),
                               rtol=1e-12)
    assert "revenue" not in f.columns
    # shuffled rows (the Series is aligned by customer id): the same bits
    shuffled = s.sample(frac=1.0, random_state=3)
    g = forecast_by_group(bg, capped, shuffled, horizon=39, actual_purchases=shuffled["frequency_holdout"])
    pd.testing.assert_frame_equal(f, g, check_exact=True)
    # a column of the summary by name; missing values form a last group labelled NaN
    s2 = s.assign(band=np.where(s["frequency"] > 2, "heavy", np.where(s["frequency"] > 0, "light", None)))
    h = forecast_by_group(bg, "band", s2, horizon=39)
    assert list(h.index[:2]) == ["heavy", "light"]
    assert pd.isna(h.index[2])
    assert h["customers"].sum() == len(s)


def test_bad_input_raises_a_clear_error():
    c = cdnow()
    s, bg, gg, tx = c["s"], c["bg"], c["gg"], c["tx"]
    keys = np.zeros(len(s), dtype=int)
    with pytest.raises(InvalidArgumentError, match="groups has"):
        forecast_by_group(bg, keys[:-1], s["frequency"], s["recency"], s["T"], horizon=39)
    with pytest.raises(InvalidArgumentError, match="horizon"):
        forecast_by_group(bg, keys, s, horizon=0)
    bad = s.copy()
    bad.iloc[5, bad.columns.get_loc("frequency")] = np.nan
    with pytest.raises(InvalidArgumentError):
        forecast_by_group(bg, keys, bad, horizon=39)
    nan_actual = s["frequency_holdout"].to_numpy().copy()
    nan_actual[3] = np.nan
    with pytest.raises(InvalidArgumentError, match="actual_purchases"):
        forecast_by_group(bg, keys, s, horizon=39, actual_purchases=nan_actual)
    with pytest.raises(InvalidArgumentError, match="spend"):
        forecast_by_group(bg, keys, s, horizon=39, actual_revenue=s["frequency_holdout"])
    table = crmkit.score_customers(tx, "1997-09-30", customer="customer_id", time="date", amount="amount")
    kw = dict(customer="customer_id", time="date", amount="amount")
    with pytest.raises(NotFoundError, match="no_such"):
        forecast_holdout_by_group(tx, table, "no_such", "1997-09-30", "1998-06-30", **kw)
    with pytest.raises(InvalidArgumentError, match="not after the calibration end"):
        forecast_holdout_by_group(tx, table, "abc", "1997-09-30", "1997-06-30", **kw)
    with pytest.raises(InvalidArgumentError, match="whole numbers"):
        forecast_holdout_by_group(tx, table, "p_alive", "1997-09-30", "1998-06-30", purchases=bg, spend=gg, **kw)
    with pytest.raises(Error):
        forecast_by_group(GammaGamma(), keys, s, horizon=39)
