"""crmkit.planning: routes with time windows through the C ABI (crmkit/c/planning.h)."""

import itertools
import math

import numpy as np
import pandas as pd
import pytest

import crmkit
import crmkit.planning as planning


def _reps(n, capacity=10.0, end=1000.0):
    return pd.DataFrame({"capacity": capacity, "shift_start": 0.0, "shift_end": end, "start_depot": 0, "end_depot": 0},
                        index=[f"rep-{k}" for k in range(n)])


DEPOT = pd.DataFrame({"x": [0.0], "y": [0.0]})


def _feasible(customers, reps, depots, plan, dist):
    """Independent check of every route: windows, capacity, shift end; returns the total distance."""
    total = 0.0
    for rep, route in plan.routes.items():
        if not route:
            continue
        veh = reps.loc[rep]
        prev, time, load = ("depot", int(veh.start_depot)), float(veh.shift_start), 0.0
        service = 0.0
        for cid in route:
            c = customers.loc[cid]
            time = max(c.ready, time + service + dist(prev, cid))
            assert time <= c.due + 1e-9, f"{cid} starts at {time} after {c.due}"
            assert plan.visits.loc[cid, "start"] == pytest.approx(time)
            total += dist(prev, cid)
            load += c.demand
            service, prev = c.service, cid
        total += dist(prev, ("depot", int(veh.end_depot)))
        time += service + dist(prev, ("depot", int(veh.end_depot)))
        assert time <= veh.shift_end + 1e-9
        assert load <= veh.capacity + 1e-9
    return total


def _euclid(customers, depots):
    def xy(p):
        if isinstance(p, tuple):
            return depots.x.iloc[p[1]], depots.y.iloc[p[1]]
        return customers.loc[p, "x"], customers.loc[p, "y"]

    def dist(a, b):
        (ax, ay), (bx, by) = xy(a), xy(b)
        return math.hypot(ax - bx, ay - by)

    return dist


def test_hand_solvable_two_sides():
    customers = pd.DataFrame({"x": [10.0, 20.0, -10.0, -20.0], "y": 0.0, "demand": 1.0, "ready": 0.0, "due": 1000.0,
                              "service": 0.0}, index=["e1", "e2", "w1", "w2"])
    reps = _reps(3, capacity=2)
    plan = planning.solve_vrptw(customers, reps, DEPOT, time_limit=0, max_iter=500, seed=3)
    assert plan.n_routes == 2
    assert plan.distance == pytest.approx(80.0)
    routes = sorted(sorted(r) for r in plan.routes.values() if r)
    assert routes == [["e1", "e2"], ["w1", "w2"]]
    assert (plan.visits.status == "routed").all()
    assert _feasible(customers, reps, DEPOT, plan, _euclid(customers, DEPOT)) == pytest.approx(plan.distance)
    assert plan.vehicles.stops.sum() == 4
    assert not plan.time_limit_reached


def test_random_instances_match_brute_force():
    rng = np.random.default_rng(5)
    for trial in range(3):
        n = 5
        customers = pd.DataFrame({
            "x": rng.integers(0, 100, n).astype(float) - 50, "y": rng.integers(0, 100, n).astype(float) - 50,
            "demand": rng.integers(1, 8, n).astype(float), "ready": rng.integers(0, 200, n).astype(float),
            "service": 10.0}, index=[f"c{i}" for i in range(n)])
        customers["due"] = customers.ready + rng.integers(30, 150, n)
        reps = _reps(2, capacity=15, end=600)
        dist = _euclid(customers, DEPOT)
        plan = planning.solve_vrptw(customers, reps, DEPOT, time_limit=0, max_iter=2000, seed=trial)
        # brute force: every permutation cut into at most two routes
        best = (math.inf, math.inf)
        ids = list(customers.index)
        for perm in itertools.permutations(ids):
            for cut in range(n + 1):
                routes = [r for r in (list(perm[:cut]), list(perm[cut:])) if r]
                try:
                    total = _feasible_quiet(customers, reps, routes, dist)
                except AssertionError:
                    continue
                best = min(best, (len(routes), total))
        if best[0] == math.inf:
            continue
        assert plan.n_routed == n
        assert (plan.n_routes, plan.distance) == (best[0], pytest.approx(best[1]))
        assert _feasible(customers, reps, DEPOT, plan, dist) == pytest.approx(plan.distance)


