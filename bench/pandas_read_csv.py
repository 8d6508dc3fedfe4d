#!/usr/bin/python3
"""Peer for bench/io_bench.cpp: times pandas.read_csv on the same transaction file.

Usage: /usr/bin/python3 bench/pandas_read_csv.py PATH [--runs N]

PATH is the file io_bench writes (its label names it; by default
<temp dir>/crmkit_ingest_10000000.csv). The timed call is the idiomatic one:
read_csv with the timestamp column parsed as dates (parse_dates), pandas' C
engine, default dtypes (product and channel stay object strings). Prints each run
and the best of N (default 3) in MB/s over wall time and over the process's CPU
time (the fairer figure when other processes share the cores; read_csv runs on
one thread), MB meaning 10^6 bytes as in io_bench's MB_per_s and cpu_MB_per_s
counters (Google Benchmark's own bytes_per_second is in MiB/s).
The file is in the page cache for both tools.
"""
import argparse
import os
import resource
import sys
import time

import pandas as pd


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    size = os.path.getsize(args.path)
    best = float("inf")
    best_cpu = float("inf")
    rows = 0
    for run in range(args.runs):
        start = time.perf_counter()
        cpu_start = time.process_time()
        frame = pd.read_csv(args.path, parse_dates=["timestamp"])
        elapsed = time.perf_counter() - start
        cpu = time.process_time() - cpu_start
        rows = len(frame)
        assert str(frame["timestamp"].dtype).startswith("datetime64"), frame["timestamp"].dtype
        del frame
        best = min(best, elapsed)
        best_cpu = min(best_cpu, cpu)
        print(f"run {run + 1}: {elapsed:.3f} s wall, {cpu:.3f} s CPU: {size / elapsed / 1e6:.1f} MB/s wall, "
              f"{size / cpu / 1e6:.1f} MB/s CPU")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6
    print(f"pandas {pd.__version__}: {rows} rows, {size / 1e6:.1f} MB, best of {args.runs}: "
          f"{best:.3f} s = {size / best / 1e6:.1f} MB/s wall; CPU {best_cpu:.3f} s = "
          f"{size / best_cpu / 1e6:.1f} MB/s (peak RSS {peak_mb:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
