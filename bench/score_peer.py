#!/usr/bin/python3
"""Peer of bench/score_bench.cpp: the same customer table from the same order-line CSV with
the Python stack an analyst would use (pandas, scikit-learn, scipy), one thread.

    /usr/bin/python3 bench/score_peer.py /tmp/crmkit_score_10000000_1000000.csv
    /usr/bin/python3 bench/score_peer.py postgresql://user@/db?host=/sock "select ... from lines"

With a sqlite:PATH and a query the lines come from pandas.read_sql over Python's sqlite3.
With a postgresql:// URL and a query (bench/db_bench.py) the lines come from
pandas.read_sql over a psycopg2 connection (Debian python3-psycopg2; numeric columns coerced to
float, the time column parsed as UTC dates) instead of read_csv; every later step is the same.

Steps, as crmkit does them: read the CSV; drop lines without a customer, cancellations
(invoice 'C...'), non-positive quantity or price; amount = quantity x price; roll lines up
into orders (first time, summed amount); per customer: orders, recency/tenure days,
monetary, mean; R/F/M quintile scores (pd.qcut on rank(method="first")); k-means (k = 4,
n_init = 1) on standardised log1p features; revenue rank and ABC classes; the BTYD summary
in weeks (distinct purchase days); BG/NBD fit by L-BFGS-B on the distinct (x, t_x, T) rows
weighted by their counts (the strongest scipy peer, bench/churn_peer.py's likelihood and
gradient); P(alive) and expected purchases over 90 days (hyp2f1); Gamma-Gamma fit and
expected spend; 12-month CLV. Not done by the peer (so its time is a lower bound): named RFM
segments, P(no purchase), the lifecycle replay (crmkit replays every month from the first
purchase). Prints wall and CPU time per step and in total, and the peak RSS.
"""

from __future__ import annotations

import resource
import sys
import time

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import gammaln, hyp2f1
from sklearn.cluster import KMeans
from sklearn.preprocessing import StandardScaler

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent))
from churn_peer import make_objective  # noqa: E402

AS_OF = pd.Timestamp("2011-12-10", tz="UTC")


def weighted_bgnbd(x, tx, T, w):
    res = minimize(make_objective(x, tx, T, w), np.zeros(4), jac=True, method="L-BFGS-B",
                   options={"gtol": 1e-9, "ftol": 1e-15, "maxiter": 1000})
    return np.exp(res.x)


def bgnbd_expected(t, r, alpha, a, b, x, tx, T):
    hyp_term = hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t))
    first = (a + b + x - 1) / (a - 1)
    second = 1 - hyp_term * ((alpha + T) / (alpha + t + T)) ** (r + x)
    numerator = first * second
    denominator = 1 + (x > 0) * (a / (b + x - 1)) * ((alpha + T) / (alpha + tx)) ** (r + x)
    return numerator / denominator


def gamma_gamma(x, m):
    keep = (x > 0) & (m > 0)
    x, m = x[keep], m[keep]

    def nll(theta):
        p, q, v = np.exp(theta)
        ll = (gammaln(p * x + q) - gammaln(p * x) - gammaln(q) + q * np.log(v) + (p * x - 1) * np.log(m)
              + (p * x) * np.log(x) - (p * x + q) * np.log(x * m + v))
        return -ll.mean()

    res = minimize(nll, np.zeros(3), method="L-BFGS-B")
    return np.exp(res.x)