def _feasible_quiet(customers, reps, routes, dist):
    total = 0.0
    for route in routes:
        prev, time, load, service = ("depot", 0), 0.0, 0.0, 0.0
        for cid in route:
            c = customers.loc[cid]
            time = max(c.ready, time + service + dist(prev, cid))
            assert time <= c.due + 1e-9
            total += dist(prev, cid)
            load += c.demand
            service, prev = c.service, cid
        time += service + dist(prev, ("depot", 0))
        total += dist(prev, ("depot", 0))
        assert time <= 600 + 1e-9 and load <= 15
    return total


def test_prize_drops_what_does_not_pay_and_keeps_required():
    customers = pd.DataFrame({"x": [10.0, 200.0], "y": 0.0, "demand": 1.0, "ready": 0.0, "due": 1000.0,
                              "service": 5.0, "value": [50.0, 100.0]}, index=["near", "far"])
    plan = planning.solve_vrptw(customers, _reps(1), DEPOT, objective="prize", time_limit=0, max_iter=200)
    assert list(plan.visits.status) == ["routed", "dropped"]
    assert plan.objective == pytest.approx(30.0)
    assert plan.routes["rep-0"] == ["near"]
    customers["required"] = [False, True]
    plan = planning.solve_vrptw(customers, _reps(1), DEPOT, objective="prize", time_limit=0, max_iter=200)
    assert list(plan.visits.status) == ["routed", "routed"]
    assert plan.objective == pytest.approx(150.0 - 400.0)


def test_infeasible_visits_are_reported_not_fatal():
    customers = pd.DataFrame({"x": [10.0, 50.0, 10.0], "y": 0.0, "demand": [1.0, 1.0, 50.0], "ready": 0.0,
                              "due": [100.0, 20.0, 100.0], "service": 5.0}, index=["ok", "late", "heavy"])
    plan = planning.solve_vrptw(customers, _reps(1), DEPOT, time_limit=0, max_iter=100)
    assert plan.visits.status.tolist() == ["routed", "window_unreachable", "demand_exceeds_capacity"]
    assert plan.visits.vehicle.tolist() == ["rep-0", None, None]
    assert math.isnan(plan.visits.loc["late", "arrival"])


def test_sphere_metric_times_in_seconds():
    customers = pd.DataFrame({"x": [13.40, 13.45], "y": [52.52, 52.50], "demand": 0.0, "ready": 0.0,
                              "due": 36000.0, "service": 600.0}, index=["a", "b"])
    depots = pd.DataFrame({"x": [13.38], "y": [52.51]})
    reps = pd.DataFrame({"capacity": [1.0], "shift_start": [28800.0], "shift_end": [64800.0], "start_depot": [0],
                         "end_depot": [0]})
    plan = planning.solve_vrptw(customers, reps, depots, metric="sphere", speed_kmh=36, time_limit=0, max_iter=100)
    first = plan.routes[0][0]
    lon, lat = customers.loc[first, "x"], customers.loc[first, "y"]
    p1, p2 = math.radians(52.51), math.radians(lat)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon - 13.38) / 2) ** 2
    metres = 2 * 6371008.8 * math.asin(math.sqrt(h))
    assert plan.visits.loc[first, "arrival"] == pytest.approx(28800 + metres / 10.0, rel=1e-9)


def test_host_matrix_asymmetric():
    customers = pd.DataFrame({"demand": [1.0, 1.0], "ready": 0.0, "due": 100.0, "service": 0.0}, index=["p", "q"])
    tt = np.array([[0, 1, 5], [9, 0, 5], [5, 5, 0]], dtype=float)
    plan = planning.solve_vrptw(customers, _reps(1), pd.DataFrame({"x": [0.0]}), metric="matrix", travel_time=tt,
                                time_limit=0, max_iter=100)
    assert plan.routes["rep-0"] == ["p", "q"]
    assert plan.distance == pytest.approx(11.0)


def test_reproducible_for_a_seed():
    rng = np.random.default_rng(1)
    n = 30
    customers = pd.DataFrame({"x": rng.uniform(-50, 50, n), "y": rng.uniform(-50, 50, n), "demand": 1.0,
                              "ready": 0.0, "due": rng.uniform(100, 400, n), "service": 5.0})
    a = planning.solve_vrptw(customers, _reps(8), DEPOT, time_limit=0, max_iter=1000, seed=4)
    b = planning.solve_vrptw(customers, _reps(8), DEPOT, time_limit=0, max_iter=1000, seed=4)
    assert a.routes == b.routes and a.distance == b.distance and a.iterations == 1000


