"""crmkit.Reps, Track, DensityGrid, convert_coordinates and geo_distance against
independent references: haversine and brute force in numpy, scikit-learn's BallTree,
Shapely for territories, numpy.histogram2d for grid counts and sums, geographiclib
(Karney's geodesics) for the WGS84 ellipsoid, coordtransform's published conversions;
plus the documented rules (greedy nearest-first assignment, speed filter, dwell stops)
re-implemented here in plain Python.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

import crmkit
from geo_reference import R, haversine, reference_track

assert R == crmkit.geo.EARTH_MEAN_RADIUS_M


def city_points(n, seed, spread=0.05, centre=(2.35, 48.86)):
    rng = np.random.RandomState(seed)
    return centre[0] + rng.normal(0, spread, n), centre[1] + rng.normal(0, spread * 0.7, n)


# ---------------------------------------------------------------------------------------
# Reps


def brute_nearest(rlon, rlat, ok, qlon, qlat, k, max_d=np.inf):
    """(ids, distances) by sorting every eligible rep by (distance, index)."""
    ids = np.full((len(qlon), k), -1, dtype=np.int32)
    dist = np.full((len(qlon), k), np.nan)
    for i in range(len(qlon)):
        d = haversine(qlon[i], qlat[i], rlon, rlat)
        cand = [r for r in np.lexsort((np.arange(len(rlon)), d)) if ok[i, r] and d[r] <= max_d][:k]
        ids[i, :len(cand)] = cand
        dist[i, :len(cand)] = d[cand]
    return ids, dist


def test_reps_nearest_matches_brute_force_and_balltree():
    sklearn = pytest.importorskip("sklearn", reason="needs python3-sklearn (Debian)")  # noqa: F841
    from sklearn.neighbors import BallTree

    rlon, rlat = city_points(300, 1, spread=0.2)
    qlon, qlat = city_points(400, 2, spread=0.2)
    available = np.random.RandomState(3).uniform(size=300) > 0.3
    reps = crmkit.Reps(rlon, rlat, available=available)
    assert len(reps) == 300
    np.testing.assert_array_equal(reps.available, available)
    ids, dist = reps.nearest(qlon, qlat, k=5)
    ok = np.broadcast_to(available, (len(qlon), 300))
    b_ids, b_dist = brute_nearest(rlon, rlat, ok, qlon, qlat, 5)
    np.testing.assert_array_equal(ids, b_ids)
    np.testing.assert_allclose(dist, b_dist, rtol=0, atol=1e-6)
    keep = np.flatnonzero(available)
    tree = BallTree(np.radians(np.column_stack([rlat[keep], rlon[keep]])), metric="haversine")
    sk_d, sk_i = tree.query(np.radians(np.column_stack([qlat, qlon])), k=5)
    np.testing.assert_array_equal(ids, keep[sk_i])
    np.testing.assert_allclose(dist, sk_d * R, rtol=0, atol=1e-6)
    # Scalar request, a distance limit (padding), and thread-count invariance.
    one_ids, one_d = reps.nearest(float(qlon[0]), float(qlat[0]), k=2)
    np.testing.assert_array_equal(one_ids, ids[0, :2])
    lim_ids, lim_d = reps.nearest(qlon, qlat, k=5, max_distance_m=3000.0)
    b_ids, _ = brute_nearest(rlon, rlat, ok, qlon, qlat, 5, 3000.0)
    np.testing.assert_array_equal(lim_ids, b_ids)
    assert np.all(np.isnan(lim_d[lim_ids < 0])) and np.any(lim_ids < 0)
    t_ids, t_d = reps.nearest(qlon, qlat, k=5, n_threads=3)
    np.testing.assert_array_equal(t_ids, ids)
    np.testing.assert_array_equal(t_d, dist)


def test_reps_territories_match_shapely():
    pytest.importorskip("shapely", reason="needs python3-shapely (Debian)")
    import shapely.vectorized
    from shapely import wkt as shapely_wkt

    rlon, rlat = city_points(40, 4, spread=0.1)
    rng = np.random.RandomState(5)
    territories = []
    for r in range(40):
        if r % 4 == 0:
            territories.append(None)  # serves anywhere
            continue
        w = rng.uniform(0.05, 0.2)
        x, y = rlon[r], rlat[r]
        territories.append(f"POLYGON (({x - w} {y - w}, {x + w} {y - w}, {x + w} {y + w}, {x - w} {y + w}, {x - w} {y - w}))")
    qlon, qlat = city_points(500, 6, spread=0.15)
    reps = crmkit.Reps(rlon, rlat, territories=territories)
    ok = np.ones((500, 40), dtype=bool)
    for r, t in enumerate(territories):
        if t is not None:
            ok[:, r] = shapely.vectorized.contains(shapely_wkt.loads(t), qlon, qlat)
    ids, dist = reps.nearest(qlon, qlat, k=3, within_territory=True)
    b_ids, b_dist = brute_nearest(rlon, rlat, ok, qlon, qlat, 3)
    np.testing.assert_array_equal(ids, b_ids)
    np.testing.assert_allclose(dist, b_dist, rtol=0, atol=1e-6)
    # Without the flag the territories are ignored.
    np.testing.assert_array_equal(reps.nearest(qlon, qlat, k=3)[0],
                                  brute_nearest(rlon, rlat, np.ones_like(ok), qlon, qlat, 3)[0])


def greedy_reference(rlon, rlat, available, qlon, qlat, capacity, max_d=np.inf):
    """The documented rule: all eligible pairs by (distance, request, rep), take a pair
    while the request is open and the rep has capacity."""
    pairs = []
    for i in range(len(qlon)):
        d = haversine(qlon[i], qlat[i], rlon, rlat)
        pairs += [(d[r], i, r) for r in range(len(rlon)) if available[r] and d[r] <= max_d]
    pairs.sort()
    rep = np.full(len(qlon), -1)
    dist = np.full(len(qlon), np.nan)
    load = np.zeros(len(rlon), dtype=int)
    for d, i, r in pairs:
        if rep[i] < 0 and load[r] < capacity[r]:
            rep[i], dist[i] = r, d
            load[r] += 1
    return rep, dist, load


def test_assignment_matches_the_documented_greedy_rule():
    rlon, rlat = city_points(12, 7, spread=0.1)
    qlon, qlat = city_points(300, 8, spread=0.12)
    available = np.ones(12, dtype=bool)
    available[[2, 5]] = False
    capacity = np.random.RandomState(9).randint(0, 40, 12)
    reps = crmkit.Reps(rlon, rlat, available=available)
    plan = reps.assign(qlon, qlat, capacity)
    rep, dist, load = greedy_reference(rlon, rlat, available, qlon, qlat, capacity)
    np.testing.assert_array_equal(plan.rep, rep)
    np.testing.assert_allclose(plan.distance_m, dist, rtol=0, atol=1e-6)
    np.testing.assert_array_equal(plan.load, load)
    assert plan.n_unassigned == int(np.sum(rep < 0))
    assert np.all(plan.load <= capacity) and np.all(plan.load[~available] == 0)
    # A scalar capacity and a distance limit.
    plan = reps.assign(qlon, qlat, 10, max_distance_m=8000.0)
    rep, dist, load = greedy_reference(rlon, rlat, available, qlon, qlat, np.full(12, 10), 8000.0)
    np.testing.assert_array_equal(plan.rep, rep)
    assert plan.n_unassigned == int(np.sum(rep < 0)) > 0


def test_greedy_is_never_better_than_the_optimum():
    scipy = pytest.importorskip("scipy", reason="needs python3-scipy (Debian)")  # noqa: F841
    from scipy.optimize import linear_sum_assignment

    rlon, rlat = city_points(15, 10, spread=0.1)
    qlon, qlat = city_points(15, 11, spread=0.1)
    plan = crmkit.Reps(rlon, rlat).assign(qlon, qlat, 1)
    assert plan.n_unassigned == 0 and sorted(plan.rep.tolist()) == list(range(15))
    cost = haversine(qlon[:, None], qlat[:, None], rlon[None, :], rlat[None, :])
    rows, cols = linear_sum_assignment(cost)
    assert plan.distance_m.sum() >= cost[rows, cols].sum() - 1e-6


def test_reps_errors():
    with pytest.raises(crmkit.InvalidArgumentError, match="location"):
        crmkit.Reps([0.0, np.nan], [0.0, np.nan])
    with pytest.raises(crmkit.Error, match="territory of rep 1.*column"):
        crmkit.Reps([0.0, 1.0], [0.0, 0.0], territories=[None, "POLYGON ((0 0, 1 0"])
    with pytest.raises(crmkit.InvalidArgumentError, match="territories for"):
        crmkit.Reps([0.0, 1.0], [0.0, 0.0], territories=[None])
    reps = crmkit.Reps([0.0, 1.0], [0.0, 0.0])
    with pytest.raises(crmkit.InvalidArgumentError, match="rep 2 of 2"):
        reps.set_available(2, False)
    with pytest.raises(crmkit.InvalidArgumentError, match="k"):
        reps.nearest(0.0, 0.0, k=0)
    with pytest.raises(crmkit.InvalidArgumentError, match="max_distance_m"):
        reps.nearest(0.0, 0.0, max_distance_m=-1.0)
    with pytest.raises(crmkit.InvalidArgumentError, match="request 1"):
        reps.nearest([0.0, 0.0], [0.0, 95.0])
    with pytest.raises(crmkit.InvalidArgumentError, match="capacity"):
        reps.assign([0.0], [0.0], [1, -1])


# ---------------------------------------------------------------------------------------
# Tracks


def synthetic_day(seed):
    """A rep driving between points at ~10 m/s with a fix every 30 s, dwelling 10-25 min
    (fixes every minute, a few metres of GPS noise) and a few GPS jumps."""
    rng = np.random.RandomState(seed)
    t, x, y = [], [], []
    now, px, py = 1_700_000_000, 2.30, 48.85
    for _ in range(6):
        cx, cy = px + rng.uniform(-0.03, 0.03), py + rng.uniform(-0.02, 0.02)
        steps = int(haversine(px, py, cx, cy) / 300) + 1
        for k in range(steps):
            t.append(now)
            x.append(px + (cx - px) * k / steps)
            y.append(py + (cy - py) * k / steps)
            now += 30
        for _ in range(rng.randint(10, 26)):
            t.append(now)
            x.append(cx + rng.normal(0, 2e-5))
            y.append(cy + rng.normal(0, 2e-5))
            now += 60
        px, py = cx, cy
    t, x, y = np.array(t, dtype=np.int64), np.array(x), np.array(y)
    for j in rng.choice(np.arange(5, len(t) - 5), 3, replace=False):
        y[j] += 0.3  # ~33 km jump
    return t, x, y


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_track_matches_numpy_haversine_and_the_rules(seed):
    t, x, y = synthetic_day(seed)
    track = crmkit.Track(t, x, y)
    summary = track.analyze()
    distance, kept, stops = reference_track(t, x, y, 70.0, 100.0, 300)
    assert summary.n_dropped == len(t) - len(kept) == 3
    np.testing.assert_array_equal(np.flatnonzero(summary.kept), kept)
    assert summary.distance_m == pytest.approx(distance, rel=1e-12)
    # The kept legs, summed with numpy's haversine directly.
    k = np.array(kept)
    assert track.distance_m() == pytest.approx(haversine(x[k[:-1]], y[k[:-1]], x[k[1:]], y[k[1:]]).sum(), rel=1e-12)
    got = summary.stops
    assert len(got) == len(stops) == 6
    np.testing.assert_array_equal(got["first_fix"], [s[0] for s in stops])
    np.testing.assert_array_equal(got["last_fix"], [s[1] for s in stops])
    np.testing.assert_array_equal(got["start"], [s[2] for s in stops])
    np.testing.assert_array_equal(got["duration_s"], [s[3] - s[2] for s in stops])
    np.testing.assert_allclose(got["lon"], [s[4] for s in stops], rtol=0, atol=1e-12)
    np.testing.assert_allclose(got["lat"], [s[5] for s in stops], rtol=0, atol=1e-12)
    # Other thresholds: stricter dwells find fewer stops, as the reference does.
    counts = []
    for dwell in (900, 1500, 2400):
        _, _, ref = reference_track(t, x, y, 70.0, 100.0, dwell)
        got = track.stops(min_dwell_s=dwell)
        np.testing.assert_array_equal(got["first_fix"], [s[0] for s in ref])
        counts.append(len(ref))
    assert counts[-1] < 6
    _, _, ref = reference_track(t, x, y, 70.0, 30.0, 300)
    np.testing.assert_array_equal(track.stops(stop_radius_m=30.0)["last_fix"], [s[1] for s in ref])


def test_track_visits_match_balltree_nearest_customer():
    pytest.importorskip("sklearn", reason="needs python3-sklearn (Debian)")
    from sklearn.neighbors import BallTree

    t, x, y = synthetic_day(4)
    clon, clat = city_points(5000, 12, spread=0.03, centre=(2.30, 48.85))
    index = crmkit.GeoIndex(clon, clat)
    track = crmkit.Track(t, x, y)
    summary = track.analyze(index, visit_radius_m=60.0)
    stops = summary.stops
    tree = BallTree(np.radians(np.column_stack([clat, clon])), metric="haversine")
    d, i = tree.query(np.radians(np.column_stack([stops["lat"], stops["lon"]])), k=1)
    d = d[:, 0] * R
    expected = np.where(d <= 60.0, i[:, 0], -1)
    np.testing.assert_array_equal(stops["customer"], expected)
    matched = expected >= 0
    assert 0 < matched.sum() < len(stops) or matched.sum() == len(stops)
    np.testing.assert_allclose(stops["customer_distance_m"][matched], d[matched], rtol=0, atol=1e-6)
    assert summary.n_visits == int(matched.sum())
    assert summary.time_at_customers_s == int(stops["duration_s"][matched].sum())
    visits = track.visits(index, visit_radius_m=60.0)
    np.testing.assert_array_equal(visits["customer"], expected[matched])


def test_track_accepts_datetimes_without_copying_seconds():
    pd = pytest.importorskip("pandas")
    t, x, y = synthetic_day(5)
    as_dt = pd.Series(pd.to_datetime(t, unit="s", utc=True))
    a = crmkit.Track(as_dt, x, y).analyze()
    b = crmkit.Track(t, x, y).analyze()
    assert a.distance_m == b.distance_m and len(a.stops) == len(b.stops)
    c = crmkit.Track(t.astype("datetime64[s]"), x, y)
    assert c.distance_m() == b.distance_m
    track = crmkit.Track(t, x, y)
    assert np.shares_memory(track.time, t) and np.shares_memory(track.lon, x)  # zero-copy inputs


def test_track_errors():
    with pytest.raises(crmkit.InvalidArgumentError, match=r"timestamps go backwards at fix 2 \(30 after 60\)"):
        crmkit.Track([0, 60, 30], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]).analyze()
    with pytest.raises(crmkit.InvalidArgumentError, match="fix 1"):
        crmkit.Track([0, 60], [0.0, 0.0], [0.0, 91.0]).distance_m()
    with pytest.raises(crmkit.InvalidArgumentError, match="whole number"):
        crmkit.Track([0, 60], [0.0, 0.0], [0.0, 0.0]).stops(min_dwell_s=2.5)
    with pytest.raises(crmkit.InvalidArgumentError, match="whole number of seconds"):
        crmkit.Track([0.0, 60.5], [0.0, 0.0], [0.0, 0.0])
    with pytest.raises(crmkit.InvalidArgumentError, match="MAX_SPEED"):
        crmkit.Track([0, 60], [0.0, 0.0], [0.0, 0.0]).distance_m(max_speed_mps=0.0)
    with pytest.raises(crmkit.InvalidArgumentError, match="2 times but 3"):
        crmkit.Track([0, 60], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0])


# ---------------------------------------------------------------------------------------
# Density grids


@pytest.mark.parametrize("cell_deg", [0.125, 0.05])
def test_grid_matches_histogram2d(cell_deg):
    rng = np.random.RandomState(13)
    lon = rng.uniform(1.5, 3.5, 20000)
    lat = rng.uniform(48.0, 50.0, 20000)
    lon[:50] = np.nan
    lat[:50] = np.nan
    revenue = rng.gamma(2.0, 50.0, 20000)
    revenue[100:300] = np.nan
    bounds = (2.0, 48.5, 3.0, 49.5)
    grid = crmkit.DensityGrid(cell_deg=cell_deg, bounds=bounds).fit(lon, lat, revenue)
    n = int(round((bounds[2] - bounds[0]) / cell_deg))
    assert grid.count_.shape == (n, n)
    located = ~np.isnan(lon)
    inside = located & (lon >= 2.0) & (lon <= 3.0) & (lat >= 48.5) & (lat <= 49.5)
    assert grid.n_unlocated_ == 50 and grid.n_outside_ == int(np.sum(located & ~inside))
    edges_x = bounds[0] + cell_deg * np.arange(n + 1)
    edges_y = bounds[1] + cell_deg * np.arange(n + 1)
    h, _, _ = np.histogram2d(lat[inside], lon[inside], bins=[edges_y, edges_x])
    np.testing.assert_array_equal(grid.count_, h.astype(np.int64))
    has = inside & ~np.isnan(revenue)
    s, _, _ = np.histogram2d(lat[has], lon[has], bins=[edges_y, edges_x], weights=revenue[has])
    c, _, _ = np.histogram2d(lat[has], lon[has], bins=[edges_y, edges_x])
    np.testing.assert_allclose(grid.sum_, s, rtol=1e-12, atol=1e-9)
    with np.errstate(invalid="ignore", divide="ignore"):
        np.testing.assert_allclose(grid.mean_, s / c, rtol=1e-12, equal_nan=True)
    np.testing.assert_allclose(grid.lon_edges_, edges_x)
    # GeoJSON: one feature per non-empty cell, with the same counts and cell squares.
    doc = json.loads(grid.to_geojson())
    assert doc["type"] == "FeatureCollection"
    assert len(doc["features"]) == int(np.count_nonzero(h))
    frame = grid.to_frame()
    assert len(frame) == len(doc["features"])
    for feature, (_, row) in zip(doc["features"][:50], frame.head(50).iterrows()):
        props = feature["properties"]
        assert props["cell"] == row["cell"] and props["count"] == row["count"]
        assert props["sum"] == pytest.approx(row["sum"])
        ring = feature["geometry"]["coordinates"][0]
        assert ring[0] == pytest.approx([row["min_lon"], row["min_lat"]]) and ring[2] == pytest.approx(
            [row["max_lon"], row["max_lat"]])
    busy = json.loads(grid.to_geojson(min_count=int(np.max(h))))["features"]
    assert len(busy) == int(np.sum(h == np.max(h)))


def test_grid_without_values_and_errors():
    grid = crmkit.DensityGrid(cell_deg=1.0, bounds=(0, 0, 3, 2)).fit([0.5, 3.0, 5.0], [0.5, 2.0, 5.0])
    np.testing.assert_array_equal(grid.count_, [[1, 0, 0], [0, 0, 1]])
    assert np.all(np.isnan(grid.sum_)) and grid.n_outside_ == 1
    assert "sum" not in json.loads(grid.to_geojson())["features"][0]["properties"]
    with pytest.raises(crmkit.InvalidArgumentError, match="cell_deg"):
        crmkit.DensityGrid(cell_deg=0.0).fit([0.0], [0.0])
    with pytest.raises(crmkit.InvalidArgumentError, match="bounds"):
        crmkit.DensityGrid(bounds=(0, 0, 200, 1)).fit([0.0], [0.0])
    with pytest.raises(crmkit.InvalidArgumentError, match="values for"):
        crmkit.DensityGrid().fit([0.0, 1.0], [0.0, 1.0], [1.0])
    with pytest.raises(crmkit.Error, match="fit"):
        crmkit.DensityGrid().to_geojson()


# ---------------------------------------------------------------------------------------
# Coordinate systems and distances

# coordtransform's published values for (116.404, 39.915) (its README and test suite).
PUBLISHED = {
    ("wgs84", "gcj02"): (116.41024449916938, 39.91640428150164),
    ("gcj02", "bd09"): (116.41036949371029, 39.92133699351021),
    ("bd09", "gcj02"): (116.39762729119315, 39.90865673957631),
}


@pytest.mark.parametrize("pair", sorted(PUBLISHED))
def test_conversions_reproduce_coordtransform(pair):
    lon, lat = crmkit.convert_coordinates(116.404, 39.915, *pair)
    assert (lon, lat) == pytest.approx(PUBLISHED[pair], rel=1e-14)


def test_conversions_vectorised_round_trips_and_in_place():
    rng = np.random.RandomState(14)
    lon = np.concatenate([rng.uniform(100, 125, 5000), [2.35, np.nan]])
    lat = np.concatenate([rng.uniform(20, 45, 5000), [48.86, np.nan]])
    g_lon, g_lat = crmkit.convert_coordinates(lon, lat, "wgs84", "gcj02")
    # Offsets in China are 100-700 m; Paris is unchanged; NaN stays NaN.
    offset = haversine(lon[:-2], lat[:-2], g_lon[:-2], g_lat[:-2])
    assert 50 < offset.min() and offset.max() < 1000
    assert (g_lon[-2], g_lat[-2]) == (2.35, 48.86) and np.isnan(g_lon[-1]) and np.isnan(g_lat[-1])
    # The iterated inverse comes back within 1e-9 degrees (about 0.1 mm).
    w_lon, w_lat = crmkit.convert_coordinates(g_lon, g_lat, "gcj02", "wgs84")
    np.testing.assert_allclose(w_lon[:-1], lon[:-1], rtol=0, atol=1e-9)
    np.testing.assert_allclose(w_lat[:-1], lat[:-1], rtol=0, atol=1e-9)
    b_lon, b_lat = crmkit.convert_coordinates(lon, lat, "wgs84", "bd09")
    w_lon, w_lat = crmkit.convert_coordinates(b_lon, b_lat, "BD-09", "WGS84")
    np.testing.assert_allclose(w_lon[:-1], lon[:-1], rtol=0, atol=2e-6)
    np.testing.assert_allclose(w_lat[:-1], lat[:-1], rtol=0, atol=2e-6)
    # In place: the caller's arrays are overwritten with the same values.
    x, y = lon.copy(), lat.copy()
    rx, ry = crmkit.convert_coordinates(x, y, "wgs84", "bd09", inplace=True)
    assert rx is x and ry is y
    np.testing.assert_array_equal(x, b_lon)
    np.testing.assert_array_equal(y, b_lat)
    with pytest.raises(crmkit.InvalidArgumentError, match="inplace"):
        crmkit.convert_coordinates([1.0], [2.0], "wgs84", "gcj02", inplace=True)
    with pytest.raises(crmkit.InvalidArgumentError, match="coordinate system"):
        crmkit.convert_coordinates(lon, lat, "wgs84", "utm")
    bad_x, bad_y = np.array([116.0, 116.0]), np.array([39.0, 95.0])
    with pytest.raises(crmkit.InvalidArgumentError, match="point 1"):
        crmkit.convert_coordinates(bad_x, bad_y, "wgs84", "gcj02", inplace=True)
    assert bad_x[0] == 116.0 and bad_y[0] == 39.0  # nothing written on failure


def test_distances_match_haversine_and_geographiclib():
    geodesic = pytest.importorskip("geographiclib.geodesic", reason="needs python3-geographiclib (Debian)")
    rng = np.random.RandomState(15)
    lon1, lat1 = rng.uniform(-180, 180, 500), np.degrees(np.arcsin(rng.uniform(-1, 1, 500)))
    lon2, lat2 = rng.uniform(-180, 180, 500), np.degrees(np.arcsin(rng.uniform(-1, 1, 500)))
    sphere = crmkit.geo_distance(lon1, lat1, lon2, lat2)
    np.testing.assert_allclose(sphere, haversine(lon1, lat1, lon2, lat2), rtol=1e-12)
    # Any pair, nearly antipodal ones included (both sides use Karney's algorithm).
    anti_lon = np.where(lon1 > 0, lon1 - 180, lon1 + 180)
    lon2[:20] = anti_lon[:20] + rng.uniform(-0.01, 0.01, 20)
    lat2[:20] = -lat1[:20] + rng.uniform(-0.01, 0.01, 20)
    lon2 = (lon2 + 180) % 360 - 180
    usable = np.ones(lon1.shape, dtype=bool)
    ell = crmkit.geo_distance(lon1[usable], lat1[usable], lon2[usable], lat2[usable], model="wgs84")
    ref = [geodesic.Geodesic.WGS84.Inverse(a, b, c, d)["s12"]
           for a, b, c, d in zip(lat1[usable], lon1[usable], lat2[usable], lon2[usable])]
    np.testing.assert_allclose(ell, ref, rtol=0, atol=1e-6)
    assert crmkit.geo_distance(144.42486789, -37.95103342, 143.92649553, -37.65282114, "wgs84") == pytest.approx(
        54972.271, abs=1e-3)
    assert math.isnan(crmkit.geo_distance(0.0, 0.0, np.nan, 1.0))
    with pytest.raises(crmkit.InvalidArgumentError, match="model"):
        crmkit.geo_distance(0.0, 0.0, 1.0, 1.0, model="flat")
    with pytest.raises(crmkit.InvalidArgumentError, match="second point of pair 0"):
        crmkit.geo_distance(0.0, 0.0, 1.0, 100.0)


# ---------------------------------------------------------------------------------------
# The example on the bundled sample, against numpy and Shapely on the same files.


def test_field_sales_example_matches_independent_numbers():
    pd = pytest.importorskip("pandas")
    pytest.importorskip("shapely", reason="needs python3-shapely (Debian)")
    import os
    import subprocess
    import sys
    from pathlib import Path

    import shapely.vectorized
    from shapely.geometry import Polygon

    repo = Path(__file__).resolve().parents[2]
    data = repo / "examples" / "data" / "geo"
    run = subprocess.run([sys.executable, str(repo / "examples" / "python" / "geo_field_sales.py"),
                          str(data / "customers.csv"), str(data / "rep_track.csv")],
                         capture_output=True, text=True, env=dict(os.environ), check=True)
    out = run.stdout
    customers = pd.read_csv(data / "customers.csv")
    x, y = -0.1276, 51.5072
    d = haversine(x, y, customers["longitude"].to_numpy(), customers["latitude"].to_numpy())
    near = d <= 5000.0
    assert f"{near.sum()} customers within 5 km" in out
    assert f"{int((near & (customers['at_risk'] == 1)).sum())} of them are at risk" in out
    drawn = Polygon([(x - 0.08, y), (x + 0.08, y), (x + 0.08, y + 0.06), (x - 0.08, y + 0.06)],
                    [[(x - 0.01, y + 0.01), (x + 0.01, y + 0.01), (x + 0.01, y + 0.02), (x - 0.01, y + 0.02)]])
    inside = shapely.vectorized.contains(drawn, customers["longitude"].to_numpy(), customers["latitude"].to_numpy())
    assert f"{inside.sum()} customers inside the drawn territory" in out
    fixes = pd.read_csv(data / "rep_track.csv")
    distance, kept, stops = reference_track(fixes["time"].to_numpy(), fixes["longitude"].to_numpy(),
                                            fixes["latitude"].to_numpy(), 70.0, 100.0, 300)
    assert f"{distance / 1000:.1f} km driven ({len(fixes) - len(kept)} GPS outlier dropped), {len(stops)} stops" in out
    # Coverage: a stop visits the nearest customer within 150 m (ties by index); the six
    # assigned customers are the 1st, 12th, 23rd, 6th, 17th and 28th nearest to the centre.
    lon, lat = customers["longitude"].to_numpy(), customers["latitude"].to_numpy()
    order = np.lexsort((np.arange(len(d)), d))
    assigned = set(order[[0, 11, 22, 5, 16, 27]].tolist())
    visited = set()
    for stop in stops:
        to_stop = haversine(stop[4], stop[5], lon, lat)
        nearest = int(np.lexsort((np.arange(len(to_stop)), to_stop))[0])
        if to_stop[nearest] <= 150.0:
            visited.add(nearest)
    covered = len(assigned & visited)
    assert f"coverage: {covered} of 6 assigned customers visited ({100 * covered / 6:.0f} %)" in out
    # Geohash-5 cells, counted with the reference encoder.
    from collections import Counter

    from geo_reference import reference_geohash

    cells = Counter(reference_geohash(a, b, 5) for a, b in zip(lon, lat))
    busiest, top = min(cells.items(), key=lambda kv: (-kv[1], kv[0]))
    assert f"{len(lon)} customers in {len(cells)} geohash-5 cells; busiest {busiest} ({top} customers" in out
