"""Dataset.from_dataframe / to_dataframe against pandas."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import crmkit


def orders(n: int = 2000, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ids = np.array([f"C-{i:05d}" for i in range(150)])
    return pd.DataFrame(
        {
            "customer_id": ids[rng.integers(0, len(ids), n)],
            "timestamp": pd.to_datetime("2023-01-01") + pd.to_timedelta(rng.integers(0, 365 * 86400, n), unit="s"),
            "amount": np.round(rng.gamma(2.0, 20.0, n) - 5.0, 2),
        }
    )


def test_from_dataframe_matches_pandas_groupby():
    df = orders()
    ds = crmkit.Dataset.from_dataframe(df)
    assert ds.n_transactions == len(df)
    assert ds.n_customers == df["customer_id"].nunique()
    # Customers are numbered in order of first appearance (pandas.factorize).
    assert ds.customer_ids == list(pd.unique(df["customer_id"]))

    ids = np.array(ds.customer_ids, dtype=object)
    ours = pd.DataFrame({"customer_id": ids[ds.customer], "amount": ds.amount})
    ours_stats = ours.groupby("customer_id")["amount"].agg(["count", "sum"]).sort_index()
    expected = df.groupby("customer_id")["amount"].agg(["count", "sum"]).sort_index()
    pd.testing.assert_frame_equal(ours_stats, expected)

    # Per-customer counts straight from the int32 codes, no string work.
    counts = np.bincount(ds.customer, minlength=ds.n_customers)
    for customer_id, count in df["customer_id"].value_counts().items():
        assert counts[ds.customer_index(customer_id)] == count

    first, last = ds.time_range
    assert pd.Timestamp(first, unit="s") == df["timestamp"].min()
    assert pd.Timestamp(last, unit="s") == df["timestamp"].max()


def test_to_dataframe_round_trip():
    df = orders(300)
    back = crmkit.Dataset.from_dataframe(df).to_dataframe()
    assert list(back.columns) == ["customer_id", "timestamp", "amount"]
    assert back["customer_id"].astype(str).tolist() == df["customer_id"].tolist()
    pd.testing.assert_series_equal(back["timestamp"], df["timestamp"], check_names=False)
    np.testing.assert_array_equal(back["amount"].to_numpy(), df["amount"].to_numpy())


def test_dataframe_copies_are_private():
    df = orders(50)
    ds = crmkit.Dataset.from_dataframe(df)
    before = ds.amount.copy()
    df.loc[:, "amount"] = 0.0
    np.testing.assert_array_equal(ds.amount, before)


def test_integer_ids_and_epoch_seconds_and_time_zones():
    df = pd.DataFrame(
        {
            "cust": [17, 4, 17],
            "when": pd.to_datetime(["2024-01-01 01:00", "2024-01-02", "2024-01-03"]).tz_localize("Europe/Paris"),
            "paid": [1, 2, 3],
        }
    )
    ds = crmkit.Dataset.from_dataframe(df, customer="cust", time="when", amount="paid")
    assert ds.customer_ids == ["17", "4"]
    # 01:00 in Paris (UTC+1) is midnight UTC.
    assert ds.time[0] == pd.Timestamp("2024-01-01T00:00:00Z").value // 10**9
    epoch = pd.DataFrame({"customer_id": ["a"], "timestamp": [1700000000], "amount": [1.5]})
    assert crmkit.Dataset.from_dataframe(epoch).time.tolist() == [1700000000]


def test_dataframe_errors():
    df = orders(10)
    df.loc[3, "customer_id"] = None
    with pytest.raises(crmkit.InvalidArgumentError, match="missing at row 3"):
        crmkit.Dataset.from_dataframe(df)
    with pytest.raises(KeyError, match="no column 'price'"):
        crmkit.Dataset.from_dataframe(orders(10), amount="price")
    bad = orders(10)
    bad.loc[5, "amount"] = np.inf
    with pytest.raises(crmkit.Error, match="row 5: amount inf is not finite"):
        crmkit.Dataset.from_dataframe(bad)


def test_from_dataframe_accepts_its_own_to_dataframe():
    ds = crmkit.Dataset.from_dataframe(orders(200))
    again = crmkit.Dataset.from_dataframe(ds.to_dataframe())
    assert again.customer_ids == ds.customer_ids
    np.testing.assert_array_equal(again.customer, ds.customer)
    np.testing.assert_array_equal(again.time, ds.time)
    np.testing.assert_array_equal(again.amount, ds.amount)