def test_errors_name_the_customer_and_option():
    customers = pd.DataFrame({"x": [1.0, 2.0], "y": 0.0, "demand": 1.0, "ready": [0.0, 50.0], "due": [10.0, 40.0],
                              "service": 1.0})
    with pytest.raises(crmkit.InvalidArgumentError, match="customer 1: the window ends"):
        planning.solve_vrptw(customers, _reps(1), DEPOT, time_limit=0, max_iter=10)
    with pytest.raises(crmkit.InvalidArgumentError, match="fleet_share"):
        planning.solve_vrptw(customers, _reps(1), DEPOT, fleet_share=1.5)
    with pytest.raises(crmkit.InvalidArgumentError, match="missing column 'due'"):
        planning.solve_vrptw(customers.drop(columns="due"), _reps(1), DEPOT)
    with pytest.raises(crmkit.InvalidArgumentError, match="unknown metric"):
        planning.solve_vrptw(customers, _reps(1), DEPOT, metric="road")


def _due_table():
    as_of = pd.Timestamp("2023-11-14", tz="UTC")
    day = pd.Timedelta(days=1)
    return as_of, pd.DataFrame({
        "clv": [1000.0, 500.0, 800.0, 300.0, 2000.0, 100.0],
        "p_alive": [0.5, 0.2, 0.9, 0.0, 0.75, np.nan],
        "abc": pd.Categorical(["A", "B", "A", "C", "A", "B"], categories=["A", "B", "C"]),
        "rep": ["ana", "ana", "ana", "ben", "ben", "ben"],
        "last_visit": [as_of - 20 * day, as_of - 10 * day, as_of - 14 * day, pd.NaT, as_of - 40 * day,
                       as_of - 29 * day],
    }, index=list("abcdef"))


def test_due_list_ranks_per_rep_by_value_at_risk():
    as_of, table = _due_table()
    due = planning.due_list(table, as_of, cadence={"A": 14, "B": 30, "C": 90})
    assert list(due.index) == list("abcdef")
    assert due.due.tolist() == [1, 0, 1, 1, 1, 0]
    assert due.loc["a", "priority"] == pytest.approx(500.0)
    assert due.loc["a", "days_overdue"] == pytest.approx(6.0)
    assert due.loc["a", "urgency"] == pytest.approx(500 * (1 + 6 / 14))
    assert due.loc["d", "urgency"] == pytest.approx(600.0)  # never visited: 2 x priority
    assert due.loc["a", "next_due"] == as_of - pd.Timedelta(days=6)
    ranks = due["rank"]
    assert (ranks["a"], ranks["c"], ranks["e"], ranks["d"]) == (1, 2, 1, 2)
    assert pd.isna(ranks["b"]) and pd.isna(ranks["f"])
    assert due.rep.tolist() == table.rep.tolist()
    tomorrow = planning.due_list(table, as_of, cadence={"A": 14, "B": 30, "C": 90}, horizon_days=1)
    assert tomorrow.loc["f", "due"] == 1


def test_due_list_errors_name_the_rule_or_column():
    as_of, table = _due_table()
    with pytest.raises(crmkit.InvalidArgumentError, match="class 'X'"):
        planning.due_list(table, as_of, cadence={"X": 14})
    with pytest.raises(crmkit.InvalidArgumentError, match="no column 'visited'"):
        planning.due_list(table, as_of, cadence={"A": 14}, last_visit="visited")


def test_verify_checkins_exception_report():
    nine = pd.Timestamp("2023-11-14 09:00", tz="UTC")
    customers = pd.DataFrame({"lon": [13.40, 13.42, 13.44, 13.46], "lat": 52.5}, index=["c0", "c1", "c2", "c3"])
    rows = []

    def dwell(start_min, minutes, lon, lat):
        for k in range(minutes + 1):
            rows.append((nine + pd.Timedelta(minutes=start_min + k), lon + (1e-4 if k % 2 else -1e-4), lat))

    dwell(0, 10, 13.40, 52.5)       # c0 for 10 minutes
    rows.append((nine + pd.Timedelta(minutes=20), 13.41, 52.5))
    dwell(30, 3, 13.42, 52.5)       # c1 for 3 minutes only
    dwell(50, 20, 13.44, 52.5)      # c2 for 20 minutes, not claimed
    track = pd.DataFrame(rows, columns=["time", "lon", "lat"])
    claims = pd.DataFrame({"customer": ["c0", "c1", "c3"],
                           "time": [nine + pd.Timedelta(minutes=5), nine + pd.Timedelta(minutes=31),
                                    nine + pd.Timedelta(minutes=60)]})
    report = planning.verify_checkins(track, customers, claims)
    assert report.claims.verified.tolist() == [True, False, False]
    assert report.claims.dwell_s.tolist() == [600, 0, 0]
    assert report.claims.nearest_m.iloc[2] > 1000
    assert report.unclaimed.customer.tolist() == ["c2"]
    assert report.unclaimed.start.iloc[0] == nine + pd.Timedelta(minutes=50)
    assert report.exceptions.kind.tolist() == ["claimed_not_verified", "claimed_not_verified", "visited_not_claimed"]
    assert report.exceptions.customer.tolist() == ["c1", "c3", "c2"]
    shorter = planning.verify_checkins(track, customers, claims, min_dwell_s=120)
    assert shorter.claims.verified.tolist() == [True, True, False]
    with pytest.raises(crmkit.InvalidArgumentError, match="not in customers"):
        planning.verify_checkins(track, customers, pd.DataFrame({"customer": ["zz"], "time": [nine]}))
    with pytest.raises(crmkit.InvalidArgumentError, match="radius_m"):
        planning.verify_checkins(track, customers, claims, radius_m=0)


