"""Long coverage check of the refit (parametric) bootstrap, crmkit/churn/intervals.hpp
(the short one is in tests/churn/clv_intervals_test.cpp). Run by hand:

    CRMKIT_LIBRARY=build/dev/libcrmkit.so PYTHONPATH=python /usr/bin/python3 tests/churn/refit_coverage.py [sets]

Simulates `sets` (default 200) data sets of 500 BG/NBD customers from known parameters, fits
each, takes the 90% refit-bootstrap interval (100 draws) of the customers' total expected
purchases in 26 weeks, and reports the share covering the total at the true parameters with
its binomial standard error (0.021 at 200 sets); it exits 1 outside [0.85, 0.95]."""

import sys

import numpy as np

from crmkit.churn import BetaGeo

TRUTH = dict(r=0.5, alpha=6.0, a=0.7, b=2.5)


def simulate(n, rng):
    T = 26 + 26 * rng.random(n)
    lam = rng.gamma(TRUTH["r"], 1 / TRUTH["alpha"], n)
    p = rng.beta(TRUTH["a"], TRUTH["b"], n)
    x, tx = np.zeros(n), np.zeros(n)
    for i in range(n):
        clock = 0.0
        while True:
            clock += rng.exponential(1 / lam[i])
            if clock > T[i]:
                break
            x[i] += 1
            tx[i] = clock
            if rng.random() < p[i]:
                break
    return x, tx, T


def main(sets):
    rng = np.random.default_rng(2026)
    truth = BetaGeo.from_params(**TRUTH)
    covered = used = 0
    for s in range(sets):
        x, tx, T = simulate(500, rng)
        m = BetaGeo(standard_errors=False).fit(x, tx, T)
        true_total = float(np.sum(truth.conditional_expected_purchases(26, x, tx, T)))
        ci = m.total_interval("expected_purchases", 26, x, tx, T, method="refit", n_draws=100, seed=s)
        used += 1
        covered += ci["lower"] <= true_total <= ci["upper"]
    share = covered / used
    se = (0.9 * 0.1 / used) ** 0.5
    print(f"refit bootstrap 90% coverage: {covered}/{used} = {share:.3f} (binomial se {se:.3f})")
    return 0 if 0.85 <= share <= 0.95 else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 200))
