#!/usr/bin/python3
"""pandas/numpy peer of crmkit's lifecycle engine: the default model (unscaled thresholds,
include/crmkit/lifecycle/default_model.hpp) evaluated vectorised, with cascade, over all
customers, and a monthly replay of a transaction log with a purchase event at every
transaction time (as crmkit/lifecycle/replay.hpp).

    /usr/bin/python3 bench/lifecycle_peer.py DIR      # DIR written by lifecycle_bench --write-data

DIR holds customer.i32 / time.i64 (the transactions, raw little-endian arrays), meta.txt
(n_customers, start, end) and, when the C++ benchmark has run, counts.i64 (its replay's
stage counts) and evaluate_counts.i64 (the hop count and stage counts of its evaluation
from prospect), which this script checks for equality. Also imported by
tests/python/test_lifecycle.py as the independent reference of the default model.
"""

from __future__ import annotations

import calendar
import datetime as dt
import sys
import time
from pathlib import Path

import numpy as np

STATES = ["prospect", "exploration", "formation", "stability", "decline", "churned", "won_back"]
P, E, F, S, D, C, W = range(7)
DAY = 86400


def month_steps(start: int, end: int) -> np.ndarray:
    """Monthly steps from start keeping its day of month (clamped), as crmkit.replay_times."""
    t0 = dt.datetime.fromtimestamp(start, dt.timezone.utc)
    sod = start - (start // DAY) * DAY
    out = []
    k = 0
    while True:
        months = t0.year * 12 + (t0.month - 1) + k
        y, m = divmod(months, 12)
        m += 1
        d = min(t0.day, calendar.monthrange(y, m)[1])
        t = calendar.timegm((y, m, d, 0, 0, 0)) + sod
        if t > end:
            break
        out.append(t)
        k += 1
    if out[-1] < end:  # a last step at `end` itself, as crmkit.replay_times
        out.append(end)
    return np.asarray(out, dtype=np.int64)


class DefaultModel:
    """State of every customer under the default model, evaluated vectorised."""

    def __init__(self, n: int, start: int, decline: float = 90.0, churn: float = 180.0) -> None:
        self.stage = np.zeros(n, dtype=np.int8)
        self.prev = np.full(n, -1, dtype=np.int8)
        self.entered_day = np.full(n, start // DAY, dtype=np.int64)
        self.decline, self.churn = decline, churn
        self.hops = 0

    def evaluate(self, today: int, orders: np.ndarray, recency: np.ndarray, tenure: np.ndarray,
                 max_hops: int = 7, idx: np.ndarray = None, purchase: bool = False) -> None:
        """One evaluation at day `today` (days since epoch) with cascade. NaN compares false.
        `idx`: evaluate only these customers (metrics are given for all). `purchase`: a
        purchase event, which runs every rule but the time-only lapse and churn."""
        if idx is None:
            stage, prev, entered = self.stage, self.prev, self.entered_day
        else:
            orders, recency, tenure = orders[idx], recency[idx], tenure[idx]
            stage, prev, entered = self.stage[idx], self.prev[idx], self.entered_day[idx]
        active_any = np.ones(stage.shape[0], dtype=bool)
        with np.errstate(invalid="ignore"):
            inactive = recency > self.decline
            active = recency <= self.decline
            churn = recency > self.churn
            form = (orders >= 2) & active
            stab = (orders >= 4) & (tenure >= 180) & active
            buy = orders >= 1
        never = np.zeros(stage.shape[0], dtype=bool)
        if purchase:
            inactive = churn = never
        for hop in range(max_hops):
            s = stage
            stage_days = (today - entered).astype(np.float64)
            # First match in document order of the default model's rules.
            target = np.full(s.shape[0], -1, dtype=np.int8)
            undecided = np.ones(s.shape[0], dtype=bool)

            def rule(mask: np.ndarray, to) -> None:
                hit = undecided & mask
                target[hit] = to[hit] if isinstance(to, np.ndarray) else to
                undecided[hit] = False

            rule((s == P) & buy, P + 1)                                  # first_purchase
            rule(np.isin(s, (E, F, S, W)) & inactive, D)                 # lapse (time only)
            rule((s == D) & churn, C)                                    # churn (time only)
            rule((s == D) & active & (prev >= 0), prev)                  # recover -> @history
            rule((s == C) & active, W)                                   # win_back
            rule((s == E) & form, F)                                     # form
            rule((s == F) & stab, S)                                     # stabilise
            rule((s == W) & (stage_days >= 90) & active, F)              # resettle
            moved = (target >= 0) & active_any
            if not moved.any():
                break
            prev[moved] = s[moved]
            stage[moved] = target[moved]
            entered[moved] = today
            self.hops += int(moved.sum())
            active_any = moved  # only customers that moved may move again in the cascade
        if idx is not None:
            self.stage[idx], self.prev[idx], self.entered_day[idx] = stage, prev, entered

    def counts(self) -> np.ndarray:
        return np.bincount(self.stage, minlength=7).astype(np.int64)


def replay(customer: np.ndarray, time_s: np.ndarray, n: int, start: int, end: int):
    """Monthly replay as crmkit.replay: every distinct transaction time is a purchase event
    for its buyers with the metrics at that time (those up to `start` one event at `start`),
    then each step evaluates every customer with the metrics at the step."""
    order = np.argsort(time_s, kind="stable")
    c = customer[order]
    day = time_s[order] // DAY
    t_sorted = time_s[order]
    orders = np.zeros(n)
    first = np.full(n, np.iinfo(np.int64).max)
    last = np.full(n, np.iinfo(np.int64).min)
    model = DefaultModel(n, start)
    steps = month_steps(start, end)
    counts = []
    pos = 0

    def consume(upto: int, at_day: int) -> np.ndarray:
        """Adds the transactions with time <= upto; evaluates their buyers' purchase event on `at_day`."""
        nonlocal pos
        nxt = int(np.searchsorted(t_sorted, upto, side="right"))
        cc, dd = c[pos:nxt], day[pos:nxt]
        np.add.at(orders, cc, 1.0)
        np.minimum.at(first, cc, dd)
        np.maximum.at(last, cc, dd)
        pos = nxt
        buyers = np.unique(cc)
        if buyers.size:
            rec = np.full(n, np.nan)
            ten = np.full(n, np.nan)
            rec[buyers] = at_day - last[buyers]
            ten[buyers] = at_day - first[buyers]
            model.evaluate(at_day, orders, rec, ten, idx=buyers, purchase=True)

    for k, t in enumerate(steps):
        if k == 0:
            consume(t, t // DAY)
        else:
            nxt = int(np.searchsorted(t_sorted, t, side="right"))
            for tau in np.unique(t_sorted[pos:nxt]):
                consume(int(tau), int(tau) // DAY)
        today = t // DAY
        has = orders > 0
        recency = np.where(has, today - last, np.nan)
        tenure = np.where(has, today - first, np.nan)
        model.evaluate(today, orders, recency, tenure)
        counts.append(model.counts())
    return steps, np.asarray(counts), model


def main(argv: list) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    d = Path(argv[1])
    n, start, end = (int(x) for x in (d / "meta.txt").read_text().split())
    customer = np.fromfile(d / "customer.i32", dtype="<i4")
    time_s = np.fromfile(d / "time.i64", dtype="<i8")
    print(f"peer: {customer.shape[0]} transactions, {n} customers, numpy {np.__version__}")
    # 1) one evaluation of all customers at `end`, from the prospect stage (metrics precomputed).
    day = time_s // DAY
    orders = np.bincount(customer, minlength=n).astype(np.float64)
    last = np.full(n, np.iinfo(np.int64).min)
    first = np.full(n, np.iinfo(np.int64).max)
    np.maximum.at(last, customer, day)
    np.minimum.at(first, customer, day)
    today = end // DAY
    has = orders > 0
    recency = np.where(has, today - last, np.nan)
    tenure = np.where(has, today - first, np.nan)
    # Wall and process CPU time: on a loaded machine CPU time is the fair per-core figure.
    best, best_cpu = float("inf"), float("inf")
    for _ in range(5):
        m = DefaultModel(n, start)
        t0, c0 = time.perf_counter(), time.process_time()
        m.evaluate(today, orders, recency, tenure)
        best = min(best, time.perf_counter() - t0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    print(f"peer evaluate (default model, {n} customers, from prospect, cascade): wall {best * 1e3:.1f} ms, "
          f"CPU {best_cpu * 1e3:.1f} ms (best of 5)")
    ref = d / "evaluate_counts.i64"
    if ref.exists():  # crmkit's hop count and stage counts of the same evaluation
        theirs = np.fromfile(ref, dtype="<i8")
        ours = np.concatenate([[m.hops], m.counts()])
        same = theirs.shape == ours.shape and bool((theirs == ours).all())
        print(f"crmkit evaluate hops and stage counts equal to the peer's: {same} ({m.hops} hops)")
        if not same:
            return 1
    # The steady state: evaluated a month before, then at `end`.
    before = int(month_steps(start, end)[-2])
    b_orders = np.bincount(customer[time_s <= before], minlength=n).astype(np.float64)
    b_last = np.full(n, np.iinfo(np.int64).min)
    b_first = np.full(n, np.iinfo(np.int64).max)
    np.maximum.at(b_last, customer[time_s <= before], day[time_s <= before])
    np.minimum.at(b_first, customer[time_s <= before], day[time_s <= before])
    bday = before // DAY
    b_has = b_orders > 0
    best, best_cpu = float("inf"), float("inf")
    for _ in range(5):
        m = DefaultModel(n, start)
        m.evaluate(bday, b_orders, np.where(b_has, bday - b_last, np.nan), np.where(b_has, bday - b_first, np.nan))
        t0, c0 = time.perf_counter(), time.process_time()
        m.evaluate(today, orders, recency, tenure)
        best = min(best, time.perf_counter() - t0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    print(f"peer evaluate next month ({n} customers): wall {best * 1e3:.1f} ms, CPU {best_cpu * 1e3:.1f} ms (best of 5)")
    print("peer stage counts:", dict(zip(STATES, m.counts().tolist())))
    # 2) monthly replay over the whole period.
    t0, c0 = time.perf_counter(), time.process_time()
    steps, counts, _ = replay(customer, time_s, n, start, end)
    print(f"peer replay monthly ({len(steps)} steps): wall {time.perf_counter() - t0:.2f} s, "
          f"CPU {time.process_time() - c0:.2f} s")
    ref = d / "counts.i64"
    if ref.exists():
        theirs = np.fromfile(ref, dtype="<i8").reshape(-1, 7)
        same = theirs.shape == counts.shape and bool((theirs == counts).all())
        print(f"crmkit replay counts equal to the peer's: {same}")
        if not same:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
