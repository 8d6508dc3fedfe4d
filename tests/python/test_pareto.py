"""crmkit.pareto against numpy/pandas computations and closed forms."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import crmkit


def _numpy_reference(v, target=0.8, a=0.8, b=0.95, p=0.2):
    n = len(v)
    ascending = np.sort(v)
    lorenz = np.concatenate([[0.0], np.cumsum(ascending)]) / ascending.sum()
    i = np.arange(1, n + 1)
    gini = 2.0 * np.sum(i * ascending) / (n * ascending.sum()) - (n + 1) / n
    order = np.argsort(-v, kind="stable")
    cum = np.cumsum(v[order])
    total = cum[-1]
    key = int(np.searchsorted(cum, target * total, side="left")) + 1
    before = np.concatenate([[0.0], cum[:-1]])
    classes = np.where(before < a * total, "A", np.where(before < b * total, "B", "C"))
    abc = np.empty(n, dtype=object)
    abc[order] = classes
    top = cum[math.ceil(p * n * (1 - 1e-12)) - 1] / total
    return dict(lorenz=lorenz, gini=gini, key=key, abc=abc.astype(str), top=top, total=total)


@pytest.mark.parametrize("seed,n", [(0, 1), (1, 10), (2, 1000), (3, 100000)])
def test_against_numpy(seed, n):
    rng = np.random.default_rng(seed)
    v = np.round(rng.lognormal(3, 1.5, n), 2)
    v[rng.integers(0, n, n // 10)] = 0.0  # zero-value customers and ties
    if v.sum() == 0:
        v[0] = 1.0
    p = crmkit.pareto(v)
    ref = _numpy_reference(v)
    assert p.n_ == n
    assert p.gini_ == pytest.approx(ref["gini"], abs=1e-12)
    np.testing.assert_allclose(p.lorenz_.value_share.to_numpy(), ref["lorenz"], rtol=0, atol=1e-13)
    np.testing.assert_array_equal(p.lorenz_.customer_share.to_numpy(), np.arange(n + 1) / n)
    assert p.key_customers_ == ref["key"]
    assert p.key_customer_share_ == ref["key"] / n
    assert p.top_share_ == pytest.approx(ref["top"], rel=1e-15)
    np.testing.assert_array_equal(p.abc_, ref["abc"])
    for q in (0.01, 0.1, 0.5, 1.0):
        expected = np.cumsum(np.sort(v)[::-1])[math.ceil(q * n * (1 - 1e-12)) - 1] / v.sum()
        assert p.share_of_top(q) == pytest.approx(expected, rel=1e-12)
    # Downsampled curve: np.interp on the full one.
    xs = p.lorenz_sample_.customer_share.to_numpy()
    np.testing.assert_allclose(p.lorenz_sample_.value_share.to_numpy(), np.interp(xs, np.arange(n + 1) / n, ref["lorenz"]),
                               atol=1e-12)


def test_closed_forms():
    for n in (1, 2, 7, 1000):
        assert crmkit.pareto(np.full(n, 12.5)).gini_ == pytest.approx(0.0, abs=1e-12)
        one = np.zeros(n)
        one[-1] = 3.0
        assert crmkit.pareto(one).gini_ == pytest.approx((n - 1) / n, abs=1e-12)


def test_by_segment_matches_pandas_groupby():
    rng = np.random.default_rng(7)
    n = 20000
    s = pd.Series(np.round(rng.lognormal(2, 1.2, n), 2), index=[f"c{i}" for i in range(n)])
    seg = pd.Series(rng.choice(["Champions", "At Risk", "Lost", "Promising"], n), index=s.index)
    p = crmkit.pareto(s, groups=seg)
    assert isinstance(p.abc_, pd.Series) and list(p.abc_.index) == list(s.index)
    total = s.sum()
    for name, values in s.groupby(seg):
        ref = _numpy_reference(values.to_numpy())
        row = p.group_summary_.loc[name]
        assert row.n == len(values)
        assert row.gini == pytest.approx(ref["gini"], abs=1e-12)
        assert row.key_customers == ref["key"]
        assert row.value_share == pytest.approx(values.sum() / total, rel=1e-12)
        np.testing.assert_array_equal(p.abc_within_group_[values.index].to_numpy(), ref["abc"])


def test_low_return_customers_against_pandas():
    rng = np.random.default_rng(11)
    n = 5000
    df = pd.DataFrame({"recency_days": rng.integers(0, 700, n).astype(float), "monetary": rng.lognormal(3, 1, n)})
    mask = crmkit.low_return_customers(df.recency_days, df.monetary, min_recency_days=365, max_value=10.0)
    np.testing.assert_array_equal(mask, ((df.recency_days >= 365) & (df.monetary <= 10.0)).to_numpy())
    mask_c = crmkit.low_return_customers(df.recency_days, df.monetary)
    abc = _numpy_reference(df.monetary.to_numpy())["abc"]
    np.testing.assert_array_equal(mask_c, (df.recency_days.to_numpy() >= 365) & (abc == "C"))


def test_bad_input():
    with pytest.raises(crmkit.InvalidArgumentError, match="position 1"):
        crmkit.pareto([1.0, -1.0])
    with pytest.raises(crmkit.InvalidArgumentError):
        crmkit.pareto([1.0, float("nan")])
    with pytest.raises(crmkit.InvalidArgumentError, match="no values"):
        crmkit.pareto([])
    with pytest.raises(crmkit.InvalidArgumentError, match="sum to 0"):
        crmkit.pareto([0.0, 0.0])
    with pytest.raises(crmkit.InvalidArgumentError, match="abc_b"):
        crmkit.pareto([1.0, 2.0], abc=(0.8, 0.5))
    with pytest.raises(crmkit.Error):
        crmkit.Pareto().share_of_top(0.2)
    with pytest.raises(crmkit.InvalidArgumentError):
        crmkit.pareto([1.0, 2.0]).share_of_top(0.0)
