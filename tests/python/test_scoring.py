"""crmkit.score_customers / select_customers: one customer table, keyed by customer id,
checked against pandas on the bundled CDNOW sample."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import crmkit
from conftest import REPO

SAMPLE = REPO / "examples" / "data" / "cdnow_sample.csv"
AS_OF = "1998-06-30"


@pytest.fixture(scope="module")
def orders():
    return pd.read_csv(SAMPLE, dtype={"customer_id": str}, parse_dates=["date"])


@pytest.fixture(scope="module")
def table(orders):
    return crmkit.score_customers(orders, AS_OF, time="date")


def test_keyed_by_customer_id_with_typed_columns(table, orders):
    assert table.index.name == "customer_id"
    assert set(table.index) == set(orders["customer_id"])
    assert str(table["orders"].dtype) == "Int64"
    assert str(table["abc"].dtype) == "category"
    assert str(table["last_purchase"].dtype) == "datetime64[ns, UTC]"
    assert table["p_alive"].dtype == np.float64
    assert list(table["abc"].cat.categories) == ["A", "B", "C"]


def test_rfm_columns_equal_pandas_groupby(table, orders):
    as_of = pd.Timestamp(AS_OF)
    g = orders.groupby("customer_id")
    expected = pd.DataFrame({
        "orders": g.size(),
        "monetary": g["amount"].sum(),
        "recency_days": (as_of - g["date"].max()).dt.days,
        "tenure_days": (as_of - g["date"].min()).dt.days,
    })
    got = table.loc[expected.index]
    assert (got["orders"].astype(int).to_numpy() == expected["orders"].to_numpy()).all()
    np.testing.assert_allclose(got["monetary"].to_numpy(), expected["monetary"].to_numpy(), rtol=1e-12)
    assert (got["recency_days"].astype(int).to_numpy() == expected["recency_days"].to_numpy()).all()
    assert (got["tenure_days"].astype(int).to_numpy() == expected["tenure_days"].to_numpy()).all()


def test_revenue_rank_and_abc_follow_the_cumulative_share(table):
    ranked = table.sort_values("revenue_rank")
    share = ranked["monetary"].cumsum() / ranked["monetary"].sum()
    a = ranked["abc"] == "A"
    # class A closes at the first customer whose cumulative share reaches 80%
    first_at_80 = int(np.argmax(share.to_numpy() >= 0.8 - 1e-12))
    assert a.to_numpy()[: first_at_80 + 1].all()
    assert not a.to_numpy()[first_at_80 + 1 :].any()


def test_row_order_does_not_change_the_table(orders, table):
    shuffled = orders.sample(frac=1.0, random_state=3)
    again = crmkit.score_customers(shuffled, AS_OF, time="date").loc[table.index]
    pd.testing.assert_frame_equal(again, table, check_exact=True)


def test_select_customers_matches_pandas(table):
    ids = crmkit.select_customers(table, "p_alive < 0.3 and abc == 'A'")
    expected = table.index[(table["p_alive"] < 0.3) & (table["abc"] == "A")].tolist()
    assert ids == expected
    assert len(ids) > 0
    champions = crmkit.select_customers(table, "segment == 'Champions' or orders >= 20")
    mask = (table["segment"] == "Champions") | (table["orders"].fillna(0) >= 20)
    assert champions == table.index[mask.to_numpy()].tolist()
    with pytest.raises(crmkit.Error, match="'Z' is not a level"):
        crmkit.select_customers(table, "abc == 'Z'")


def test_config_as_dict_and_toml_and_report(orders):
    t = crmkit.score_customers(orders, AS_OF, {"rfm": {"bins": 4}, "btyd": {"model": "pareto_nbd"}}, time="date")
    report = t.attrs["crmkit_report"]
    assert report["btyd_model"] == "pareto_nbd"
    assert len(report["btyd_params"]) == 4
    assert t["r_score"].max() == 4
    assert t["segment"].isna().all()
    assert any("bins = 4" in note for note in report["notes"])
    t2 = crmkit.score_customers(orders, AS_OF, '[kmeans]\nk = 3\n[lifecycle]\nmodel = "none"\n', time="date")
    assert "lifecycle_stage" not in t2.columns
    assert t2["cluster"].max() == 2


def test_bad_config_and_as_of_are_errors(orders):
    with pytest.raises(crmkit.Error, match="no unit"):
        crmkit.score_customers(orders, AS_OF, {"clv": {"horizon": 12}}, time="date")
    with pytest.raises(crmkit.Error, match="unknown key 'metric'"):
        crmkit.score_customers(orders, AS_OF, {"metric": 1}, time="date")
    with pytest.raises(crmkit.Error, match="no transaction at or before"):
        crmkit.score_customers(orders, "1990-01-01", time="date")
