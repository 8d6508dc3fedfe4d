"""Next best offer hold-out on order lines: baskets from the bundled order-line sample (or
a CSV given), implicit ALS, item kNN (item-item cosine), association rules and the
popularity baseline trained on all
but the last N days and scored on the products each customer bought for the first time
in those days (crmkit.offers.holdout_evaluation), plus the same on generated order lines
with planted structure (customers with preferred categories, products bought in pairs).

    python3 examples/python/offers_holdout.py [examples/data/order_lines_sample.csv] [--days 90] [--k 10]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

import crmkit
from crmkit.offers import AssociationRules, Baskets, ImplicitALS, ItemKNN, holdout_evaluation

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "order_lines_sample.csv"


def planted_lines(seed: int = 1, n_customers: int = 800, n_categories: int = 12, per_category: int = 15,
                  orders_per_customer: float = 6.0) -> pd.DataFrame:
    """Order lines with structure an offer engine can find: each customer prefers two
    categories (80% of picks), and every product has a companion often bought with it."""
    rng = np.random.default_rng(seed)
    n_products = n_categories * per_category
    rows = []
    start = pd.Timestamp("2023-01-01", tz="UTC")
    order = 0
    for c in range(n_customers):
        liked = rng.choice(n_categories, size=2, replace=False)
        for _ in range(max(1, rng.poisson(orders_per_customer))):
            when = start + pd.Timedelta(minutes=int(rng.integers(0, 365 * 24 * 60)))
            picks = set()
            for _ in range(int(rng.integers(1, 5))):
                category = rng.choice(liked) if rng.random() < 0.8 else rng.integers(0, n_categories)
                product = int(category * per_category + min(rng.geometric(0.25) - 1, per_category - 1))
                picks.add(product)
                if rng.random() < 0.5:
                    picks.add(product ^ 1 if (product ^ 1) < n_products else product)  # its companion
            for p in sorted(picks):
                rows.append((f"o{order}", f"c{c:04d}", f"P{p:03d}", when, 1.0 + p % 7))
            order += 1
    return pd.DataFrame(rows, columns=["order", "customer", "product", "time", "amount"])


def report(name: str, baskets: Baskets, days: float, k: int) -> None:
    table = holdout_evaluation(baskets, days=days, k=k,
                               als=ImplicitALS(factors=16, alpha=10.0, regularization=0.1, max_iter=15, seed=1),
                               rules=AssociationRules(min_support=0.002, min_threshold=0.05),
                               knn=ItemKNN(neighbours=20))
    print(f"{name}: {len(baskets)} baskets, {baskets.n_items} products, {len(baskets.customer_ids)} customers; "
          f"train {table.attrs['train_baskets']} / hold-out {table.attrs['test_baskets']} baskets (last {days:g} days)")
    print(table.to_string(float_format=lambda v: f"{v:.4f}"))
    print()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default=str(SAMPLE), help="order-line CSV shaped like UCI Online Retail")
    parser.add_argument("--days", type=float, default=90)
    parser.add_argument("--k", type=int, default=10)
    args = parser.parse_args(argv)
    try:
        ds = crmkit.Dataset.from_csv(args.path, customer_column="CustomerID", time_column="InvoiceDate",
                                     order_column="InvoiceNo", product_column="StockCode",
                                     quantity_column="Quantity", unit_price_column="UnitPrice",
                                     exclude_order_prefix="C", drop_nonpositive_quantity=True,
                                     drop_nonpositive_unit_price=True, drop_empty_customer=True)
        report(Path(args.path).name, Baskets.from_dataset(ds), args.days, args.k)
        lines = planted_lines()
        planted = crmkit.Dataset.from_dataframe(lines, "customer", "time", "amount", order="order", product="product")
        report("planted structure (generated, seed 1)", Baskets.from_dataset(planted), args.days, args.k)
    except crmkit.Error as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
