"""crmkit.GeoIndex against scikit-learn's BallTree(metric="haversine") and territories
against Shapely (Debian's python3-sklearn and python3-shapely).

Issue 6's criteria: on the same points and queries, identical radius counts and hit sets,
identical k-nearest neighbour sets with the same distances; polygon membership identical
to Shapely's; thread-count invariance; clear errors.
"""

from __future__ import annotations

import numpy as np
import pytest

import crmkit

sklearn = pytest.importorskip("sklearn", reason="needs python3-sklearn (Debian)")
from sklearn.neighbors import BallTree  # noqa: E402

R = crmkit.geo.EARTH_MEAN_RADIUS_M


def points(n, seed):
    """Clustered customers (a few cities) plus uniform points on the sphere, the poles
    and the antimeridian."""
    rng = np.random.RandomState(seed)
    cities = np.array([[2.35, 48.86], [-0.13, 51.51], [13.40, 52.52], [179.9, -16.5], [-179.95, 65.0], [0.0, 89.9]])
    c = rng.randint(0, len(cities), n // 2)
    lon = cities[c, 0] + rng.normal(0, 0.05, c.size)
    lat = np.clip(cities[c, 1] + rng.normal(0, 0.05, c.size), -90, 90)
    lon = (lon + 180) % 360 - 180
    m = n - c.size
    lon = np.concatenate([lon, rng.uniform(-180, 180, m)])
    lat = np.concatenate([lat, np.degrees(np.arcsin(rng.uniform(-1, 1, m)))])
    return lon, lat


def ball_tree(lon, lat):
    return BallTree(np.radians(np.column_stack([lat, lon])), metric="haversine")


def test_radius_counts_and_sets_match_balltree():
    lon, lat = points(20000, 1)
    qlon, qlat = points(500, 2)
    index = crmkit.GeoIndex(lon, lat)
    tree = ball_tree(lon, lat)
    q = np.radians(np.column_stack([qlat, qlon]))
    for radius in (500.0, 2000.0, 10000.0, 250000.0):
        expected = tree.query_radius(q, r=radius / R, count_only=True)
        counts = index.count_within(qlon, qlat, radius)
        np.testing.assert_array_equal(counts, expected)
        ids, dists = index.within(qlon, qlat, radius, sort="distance")
        sk_ids, sk_d = tree.query_radius(q, r=radius / R, return_distance=True, sort_results=True)
        for i in range(len(qlon)):
            assert set(ids[i].tolist()) == set(sk_ids[i].tolist())
            np.testing.assert_allclose(dists[i], sk_d[i] * R, rtol=0, atol=1e-6)
    assert index.count_within(float(qlon[0]), float(qlat[0]), 2000.0) == int(
        tree.query_radius(q[:1], r=2000.0 / R, count_only=True)[0])


def test_nearest_matches_balltree():
    lon, lat = points(20000, 3)
    qlon, qlat = points(800, 4)
    index = crmkit.GeoIndex(lon, lat)
    tree = ball_tree(lon, lat)
    for k in (1, 10, 25):
        sk_d, sk_ids = tree.query(np.radians(np.column_stack([qlat, qlon])), k=k)
        ids, dists = index.nearest(qlon, qlat, k=k)
        assert ids.shape == (len(qlon), k)
        ties = 0
        for i in range(len(qlon)):
            # Points at the pole (clipped latitudes) tie exactly; BallTree breaks ties
            # arbitrarily, crmkit by index: the sets must agree below the k-th distance.
            kth = sk_d[i, -1] * R
            if np.sum(np.abs(sk_d[i] * R - kth) < 1e-6) > 1 or np.isclose(index.nearest(qlon[i], qlat[i], k + 1)[1][-1], kth, rtol=0, atol=1e-6):
                ties += 1
                inner = set(sk_ids[i][sk_d[i] * R < kth - 1e-6].tolist())
                assert inner <= set(ids[i].tolist())
            else:
                assert set(ids[i].tolist()) == set(sk_ids[i].tolist())
        assert ties < len(qlon) // 10
        np.testing.assert_allclose(dists, sk_d * R, rtol=0, atol=1e-6)
        assert np.all(np.diff(dists, axis=1) >= 0)
    one_ids, one_d = index.nearest(2.35, 48.86, k=3)
    assert one_ids.shape == (3,)


def test_threads_do_not_change_results():
    lon, lat = points(30000, 5)
    qlon, qlat = points(3000, 6)
    index = crmkit.GeoIndex(lon, lat)
    a = index.within_csr(qlon, qlat, 5000.0, sort="index")
    b = index.within_csr(qlon, qlat, 5000.0, sort="index", n_threads=3)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    np.testing.assert_array_equal(index.nearest(qlon, qlat, 7)[0], index.nearest(qlon, qlat, 7, n_threads=4)[0])


def test_filters_boxes_and_missing_locations():
    lon, lat = points(5000, 7)
    lon[::10] = np.nan
    lat[::10] = np.nan
    risk = np.random.RandomState(8).uniform(0, 1, lon.size)
    index = crmkit.GeoIndex(lon, lat)
    assert len(index) == 5000 and index.n_located == 4500
    f = crmkit.GeoFilter(lon.size).require(risk, ">", 0.7)
    assert f.count == int(np.sum(risk > 0.7))
    keep = np.flatnonzero((risk > 0.7) & ~np.isnan(lon))
    tree = ball_tree(lon[keep], lat[keep])
    sk_d, sk_i = tree.query(np.radians([[48.86, 2.35]]), k=5)
    ids, d = index.nearest(2.35, 48.86, k=5, filter=f)
    assert set(ids.tolist()) == set(keep[sk_i[0]].tolist())
    box = index.in_box(170.0, -30.0, -170.0, 0.0)
    ok = ~np.isnan(lon)
    expected = np.flatnonzero(ok & (lat >= -30) & (lat <= 0) & ((lon >= 170) | (lon <= -170)))
    np.testing.assert_array_equal(box, expected)


def test_territories_match_shapely():
    shapely = pytest.importorskip("shapely", reason="needs python3-shapely (Debian)")
    from shapely import wkt as shapely_wkt
    from shapely.prepared import prep
    from shapely.geometry import Point

    rng = np.random.RandomState(9)
    # A star-shaped territory with a hole, around Paris.
    angles = np.linspace(0, 2 * np.pi, 41)[:-1]
    radii = np.where(np.arange(40) % 2 == 0, 0.3, 0.12)
    shell = [(2.35 + r * np.cos(a), 48.86 + r * np.sin(a) * 0.7) for r, a in zip(radii, angles)]
    shell.append(shell[0])
    hole = [(2.33, 48.84), (2.37, 48.84), (2.37, 48.88), (2.33, 48.88), (2.33, 48.84)]
    text = "POLYGON ((" + ", ".join(f"{x!r} {y!r}" for x, y in shell) + "), (" + \
        ", ".join(f"{x!r} {y!r}" for x, y in hole) + "))"
    geom = shapely_wkt.loads(text)
    assert geom.is_valid
    x = rng.uniform(1.9, 2.8, 50000)
    y = rng.uniform(48.5, 49.2, 50000)
    import shapely.vectorized

    expected = shapely.vectorized.contains(geom, x, y)
    mask = crmkit.territory_contains(text, x, y)
    np.testing.assert_array_equal(mask, expected)
    assert 1000 < mask.sum() < 49000
    prepared = prep(geom)
    assert [prepared.contains(Point(a, b)) for a, b in zip(x[:2000], y[:2000])] == list(expected[:2000])
    index = crmkit.GeoIndex(x, y)
    np.testing.assert_array_equal(index.in_territory(text), np.flatnonzero(expected))
    geojson = '{"type": "Feature", "geometry": ' + \
        '{"type": "Polygon", "coordinates": [' + \
        ", ".join("[" + ", ".join(f"[{a!r}, {b!r}]" for a, b in ring) + "]" for ring in (shell, hole)) + "]}}"
    np.testing.assert_array_equal(crmkit.territory_contains(geojson, x, y, n_threads=2), expected)


def test_errors():
    with pytest.raises(crmkit.InvalidArgumentError, match="latitude 91"):
        crmkit.GeoIndex([0.0, 1.0], [0.0, 91.0])
    with pytest.raises(crmkit.InvalidArgumentError, match="longitude 200"):
        crmkit.GeoIndex([200.0], [0.0])
    idx = crmkit.GeoIndex([200.0, 0.0], [0.0, 0.0], normalize_longitude=True)
    assert idx.nearest(-160.0, 0.0, k=1)[0][0] == 0
    with pytest.raises(crmkit.InvalidArgumentError, match="k"):
        idx.nearest(0.0, 0.0, k=0)
    with pytest.raises(crmkit.InvalidArgumentError, match="radius"):
        idx.within(0.0, 0.0, -1.0)
    with pytest.raises(crmkit.InvalidArgumentError, match="NaN"):
        idx.count_within(np.nan, 0.0, 1.0)
    with pytest.raises(crmkit.Error, match="line 1, column"):
        idx.in_territory("POLYGON ((0 0, 1 0, 1 1 0 0))")
    with pytest.raises(crmkit.InvalidArgumentError, match="self-intersects"):
        idx.in_territory("POLYGON ((0 0, 1 1, 1 0, 0 1, 0 0))")
    with pytest.raises(crmkit.InvalidArgumentError, match="antimeridian"):
        crmkit.territory_contains("POLYGON ((170 0, -170 0, -170 5, 170 5, 170 0))", [0.0], [0.0])


def test_parsed_territory_across_the_antimeridian_matches_shapely_on_the_split_form():
    pytest.importorskip("shapely", reason="needs python3-shapely (Debian)")
    import shapely.vectorized
    from shapely.geometry import MultiPolygon, Polygon

    # A quadrilateral from 165 E to 170 W, given unsplit; Shapely gets the RFC 7946 split.
    unsplit = "POLYGON ((165 -10, -170 -12, -175 8, 170 10, 165 -10))"
    with pytest.raises(crmkit.InvalidArgumentError, match="antimeridian"):
        crmkit.Territory(unsplit)
    area = crmkit.Territory(unsplit, wrap_antimeridian=True)
    west, south, east, north = area.bounds
    assert (west, south, east, north) == (165.0, -12.0, -170.0, 10.0)
    unwrapped = Polygon([(165, -10), (190, -12), (185, 8), (170, 10)])
    east_part = unwrapped.intersection(Polygon([(160, -20), (180, -20), (180, 20), (160, 20)]))
    west_part = unwrapped.intersection(Polygon([(180, -20), (200, -20), (200, 20), (180, 20)]))
    rng = np.random.RandomState(10)
    lon = rng.uniform(160, 200, 40000)
    lat = rng.uniform(-15, 15, 40000)
    expected = shapely.vectorized.contains(east_part, lon, lat) | shapely.vectorized.contains(west_part, lon, lat)
    wrapped_lon = np.where(lon > 180, lon - 360, lon)
    got = area.contains(wrapped_lon, lat, n_threads=2)
    # Points within 1e-9 degrees of the cut meridian are left out (the split puts them on a boundary).
    away = np.abs(np.abs(wrapped_lon) - 180) > 1e-9
    np.testing.assert_array_equal(got[away], expected[away])
    assert 5000 < got.sum() < 35000
    index = crmkit.GeoIndex(wrapped_lon, lat)
    np.testing.assert_array_equal(index.in_territory(area), np.flatnonzero(got))
    np.testing.assert_array_equal(crmkit.territory_contains(area, wrapped_lon, lat), got)
    assert isinstance(MultiPolygon([east_part, west_part]), MultiPolygon)
