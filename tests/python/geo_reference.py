"""Independent references shared by the geo tests: numpy haversine, the track rules of
crmkit/geo/track.hpp and the geohash scheme (geohash.org), written here in plain Python
from their published definitions, not from crmkit's code."""

from __future__ import annotations

import numpy as np

#: The sphere of crmkit's default index (IUGG mean Earth radius R1), metres.
R = 6371008.8
BASE32 = "0123456789bcdefghjkmnpqrstuvwxyz"


def haversine(lon1, lat1, lon2, lat2):
    p1, p2 = np.radians(lat1), np.radians(lat2)
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(np.subtract(lon2, lon1)) / 2) ** 2
    return 2 * R * np.arcsin(np.sqrt(np.minimum(h, 1.0)))



def reference_track(t, x, y, max_speed, stop_radius, min_dwell):
    """The rules of crmkit/geo/track.hpp in plain Python."""
    kept = []
    distance = 0.0
    for i in range(len(t)):
        if kept:
            p = kept[-1]
            d = float(haversine(x[p], y[p], x[i], y[i]))
            if d > max_speed * (t[i] - t[p]):
                continue
            distance += d
        kept.append(i)
    stops = []
    a = 0
    while a < len(kept):
        b = a
        while b + 1 < len(kept) and haversine(x[kept[a]], y[kept[a]], x[kept[b + 1]], y[kept[b + 1]]) <= stop_radius:
            b += 1
        if b > a and t[kept[b]] - t[kept[a]] >= min_dwell:
            idx = kept[a:b + 1]
            stops.append((kept[a], kept[b], t[kept[a]], t[kept[b]], np.mean(x[idx]), np.mean(y[idx])))
            a = b + 1
        else:
            a += 1
    return distance, kept, stops



def reference_geohash(lon, lat, precision):
    """Bisect longitude and latitude alternately (longitude first), 1 = upper half."""
    lo = [-180.0, 180.0]
    la = [-90.0, 90.0]
    bits, even, out, ch, n = 0, True, [], 0, 0
    while len(out) < precision:
        rng, v = (lo, lon) if even else (la, lat)
        mid = (rng[0] + rng[1]) / 2
        if v >= mid:
            ch = ch * 2 + 1
            rng[0] = mid
        else:
            ch = ch * 2
            rng[1] = mid
        even = not even
        n += 1
        if n == 5:
            out.append(BASE32[ch])
            ch, n = 0, 0
    return "".join(out)
