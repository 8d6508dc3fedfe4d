"""Forecast by group on CDNOW: BG/NBD and Gamma-Gamma fitted on the 39-week calibration period
(1997-01-01..1997-09-30), the 39-week hold-out (to 1998-06-30) forecast per group of a
customer-table column scored at the calibration end (default: the ABC revenue class), and
compared with what happened. Prints a Markdown table (the one in docs/churn.md).

    python3 examples/python/forecast_by_group.py examples/data/cdnow_sample.csv [column]
"""

from __future__ import annotations

import argparse
import sys

import pandas as pd

import crmkit
from crmkit.churn import forecast_holdout_by_group


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", help="transaction CSV (customer_id,date,...,amount)")
    parser.add_argument("column", nargs="?", default="abc", help="customer-table column to group by (abc, segment, ...)")
    args = parser.parse_args(argv)
    try:
        orders = pd.read_csv(args.path, dtype={"customer_id": str}, parse_dates=["date"])
        kw = dict(customer="customer_id", time="date", amount="amount")
        table = crmkit.score_customers(orders, "1997-09-30", **kw)  # groups as known at the calibration end
        f = forecast_holdout_by_group(orders, table, args.column, "1997-09-30", "1998-06-30", **kw)
    except crmkit.Error as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print(f"| {args.column} | customers | purchases: predicted [90% CI] | actual | APE | "
          "revenue: predicted [90% CI] | actual | APE |")
    print("|---|---|---|---|---|---|---|---|")
    rows = list(f.iterrows()) + [("total", pd.Series(f.attrs["total"]))]
    for label, r in rows:
        name = "(none)" if not isinstance(label, str) and pd.isna(label) else label
        print(f"| {name} | {int(r['customers'])} | {r['purchases']:.0f} [{r['purchases_lower']:.0f}, "
              f"{r['purchases_upper']:.0f}] | {r['actual_purchases']:.0f} | {100 * r['purchases_ape']:.1f}% | "
              f"{r['revenue']:.0f} [{r['revenue_lower']:.0f}, {r['revenue_upper']:.0f}] | {r['actual_revenue']:.0f} | "
              f"{100 * r['revenue_ape']:.1f}% |")
    print(f"\nWAPE over the groups: purchases {100 * f.attrs['purchases_wape']:.1f}%, "
          f"revenue {100 * f.attrs['revenue_wape']:.1f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
