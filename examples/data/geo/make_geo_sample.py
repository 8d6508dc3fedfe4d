"""Builds the field-sales sample of examples/data/geo from crmkit's synthetic generator.

    example_synth_generate --customers 8000 --transactions 24000 --seed 6 --out-dir /tmp/synth_geo
    /usr/bin/python3 examples/data/geo/make_geo_sample.py /tmp/synth_geo examples/data/geo

writes customers.csv (the customers of the London cluster: customer_id, longitude,
latitude, revenue = sum of their generated purchases, at_risk = 1 when the generator's
latent dropout time falls before the end of the period 2025-01-01) and rep_track.csv
(a rep's day: from the rep's base, driving to three customers at about 10 m/s with a
fix every 30 s, 20 minutes at each with a fix a minute, and one GPS jump of 0.5 degrees
in the middle of the second drive), the track the C++ example builds in code.
"""

import math
import sys
from pathlib import Path

import pandas as pd

END = 1735689600  # 2025-01-01 00:00:00 UTC, the generator's default end_time
R = 6371008.8


def haversine(lon1, lat1, lon2, lat2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * R * math.asin(math.sqrt(min(h, 1.0)))


def main(src: Path, dst: Path) -> None:
    customers = pd.read_csv(src / "customers.csv")
    tx = pd.read_csv(src / "transactions.csv")
    london = customers[customers["city"] == 0].copy()
    revenue = tx.groupby("customer_id")["amount"].sum()
    london["revenue"] = london["customer_id"].map(revenue).fillna(0.0).round(2)
    london["at_risk"] = (london["true_dropout_at"] < END).astype(int)
    london[["customer_id", "longitude", "latitude", "revenue", "at_risk"]].to_csv(dst / "customers.csv", index=False)

    # The rep's base and the customers visited (the 1st, 12th and 23rd nearest to the
    # city centre, as in examples/geo_field_sales.cpp).
    x0, y0 = -0.1276, 51.5072
    d = [haversine(x0, y0, a, b) for a, b in zip(london["longitude"], london["latitude"])]
    order = sorted(range(len(d)), key=lambda i: (d[i], i))
    stops = [order[0], order[11], order[22]]
    now = END - 86400 + 8 * 3600  # 08:00 UTC on the last day
    px, py = x0 - 0.05, y0 + 0.01
    rows = []
    for v, c in enumerate(stops):
        cx, cy = float(london["longitude"].iloc[c]), float(london["latitude"].iloc[c])
        steps = int(haversine(px, py, cx, cy) / 300.0) + 1
        for k in range(steps):
            jump = 0.5 if (v == 1 and k == steps // 2) else 0.0
            rows.append((now, round(px + (cx - px) * k / steps, 6), round(py + (cy - py) * k / steps + jump, 6)))
            now += 30
        for _ in range(21):
            rows.append((now, cx, cy))
            now += 60
        px, py = cx, cy
    pd.DataFrame(rows, columns=["time", "longitude", "latitude"]).to_csv(dst / "rep_track.csv", index=False)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