# ---- breaks, route limits, plans over several days ----


def _line():
    customers = pd.DataFrame({"x": [10.0, 20.0], "y": 0.0, "demand": 1.0, "ready": 0.0, "due": [15.0, 100.0],
                              "service": 10.0}, index=["near", "far"])
    reps = _reps(2, end=200.0)
    reps["break_earliest"] = 25.0
    reps["break_latest"] = 30.0
    reps["break_duration"] = 15.0
    return customers, reps


def test_break_schedule_hand_case():
    customers, reps = _line()
    plan = planning.solve_vrptw(customers, reps, DEPOT, time_limit=0, max_iter=300, seed=1)
    assert plan.n_routes == 1
    rep = plan.visits.loc["near", "vehicle"]
    assert plan.routes[rep] == ["near", "far"]
    row = plan.vehicles.loc[rep]
    assert row.break_after == 1 and row.break_start == pytest.approx(25.0)
    assert row.depart == pytest.approx(5.0) and row.duration == pytest.approx(75.0)
    assert row.end_time == pytest.approx(80.0)
    assert plan.visits.loc["far", "arrival"] == pytest.approx(50.0)
    other = [r for r in reps.index if r != rep][0]
    assert plan.vehicles.loc[other, "break_after"] == -1 and math.isnan(plan.vehicles.loc[other, "break_start"])


def test_route_limits_and_bad_breaks():
    customers, reps = _line()
    limited = reps.assign(max_stops=1)
    plan = planning.solve_vrptw(customers, limited, DEPOT, time_limit=0, max_iter=300, seed=1)
    assert plan.n_routes == 2 and (plan.vehicles["stops"] <= 1).all()
    short = reps.assign(max_duration=44.0)
    plan = planning.solve_vrptw(customers, short, DEPOT, time_limit=0, max_iter=300, seed=1)
    assert list(plan.visits["status"]) == ["route_limits", "route_limits"]
    with pytest.raises(crmkit.InvalidArgumentError, match="vehicle 1: the break window ends"):
        planning.solve_vrptw(customers, reps.assign(break_latest=[30.0, 20.0]), DEPOT, time_limit=0, max_iter=10)
    with pytest.raises(crmkit.InvalidArgumentError, match="vehicle 0: the break duration is -1"):
        planning.solve_vrptw(customers, reps.assign(break_duration=[-1.0, 15.0]), DEPOT, time_limit=0, max_iter=10)
    with pytest.raises(crmkit.InvalidArgumentError, match="break_duration go together"):
        planning.solve_vrptw(customers, reps.drop(columns="break_duration"), DEPOT, time_limit=0, max_iter=10)


def test_multi_day_hand_case():
    # customers at 10, 20, 30, 40 east, service 10, shift 100: {0, 1} on day 0 and {2, 3} on
    # day 1 is the least distance (120); customer 3 only on day 1, customer 0 only on day 0
    customers = pd.DataFrame({"x": [10.0, 20.0, 30.0, 40.0], "y": 0.0, "demand": 1.0, "ready": 0.0, "due": 100.0,
                              "service": 10.0, "earliest_day": 0, "latest_day": [0, 1, 1, 1],
                              "allowed_days": [0, 0, 0, 0b10]}, index=list("abcd"))
    reps = _reps(1, end=100.0)
    plan = planning.solve_multi_day(customers, reps, DEPOT, 2, time_limit=0, max_iter=500, seed=3)
    assert plan.distance == pytest.approx(120.0)
    assert plan.routes[(0, "rep-0")] == ["a", "b"]
    assert plan.routes[(1, "rep-0")] == ["c", "d"]
    assert list(plan.visits["day"]) == [0, 0, 1, 1]
    assert list(plan.days["visits"]) == [2, 2]
    assert list(plan.days["distance"]) == pytest.approx([40.0, 80.0])
    # the rep does not work on day 1: "d" cannot be planned
    plan = planning.solve_multi_day(customers, reps, DEPOT, 2, works=[[1, 0]], time_limit=0, max_iter=500, seed=3)
    assert plan.visits.loc["d", "status"] == "no_allowed_day"
    assert plan.visits.loc["d", "day"] == -1
    with pytest.raises(crmkit.InvalidArgumentError, match="customer 1: the day range ends"):
        planning.solve_multi_day(customers.assign(earliest_day=[0, 1, 0, 0], latest_day=[0, 0, 1, 1]), reps, DEPOT, 2,
                                 time_limit=0, max_iter=10)


