"""Issue "One customer table", item 2: every per-customer result of the Python package is
keyed by customer id. Each test checks that the index equals the customer ids (or the
input's index) and that the values equal the positional results."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import crmkit

ROOT = Path(__file__).resolve().parents[2]
CDNOW = ROOT / "examples" / "data" / "cdnow_sample.csv"
SQUARE = "POLYGON ((2.0 48.0, 3.0 48.0, 3.0 49.0, 2.0 49.0, 2.0 48.0))"


@pytest.fixture(scope="module")
def cdnow():
    return crmkit.Dataset.from_csv(CDNOW, time_column="date")


@pytest.fixture()
def shop():
    """Six customers with string ids (not in sorted order), three with a location inside
    SQUARE, two outside, one unknown."""
    rng = np.random.default_rng(3)
    ids = ["zed", "amy", "bob", "kim", "lou", "max"]
    rows = []
    for i, c in enumerate(ids):
        for j in range(i + 1):
            rows.append({"customer_id": c, "timestamp": pd.Timestamp("2024-01-01") + pd.Timedelta(days=int(20 * j + 7 * i)),
                         "amount": float(rng.integers(5, 100))})
    ds = crmkit.Dataset.from_dataframe(pd.DataFrame(rows))
    assert ds.customer_ids == ids
    lon = np.array([2.5, 2.1, 5.0, np.nan, 2.9, -1.0])
    lat = np.array([48.5, 48.9, 48.5, np.nan, 48.1, 40.0])
    ds.set_customer_locations(lon, lat)
    return ds


def _ids(ds):
    return pd.Index(ds.customer_ids, name="customer_id", dtype=object)


# -- lifecycle -------------------------------------------------------------------------------


def test_lifecycle_fit_on_a_dataset_is_keyed_by_customer_id(cdnow):
    lc = crmkit.Lifecycle.default().fit(cdnow, start="1997-01-01", end="1998-07-01")
    ids = _ids(cdnow)
    codes = lc.stage_codes_
    assert isinstance(codes, np.ndarray)  # positional codes stay an array
    pd.testing.assert_index_equal(lc.customer_ids_, ids)
    stages = lc.stages_
    assert isinstance(stages, pd.Series) and stages.name == "stage"
    pd.testing.assert_index_equal(stages.index, ids)
    np.testing.assert_array_equal(stages.cat.codes.to_numpy(), codes)
    assert list(stages.cat.categories) == lc.states
    previous = lc.previous_stages_
    pd.testing.assert_index_equal(previous.index, ids)
    np.testing.assert_array_equal(previous.cat.codes.to_numpy(), lc.previous_codes_)
    entered = lc.entered_at_
    pd.testing.assert_index_equal(entered.index, ids)
    assert entered.notna().all()
    # one customer by id
    some = ids[17]
    assert stages[some] == lc.states[codes[17]]
    # history and log carry the key of each row's customer next to the position
    h = lc.history()
    assert list(h.columns[:3]) == ["customer", "customer_id", "visit"]
    np.testing.assert_array_equal(h["customer_id"].to_numpy(), np.asarray(ids, dtype=object)[h["customer"]])
    last = h.groupby("customer_id", sort=False).tail(1).set_index("customer_id")["stage"]
    assert (last.reindex(ids).astype(str) == stages.astype(str)).all()
    log = lc.log()
    np.testing.assert_array_equal(log["customer_id"].to_numpy(), np.asarray(ids, dtype=object)[log["customer"]])
    cumulative, latest = lc.time_in_stage("1998-12-31")
    pd.testing.assert_index_equal(cumulative.index, ids)
    pd.testing.assert_index_equal(latest.index, ids)


def test_lifecycle_predict_on_a_dataset_returns_a_series_by_customer_id(cdnow):
    lc = crmkit.Lifecycle.default()
    names = lc.predict(cdnow, as_of="1998-01-01")
    assert isinstance(names, pd.Series) and names.name == "stage"
    pd.testing.assert_index_equal(names.index, _ids(cdnow))
    np.testing.assert_array_equal(names.astype(object).to_numpy(),
                                  np.asarray(lc.states, dtype=object)[lc.stage_codes_])
    # evaluate(as_of, dataset) on a started machine takes the ids too
    lc2 = crmkit.Lifecycle.default().start(cdnow.n_customers, start="1997-01-01")
    assert lc2.customer_ids_ is None
    lc2.evaluate("1998-01-01", cdnow)
    pd.testing.assert_index_equal(lc2.stages_.index, _ids(cdnow))
    pd.testing.assert_series_equal(lc2.stages_, lc.stages_)


def _three_state():
    return crmkit.Lifecycle.from_json("""{
        "states": ["lead", "buyer", "lapsed"], "cascade": true,
        "transitions": [
          {"name": "buy", "from": "lead", "to": "buyer", "guard": "orders >= 1"},
          {"name": "lapse", "from": "buyer", "to": "lapsed", "guard": "recency_days > 90"}]}""")


def test_lifecycle_on_a_dataframe_uses_its_index():
    cols = pd.DataFrame({"orders": [1, 0, 3], "recency_days": [10, np.nan, 200]},
                        index=pd.Index(["c7", "c2", "c9"], name="customer_id"))
    lc = _three_state().start(3, start="2024-01-01")
    names = lc.predict(cols, as_of="2024-03-01")
    pd.testing.assert_index_equal(names.index, cols.index)
    assert names.to_dict() == {"c7": "buyer", "c2": "lead", "c9": "lapsed"}
    assert lc.stages_["c9"] == "lapsed"
    assert lc.entered_at_["c7"] == pd.Timestamp("2024-03-01")
    h = lc.history()
    assert list(h.loc[h["customer_id"] == "c9", "stage"]) == ["lead", "buyer", "lapsed"]
    # a later DataFrame with the default RangeIndex keeps the ids
    lc.evaluate("2024-04-01", pd.DataFrame({"orders": [1, 1, 3], "recency_days": [10, 5, 200]}))
    pd.testing.assert_index_equal(lc.stages_.index, cols.index)
    assert lc.stages_["c2"] == "buyer"


def test_lifecycle_without_ids_stays_positional():
    lc = _three_state().start(3, start="2024-01-01")
    lc.evaluate("2024-03-01", {"orders": [1.0, 0.0, 3.0], "recency_days": [10.0, np.nan, 200.0]})
    assert lc.customer_ids_ is None
    assert isinstance(lc.stages_, pd.Categorical)
    assert isinstance(lc.entered_at_, np.ndarray)
    assert "customer_id" not in lc.history().columns
    assert "customer_id" not in lc.log().columns
    assert lc.time_in_stage("2024-04-01")[0].index.name == "customer"
    names = lc.predict({"orders": [1.0, 0.0, 3.0], "recency_days": [10.0, np.nan, 200.0]}, "2024-03-02")
    assert isinstance(names, np.ndarray) and list(names) == ["buyer", "lead", "lapsed"]
    # a default-RangeIndex DataFrame on a machine without ids keys by that index (positions)
    names = lc.predict(pd.DataFrame({"orders": [1, 0, 3], "recency_days": [10, np.nan, 200]}), "2024-03-03")
    assert isinstance(names, pd.Series) and list(names.index) == [0, 1, 2]
    assert list(names) == ["buyer", "lead", "lapsed"]


# -- k-means ---------------------------------------------------------------------------------


def test_kmeans_labels_keyed_by_the_frame_index(cdnow):
    table = crmkit.rfm(cdnow, as_of="1998-07-01")
    X = np.log1p(table[["recency_days", "frequency", "monetary"]].clip(lower=0))
    km = crmkit.KMeans(4, random_state=0)
    labels = km.fit_predict(X)
    assert isinstance(labels, pd.Series) and labels.name == "cluster"
    pd.testing.assert_index_equal(labels.index, table.index)
    assert isinstance(km.labels_, np.ndarray)
    np.testing.assert_array_equal(labels.to_numpy(), km.labels_)
    again = km.predict(X)
    pd.testing.assert_series_equal(again, labels)
    np.testing.assert_array_equal(km.predict(X.to_numpy()), km.labels_)  # arrays stay arrays
    assert isinstance(km.predict(X.to_numpy()), np.ndarray)
    assert isinstance(crmkit.KMeans(4, random_state=0).fit_predict(X.to_numpy()), np.ndarray)
    scaler = crmkit.FeatureScaler(log1p=[True, True, True]).fit(table[["recency_days", "frequency", "monetary"]].clip(lower=0))
    z = scaler.transform(table[["recency_days", "frequency", "monetary"]].clip(lower=0))
    assert isinstance(z, pd.DataFrame)
    pd.testing.assert_index_equal(z.index, table.index)
    np.testing.assert_array_equal(z.to_numpy(),
                                  scaler.transform(table[["recency_days", "frequency", "monetary"]].clip(lower=0).to_numpy()))


# -- Pareto ----------------------------------------------------------------------------------


def test_low_return_customers_and_abc_keyed(cdnow):
    table = crmkit.rfm(cdnow, as_of="1998-07-01")
    value = table.monetary.clip(lower=0)
    mask = crmkit.low_return_customers(table.recency_days, value, min_recency_days=365)
    assert isinstance(mask, pd.Series) and mask.dtype == bool and mask.name == "low_return"
    pd.testing.assert_index_equal(mask.index, table.index)
    positional = crmkit.low_return_customers(table.recency_days.to_numpy(), value.to_numpy(), min_recency_days=365)
    assert isinstance(positional, np.ndarray)
    np.testing.assert_array_equal(mask.to_numpy(), positional)
    assert 0 < mask.sum() < len(mask)
    assert list(mask[mask].index) == [table.index[i] for i in np.flatnonzero(positional)]
    with pytest.raises(crmkit.InvalidArgumentError, match="different indexes"):
        crmkit.low_return_customers(table.recency_days, value.iloc[::-1])
    p = crmkit.pareto(value)
    pd.testing.assert_index_equal(p.abc_.index, table.index)
    np.testing.assert_array_equal(p.abc_.to_numpy(), crmkit.pareto(value.to_numpy()).abc_)


# -- geo -------------------------------------------------------------------------------------


def test_territory_membership_keyed(shop):
    lon, lat = shop.customer_locations
    ids = _ids(shop)
    slon, slat = pd.Series(lon, index=ids), pd.Series(lat, index=ids)
    located = ~np.isnan(lon)
    positional = crmkit.territory_contains(SQUARE, lon[located], lat[located])
    inside = crmkit.territory_contains(SQUARE, slon[located], slat[located])
    assert isinstance(inside, pd.Series) and inside.name == "inside"
    pd.testing.assert_index_equal(inside.index, ids[located])
    np.testing.assert_array_equal(inside.to_numpy(), positional)
    territory = crmkit.Territory(SQUARE)
    pd.testing.assert_series_equal(territory.contains(slon[located], slat[located]), inside)
    by_dataset = territory.contains(shop)
    pd.testing.assert_index_equal(by_dataset.index, ids)
    assert by_dataset.to_dict() == {"zed": True, "amy": True, "bob": False, "kim": False, "lou": True, "max": False}
    pd.testing.assert_series_equal(crmkit.territory_contains(SQUARE, shop), by_dataset)
    with pytest.raises(crmkit.InvalidArgumentError, match="different indexes"):
        territory.contains(slon, slat.iloc[::-1])


def test_rep_routing_keyed(shop):
    lon, lat = shop.customer_locations
    ids = _ids(shop)
    located = ~np.isnan(lon)
    reps = crmkit.Reps([2.2, 2.8, 4.0], [48.8, 48.2, 48.5])
    slon, slat = pd.Series(lon[located], index=ids[located]), pd.Series(lat[located], index=ids[located])
    ids_pos, dist_pos = reps.nearest(lon[located], lat[located], k=2)
    near_ids, near_dist = reps.nearest(slon, slat, k=2)
    pd.testing.assert_index_equal(near_ids.index, ids[located])
    np.testing.assert_array_equal(near_ids.to_numpy(), ids_pos)
    np.testing.assert_array_equal(near_dist.to_numpy(), dist_pos)
    d_ids, d_dist = reps.nearest(shop, k=2)
    pd.testing.assert_index_equal(d_ids.index, ids)
    np.testing.assert_array_equal(d_ids.loc[ids[located]].to_numpy(), ids_pos)
    assert (d_ids.loc["kim"] == -1).all() and d_dist.loc["kim"].isna().all()
    plan_pos = reps.assign(lon[located], lat[located], capacity=2)
    plan = reps.assign(slon, slat, capacity=2)
    assert plan.rep.name == "rep" and plan.distance_m.name == "distance_m"
    pd.testing.assert_index_equal(plan.rep.index, ids[located])
    np.testing.assert_array_equal(plan.rep.to_numpy(), plan_pos.rep)
    np.testing.assert_array_equal(plan.distance_m.to_numpy(), plan_pos.distance_m)
    np.testing.assert_array_equal(plan.load, plan_pos.load)
    by_dataset = reps.assign(shop, capacity=2)
    pd.testing.assert_index_equal(by_dataset.rep.index, ids)
    np.testing.assert_array_equal(by_dataset.rep[ids[located]].to_numpy(), plan_pos.rep)
    assert by_dataset.rep["kim"] == -1 and np.isnan(by_dataset.distance_m["kim"])
    assert by_dataset.n_unassigned == plan_pos.n_unassigned + 1


def test_geo_dataset_without_locations_is_an_error(cdnow):
    with pytest.raises(crmkit.NotFoundError, match="no customer locations"):
        crmkit.Territory(SQUARE).contains(cdnow)


# -- RFM and BTYD (already keyed; checked here) ----------------------------------------------


def test_rfm_and_btyd_predictions_keyed_by_customer_id(cdnow):
    table = crmkit.rfm(cdnow, as_of="1998-07-01")
    assert table.index.name == "customer_id"
    ids = cdnow.customer_ids
    assert list(table.index) == [ids[i] for i in table["customer_index"]]
    summary = crmkit.btyd_summary(cdnow, "1997-09-30")
    assert summary.index.name == "customer_id"
    model = crmkit.BetaGeo().fit(summary)
    p = model.p_alive(summary)
    pd.testing.assert_index_equal(p.index, summary.index)
    np.testing.assert_array_equal(
        p.to_numpy(), model.p_alive(summary.frequency.to_numpy(), summary.recency.to_numpy(), summary["T"].to_numpy()))
    e = model.conditional_expected_purchases(10, summary)
    pd.testing.assert_index_equal(e.index, summary.index)


def test_lifecycle_events_accept_customer_ids():
    cols = pd.DataFrame({"orders": [1, 0, 3], "recency_days": [10, np.nan, 200]},
                        index=pd.Index(["c7", "c2", "c9"], name="customer_id"))
    lc = _three_state().start(3, start="2024-01-01")
    lc.evaluate("2024-03-01", cols)
    lc.set_stage("c2", "lapsed", "2024-03-02")
    lc.reset("c7", "2024-03-02")
    assert lc.stages_.to_dict() == {"c7": "lead", "c2": "lapsed", "c9": "lapsed"}
    log = lc.log()
    assert list(log["customer_id"].iloc[-2:]) == ["c2", "c7"]
    assert list(log["customer"].iloc[-2:]) == [1, 0]
    with pytest.raises(crmkit.NotFoundError, match="no customer with id 'nobody'"):
        lc.reset("nobody", "2024-03-03")
    positional = _three_state().start(2, start="2024-01-01")
    with pytest.raises(crmkit.NotFoundError, match="no customer ids"):
        positional.reset("c7", "2024-03-03")
