"""Loads a transaction CSV file with crmkit and prints what it holds.

    python3 examples/python/load_csv.py examples/data/cdnow_sample.csv --time-column date

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
    parser.add_argument("path", help="transaction CSV file")
    parser.add_argument("--customers", help="optional customer CSV file")
    parser.add_argument("--customer-column", default="customer_id")
    parser.add_argument("--time-column", default="timestamp")
    parser.add_argument("--amount-column", default="amount")
    parser.add_argument("--time-format", default="iso8601", choices=["iso8601", "epoch_seconds", "compact_date"])
    parser.add_argument("--skip-bad-rows", action="store_true")
    args = parser.parse_args(argv)

    try:
        with crmkit.Dataset.from_csv(
            args.path,
            args.customers,
            customer_column=args.customer_column,
            time_column=args.time_column,
            amount_column=args.amount_column,
            time_format=args.time_format,
            on_bad_row="skip" if args.skip_bad_rows else "fail",
        ) as ds:
            first, last = ds.time_range
            print(f"file:         {args.path}")
            print(f"transactions: {ds.n_transactions}")
            print(f"customers:    {ds.n_customers}")
            print(f"first:        {np.datetime64(first, 's')} UTC")
            print(f"last:         {np.datetime64(last, 's')} UTC")
            # ds.amount is a read-only view of the library's column: no copy.
            print(f"total amount: {ds.amount.sum():.2f}")
            skipped = ds.skipped_rows
            print(f"rows read:    {ds.rows_read} ({len(skipped)} skipped)")
            for _, message in skipped[:10]:
                print(f"  skipped: {message}")
    except crmkit.Error as error:
        print(f"load_csv: {error.status}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
