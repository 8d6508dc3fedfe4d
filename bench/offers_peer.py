"""NumPy/SciPy peer of bench/offers_bench.cpp's ALS iteration: the same conjugate-gradient
update (implicit's _least_squares_cg with confidence c = 1 + alpha r, 3 steps per row,
warm start), batched over all rows with sparse products, on the matrix and initial
factors the benchmark wrote; checks that one iteration gives crmkit's factors and times it.

    /usr/bin/python3 bench/offers_peer.py /tmp/crmkit_offers
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

FACTORS, REG, ALPHA, CG_STEPS = 32, 0.01, 10.0, 3


def half_step(R: sp.csr_matrix, Y: np.ndarray, X: np.ndarray) -> np.ndarray:
    """Every row of X: CG_STEPS CG steps on (Y'Y + reg I + Y' (C_u - I) Y) x = Y' C_u p_u."""
    X = X.copy()
    YtY = Y.T @ Y + REG * np.eye(Y.shape[1])
    rows = np.repeat(np.arange(R.shape[0]), np.diff(R.indptr))
    cols = R.indices
    c = 1.0 + ALPHA * R.data

    def weighted(w: np.ndarray) -> np.ndarray:  # sum_i w_ui y_i for every row u
        return sp.csr_matrix((w, cols, R.indptr), shape=R.shape) @ Y

    r = -X @ YtY + weighted(c - (c - 1) * np.einsum("ij,ij->i", X[rows], Y[cols]))
    p = r.copy()
    rsold = np.einsum("ij,ij->i", r, r)
    active = rsold >= 1e-20
    for _ in range(CG_STEPS):
        Ap = p @ YtY + weighted((c - 1) * np.einsum("ij,ij->i", p[rows], Y[cols]))
        alpha = np.where(active, rsold / np.where(active, np.einsum("ij,ij->i", p, Ap), 1.0), 0.0)
        X += alpha[:, None] * p
        r -= alpha[:, None] * Ap
        rsnew = np.einsum("ij,ij->i", r, r)
        done = rsnew < 1e-20
        p = np.where(active[:, None], r + (rsnew / np.where(active, rsold, 1.0))[:, None] * p, p)
        rsold = np.where(active, rsnew, rsold)
        active &= ~done
    return X


def main(directory: str) -> int:
    d = Path(directory)
    indptr = np.fromfile(d / "indptr.i64", dtype=np.int64)
    indices = np.fromfile(d / "indices.i32", dtype=np.int32)
    data = np.fromfile(d / "data.f64", dtype=np.float64)
    n_rows = indptr.size - 1
    U0 = np.fromfile(d / "users0.f64").reshape(n_rows, FACTORS)
    V0 = np.fromfile(d / "items0.f64").reshape(-1, FACTORS)
    R = sp.csr_matrix((data, indices, indptr), shape=(n_rows, V0.shape[0]))
    Rt = R.T.tocsr()
    times = []
    for _ in range(3):
        t = time.perf_counter()
        U = half_step(R, V0, U0)
        V = half_step(Rt, U, V0)
        times.append(time.perf_counter() - t)
    U1 = np.fromfile(d / "users1.f64").reshape(U.shape)
    V1 = np.fromfile(d / "items1.f64").reshape(V.shape)
    du = np.max(np.abs(U - U1)) / np.max(np.abs(U1))
    dv = np.max(np.abs(V - V1)) / np.max(np.abs(V1))
    print(f"numpy/scipy ALS iteration {R.shape[0]} x {R.shape[1]}, nnz {R.nnz}, factors {FACTORS}: "
          f"min {min(times) * 1e3:.1f} ms, median {sorted(times)[1] * 1e3:.1f} ms over 3 runs; "
          f"max relative difference to crmkit's factors: users {du:.2e}, items {dv:.2e}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/crmkit_offers"))
