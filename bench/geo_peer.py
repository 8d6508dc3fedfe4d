"""Peer of bench/geo_bench.cpp (issues 6, 14): scipy's cKDTree on 3D unit vectors (the
strongest peer: counts with the chord radius 2 sin(r / 2R), k nearest by chord, which
orders neighbours as the great-circle distance does), scikit-learn's
BallTree(metric="haversine") and Shapely on the same files, single-threaded, and a check that their results equal the
ones crmkit wrote (geo_bench --write-data).

    build/geo-release/bench/geo_bench --write-data /tmp/crmkit_geo
    /usr/bin/python3 bench/geo_peer.py /tmp/crmkit_geo
    /usr/bin/python3 bench/geo_peer.py /tmp/crmkit_geo --ckdtree-only --repeat 3

--ckdtree-only runs only the cKDTree lines (the strongest peer) and their checks;
--repeat N times each cKDTree step N times (the checks use the last result).

Prints one line per timing and one per comparison. The loop over Shapely's prepared
geometry runs on the first 100,000 points and is scaled to 1,000,000 (its cost is linear
in the number of points); the line says so.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
from sklearn.neighbors import BallTree

R = 6371008.8  # crmkit's default sphere: the mean Earth radius


def timed(label, f):
    """Runs f, printing wall and CPU seconds (CPU time is the fair measure on a shared,
    loaded machine; everything here is single-threaded)."""
    t0, c0 = time.perf_counter(), time.process_time()
    out = f()
    dt, dc = time.perf_counter() - t0, time.process_time() - c0
    print(f"{label:52s} wall {dt:9.3f} s   cpu {dc:9.3f} s", flush=True)
    return out


def main(directory: str, ckdtree_only: bool = False, repeat: int = 1) -> None:
    d = Path(directory)
    lon = np.fromfile(d / "points_lon.f64")
    lat = np.fromfile(d / "points_lat.f64")
    qlon = np.fromfile(d / "queries_lon.f64")
    qlat = np.fromfile(d / "queries_lat.f64")
    wkt = (d / "territory.wkt").read_text().strip()
    print(f"{lon.size} points, {qlon.size} queries")
    X = np.radians(np.column_stack([lat, lon]))
    Q = np.radians(np.column_stack([qlat, qlon]))
    ckdtree_peer(d, lat, lon, qlat, qlon, repeat)
    if ckdtree_only:
        return
    tree = timed("BallTree build (haversine)", lambda: BallTree(X, metric="haversine"))
    for km in (2, 10):
        sk = timed(f"BallTree query_radius count_only {km} km", lambda: tree.query_radius(Q, r=km * 1000.0 / R,
                                                                                          count_only=True))
        ck = np.fromfile(d / f"crmkit_counts_{km}km.u64", dtype=np.uint64).astype(np.int64)
        diff = int(np.sum(sk != ck))
        print(f"  total hits {int(sk.sum())} (crmkit {int(ck.sum())}); queries whose count differs: {diff}")
    sk_d, sk_i = timed("BallTree query k=10", lambda: tree.query(Q, k=10))
    ck_i = np.fromfile(d / "crmkit_knn10_ids.i32", dtype=np.int32).reshape(-1, 10)
    ck_d = np.fromfile(d / "crmkit_knn10_dist.f64").reshape(-1, 10)
    same = sum(set(a) == set(b) for a, b in zip(sk_i.tolist(), ck_i.tolist()))
    # A set can differ only through exact ties at the 10th distance (duplicate locations:
    # the data is rounded to 1e-6 degrees); crmkit breaks them by index, BallTree arbitrarily.
    tied = sum(np.isclose(ck_d[i, -1], sk_d[i, -1] * R, rtol=0, atol=1e-6) for i in range(len(ck_i))
               if set(ck_i[i]) != set(sk_i[i]))
    print(f"  identical neighbour sets: {same} of {len(ck_i)} queries ({len(ck_i) - same} differ, "
          f"{tied} of those only by a tie at the 10th distance); max distance difference "
          f"{float(np.max(np.abs(sk_d * R - ck_d))):.2e} m")
    wgs84_peer(d, tree, qlat, qlon, lat, lon)
    try:
        import shapely.vectorized
        from shapely import wkt as shapely_wkt
        from shapely.geometry import Point
        from shapely.prepared import prep
    except ImportError:
        print("shapely not installed (Debian python3-shapely): polygon comparison skipped")
        return
    geom = shapely_wkt.loads(wkt)
    sv = timed("shapely.vectorized.contains, 1M points", lambda: shapely.vectorized.contains(geom, lon, lat))
    ck = np.fromfile(d / "crmkit_territory_mask.u8", dtype=np.uint8).astype(bool)
    print(f"  inside {int(sv.sum())} (crmkit {int(ck.sum())}); identical masks: {bool(np.array_equal(sv, ck))}")
    prepared = prep(geom)
    n = 100000
    c0 = time.process_time()
    loop = np.array([prepared.contains(Point(x, y)) for x, y in zip(lon[:n], lat[:n])])
    dc = time.process_time() - c0
    print(f"{'prepared-geometry loop, first 100000 points':52s} cpu {dc:9.3f} s  (scaled to 1M: {dc * lon.size / n:.2f} s)")
    print(f"  identical on those points: {bool(np.array_equal(loop, ck[:n]))}")


def unit_vectors(lat, lon):
    """Points on the unit sphere (x, y, z) for latitudes and longitudes in degrees."""
    phi, lam = np.radians(lat), np.radians(lon)
    c = np.cos(phi)
    return np.column_stack([c * np.cos(lam), c * np.sin(lam), np.sin(phi)])


def timed_n(label, f, repeat):
    """timed() run `repeat` times; returns the last result."""
    out = None
    for _ in range(max(1, repeat)):
        out = timed(label, f)
    return out


def ckdtree_peer(d, lat, lon, qlat, qlon, repeat=1):
    """scipy.spatial.cKDTree on unit vectors (one worker): build, count within 2 and 10 km
    (chord radius), 10 nearest; compared with crmkit's files. The unit vectors are made
    before the build is timed (crmkit's build also starts from the coordinates, so this
    favours the peer slightly)."""
    try:
        from scipy.spatial import cKDTree
    except ImportError:
        print("scipy not installed (Debian python3-scipy): cKDTree comparison skipped")
        return
    P = unit_vectors(lat, lon)
    Q = unit_vectors(qlat, qlon)
    tree = timed_n("cKDTree build (unit vectors)", lambda: cKDTree(P), repeat)
    for km in (2, 10):
        chord = 2.0 * np.sin(km * 1000.0 / R / 2.0)
        kc = timed_n(f"cKDTree query_ball_point count {km} km",
                     lambda: tree.query_ball_point(Q, r=chord, return_length=True, workers=1), repeat)
        ck = np.fromfile(d / f"crmkit_counts_{km}km.u64", dtype=np.uint64).astype(np.int64)
        print(f"  total hits {int(kc.sum())} (crmkit {int(ck.sum())}); queries whose count differs: "
              f"{int(np.sum(kc != ck))} (a point at the radius to within rounding may fall either side)")
    kd, ki = timed_n("cKDTree query k=10", lambda: tree.query(Q, k=10, workers=1), repeat)
    ck_i = np.fromfile(d / "crmkit_knn10_ids.i32", dtype=np.int32).reshape(-1, 10)
    ck_d = np.fromfile(d / "crmkit_knn10_dist.f64").reshape(-1, 10)
    metres = 2.0 * np.arcsin(np.minimum(kd / 2.0, 1.0)) * R
    differ = [i for i in range(len(ck_i)) if set(ck_i[i]) != set(ki[i])]
    tied = sum(np.isclose(ck_d[i, -1], metres[i, -1], rtol=0, atol=1e-6) for i in differ)
    print(f"  identical neighbour sets: {len(ck_i) - len(differ)} of {len(ck_i)} queries ({len(differ)} differ, "
          f"{tied} of those only by a tie at the 10th distance); max distance difference "
          f"{float(np.max(np.abs(metres - ck_d))):.2e} m")


def wgs84_peer(d, tree, qlat, qlon, lat, lon, n=1000, radius=2000.0):
    """The WGS84 model's 2 km counts on the first n queries, done the way a Python user
    would: BallTree's haversine prefilter with the same provably sufficient angle
    (radius * a / b^2, crmkit/geo/geo_index.hpp) and python3-geographiclib's exact geodesic
    on the candidates."""
    try:
        from geographiclib.geodesic import Geodesic
    except ImportError:
        print("geographiclib not installed (Debian python3-geographiclib): WGS84 comparison skipped")
        return
    a, b = 6378137.0, 6356752.314245179
    angle = (radius * (1 + 1e-9) + 1e-6) * a / (b * b)
    g = Geodesic.WGS84

    def counts():
        cand = tree.query_radius(np.radians(np.column_stack([qlat[:n], qlon[:n]])), r=angle)
        return np.array([sum(g.Inverse(qlat[j], qlon[j], lat[i], lon[i], Geodesic.DISTANCE)["s12"] <= radius
                             for i in c) for j, c in enumerate(cand)], dtype=np.int64)

    pk = timed(f"WGS84 2 km counts, first {n} queries (BallTree+geographiclib)", counts)
    ck = np.fromfile(d / "crmkit_counts_2km_wgs84_1k.u64", dtype=np.uint64).astype(np.int64)
    print(f"  total hits {int(pk.sum())} (crmkit {int(ck.sum())}); queries whose count differs: {int(np.sum(pk != ck))}")


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("directory", nargs="?", default="/tmp/crmkit_geo")
    ap.add_argument("--ckdtree-only", action="store_true", help="only the cKDTree peer and its checks")
    ap.add_argument("--repeat", type=int, default=1, help="times each cKDTree step runs")
    a = ap.parse_args()
    main(a.directory, a.ckdtree_only, a.repeat)
