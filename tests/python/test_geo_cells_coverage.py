"""crmkit.geohash_encode/decode, GeohashGrid and rep_coverage against a pure-Python
geohash encoder written from the published scheme (geohash.org; Wikipedia's examples
"ezs42" and "u4pruydqqvj"), pandas groupby for the cell aggregates, numpy haversine for
distances and hand-built coverage scenarios; GeoIndex with the WGS84 distance model
against geographiclib."""

from __future__ import annotations

import json

import numpy as np
import pytest

import crmkit
from geo_reference import haversine, reference_geohash


def test_geohash_published_examples_and_reference():
    assert crmkit.geohash_encode(-5.6, 42.6, 5) == "ezs42"
    assert crmkit.geohash_encode(10.40744, 57.64911, 11) == "u4pruydqqvj"
    box = crmkit.geohash_decode("ezs42")
    assert box[0] <= -5.6 <= box[2] and box[1] <= 42.6 <= box[3]
    assert (box[0] + box[2]) / 2 == pytest.approx(-5.603, abs=1e-3) and (box[1] + box[3]) / 2 == pytest.approx(42.605, abs=1e-3)
    rng = np.random.RandomState(1)
    lon, lat = rng.uniform(-180, 180, 3000), rng.uniform(-90, 90, 3000)
    lon[0], lat[0] = np.nan, np.nan
    for p in (1, 5, 9, 12):
        got = crmkit.geohash_encode(lon, lat, p)
        assert got[0] == ""
        assert list(got[1:]) == [reference_geohash(a, b, p) for a, b in zip(lon[1:], lat[1:])]
    with pytest.raises(crmkit.InvalidArgumentError, match="precision"):
        crmkit.geohash_encode(0.0, 0.0, 13)
    with pytest.raises(crmkit.InvalidArgumentError):
        crmkit.geohash_decode("ezs4a")


