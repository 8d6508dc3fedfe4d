"""Customer value report with crmkit: RFM table and segments, then the 80/20 analysis.

    python3 examples/python/value_report.py examples/data/cdnow_sample.csv [--as-of 1998-07-01]

Finds libcrmkit.so through CRMKIT_LIBRARY, the source tree's build/ directories or the
install prefixes (see crmkit._lib). Exits nonzero with the library's message on failure.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

import crmkit


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", help="transaction CSV file (customer_id,date,...,amount)")
    parser.add_argument("--as-of", help="reference date (default: the day after the last purchase)")
    args = parser.parse_args(argv)
    try:
        ds = crmkit.Dataset.from_csv(args.path, time_column="date")
        last = ds.time_range[1]
        as_of = np.datetime64(args.as_of, "s") if args.as_of else np.datetime64((last // 86400 + 1) * 86400, "s")
        table = crmkit.rfm(ds, as_of=as_of)
        summary = table.attrs["segment_summary"]
        print(f"{len(table)} customers; reference date {as_of}")
        print(summary[summary.customers > 0][["customers", "customer_share", "revenue_share", "mean_recency_days",
                                              "mean_frequency", "mean_monetary"]].round(3).to_string())
        p = crmkit.pareto(table.monetary.clip(lower=0), groups=table.segment)
        print(f"\nGini {p.gini_:.3f}; top 20% of customers make {100 * p.share_of_top(0.2):.1f}% of revenue; "
              f"{p.key_customers_} customers ({100 * p.key_customer_share_:.1f}%) make 80%")
        print("ABC:", p.abc_counts_)
        low = crmkit.low_return_customers(table.recency_days, table.monetary.clip(lower=0), min_recency_days=365)
        print(f"low-return customers (365+ days inactive, class C): {int(low.sum())}")
    except crmkit.Error as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
