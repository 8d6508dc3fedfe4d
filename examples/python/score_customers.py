"""Every per-customer score in one call: a transaction CSV in, a DataFrame indexed by
customer id out, then an audience selected from it.

    python3 examples/python/score_customers.py examples/data/cdnow_sample.csv [--as-of 1998-07-01]
"""

from __future__ import annotations

import argparse
import sys

import pandas as pd

import crmkit

CONFIG = """
[btyd]
horizon = "90 days"
[clv]
horizon = "12 months"
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", help="transaction CSV file (customer_id,date,...,amount)")
    parser.add_argument("--as-of", default="1998-07-01")
    args = parser.parse_args(argv)
    try:
        orders = pd.read_csv(args.path, dtype={"customer_id": str}, parse_dates=["date"])
        table = crmkit.score_customers(orders, args.as_of, CONFIG, time="date")
        report = table.attrs["crmkit_report"]
        print(f"{len(table)} customers; BG/NBD {report['btyd_status']}, params {report['btyd_params']}")
        columns = ["orders", "monetary", "segment", "abc", "p_alive", "clv", "lifecycle_stage"]
        print(table[columns].head().to_string())
        audience = crmkit.select_customers(table, "p_alive < 0.3 and abc == 'A'")
        print(f"audience 'p_alive < 0.3 and abc == A': {len(audience)} customers")
    except crmkit.Error as e:
        print(f"score_customers: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
