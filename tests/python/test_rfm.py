"""crmkit.rfm / crmkit.RFM against pandas: the summary, monetary totals to the last bit
(pandas' groupby sum is Kahan-compensated), quantile scores equal to the common
``pd.qcut(x.rank(method="first"), k)`` recipe on data with many ties, the R rfm rule,
segments and the segment summary."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import crmkit

DAY = 86400
AS_OF = np.datetime64("2024-07-01T00:00:00", "s")


def _log(seed: int, n_customers: int, n_rows: int, time_of_day: bool = True):
    rng = np.random.default_rng(seed)
    # Skewed activity (most customers buy once or twice) gives heavy ties in F; days from
    # a short window give ties in R; cents amounts with repeats give ties in M and sums
    # whose rounding depends on compensation.
    weights = rng.pareto(1.2, n_customers) + 0.05
    customer = rng.choice(n_customers, size=n_rows, p=weights / weights.sum()).astype(np.int32)
    day = rng.integers(0, 120, size=n_rows)
    seconds = rng.integers(0, DAY, size=n_rows) if time_of_day else 0
    time = (np.datetime64("2024-03-01", "s") + (day * DAY + seconds).astype("timedelta64[s]")).astype("datetime64[s]")
    amount = np.round(rng.choice([9.99, 19.99, 0.1, 0.2, 0.3, 33.33, 1e6 + 0.01], size=n_rows) * rng.integers(1, 4, n_rows), 2)
    return customer, time, amount


def _pandas_reference(customer, time, amount, bins=5):
    df = pd.DataFrame({"c": customer, "t": time, "a": amount})
    df["day"] = df.t.dt.floor("D")
    g = df.groupby("c")
    ref = pd.DataFrame(
        {
            "recency_days": (pd.Timestamp(AS_OF) - g.t.max()).dt.days.astype(float),
            "frequency": g.size().astype(float),
            "distinct_days": g.day.nunique().astype(float),
            # math.fsum: the correctly rounded sum (crmkit sums exactly, in any row order;
            # pandas' compensated sum can differ from it in the last bit).
            "monetary": g.a.agg(math.fsum),
            "monetary_mean": g.a.agg(math.fsum) / g.size(),
            "first_purchase": g.t.min(),
            "last_purchase": g.t.max(),
        }
    )
    ref["r_score"] = pd.qcut(ref.recency_days.rank(method="first"), bins, labels=list(range(bins, 0, -1))).astype(int)
    ref["f_score"] = pd.qcut(ref.frequency.rank(method="first"), bins, labels=list(range(1, bins + 1))).astype(int)
    ref["m_score"] = pd.qcut(ref.monetary.rank(method="first"), bins, labels=list(range(1, bins + 1))).astype(int)
    return ref


@pytest.mark.parametrize("seed,n_customers,n_rows,bins", [(1, 2000, 30000, 5), (2, 737, 5000, 4), (3, 5000, 60000, 10)])
def test_summary_and_scores_match_pandas(seed, n_customers, n_rows, bins):
    customer, time, amount = _log(seed, n_customers, n_rows)
    ds = crmkit.Dataset.from_arrays(customer, time, amount, n_customers=n_customers)
    table = crmkit.rfm(ds, as_of=AS_OF, bins=bins, segments=[{"name": "all"}])
    ref = _pandas_reference(customer, time, amount, bins)
    assert list(table.customer_index) == list(ref.index)
    for column in ("recency_days", "frequency", "distinct_days"):
        np.testing.assert_array_equal(table[column].to_numpy(), ref[column].to_numpy(), err_msg=column)
    # Bit for bit, not approximately: the correctly rounded sums; pandas' own within an ulp.
    assert np.array_equal(table.monetary.to_numpy(), ref.monetary.to_numpy())
    pandas_sum = pd.DataFrame({"c": customer, "a": amount}).groupby("c").a.sum().to_numpy()
    np.testing.assert_allclose(table.monetary.to_numpy(), pandas_sum, rtol=2.3e-16, atol=0)
    assert np.array_equal(table.monetary_mean.to_numpy(), ref.monetary_mean.to_numpy())
    np.testing.assert_array_equal(table.first_purchase.to_numpy(), ref.first_purchase.to_numpy().astype("datetime64[s]"))
    np.testing.assert_array_equal(table.last_purchase.to_numpy(), ref.last_purchase.to_numpy().astype("datetime64[s]"))
    for column in ("r_score", "f_score", "m_score"):
        np.testing.assert_array_equal(table[column].to_numpy(), ref[column].to_numpy(), err_msg=column)
    # The data really has the ties this test is about.
    assert ref.frequency.duplicated().mean() > 0.9
    assert ref.recency_days.duplicated().mean() > 0.5


def test_the_monetary_check_can_fail():
    # Naive left-to-right sums differ from pandas' compensated ones on this data, so the
    # bit-for-bit assertion above is a real test of the compensation.
    customer, time, amount = _log(1, 2000, 30000)
    ref = pd.DataFrame({"c": customer, "a": amount}).groupby("c").a.sum()
    naive = np.zeros(2000)
    for c, a in zip(customer, amount):
        naive[c] += a
    assert (naive[ref.index.to_numpy()] != ref.to_numpy()).sum() > 10


@pytest.mark.parametrize("bins", [2, 3, 4, 5, 7, 10])
def test_qcut_edges_for_every_small_n(bins):
    # Ranks that sit exactly on a quantile edge (n - 1 divisible by k, and numpy's
    # floating-point edges) must fall into the same class as in pandas.
    rng = np.random.default_rng(bins)
    for n in range(2, 80):
        amount = rng.integers(1, 4, n).astype(float)  # heavy ties
        customer = np.arange(n, dtype=np.int32)
        time = np.full(n, np.datetime64("2024-01-01", "s"))
        table = crmkit.rfm(crmkit.Dataset.from_arrays(customer, time, amount), as_of=AS_OF, bins=bins,
                           segments=[{"name": "all"}])
        expected = pd.qcut(pd.Series(amount).rank(method="first"), bins, labels=list(range(1, bins + 1))).astype(int)
        np.testing.assert_array_equal(table.m_score.to_numpy(), expected.to_numpy(), err_msg=f"n={n}")
        # All recencies tie: R follows customer order, reversed.
        expected_r = pd.qcut(pd.Series(np.zeros(n)).rank(method="first"), bins, labels=list(range(bins, 0, -1)))
        np.testing.assert_array_equal(table.r_score.to_numpy(), expected_r.astype(int).to_numpy())


def _r_rfm_scores(values, bins, reverse=False):
    # R rfm's bins()/bins_lower()/bins_upper(): type-7 quantiles (numpy "linear") at
    # 1/k..(k-1)/k plus 1, minimum and maximum + 1, half-open intervals.
    inner = np.quantile(values, np.linspace(0, 1, bins + 1)[1:-1]) + 1
    lower = np.concatenate([[values.min()], inner])
    upper = np.concatenate([inner, [values.max() + 1]])
    scores = np.zeros(len(values), dtype=int)
    for i in range(bins):
        scores[(values >= lower[i]) & (values < upper[i])] = (bins - i) if reverse else (i + 1)
    return scores


def test_r_rfm_rule():
    customer, time, amount = _log(5, 900, 8000, time_of_day=False)
    table = crmkit.rfm(crmkit.Dataset.from_arrays(customer, time, amount, n_customers=900), as_of=AS_OF,
                       ties="r_rfm", segments="r_rfm")
    ref = _pandas_reference(customer, time, amount)
    np.testing.assert_array_equal(table.r_score.to_numpy(), _r_rfm_scores(ref.recency_days.to_numpy(), 5, True))
    np.testing.assert_array_equal(table.f_score.to_numpy(), _r_rfm_scores(ref.frequency.to_numpy(), 5))
    np.testing.assert_array_equal(table.m_score.to_numpy(), _r_rfm_scores(ref.monetary.to_numpy(), 5))
    # Ties share a score under this rule.
    assert table.groupby("frequency").f_score.nunique().max() == 1
    assert set(table.segment.cat.categories) >= {"Champions", "Lost", "Others"}


def test_segments_and_summary_against_pandas():
    customer, time, amount = _log(9, 3000, 40000)
    model = crmkit.RFM(AS_OF).fit(crmkit.Dataset.from_arrays(customer, time, amount, n_customers=3000))
    t = model.table_
    # The default grid: column ceil((F + M) / 2), as documented.
    grid = {
        5: ["Recent Customers", "Potential Loyalist", "Potential Loyalist", "Champions", "Champions"],
        4: ["Promising", "Potential Loyalist", "Loyal Customers", "Champions", "Champions"],
        3: ["About To Sleep", "About To Sleep", "Customers Needing Attention", "Loyal Customers", "Loyal Customers"],
        2: ["Hibernating", "Hibernating", "At Risk", "At Risk", "Can't Lose Them"],
        1: ["Lost", "Lost", "At Risk", "At Risk", "Can't Lose Them"],
    }
    column = np.ceil((t.f_score + t.m_score) / 2).astype(int)
    expected = [grid[r][c - 1] for r, c in zip(t.r_score, column)]
    assert list(t.segment.astype(str)) == expected
    s = model.segment_summary_
    g = t.groupby(t.segment.astype(str))
    for name, row in s.iterrows():
        if row.customers == 0:
            assert name not in g.groups
            continue
        members = t[t.segment == name]
        assert row.customers == len(members)
        assert row.customer_share == pytest.approx(len(members) / len(t), rel=1e-15)
        assert row.revenue == pytest.approx(members.monetary.sum(), rel=1e-12)
        assert row.revenue_share == pytest.approx(members.monetary.sum() / t.monetary.sum(), rel=1e-12)
        assert row.mean_recency_days == pytest.approx(members.recency_days.mean(), rel=1e-12)
        assert row.mean_frequency == pytest.approx(members.frequency.mean(), rel=1e-12)
        assert row.mean_monetary == pytest.approx(members.monetary.mean(), rel=1e-12)
        assert row.mean_r == pytest.approx(members.r_score.mean(), rel=1e-12)
    assert s.customers.sum() == len(t)


def test_dataframe_input_host_rules_and_units():
    df = pd.DataFrame(
        {
            "customer_id": ["a", "b", "a", "c", "b", "d"],
            "timestamp": pd.to_datetime(["2024-01-01", "2024-01-05", "2024-02-01", "2024-02-10", "2024-02-11", "2024-02-12"]),
            "amount": [10.0, 20.0, 30.0, 5.0, 1.0, 100.0],
        }
    )
    t = crmkit.rfm(df, as_of="2024-03-02", time_unit="W", bins=2,
                   segments=[{"name": "Big", "m": 2}, {"name": "Recent", "r": (2, None)}], other="Rest")
    assert list(t.index) == ["a", "b", "c", "d"]
    assert list(t.recency_days) == [30, 20, 21, 19]
    assert list(t.recency) == [4, 2, 3, 2]
    assert list(t.monetary) == [40, 21, 5, 100]
    assert list(t.segment.astype(str)) == ["Big", "Recent", "Rest", "Big"]
    assert list(t.attrs["segment_summary"].index) == ["Big", "Recent", "Rest"]


def test_bad_input_is_a_clear_error():
    customer, time, amount = _log(1, 50, 200)
    ds = crmkit.Dataset.from_arrays(customer, time, amount, n_customers=50)
    with pytest.raises(crmkit.InvalidArgumentError, match="before the last transaction"):
        crmkit.rfm(ds, as_of="2024-03-01")
    with pytest.raises(crmkit.InvalidArgumentError, match="CRMKIT_RFM_BINS"):
        crmkit.rfm(ds, as_of=AS_OF, bins=1)
    empty = crmkit.Dataset.from_arrays(np.zeros(0, np.int32), np.zeros(0, np.int64), np.zeros(0), n_customers=0)
    with pytest.raises(crmkit.InvalidArgumentError, match="empty"):
        crmkit.rfm(empty, as_of=AS_OF)
    # The default grid is written for k = 5; other k segment on scores rescaled to quintiles.
    assert crmkit.rfm(ds, as_of=AS_OF, bins=4).r_score.max() == 4
    with pytest.raises(crmkit.InvalidArgumentError):
        crmkit.rfm(ds, as_of=AS_OF, segments=[{"name": "x", "r": (3, 2)}])
    with pytest.raises(crmkit.InvalidArgumentError):
        crmkit.rfm(ds, as_of=AS_OF, ties="average")


def test_results_do_not_depend_on_threads():
    customer, time, amount = _log(4, 3000, 30000)
    ds = crmkit.Dataset.from_arrays(customer, time, amount, n_customers=3000)
    one = crmkit.rfm(ds, as_of=AS_OF)
    two = crmkit.rfm(ds, as_of=AS_OF, n_threads=2)
    pd.testing.assert_frame_equal(one, two)


def test_timestamps_outside_pandas_range_are_a_crmkit_error():
    # Issue 12: pandas < 2 stores datetime64 in nanoseconds (years 1677-2262) and raised
    # its own OutOfBoundsDatetime while the table was assembled.
    year_2300 = int(np.datetime64("2300-01-01T00:00:00", "s").astype(np.int64))
    customer = np.array([0, 1, 1, 2], np.int32)
    time = np.array([1_700_000_000, 1_700_000_000, year_2300, 1_700_086_400], np.int64)
    ds = crmkit.Dataset.from_arrays(customer, time, np.array([1.0, 2.0, 3.0, 4.0]), customer_ids=["a", "b", "c"])
    as_of = year_2300 + 86400
    if int(pd.__version__.split(".")[0]) >= 2:
        t = crmkit.rfm(ds, as_of=as_of, bins=2, segments=[{"name": "all"}])
        assert t.last_purchase["b"] == pd.Timestamp("2300-01-01")
        return
    with pytest.raises(crmkit.InvalidArgumentError, match=r"last_purchase of customer 'b' .*2300-01-01.*outside the range"):
        crmkit.rfm(ds, as_of=as_of, bins=2, segments=[{"name": "all"}])
