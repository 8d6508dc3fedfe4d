"""k-means customer segments on the bundled CDNOW sample: RFM per customer, log1p and
z-score features, inertia and silhouette over k = 2..8 to help choose k, then a 4-segment
k-means (10 k-means++ initialisations, seed 0) with a profile of each segment. The Python
twin of examples/segments_kmeans.cpp (the same numbers, which scikit-learn also gives).

    python3 examples/python/segments_kmeans.py examples/data/cdnow_sample.csv [k]
"""

from __future__ import annotations

import argparse
import sys

import pandas as pd

import crmkit


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", help="transaction CSV (customer_id,date,...,amount)")
    parser.add_argument("k", nargs="?", type=int, default=4)
    args = parser.parse_args(argv)
    try:
        orders = pd.read_csv(args.path, dtype={"customer_id": str}, parse_dates=["date"])
        # RFM at the day after the last purchase, recency in days.
        as_of = orders["date"].max().normalize() + pd.Timedelta(days=1)
        rfm = crmkit.rfm(orders, as_of, time="date")
        features = rfm[["recency", "frequency", "monetary"]]
        # Skewed counts and amounts: log1p, then z-scores so each feature weighs the same.
        z = crmkit.FeatureScaler(log1p=[True, True, True]).fit_transform(features)
        print(f"k-means segments: {args.path} ({len(rfm)} customers)")
        print("  k       inertia  silhouette")
        for row in crmkit.scan_k(z, range(2, 9), silhouette_sample_size=None, n_init=10, random_state=0).itertuples():
            print(f"  {row.k}  {row.inertia:12.4f}  {row.silhouette:10.4f}")

        model = crmkit.KMeans(n_clusters=args.k, n_init=10, random_state=0).fit(z)
        silhouette = crmkit.silhouette_score(z, model.labels_)
        print(f"k = {args.k}: inertia {model.inertia_:.4f}, silhouette {silhouette:.4f}, {model.n_iter_} iterations")
        # Segment sizes and revenue shares, keyed by customer id through the labels.
        labels = pd.Series(model.labels_, index=rfm.index, name="segment")
        profile = rfm.groupby(labels).agg(customers=("monetary", "size"), revenue=("monetary", "sum"),
                                          recency=("recency", "mean"), frequency=("frequency", "mean"))
        profile["revenue"] /= profile["revenue"].sum()
        print(profile.sort_values("revenue", ascending=False).to_string(float_format=lambda v: f"{v:.3f}"))
    except crmkit.Error as e:
        print(f"segments_kmeans: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
