#!/usr/bin/python3
"""Peer benchmark for bench/kmeans_bench.cpp: scikit-learn 1.2's KMeans (lloyd and elkan,
1 and 2 OpenMP threads) on the same files, with the same initial centres, tol = 0 and
max_iter = 30, so both libraries run the same iterations.

    build/<dir>/bench/kmeans_bench --write-data /tmp/crmkit_kmeans
    /usr/bin/python3 bench/kmeans_peer.py /tmp/crmkit_kmeans [--repeat 3]

Prints, per case, the best wall time of a whole fit (like kmeans_bench's real_time),
n_iter and inertia; with --crmkit it also runs crmkit.KMeans through the Python package
on the same arrays (ctypes overhead included) and prints the ratios.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.cluster import KMeans
from threadpoolctl import threadpool_limits


def best_time(fit, repeat):
    """Best wall time of `repeat` fits (and the CPU time of that fit)."""
    best, cpu, result = float("inf"), 0.0, None
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        result = fit()
        wall = time.perf_counter() - t0
        if wall < best:
            best, cpu = wall, time.process_time() - c0
    best_time.cpu = cpu
    return best, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--crmkit", action="store_true", help="also time crmkit.KMeans (Python package)")
    args = parser.parse_args()
    if args.crmkit:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "python"))
        import crmkit
    import sklearn

    print(f"scikit-learn {sklearn.__version__}, numpy {np.__version__}")
    for n, d in ((1000000, 3), (200000, 8)):
        X = np.load(args.data_dir / f"x_{n}x{d}.npy")
        init = np.load(args.data_dir / f"init_{n}x{d}_k8.npy")
        for threads in (1, 2):
            times = {}
            for algorithm in ("lloyd", "elkan"):
                def fit():
                    with threadpool_limits(limits=threads):
                        return KMeans(8, init=init, n_init=1, tol=0.0, max_iter=30, algorithm=algorithm).fit(X)
                t, km = best_time(fit, args.repeat)
                times[algorithm] = t
                print(f"sklearn {n}x{d} k=8 {algorithm:6s} threads={threads}: {t * 1e3:8.1f} ms "
                      f"(cpu {best_time.cpu * 1e3:7.1f} ms)  "
                      f"n_iter={km.n_iter_} inertia={km.inertia_:.6f}  ({t * 1e3 / km.n_iter_:.2f} ms/iter)")
            if args.crmkit:
                for algorithm in ("lloyd", "hamerly"):
                    t, km = best_time(lambda: crmkit.KMeans(8, init=init, tol=0.0, max_iter=30, algorithm=algorithm,
                                                            n_threads=threads).fit(X), args.repeat)
                    print(f"crmkit  {n}x{d} k=8 {algorithm:7s} threads={threads}: {t * 1e3:8.1f} ms  "
                          f"n_iter={km.n_iter_} inertia={km.inertia_:.6f}  speed-up vs sklearn's best: "
                          f"{min(times.values()) / t:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
