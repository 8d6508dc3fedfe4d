#!/usr/bin/python3
"""Peer benchmark for bench/logistic_bench.cpp: scikit-learn 1.2's LogisticRegression
(lbfgs, C = 1, the same raw matrices) on the files that ``logistic_bench --write-data``
writes, one BLAS thread (crmkit's fit is single-threaded) and, for reference, the default
thread count.

    build/<dir>/bench/logistic_bench --write-data /tmp/crmkit_logistic
    /usr/bin/python3 bench/logistic_peer.py /tmp/crmkit_logistic [--repeat 3] [--crmkit]

Prints, per size, the best wall and CPU time of a whole fit with scikit-learn's default tol
(1e-4) and with tol = 1e-10 (close to crmkit's exact optimum), the largest coefficient
difference to crmkit's fit (coef_<n>_<d>.f64), and with --crmkit the time of
crmkit.LogisticChurn through the Python package (ctypes overhead included).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

SIZES = [(100000, 20), (200000, 40), (1000000, 10)]


def best_time(fit, repeat):
    """Best wall time and best CPU time (process, all threads) of `repeat` fits."""
    best, best_cpu, result = float("inf"), float("inf"), None
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        result = fit()
        best = min(best, time.perf_counter() - t0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    return (best, best_cpu), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--crmkit", action="store_true", help="also time crmkit.LogisticChurn (Python package)")
    args = parser.parse_args()
    print(f"{'n':>8} {'d':>3} {'threads':>7} {'tol':>6} {'wall s':>8} {'cpu s':>8} {'n_iter':>6} {'max|dcoef|':>11}")
    for n, d in SIZES:
        x_path = args.data_dir / f"x_{n}_{d}.f64"
        if not x_path.exists():
            print(f"missing {x_path}: run logistic_bench --write-data {args.data_dir}", file=sys.stderr)
            return 1
        x = np.fromfile(x_path, dtype="<f8").reshape(n, d)
        y = np.fromfile(args.data_dir / f"y_{n}_{d}.f64", dtype="<f8")
        ours = np.fromfile(args.data_dir / f"coef_{n}_{d}.f64", dtype="<f8")
        for threads in (1, None):
            for tol in (1e-4, 1e-10):
                with threadpool_limits(limits=threads):
                    seconds, model = best_time(
                        lambda: LogisticRegression(C=1.0, tol=tol, max_iter=10000).fit(x, y), args.repeat)
                diff = np.max(np.abs(np.append(model.coef_[0], model.intercept_) - ours))
                print(f"{n:>8} {d:>3} {threads or 'default':>7} {tol:>6.0e} {seconds[0]:>8.3f} {seconds[1]:>8.3f} "
                      f"{model.n_iter_[0]:>6} {diff:>11.2e}")
        if args.crmkit:
            sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "python"))
            import crmkit

            seconds, model = best_time(lambda: crmkit.LogisticChurn(C=1.0, standardize=False).fit(x, y), args.repeat)
            print(f"{n:>8} {d:>3} {'crmkit':>7} {'exact':>6} {seconds[0]:>8.3f} {seconds[1]:>8.3f} {model.n_iter_[0]:>6} "
                  f"{np.max(np.abs(np.append(model.coef_[0], model.intercept_) - ours)):>11.2e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