def test_geohash_grid_matches_pandas_groupby():
    pd = pytest.importorskip("pandas")
    rng = np.random.RandomState(2)
    lon, lat = 2.35 + rng.normal(0, 0.1, 20000), 48.86 + rng.normal(0, 0.07, 20000)
    lon[:20], lat[:20] = np.nan, np.nan
    revenue = rng.gamma(2, 40, 20000)
    risk = rng.uniform(0, 1, 20000)
    risk[50:500] = np.nan
    grid = crmkit.GeohashGrid(precision=5).fit(lon, lat, {"revenue": revenue, "risk": risk})
    hashes = [reference_geohash(a, b, 5) if not np.isnan(a) else None for a, b in zip(lon, lat)]
    frame = pd.DataFrame({"h": hashes, "revenue": revenue, "risk": risk}).dropna(subset=["h"])
    g = frame.groupby("h").agg(count=("revenue", "size"), sum_revenue=("revenue", "sum"), mean_risk=("risk", "mean"))
    np.testing.assert_array_equal(grid.cells_, g.index.to_numpy())
    np.testing.assert_array_equal(grid.count_, g["count"].to_numpy())
    np.testing.assert_allclose(grid.sum_[:, 0], g["sum_revenue"].to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(grid.mean_[:, 1], g["mean_risk"].to_numpy(), rtol=1e-12)
    assert grid.n_unlocated_ == 20 and np.all(grid.point_cell_[:20] == -1)
    np.testing.assert_array_equal(grid.cells_[grid.point_cell_[20:]], np.array(hashes[20:]))
    for i in range(0, len(grid.cells_), 7):
        assert grid.boxes_[i] == pytest.approx(crmkit.geohash_decode(grid.cells_[i]))
    doc = json.loads(grid.to_geojson(min_count=10))
    assert len(doc["features"]) == int(np.sum(grid.count_ >= 10))
    assert {"geohash", "count"} <= set(doc["features"][0]["properties"])
    table = grid.to_frame()
    assert list(table.columns[:2]) == ["geohash", "count"] and "mean_risk" in table.columns


def test_index_wgs84_distance_model_matches_geographiclib():
    geodesic = pytest.importorskip("geographiclib.geodesic", reason="needs python3-geographiclib (Debian)")
    rng = np.random.RandomState(3)
    lon, lat = 2.35 + rng.normal(0, 0.3, 5000), 48.86 + rng.normal(0, 0.2, 5000)
    index = crmkit.GeoIndex(lon, lat, distance_model="wgs84")
    s = np.array([geodesic.Geodesic.WGS84.Inverse(48.86, 2.35, b, a, geodesic.Geodesic.DISTANCE)["s12"]
                  for a, b in zip(lon, lat)])
    ids, d = index.within(2.35, 48.86, 20000.0, sort="distance")
    np.testing.assert_array_equal(np.sort(ids), np.flatnonzero(s <= 20000.0))
    np.testing.assert_allclose(d, np.sort(s[s <= 20000.0]), rtol=0, atol=1e-6)
    nn, nd = index.nearest(2.35, 48.86, k=10)
    np.testing.assert_array_equal(nn, np.lexsort((np.arange(5000), s))[:10])


def day_track(start, stops, seed=0):
    """Fixes every 30 s between stops (straight lines at ~10 m/s), a fix a minute while
    stopped; stops = [(lon, lat, minutes)]."""
    t, x, y = [], [], []
    now = start
    px, py = stops[0][0] - 0.02, stops[0][1]
    for cx, cy, minutes in stops:
        steps = int(haversine(px, py, cx, cy) / 300) + 1
        for k in range(steps):
            t.append(now); x.append(px + (cx - px) * k / steps); y.append(py + (cy - py) * k / steps)
            now += 30
        for _ in range(minutes + 1):
            t.append(now); x.append(cx); y.append(cy)
            now += 60
        px, py = cx, cy
    return np.array(t, dtype=np.int64), np.array(x), np.array(y)


def test_rep_coverage_hand_built_week():
    # Customers A (0), B (1), C (2) around Paris; the rep is assigned A and B, visits A on
    # Monday and C on Tuesday; B is due weekly from Monday and never visited.
    clon = np.array([2.30, 2.40, 2.35])
    clat = np.array([48.85, 48.87, 48.90])
    index = crmkit.GeoIndex(clon, clat)
    monday = 1709510400  # 2024-03-04 00:00 UTC
    t1, x1, y1 = day_track(monday + 9 * 3600, [(clon[0], clat[0], 20)])
    t2, x2, y2 = day_track(monday + 86400 + 9 * 3600, [(clon[2], clat[2], 15)])
    cov = crmkit.rep_coverage([(t1, x1, y1), crmkit.Track(t2, x2, y2)], [0, 1], index,
                              period=(monday, monday + 3 * 86400), frequency_days=[7, 7])
    assert cov.n_covered == 1 and cov.share_covered == 0.5
    assert list(cov.customers["customer"]) == [0, 1] and list(cov.customers["n_visits"]) == [1, 0]
    assert np.isnan(cov.customers["last_visit"][1])
    assert list(cov.days["n_visits"]) == [1, 1, 0] and list(cov.days["n_assigned_visits"]) == [1, 0, 0]
    assert [list(v) for v in cov.days["due_not_visited"]] == [[1], [1], [1]]
    assert list(cov.visits["customer"]) == [0, 2]
    # Distance per day: each day's track on its own, numpy haversine over the fixes.
    for day, (t, x, y) in enumerate(((t1, x1, y1), (t2, x2, y2))):
        assert cov.days["distance_m"][day] == pytest.approx(haversine(x[:-1], y[:-1], x[1:], y[1:]).sum(), rel=1e-9)
    assert cov.days["distance_m"][2] == 0.0
    with pytest.raises(crmkit.InvalidArgumentError, match="period"):
        crmkit.rep_coverage([(t1, x1, y1)], [0], index, period=(monday, monday))
