#!/usr/bin/python3
"""Peer benchmark for bench/churn_bench.cpp: the same BG/NBD maximum-likelihood fit (FHL 2005
eq. 6, parameters optimised on the log scale from all-ones) with scipy on the summary that
``churn_bench --write-summary`` writes (1,000,000 simulated customers), and for reference
on the CDNOW summary. scipy gets its best shot: a vectorised numpy log-likelihood with its
analytic gradient and L-BFGS-B (lifetimes itself uses Nelder-Mead without a gradient, which
is slower still). The strongest peer (issue 14) fits the distinct (x, t_x, T) rows with their
counts as weights, as crmkit does; the grouping (np.unique over the rows) is inside the timed
fit, as crmkit's is. The ungrouped fit is printed after it for reference.

    build/<dir>/bench/churn_bench --write-summary /tmp/crmkit_btyd_1m.csv
    /usr/bin/python3 bench/churn_peer.py /tmp/crmkit_btyd_1m.csv [--repeat 3]

Prints the best wall and CPU time of a whole fit (loading excluded), the parameters and the
log-likelihood, to compare with crmkit's (printed by --write-summary).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import betaln, digamma, gammaln

REPO = Path(__file__).resolve().parents[1]


def make_objective(x, tx, T, weights=None):
    """Mean negative log-likelihood and its gradient; `weights` counts each row (grouped rows)."""
    repeat = x > 0
    w = np.ones_like(x, dtype=float) if weights is None else weights
    n = w.sum()

    def f(theta):
        r, alpha, a, b = np.exp(theta)
        lT = np.log(alpha + T)
        ltx = np.log(alpha + tx)
        a3 = -(r + x) * lT
        bx1 = np.where(repeat, b + x - 1, 1.0)
        a4 = np.where(repeat, np.log(a) - np.log(bx1) - (r + x) * ltx, -np.inf)
        mix = np.logaddexp(a3, a4)
        w4 = np.exp(a4 - mix)
        w3 = 1 - w4
        ll = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + betaln(a, b + x) - betaln(a, b) + mix
        g_r = digamma(r + x) - digamma(r) + np.log(alpha) - w3 * lT - w4 * ltx
        g_alpha = r / alpha - (r + x) * (w3 / (alpha + T) + w4 / (alpha + tx))
        g_a = digamma(a + b) - digamma(a + b + x) + w4 / a
        g_b = digamma(b + x) - digamma(b) + digamma(a + b) - digamma(a + b + x) - w4 / bx1
        grad = np.array([(w * g_r).sum() * r, (w * g_alpha).sum() * alpha, (w * g_a).sum() * a, (w * g_b).sum() * b])
        return -(w * ll).sum() / n, -grad / n

    return f


def fit(x, tx, T):
    res = minimize(make_objective(x, tx, T), np.zeros(4), jac=True, method="L-BFGS-B",
                   options={"gtol": 1e-9, "ftol": 1e-15, "maxiter": 1000})
    return res


def fit_grouped(x, tx, T):
    """The same fit on the distinct (x, t_x, T) rows, each weighted by how many customers
    share it (the mean log-likelihood is the same function, so the optimum is too)."""
    rows, counts = np.unique(np.column_stack([x, tx, T]).astype(float), axis=0, return_counts=True)
    res = minimize(make_objective(rows[:, 0], rows[:, 1], rows[:, 2], counts.astype(float)), np.zeros(4), jac=True,
                   method="L-BFGS-B", options={"gtol": 1e-9, "ftol": 1e-15, "maxiter": 1000})
    res.n_distinct = rows.shape[0]
    return res


def timed(x, tx, T, repeat, fitter=fit):
    best_wall, best_cpu, res = float("inf"), float("inf"), None
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        res = fitter(x, tx, T)
        best_wall = min(best_wall, time.perf_counter() - w0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    return best_wall, best_cpu, res


def report(name, x, tx, T, repeat):
    wall, cpu, res = timed(x, tx, T, repeat, fit_grouped)
    r, alpha, a, b = np.exp(res.x)
    print(f"{name}: n={x.size} grouped ({res.n_distinct} distinct rows, counts as weights) scipy L-BFGS-B fit "
          f"best of {repeat}: wall {wall * 1e3:.1f} ms, cpu {cpu * 1e3:.1f} ms, {res.nit} iterations, "
          f"{res.nfev} evaluations, success={res.success}")
    print(f"  r={r:.10g} alpha={alpha:.10g} a={a:.10g} b={b:.10g} LL={-res.fun * x.size:.10g}")
    wall, cpu, res = timed(x, tx, T, repeat)
    r, alpha, a, b = np.exp(res.x)
    print(f"{name}: n={x.size} ungrouped scipy L-BFGS-B fit best of {repeat}: wall {wall * 1e3:.1f} ms, cpu {cpu * 1e3:.1f} ms, "
          f"{res.nit} iterations, {res.nfev} evaluations, success={res.success}")
    print(f"  r={r:.10g} alpha={alpha:.10g} a={a:.10g} b={b:.10g} LL={-res.fun * x.size:.10g}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("summary", help="CSV written by churn_bench --write-summary")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    s = pd.read_csv(args.summary)
    report("simulated", s["frequency"].to_numpy(), s["recency"].to_numpy(), s["T"].to_numpy(), args.repeat)
    c = pd.read_csv(REPO / "tests" / "data" / "cdnow" / "cdnow_customers_summary.csv")
    report("CDNOW", c["frequency"].to_numpy(float), c["recency"].to_numpy(), c["T"].to_numpy(), max(args.repeat, 5))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
