"""Defects found on real data (UCI Online Retail): BTYD rows with T = 0, errors naming the
customer id, lifecycle replay up to `end`, RFM scores independent of row order and bins,
CLV in calendar units, fits that drift to the boundary."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import crmkit
from conftest import REPO

SAMPLE = REPO / "examples" / "data" / "cdnow_sample.csv"


@pytest.fixture(scope="module")
def transactions():
    return pd.read_csv(SAMPLE, dtype={"customer_id": str}, parse_dates=["date"])


def test_btyd_fits_accept_customers_first_seen_on_the_calibration_end_day(transactions):
    s = crmkit.btyd_summary(transactions, "1997-03-25", time="date")
    assert (s["T"] == 0).any()
    for model in (crmkit.BetaGeo(), crmkit.ParetoNBD(), crmkit.ModifiedBetaGeo()):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # convergence is not the point here
            model.fit(s)
        assert model.status_ != "numerical_failure"
        zero = s[s["T"] == 0]
        np.testing.assert_array_equal(model.log_likelihood(zero).to_numpy(), 0.0)


def test_btyd_fit_errors_name_the_customer_id(transactions):
    s = crmkit.btyd_summary(transactions, "1997-09-30", time="date").copy()
    s.iloc[5, s.columns.get_loc("T")] = -1.0
    with pytest.raises(crmkit.InvalidArgumentError, match=rf"customer '{s.index[5]}' \(row 5\)"):
        crmkit.BetaGeo().fit(s)


def test_lifecycle_fit_includes_purchases_after_the_last_step():
    # Monthly steps from 2011-01-01 end at 2011-12-01; customers B and C buy on Dec 5 and
    # on Dec 9 (= end). At `end` nobody is a prospect any more.
    df = pd.DataFrame({
        "customer_id": ["A", "B", "C"],
        "timestamp": pd.to_datetime(["2011-03-01", "2011-12-05", "2011-12-09"]),
        "amount": [10.0, 20.0, 30.0],
    })
    ds = crmkit.Dataset.from_dataframe(df)
    lc = crmkit.Lifecycle.default().fit(ds, start="2011-01-01", end="2011-12-09")
    assert lc.counts_.index[-1] == pd.Timestamp("2011-12-09")
    assert lc.counts_.index[-2] == pd.Timestamp("2011-12-01")
    assert "prospect" not in set(lc.stages_)
    assert lc.counts_.iloc[-1]["prospect"] == 0


def test_lifecycle_fit_refuses_an_absurd_span():
    df = pd.DataFrame({"customer_id": ["A"], "timestamp": [0], "amount": [1.0]})
    ds = crmkit.Dataset.from_dataframe(df)
    with pytest.raises(crmkit.InvalidArgumentError, match="limit of 10000000 steps"):
        crmkit.Lifecycle.default().fit(ds, start=-(2**62), end=2**62, step="daily")


def test_clv_horizon_is_calendar_time_whatever_the_model_unit(transactions):
    weeks = crmkit.btyd_summary(transactions, "1997-09-30", time="date")
    days = crmkit.btyd_summary(transactions, "1997-09-30", time="date", period_days=1)
    assert weeks.attrs["period_days"] == 7.0 and days.attrs["period_days"] == 1.0
    bg_w = crmkit.BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
    bg_d = crmkit.BetaGeo.from_params(r=0.243, alpha=7 * 4.414, a=0.793, b=2.426)  # alpha is a rate: x 7
    gg = crmkit.GammaGamma.from_params(p=6.25, q=3.74, gamma=15.44)
    clv_w = crmkit.customer_lifetime_value(bg_w, gg, weeks)
    clv_d = crmkit.customer_lifetime_value(bg_d, gg, days)
    np.testing.assert_allclose(clv_d.to_numpy(), clv_w.to_numpy(), rtol=1e-9)
    assert clv_d.attrs["horizon_days"] == pytest.approx(12 * 30.415)
    assert clv_d.attrs["model_period_days"] == 1.0
    # Bare arrays need the unit; a unit that contradicts the summary is refused.
    with pytest.raises(crmkit.InvalidArgumentError, match="time unit is unknown"):
        crmkit.customer_lifetime_value(bg_d, gg, days["frequency"].to_numpy(), days["recency"].to_numpy(),
                                       days["T"].to_numpy(), days["monetary_value"].to_numpy())
    with pytest.raises(crmkit.InvalidArgumentError, match="disagrees"):
        crmkit.customer_lifetime_value(bg_d, gg, days, model_period_days=7)
    arrays = crmkit.customer_lifetime_value(bg_d, gg, days["frequency"], days["recency"], days["T"],
                                            days["monetary_value"], model_period_days=1)
    np.testing.assert_allclose(np.asarray(arrays), clv_d.to_numpy(), rtol=1e-15)


def _tied_frame(seed: int = 5, n_customers: int = 600, n_rows: int = 2500) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ids = np.array([f"{p}{k}" for k, p in zip(rng.permutation(100000)[:n_customers], rng.choice(["C", "k", "Z", "c"], n_customers))])
    customer = ids[rng.integers(0, n_customers, n_rows)]
    day = rng.integers(0, 6, n_rows)  # few days: ties in R
    time = np.datetime64("2011-12-01", "s") + (day * 86400).astype("timedelta64[s]")
    amount = rng.choice([1.25, 2.5, 5.0, 10.0], n_rows)  # exact sums: ties in M
    return pd.DataFrame({"customer_id": customer, "timestamp": time, "amount": amount})


@pytest.mark.parametrize("bins", [5, 4])
def test_rfm_scores_do_not_depend_on_row_order_and_equal_pandas(bins):
    df = _tied_frame()
    as_of = "2011-12-10"
    base = crmkit.rfm(crmkit.Dataset.from_dataframe(df), as_of=as_of, bins=bins)
    rng = np.random.default_rng(1)
    for _ in range(3):
        shuffled = df.iloc[rng.permutation(len(df))].reset_index(drop=True)
        again = crmkit.rfm(crmkit.Dataset.from_dataframe(shuffled), as_of=as_of, bins=bins)
        for column in ("r_score", "f_score", "m_score", "monetary", "recency_days", "frequency"):
            pd.testing.assert_series_equal(again[column].sort_index(), base[column].sort_index())
    # pandas: groupby sorts by the (str) customer id; qcut on rank(method="first").
    g = df.groupby("customer_id")
    ref = pd.DataFrame({
        "recency_days": (pd.Timestamp(as_of) - g.timestamp.max()).dt.days,
        "frequency": g.size(),
        "monetary": g.amount.sum(),
    })
    assert ref.frequency.duplicated().mean() > 0.9
    r = pd.qcut(ref.recency_days.rank(method="first"), bins, labels=list(range(bins, 0, -1))).astype(int)
    f = pd.qcut(ref.frequency.rank(method="first"), bins, labels=list(range(1, bins + 1))).astype(int)
    m = pd.qcut(ref.monetary.rank(method="first"), bins, labels=list(range(1, bins + 1))).astype(int)
    got = base.sort_index()
    np.testing.assert_array_equal(got.r_score.to_numpy(), r.to_numpy())
    np.testing.assert_array_equal(got.f_score.to_numpy(), f.to_numpy())
    np.testing.assert_array_equal(got.m_score.to_numpy(), m.to_numpy())


@pytest.mark.parametrize("bins", [2, 3, 4, 7, 10])
def test_rfm_any_bins_with_the_default_segments(bins):
    df = _tied_frame()
    table = crmkit.rfm(crmkit.Dataset.from_dataframe(df), as_of="2011-12-10", bins=bins)
    for column in ("r_score", "f_score", "m_score"):
        assert table[column].min() == 1 and table[column].max() == bins
    # Segments come from the scores rescaled to quintiles: ceil(5 (2v - 1) / 2k).
    quint = lambda v: (5 * (2 * v - 1) + 2 * bins - 1) // (2 * bins)  # noqa: E731
    five = crmkit.rfm(crmkit.Dataset.from_dataframe(df), as_of="2011-12-10", bins=5)
    assert set(table.segment.astype(str)) <= set(five.segment.cat.categories)
    if bins == 10:
        assert (quint(table.r_score) == five.r_score.reindex(table.index)).all()