def test_due_list_guard_priority_rules():
    as_of, table = _due_table()
    rules = {"clv > 700": 2.0, "abc == 'A' and p_alive < 0.8": 1.0, "missing(p_alive)": 0.5}
    due = planning.due_list(table, as_of, cadence={"A": 14, "B": 30, "C": 90}, priority_rules=rules)
    assert due.priority.tolist() == pytest.approx([3.0, 0.0, 2.0, 0.0, 3.0, 0.5])
    scaled = planning.due_list(table, as_of, cadence={"A": 14, "B": 30, "C": 90}, priority_rules=rules,
                               priority="clv")
    assert scaled.priority.tolist() == pytest.approx([3000.0, 0.0, 1600.0, 0.0, 6000.0, 50.0])
    with pytest.raises(crmkit.InvalidArgumentError, match="priority rule 1: .*unknown column 'revenue'"):
        planning.due_list(table, as_of, cadence={"A": 14}, priority_rules=[("revenue > 1", 1.0)])


def test_cost_to_serve_hand_case():
    # depot (0, 0); c0 (0, 10) due by 20, c1 (10, 10) ready at 40, c2 far and closed; service 5:
    # c0 bears 10 of the route's 20 + 10 sqrt 2, c1 the rest plus 15 of waiting (see
    # tests/planning/cost_to_serve_test.cpp); two periods, 2 per time unit, 0.5 per distance
    customers = pd.DataFrame({"x": [0.0, 10.0, 100.0], "y": [10.0, 10.0, 0.0], "demand": 1.0,
                              "ready": [0.0, 40.0, 0.0], "due": [20.0, 100.0, 0.0], "service": 5.0},
                             index=["c0", "c1", "c2"])
    plan = planning.solve_vrptw(customers, _reps(1, end=200.0), DEPOT, time_limit=0, max_iter=200)
    margin = pd.DataFrame({"margin": [100.0, 30.0, 7.0]}, index=["c0", "c1", "c2"])
    out = planning.cost_to_serve(plan, margin, periods=2, cost_per_time=2.0, cost_per_distance=0.5)
    r2 = math.sqrt(2.0)
    assert out.travel_time.tolist() == pytest.approx([5.0, 5 + 5 * r2, 0.0])
    assert out.visit_time.tolist() == pytest.approx([2.5, 10.0, 0.0])
    assert out.cost_to_serve.tolist() == pytest.approx([17.5, 2 * (15 + 5 * r2) + 0.5 * (5 + 5 * r2), 0.0])
    assert out.profitability.tolist() == pytest.approx([82.5, 30 - out.cost_to_serve["c1"], 7.0])
    # a Series of margins works alike; a missing margin column is named
    same = planning.cost_to_serve(plan, margin["margin"], periods=2, cost_per_time=2.0, cost_per_distance=0.5)
    assert same.profitability.tolist() == pytest.approx(out.profitability.tolist())
    with pytest.raises(crmkit.InvalidArgumentError, match="no column 'gross'"):
        planning.cost_to_serve(plan, margin, margin_column="gross")


def test_cost_to_serve_multi_day_plan():
    customers = pd.DataFrame({"x": [10.0, 20.0, 30.0, 40.0], "y": 0.0, "demand": 1.0, "ready": 0.0, "due": 100.0,
                              "service": 10.0, "latest_day": [0, 1, 1, 1]}, index=list("abcd"))
    plan = planning.solve_multi_day(customers, _reps(1, end=100.0), DEPOT, 2, time_limit=0, max_iter=500, seed=3)
    out = planning.cost_to_serve(plan, pd.Series([50.0] * 4, index=list("abcd")), cost_per_distance=1.0)
    # every route's distance is shared out: the columns add up to the plan's distance
    assert out.travel_distance.sum() == pytest.approx(plan.distance)
    assert out.visits.tolist() == [1.0, 1.0, 1.0, 1.0]
    assert (out.profitability == 50.0 - out.cost_to_serve).all()