def main() -> None:
    path = sys.argv[1]
    steps = []
    w_start, c_start = time.perf_counter(), time.process_time()

    def step(name):
        steps.append((name, time.perf_counter(), time.process_time()))

    if path.startswith(("postgresql://", "postgres://")):
        import warnings

        import psycopg2  # Debian python3-psycopg2

        with psycopg2.connect(path) as conn, warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # pandas prefers SQLAlchemy; a DBAPI connection works
            df = pd.read_sql(sys.argv[2], conn, coerce_float=True, parse_dates={"InvoiceDate": {"utc": True}})
        df = df.astype({"InvoiceNo": str, "StockCode": str})
        step("read_sql")
    elif path.startswith("sqlite:"):
        import sqlite3

        with sqlite3.connect(path[len("sqlite:"):]) as conn:
            df = pd.read_sql(sys.argv[2], conn, coerce_float=True, parse_dates={"InvoiceDate": {"utc": True}})
        df = df.astype({"InvoiceNo": str, "StockCode": str})
        step("read_sql")
    else:
        df = pd.read_csv(path, dtype={"InvoiceNo": str, "StockCode": str, "CustomerID": str},
                         parse_dates=["InvoiceDate"])
        step("read_csv")
    df = df[df.CustomerID.notna() & ~df.InvoiceNo.str.startswith("C") & (df.Quantity > 0) & (df.UnitPrice > 0)]
    df["amount"] = df.Quantity * df.UnitPrice
    orders = df.groupby("InvoiceNo", sort=False).agg(customer=("CustomerID", "first"), time=("InvoiceDate", "min"),
                                                     amount=("amount", "sum"))
    step("filter + orders")
    g = orders.groupby("customer")
    t = pd.DataFrame({"last": g.time.max(), "first": g.time.min(), "orders": g.size(), "monetary": g.amount.sum()})
    t["avg_order_value"] = t.monetary / t.orders
    t["recency_days"] = (AS_OF - t["last"]).dt.days
    t["tenure_days"] = (AS_OF - t["first"]).dt.days
    t["r"] = pd.qcut(t.recency_days.rank(method="first"), 5, labels=[5, 4, 3, 2, 1])
    t["f"] = pd.qcut(t.orders.rank(method="first"), 5, labels=[1, 2, 3, 4, 5])
    t["m"] = pd.qcut(t.monetary.rank(method="first"), 5, labels=[1, 2, 3, 4, 5])
    step("rfm")
    features = np.log1p(np.column_stack([t.recency_days, t.orders, t.monetary.clip(lower=0)]))
    z = StandardScaler().fit_transform(features)
    t["cluster"] = KMeans(n_clusters=4, n_init=1, random_state=0).fit_predict(z)
    step("kmeans")
    v = t.monetary.clip(lower=0).to_numpy()
    order = np.argsort(-v, kind="stable")
    cum = np.cumsum(v[order])
    before = np.concatenate([[0.0], cum[:-1]])
    abc = np.empty(len(v), dtype="<U1")
    abc[order] = np.where(before < 0.8 * cum[-1], "A", np.where(before < 0.95 * cum[-1], "B", "C"))
    rank = np.empty(len(v), dtype=np.int64)
    rank[order] = np.arange(1, len(v) + 1)
    t["abc"], t["revenue_rank"] = abc, rank
    step("pareto")
    days = orders.assign(day=orders.time.dt.floor("D")).groupby(["customer", "day"], sort=False).amount.sum().reset_index()
    gd = days.groupby("customer")
    first, last, n_days = gd.day.min(), gd.day.max(), gd.size()
    x = (n_days - 1).to_numpy(dtype=float)
    tx = ((last - first).dt.days / 7.0).to_numpy()
    T = ((AS_OF.floor("D") - first).dt.days / 7.0).to_numpy()
    spend = ((gd.amount.sum() - days.sort_values("day").groupby("customer").amount.first()) /
             np.maximum(n_days - 1, 1)).to_numpy()
    step("btyd summary")
    rows, counts = np.unique(np.column_stack([x, tx, T]), axis=0, return_counts=True)
    r, alpha, a, b = weighted_bgnbd(rows[:, 0], rows[:, 1], rows[:, 2], counts.astype(float))
    step("bg/nbd fit (grouped)")
    p_alive = 1.0 / (1 + (x > 0) * (a / (b + x - 1)) * ((alpha + T) / (alpha + tx)) ** (r + x))
    expected = bgnbd_expected(90 / 7.0, r, alpha, a, b, x, tx, T)
    step("p_alive + expected")
    p, q, gam = gamma_gamma(x, spend)
    expected_spend = (gam + x * spend) * p / (p * x + q - 1)
    month = 365.25 / 12 / 7
    monthly = (1.1) ** (1 / 12) - 1
    clv = np.zeros_like(x)
    previous = np.zeros_like(x)
    for i in range(1, 13):
        cumulative = bgnbd_expected(i * month, r, alpha, a, b, x, tx, T)
        clv += expected_spend * (cumulative - previous) / (1 + monthly) ** i
        previous = cumulative
    step("gamma-gamma + clv")
    wall, cpu = time.perf_counter() - w_start, time.process_time() - c_start
    previous_w, previous_c = w_start, c_start
    for name, w, c in steps:
        print(f"{name:24s} wall {1000 * (w - previous_w):9.0f} ms  cpu {1000 * (c - previous_c):9.0f} ms")
        previous_w, previous_c = w, c
    print(f"customers {len(t)}, orders {len(orders)}; bg_nbd params {r:.4g} {alpha:.4g} {a:.4g} {b:.4g}; "
          f"mean p_alive {p_alive.mean():.4f}, mean clv {np.nanmean(clv):.2f}")
    print(f"total: wall {1000 * wall:.0f} ms, cpu {1000 * cpu:.0f} ms")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
