#!/usr/bin/env python3
"""Writes a synthetic transaction file for bench/state_bench.cpp's BM_stream_csv:
   make_state_csv.py OUT.csv [lines=10000000] [customers=1000000]
customer_id,timestamp,amount; ISO dates over two years in order, customers drawn at random
(a few heavy buyers, most with a handful of purchases). Never commit the output."""
import datetime
import random
import sys

out = sys.argv[1]
lines = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000_000
customers = int(sys.argv[3]) if len(sys.argv) > 3 else 1_000_000
rng = random.Random(42)
days = [(datetime.date(2020, 1, 1) + datetime.timedelta(d)).isoformat() for d in range(730)]
with open(out, "w", buffering=1 << 22) as f:
    f.write("customer_id,timestamp,amount\n")
    chunk = []
    for i in range(lines):
        c = int(customers * rng.random() ** 2)  # skewed: low ids buy more
        t = days[730 * i // lines]
        chunk.append(f"C{c:08d},{t},{rng.randrange(100, 20000) / 100:.2f}\n")
        if len(chunk) == 100_000:
            f.write("".join(chunk))
            chunk.clear()
    f.write("".join(chunk))
