#!/usr/bin/env python3
"""crmkit.dask.score_customers on a 2-worker LocalCluster vs crmkit.score_customers in one
process vs the usual Python route (dask groupby to per-customer summaries, collected to
pandas, a scipy BG/NBD fit on the driver and P(alive)), in one run, on the same synthetic
lines held in memory (docs/benchmarks.md):

    CRMKIT_LIBRARY=build/release/libcrmkit.so PYTHONPATH=python \\
        /usr/bin/python3 bench/dask_peer.py [LINES=2000000] [CUSTOMERS=200000] [PARTITIONS=8]

What each route computes: crmkit (both): the whole customer table (RFM values, scores and
segments, k-means, ABC, BG/NBD + Gamma-Gamma + CLV, lifecycle stage); the usual route: the
BTYD summary (frequency, recency, T), monetary value, a BG/NBD fit and P(alive) only -- less
work, so its ratio flatters it. The dask routes start from the same persisted partitions.
Reports wall times, the ratios, and the largest worker memory (RSS) seen after each run.
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np
import pandas as pd


def lines(n: int, customers: int, seed: int = 7) -> pd.DataFrame:
    """Skewed customers (customer = customers * u^2), each active over its own window (a start
    in the first year, an exponential lifetime of mean 200 days, cut at the two years'
    end), so that some have churned by as_of; amounts 1.00 .. 200.00."""
    rng = np.random.default_rng(seed)
    u = rng.random(n)
    customer = (customers * u * u).astype(np.int64)
    begin = rng.integers(0, 365 * 86400, customers)
    life = rng.exponential(200 * 86400, customers)
    offset = np.minimum(begin[customer] + (rng.random(n) * life[customer]).astype(np.int64), 730 * 86400 - 1)
    t = np.datetime64("2020-01-01T00:00:00", "s").astype(np.int64) + offset
    return pd.DataFrame({"customer_id": pd.Series(customer).map("C{:08d}".format),
                         "timestamp": t.astype("datetime64[s]").astype("datetime64[ns]"),
                         "amount": rng.integers(100, 20000, n) / 100.0})


def bgnbd_negll(log_params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> float:
    from scipy.special import gammaln

    r, alpha, a, b = np.exp(log_params)
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    a3 = -(r + x) * np.log(alpha + T)
    a4 = np.where(x > 0, np.log(a) - np.log(np.maximum(b + x - 1, 1e-300)) - (r + x) * np.log(alpha + t_x), -np.inf)
    return -np.sum(a1 + a2 + np.logaddexp(a3, a4))


def usual_route(ddf, as_of: pd.Timestamp):
    """dask groupby -> pandas -> scipy BG/NBD fit -> P(alive) (lifetimes' formulas)."""
    from scipy.optimize import minimize

    day = ddf.assign(day=ddf["timestamp"].dt.floor("D"))
    daily = day.groupby(["customer_id", "day"])["amount"].sum().reset_index()
    g = daily.groupby("customer_id")
    summary = g.agg({"day": ["min", "max", "count"], "amount": ["sum", "mean"]}).compute()
    summary.columns = ["first", "last", "days", "total", "mean"]
    x = (summary["days"] - 1).to_numpy(float)
    t_x = ((summary["last"] - summary["first"]).dt.days / 7.0).to_numpy()
    T = ((as_of - summary["first"]).dt.days / 7.0).to_numpy()
    fit = minimize(bgnbd_negll, np.zeros(4), args=(x, t_x, T), method="L-BFGS-B")
    r, alpha, a, b = np.exp(fit.x)
    p_alive = np.where(x > 0, 1.0 / (1.0 + (a / (b + x - 1)) * ((alpha + T) / (alpha + t_x)) ** (r + x)), 1.0)
    return pd.DataFrame({"frequency": x, "recency": t_x, "T": T, "p_alive": p_alive}, index=summary.index), (r, alpha, a, b)


def main() -> None:
    import dask.dataframe as dd
    from distributed import Client, LocalCluster, wait

    import crmkit
    import crmkit.dask

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2_000_000
    customers = int(sys.argv[2]) if len(sys.argv) > 2 else 200_000
    partitions = int(sys.argv[3]) if len(sys.argv) > 3 else 8
    as_of = pd.Timestamp("2022-01-01")
    df = lines(n, customers)
    print(f"{n:,} lines, {df['customer_id'].nunique():,} customers, {partitions} partitions; library "
          f"{crmkit.library_path()}; load before: {os.getloadavg()}")
    kw = dict(customer="customer_id", time="timestamp", amount="amount")

    t0 = time.perf_counter()
    one = crmkit.score_customers(df, as_of=as_of, **kw)
    t_one = time.perf_counter() - t0
    print(f"crmkit, one process:            {t_one:8.2f} s  ({len(one):,} rows, {len(one.columns)} columns)")

    cluster = LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None)
    with Client(cluster) as client:
        ddf = dd.from_pandas(df, npartitions=partitions, sort=False).persist()
        wait(ddf)

        def worker_rss_mb() -> float:
            return max(client.run(lambda: __import__("psutil").Process().memory_info().rss).values()) / 1e6

        t0 = time.perf_counter()
        table = crmkit.dask.score_customers(ddf, as_of, output="pandas", **kw)
        t_dask = time.perf_counter() - t0
        rss_dask = worker_rss_mb()
        same = all(table[c].equals(one.loc[table.index, c]) for c in table.columns)
        print(f"crmkit.dask, 2 workers:         {t_dask:8.2f} s  (identical to one process: {same}; "
              f"largest worker RSS after: {rss_dask:,.0f} MB)")

        t0 = time.perf_counter()
        usual, params = usual_route(ddf, as_of)
        t_usual = time.perf_counter() - t0
        rss_usual = worker_rss_mb()
        print(f"dask groupby + pandas + scipy:  {t_usual:8.2f} s  (BG/NBD r, alpha, a, b = "
              f"{', '.join(f'{p:.4g}' for p in params)}; crmkit's: "
              f"{', '.join(f'{p:.4g}' for p in one.attrs['crmkit_report']['btyd_params'])}; "
              f"largest worker RSS after: {rss_usual:,.0f} MB)")
    cluster.close()
    print(f"ratios: crmkit.dask / one process = {t_dask / t_one:.2f}; usual route / crmkit.dask = "
          f"{t_usual / t_dask:.2f}; usual route / one process = {t_usual / t_one:.2f}; load after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
