"""Field sales on a map with crmkit's Python package, the Python version of
examples/geo_field_sales.cpp on the bundled sample examples/data/geo (the London
customers of crmkit's synthetic generator with revenue and an at-risk flag, and a rep's
GPS track; see examples/data/geo/README.md):

1. who is within 5 km of a rep (all, then only those at risk of churning);
2. the customers inside a territory drawn on the map (GeoJSON with a hole);
3. the nearest available rep for a few requests, and a batch of requests assigned to
   reps with a capacity each;
4. a rep's day from the GPS track: distance, dropped outlier, stops, visits;
5. a revenue heat map (density grid as GeoJSON) and the rep's base in Baidu's BD-09;
6. the coverage of the rep's six assigned customers over the last two days, per day;
7. where the customers are: geohash cells of 5 characters.

    python3 examples/python/geo_field_sales.py examples/data/geo/customers.csv examples/data/geo/rep_track.csv
"""

from __future__ import annotations

import json
import sys

import numpy as np
import pandas as pd

import crmkit

CENTRE = (-0.1276, 51.5072)  # London


def main(customers_csv: str, track_csv: str) -> int:
    customers = pd.read_csv(customers_csv)
    lon, lat = customers["longitude"].to_numpy(), customers["latitude"].to_numpy()
    print(f"{len(customers)} customers read from {customers_csv}")
    index = crmkit.GeoIndex(lon, lat)
    x, y = CENTRE

    # 1. Within 5 km of the rep in the centre, closest first; then only those at risk.
    near, metres = index.within(x, y, 5000.0, sort="distance")
    print(f"{len(near)} customers within 5 km of the rep in London; closest: "
          f"{customers['customer_id'][near[0]]} at {metres[0]:.0f} m")
    risky = crmkit.GeoFilter(len(customers)).require(customers["at_risk"], "==", 1)
    print(f"{index.count_within(x, y, 5000.0, filter=risky)} of them are at risk of churning "
          "(same index, filtered at query time)")

    # 2. A territory drawn on the map: a GeoJSON polygon with a hole.
    shell = [[x - 0.08, y], [x + 0.08, y], [x + 0.08, y + 0.06], [x - 0.08, y + 0.06], [x - 0.08, y]]
    hole = [[x - 0.01, y + 0.01], [x + 0.01, y + 0.01], [x + 0.01, y + 0.02], [x - 0.01, y + 0.02], [x - 0.01, y + 0.01]]
    drawn = json.dumps({"type": "Feature", "properties": {"name": "centre-north"},
                        "geometry": {"type": "Polygon", "coordinates": [shell, hole]}})
    inside = index.in_territory(drawn)
    print(f"{len(inside)} customers inside the drawn territory (first: {customers['customer_id'][inside[0]]})")

    # 3. Five reps around the centre, two off today: the nearest available rep for three
    #    requests, then 100 requests assigned with at most 40 per rep.
    reps = crmkit.Reps([x - 0.05, x + 0.02, x + 0.07, x - 0.02, x + 0.11],
                       [y + 0.01, y - 0.03, y + 0.02, y + 0.05, y - 0.01])
    reps.set_available([1, 4], False)
    asks = near[[0, 7, 14]]
    best, best_m = reps.nearest(lon[asks], lat[asks], k=1)
    for c, r, m in zip(asks, best[:, 0], best_m[:, 0]):
        print(f"request from {customers['customer_id'][c]}: rep {r} at {m:.0f} m")
    batch = near[:100]
    plan = reps.assign(lon[batch], lat[batch], capacity=40)
    print(f"{len(batch) - plan.n_unassigned} requests assigned, {plan.n_unassigned} left open; "
          f"load per rep: {' '.join(str(v) for v in plan.load)}")

    # 4. The rep's day from the sample GPS track, visits matched to the customers.
    fixes = pd.read_csv(track_csv)
    day = crmkit.Track(fixes["time"], fixes["longitude"], fixes["latitude"]).analyze(index)
    print(f"rep 0's day: {day.distance_m / 1000:.1f} km driven ({day.n_dropped} GPS outlier dropped), "
          f"{len(day.stops)} stops, {day.n_visits} customer visits, {day.time_at_customers_s // 60} min at customers")
    visits = day.stops[day.stops["customer"] >= 0]
    for v in visits.itertuples():
        print(f"  visited {customers['customer_id'][v.customer]} for {v.duration_s // 60} min "
              f"({v.customer_distance_m:.0f} m from the stop)")

    # 5. Revenue per 0.02-degree cell around the centre as GeoJSON, and the base in BD-09.
    grid = crmkit.DensityGrid(cell_deg=0.02, bounds=(x - 0.2, y - 0.12, x + 0.2, y + 0.12))
    grid.fit(lon, lat, customers["revenue"])
    top = int(np.argmax(grid.sum_))
    print(f"revenue grid {grid.count_.shape[1]} x {grid.count_.shape[0]} cells; top cell {top}: "
          f"{grid.count_.flat[top]} customers, {grid.sum_.flat[top]:.2f} revenue")
    print(f"heat map GeoJSON: {len(grid.to_geojson())} bytes")
    bx, by = crmkit.convert_coordinates(x, y, "wgs84", "bd09")
    print(f"rep base in BD-09: {bx:.6f}, {by:.6f} (outside China only Baidu's fixed shift applies)")

    # 6. Coverage of the rep's assigned customers over the last two days: six customers,
    #    three of which the track visits; each due every 7 days, so all are due at once.
    assigned = near[[0, 11, 22, 5, 16, 27]]
    end = int(fixes["time"].iloc[0]) // 86400 * 86400 + 86400  # the midnight after the track's day
    cover = crmkit.rep_coverage([(fixes["time"], fixes["longitude"], fixes["latitude"])], assigned, index,
                                period=(end - 2 * 86400, end), frequency_days=[7] * len(assigned))
    days = "; ".join(f"{pd.Timestamp(d.day_start, unit='s').date()}: {d.distance_m / 1000:.1f} km, {d.n_visits} visits, "
                     f"{len(d.due_not_visited)} due not visited" for d in cover.days.itertuples())
    print(f"coverage: {cover.n_covered} of {len(assigned)} assigned customers visited "
          f"({100 * cover.share_covered:.0f} %); {days}")

    # 7. Where the customers are: geohash cells of 5 characters (about 5 x 5 km).
    cells = crmkit.GeohashGrid(precision=5).fit(lon, lat, {"revenue": customers["revenue"]})
    top = int(np.argmax(cells.count_))
    print(f"{len(customers) - cells.n_unlocated_} customers in {len(cells.cells_)} geohash-5 cells; "
          f"busiest {cells.cells_[top]} ({cells.count_[top]} customers, revenue {cells.sum_[top, 0]:.2f})")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(f"usage: {sys.argv[0]} <customers.csv> <rep_track.csv>")
    try:
        sys.exit(main(sys.argv[1], sys.argv[2]))
    except crmkit.Error as e:
        sys.exit(f"error: {e}")
