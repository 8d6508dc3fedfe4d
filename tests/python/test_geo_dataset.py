"""Geo over a Dataset's customers: results keyed by customer id, unlocated customers reported."""

import numpy as np
import pytest

import crmkit


def dataset():
    customer = np.array([0, 1, 2, 3, 0], dtype=np.int32)
    time = np.array([0, 10, 20, 30, 40], dtype=np.int64)
    amount = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    ds = crmkit.Dataset.from_arrays(customer, time, amount, customer_ids=["p", "q", "r", "s"])
    # q has no location; s lies far from every rep.
    ds.set_customer_locations([0.1, np.nan, 0.9, 50.0], [0.0, np.nan, 0.0, 50.0])
    return ds


def test_index_from_dataset_has_customer_ids():
    ds = dataset()
    index = crmkit.GeoIndex.from_dataset(ds)
    assert len(index) == 4 and index.n_located == 3
    ids, _ = index.nearest(0.85, 0.0, k=2)
    assert list(ids) == [2, 0]


def test_nearest_customers_table_and_report():
    ds = dataset()
    reps = crmkit.Reps([0.0, 1.0], [0.0, 0.0])
    table = reps.nearest_customers(ds, k=1, max_distance_m=200_000.0, n_threads=2)
    assert list(table.index) == ["p", "q", "r", "s"] and table.index.name == "customer_id"
    assert table.loc["p", "rep"] == 0 and table.loc["r", "rep"] == 1
    assert table["rep"].isna().tolist() == [False, True, False, True]
    assert np.isnan(table.loc["q", "rep_distance_m"])
    assert table.attrs["crmkit_report"] == {"n_customers": 4, "n_located": 3, "n_unlocated": 1}
    two = reps.nearest_customers(ds, k=2)
    assert list(two.columns) == ["rep_0", "rep_distance_m_0", "rep_1", "rep_distance_m_1"]
    assert two.loc["p", "rep_1"] == 1
    # the old keyed form is built on it and keeps its shape
    ids, dist = reps.nearest(ds, k=2)
    assert ids.loc["q"].tolist() == [-1, -1] and ids.loc["p"].tolist() == [0, 1]
    with pytest.raises(crmkit.InvalidArgumentError, match="k must be at least 1"):
        reps.nearest_customers(ds, k=0)


def test_assign_customers_reports_unlocated_and_load():
    ds = dataset()
    reps = crmkit.Reps([0.0, 1.0], [0.0, 0.0])
    table = reps.assign_customers(ds, capacity=[1, 1])
    report = table.attrs["crmkit_report"]
    assert report["n_unlocated"] == 1 and report["load"] == [1, 1] and report["n_unassigned"] == 1
    assert table.loc["p", "rep"] == 0 and table.loc["r", "rep"] == 1
    plan = reps.assign(ds, capacity=1)
    assert plan.n_unassigned == 2 and plan.rep.loc["q"] == -1


def test_customer_territories():
    ds = dataset()
    west = "POLYGON((-1 -1, 0.5 -1, 0.5 1, -1 1, -1 -1))"
    east = crmkit.Territory("POLYGON((0.5 -1, 2 -1, 2 1, 0.5 1, 0.5 -1))")
    table = crmkit.customer_territories(ds, {"west": west, "east": east}, n_threads=3)
    assert table["territory"].tolist()[0] == "west" and table.loc["r", "territory"] == "east"
    assert table["territory"].isna().tolist() == [False, True, False, True]
    assert list(table["territory"].cat.categories) == ["west", "east"]
    assert table.attrs["crmkit_report"]["n_unlocated"] == 1
    inside = east.contains(ds)
    assert inside.tolist() == [False, False, True, False] and inside.index.name == "customer_id"
    with pytest.raises(crmkit.InvalidArgumentError, match="empty name"):
        crmkit.customer_territories(ds, {"": west})


def test_no_locations_is_an_error():
    ds = crmkit.Dataset.from_arrays(np.array([0], dtype=np.int32), np.array([0], dtype=np.int64), np.array([1.0]))
    with pytest.raises(crmkit.InvalidArgumentError, match="no locations"):
        crmkit.GeoIndex.from_dataset(ds)
