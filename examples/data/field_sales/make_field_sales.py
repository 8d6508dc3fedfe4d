#!/usr/bin/env python3
"""Writes the bundled field-sales sample (synthetic, deterministic: Python's random with a
fixed seed, no other input). Run from anywhere: python3 make_field_sales.py [OUT_DIR].

Files (all UTC, Unix seconds):
- customers.csv: id, lon, lat, clv, p_alive, abc, rep (today's), last_visit (blank: never),
  visits (per 4 weeks), service_min, ready, due (opening hours, seconds after midnight)
- reps.csv: rep, home_lon, home_lat, shift_start, shift_end (seconds after midnight)
- tracks.csv: rep, time, lon, lat (GPS fixes every 60 s on 2026-03-02 and 2026-03-03)
- claims.csv: rep, customer, time (the visits the reps logged)
"""
import csv
import math
import os
import random
import sys

out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
rng = random.Random(15)
DAY0 = 1772409600  # 2026-03-02 00:00:00 UTC (a Monday)
AS_OF = DAY0 + 8 * 3600

reps = [("ana", 4.80, 45.76), ("ben", 4.92, 45.80), ("eva", 4.86, 45.70)]
# three clusters of different size around the homes, plus a dense hot spot of valuable
# customers in the city centre
centres = [(4.80, 45.76, 110, 0.030), (4.92, 45.80, 45, 0.025), (4.86, 45.70, 45, 0.025), (4.835, 45.765, 30, 0.006)]
customers = []
for ci, (clon, clat, count, spread) in enumerate(centres):
    for _ in range(count):
        lon = round(clon + rng.gauss(0, spread), 6)
        lat = round(clat + rng.gauss(0, spread * 0.7), 6)
        clv = round(rng.lognormvariate(7.6 if ci == 3 else 6.8, 0.6), 2)
        customers.append([lon, lat, clv])
customers.sort(key=lambda c: (c[0], c[1]))
rows = []
for i, (lon, lat, clv) in enumerate(customers):
    cid = f"FS{i + 1:04d}"
    p_alive = round(rng.uniform(0.3, 0.98), 3)
    abc = "A" if clv > 2500 else ("B" if clv > 900 else "C")
    d = [math.hypot((lon - h[1]) * 0.7, lat - h[2]) for h in reps]
    rep = reps[d.index(min(d))][0]
    never = rng.random() < 0.08
    last = "" if never else str(AS_OF - rng.randint(1, 120) * 86400)
    visits = {"A": 4, "B": 2, "C": 1}[abc]
    service = {"A": 45, "B": 30, "C": 20}[abc]
    ready = 8 * 3600 + rng.choice([0, 3600])
    due = 17 * 3600 - rng.choice([0, 3600, 7200])
    rows.append([cid, lon, lat, clv, p_alive, abc, rep, last, visits, service, ready, due])

with open(os.path.join(out, "customers.csv"), "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["id", "lon", "lat", "clv", "p_alive", "abc", "rep", "last_visit", "visits", "service_min", "ready", "due"])
    w.writerows(rows)
with open(os.path.join(out, "reps.csv"), "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["rep", "home_lon", "home_lat", "shift_start", "shift_end"])
    for name, lon, lat in reps:
        w.writerow([name, lon, lat, 8 * 3600, 17 * 3600])

# Tracks and claims: each rep drives from home to 4 of its customers per day (30 km/h,
# fixes every 60 s), stays 12 minutes at each; claims the first three and one customer
# never visited; the fourth visit is not claimed.
tracks, claims = [], []
for day in range(2):
    for name, hlon, hlat in reps:
        mine = [r for r in rows if r[6] == name]
        stops = rng.sample(mine, 5)
        visited, ghost = stops[:4], stops[4]
        t = DAY0 + day * 86400 + 8 * 3600 + 1800
        pos = (hlon, hlat)
        for k, stop in enumerate(visited + [[None, hlon, hlat]]):
            target = (stop[1], stop[2])
            km = math.hypot((target[0] - pos[0]) * 111.32 * math.cos(math.radians(45.75)), (target[1] - pos[1]) * 111.32)
            steps = max(1, int(km / 0.5))  # 0.5 km per minute
            for s in range(steps):
                f = s / steps
                tracks.append([name, t, round(pos[0] + f * (target[0] - pos[0]), 6), round(pos[1] + f * (target[1] - pos[1]), 6)])
                t += 60
            pos = target
            if stop[0] is None:
                tracks.append([name, t, pos[0], pos[1]])
                break
            arrive = t
            for s in range(13):  # 12 minutes within a few metres
                tracks.append([name, t, round(pos[0] + rng.uniform(-0.0002, 0.0002), 6),
                               round(pos[1] + rng.uniform(-0.0002, 0.0002), 6)])
                t += 60
            if k < 3:
                claims.append([name, stop[0], arrive + 300])
        claims.append([name, ghost[0], t - 1800])

with open(os.path.join(out, "tracks.csv"), "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["rep", "time", "lon", "lat"])
    w.writerows(tracks)
with open(os.path.join(out, "claims.csv"), "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["rep", "customer", "time"])
    w.writerows(claims)
