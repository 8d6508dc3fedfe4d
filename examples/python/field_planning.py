#!/usr/bin/env python3
"""Field planning on the bundled field-sales sample (examples/data/field_sales, synthetic):
due lists, a day's route per rep, territory balancing, check-in verification and hot spots,
with the numbers checked against what the generator planted.

    python3 field_planning.py [DATA_DIR]
"""
import os
import sys

import numpy as np
import pandas as pd

import crmkit.planning as planning

data = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "data", "field_sales")
customers = pd.read_csv(os.path.join(data, "customers.csv"), index_col="id")
reps = pd.read_csv(os.path.join(data, "reps.csv"), index_col="rep")
tracks = pd.read_csv(os.path.join(data, "tracks.csv"))
claims = pd.read_csv(os.path.join(data, "claims.csv"))
as_of = 1772409600 + 8 * 3600  # 2026-03-02 08:00 UTC

table = customers.copy()
table["abc"] = table["abc"].astype("category")
table["rep"] = pd.Categorical(table["rep"], categories=list(reps.index))
table["last_visit"] = pd.to_datetime(table["last_visit"], unit="s", utc=True)
print(f"{len(table)} customers, {len(reps)} reps, {len(tracks)} GPS fixes, {len(claims)} claimed visits")

# 1. Due lists: A every 14 days, B every 30, C every 60, ranked by value at risk.
due = planning.due_list(table, as_of, cadence={"A": 14, "B": 30, "C": 60})
counts = due[due["due"] == 1].groupby("rep", observed=False).size()
print("due on 2026-03-02: " + ", ".join(f"{rep} {counts[rep]}" for rep in reps.index))

# 2. Routes: each rep's 10 most urgent due customers, from home within the shift, at 30 km/h.
total_routed, total_km = 0, 0.0
for rep, home in reps.iterrows():
    mine = due[(due["rep"] == rep) & (due["due"] == 1)].sort_values("rank").head(10).index
    stops = pd.DataFrame({"x": customers.loc[mine, "lon"], "y": customers.loc[mine, "lat"], "demand": 0.0,
                          "ready": customers.loc[mine, "ready"].astype(float),
                          "due": customers.loc[mine, "due"].astype(float),
                          "service": customers.loc[mine, "service_min"] * 60.0}, index=mine)
    plan = planning.solve_vrptw(stops, pd.DataFrame({"capacity": [1.0], "shift_start": [float(home.shift_start)],
                                                     "shift_end": [float(home.shift_end)], "start_depot": [0],
                                                     "end_depot": [0]}, index=[rep]),
                                pd.DataFrame({"x": [home.home_lon], "y": [home.home_lat]}), metric="sphere",
                                speed_kmh=30, time_limit=0, max_iter=2000, seed=1)
    visits = plan.visits[plan.visits["status"] == "routed"]
    assert (visits["start"] >= stops.loc[visits.index, "ready"]).all()
    assert (visits["start"] <= stops.loc[visits.index, "due"]).all()
    total_routed += plan.n_routed
    total_km += plan.distance / 1000
print(f"routes: {total_routed} of {3 * 10} visits routed, {total_km:.1f} km driven in all")

# 3. Territory balancing: workload (visits x service + travel from home) and value within 10 %.
bal = planning.balance_territories(table, reps, visits="visits", service_min="service_min", travel_factor=1.0)
assert not bal.within_tolerance_before and bal.within_tolerance_after
for rep, r in bal.reps.iterrows():
    print(f"  {rep}: {int(r.customers_before)} -> {int(r.customers_after)} customers, workload {r.workload_before / 60:.1f} -> "
          f"{r.workload_after / 60:.1f} h, value {r.value_before:.0f} -> {r.value_after:.0f}")
print(f"balancing: {bal.n_moved} customers moved; max workload deviation {bal.max_workload_deviation_before:.0%} -> "
      f"{bal.max_workload_deviation_after:.0%}, value {bal.max_value_deviation_before:.0%} -> "
      f"{bal.max_value_deviation_after:.0%}; within tolerance: {'yes' if bal.within_tolerance_after else 'no'}")

# 4. Check-in verification per rep and day: the generator planted 3 true claims, 1 claim of a
# customer never visited and 1 visit not claimed per rep and day.
located = customers[["lon", "lat"]]
verified = not_verified = unclaimed = 0
for rep in reps.index:
    report = planning.verify_checkins(tracks[tracks["rep"] == rep], located, claims[claims["rep"] == rep])
    verified += int(report.claims["verified"].sum())
    not_verified += int((~report.claims["verified"]).sum())
    unclaimed += len(report.unclaimed)
assert (verified, not_verified, unclaimed) == (18, 6, 6), (verified, not_verified, unclaimed)
print(f"check-ins: {verified} verified, {not_verified} claimed but not verified, {unclaimed} visited but not claimed")

# 5. Hot spots of value on geohash-6 cells (queen contiguity, |z| > 1.96).
spots = planning.hot_spots(customers, "clv", cells="geohash", precision=6)
top = spots.cells.sort_values("z", ascending=False).head(1)
assert spots.n_hot > 0
print(f"hot spots: {spots.n_hot} hot and {spots.n_cold} cold of {len(spots.cells)} geohash-6 cells; "
      f"hottest {top.index[0]} (z = {top['z'].iloc[0]:.2f}, {int(top['count'].iloc[0])} customers)")
