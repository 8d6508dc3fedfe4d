"""Customer lifecycle with crmkit: the default model saved as text and loaded back, a monthly
replay of a transaction file, the stage counts, and every customer's stage as a DataFrame.

    python3 examples/python/lifecycle_replay.py examples/data/cdnow_sample.csv

Finds libcrmkit.so through CRMKIT_LIBRARY, the source tree's build/ directories or the
install prefixes (see crmkit._lib). Exits nonzero with the library's message on failure.
"""

from __future__ import annotations

import argparse
import pickle
import sys

import crmkit


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", help="transaction CSV file (customer_id,date,...,amount)")
    args = parser.parse_args(argv)
    try:
        ds = crmkit.Dataset.from_csv(args.path, time_column="date")
        text = crmkit.Lifecycle.default().to_text()              # the model as a saved document
        lc = crmkit.Lifecycle.from_text(text)
        assert pickle.loads(pickle.dumps(lc)).to_text() == text  # pickling goes through the text
        print(f"model saved as {len(text)} bytes of text and loaded back")
        lc.fit(ds, start="1997-01-01", end="1998-07-01", step="monthly")
        last = lc.counts_.iloc[[-1]]
        print(last.to_string(index_names=False, index=True, header=True).replace(" 00:00:00", ""))
        print(f"{len(lc.log())} hops over {len(lc.counts_)} monthly steps")
        table = lc.customer_table()                              # indexed by customer_id
        print(f"customer table: {len(table)} customers")
        for customer_id, row in table.head(3).iterrows():
            print(f"  customer {customer_id}: {row.stage} for {row.stage_days:.0f} days")
    except crmkit.Error as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
