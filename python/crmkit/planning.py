"""crmkit.planning: field planning for sales reps: routes with time windows.

The work happens in libcrmkit (crmkit/c/planning.h); the definitions are in
include/crmkit/planning/vrptw.hpp.

Example::

    import pandas as pd, crmkit.planning as planning
    customers = pd.DataFrame({"x": [10, 20, -10], "y": [0, 0, 0], "demand": 1, "ready": 0,
                              "due": 1000, "service": 5}, index=["C-1", "C-2", "C-3"])
    depots = pd.DataFrame({"x": [0.0], "y": [0.0]})
    reps = pd.DataFrame({"capacity": 10, "shift_start": 0, "shift_end": 480,
                         "start_depot": 0, "end_depot": 0}, index=["ana", "ben"])
    plan = planning.solve_vrptw(customers, reps, depots, time_limit=0, max_iter=2000, seed=1)
    plan.routes        # {"ana": ["C-1", "C-2"], "ben": [...]} visiting order per rep
    plan.visits        # DataFrame per customer: vehicle, stop, arrival, start, status

    # who is due for a visit today, per rep, ranked by value at risk (clv x (1 - p_alive))
    due = planning.due_list(table, "2024-03-01", cadence={"A": 14, "B": 30, "C": 90})
    due[due.due == 1].sort_values(["rep", "rank"])

    # were the claimed visits made? (track: time, lon, lat; claims: customer, time)
    report = planning.verify_checkins(track, customers_lonlat, claims)
    report.exceptions  # claimed_not_verified / visited_not_claimed

Customers: a DataFrame indexed by customer id with columns ``x``, ``y`` (longitude and
latitude in degrees for ``metric="sphere"``/``"wgs84"``; omitted for ``"matrix"``),
``demand``, ``ready``, ``due``, ``service`` and optionally ``value`` and ``required``
(prize collecting). Vehicles (reps): a DataFrame indexed by rep with ``capacity``,
``shift_start``, ``shift_end``, ``start_depot``, ``end_depot`` (0-based depot row
numbers). Depots: a DataFrame with ``x``, ``y`` (for ``"matrix"`` only its length counts).
Times are in the unit of the travel times: the distance unit for ``"euclidean"``, seconds
on the Earth (``speed_kmh``), the matrix's unit for ``"matrix"`` (customers then depots).

With ``time_limit=0`` and ``max_iter`` set the plan is reproducible for a seed; a time
limit is a wall-clock guard. Errors are raised as :class:`crmkit.Error`
(``InvalidArgumentError`` naming the customer, vehicle or option).
"""

from __future__ import annotations

import inspect
from ctypes import c_char_p, create_string_buffer
from typing import Any, Dict, List, Optional

import numpy as np

from . import _errors, _lib
from ._arrays import empty
from ._errors import InvalidArgumentError

__all__ = ["solve_vrptw", "RoutePlan", "VISIT_STATUS", "due_list", "verify_checkins", "CheckinReport"]

#: The names of the visit status codes (CRMKIT_VISIT_*), in code order.
VISIT_STATUS = [
    "routed",
    "dropped",
    "no_room",
    "window_unreachable",
    "service_exceeds_shift",
    "demand_exceeds_capacity",
    "cannot_return",
]
_OBJECTIVES = {"min_routes": 0, "min_routes_then_distance": 0, "prize": 1, "prize_collecting": 1}
_METRICS = {"euclidean": 0, "sphere": 1, "wgs84": 2, "matrix": 3}
_STATS = [
    ("n_routes", _lib.VRP_N_ROUTES),
    ("n_routed", _lib.VRP_N_ROUTED),
    ("distance", _lib.VRP_DISTANCE),
    ("value", _lib.VRP_VALUE),
    ("objective", _lib.VRP_OBJECTIVE_VALUE),
    ("iterations", _lib.VRP_ITERATIONS),
    ("seconds", _lib.VRP_SECONDS),
    ("time_limit_reached", _lib.VRP_TIME_LIMIT_REACHED),
]


def _column(frame: Any, name: str, n: int, default: Optional[float] = None) -> Optional[np.ndarray]:
    if name not in frame:
        if default is None:
            raise InvalidArgumentError(_errors.E_INVALID_ARGUMENT, f"missing column {name!r}")
        return np.full(n, default, dtype=np.float64)
    values = np.ascontiguousarray(np.asarray(frame[name], dtype=np.float64))
    if values.shape != (n,):
        raise InvalidArgumentError(_errors.E_INVALID_ARGUMENT, f"column {name!r} has shape {values.shape}, expected ({n},)")
    return values


class _Handle(_lib.Handle):
    kind = "vrp"


class RoutePlan:
    """A solved plan.

    Attributes:
        routes: dict rep -> list of customer ids in visiting order (every rep, empty when unused).
        visits: DataFrame indexed by customer id: ``vehicle`` (rep or None), ``stop``
            (0-based, -1 when not routed), ``arrival``, ``start`` (NaN when not routed),
            ``status`` (one of :data:`VISIT_STATUS`).
        vehicles: DataFrame indexed by rep: ``distance``, ``end_time``, ``load``, ``stops``,
            ``depart`` (the latest departure that does not delay the return), ``duration``
            (working time), ``break_start`` (NaN: none), ``break_after`` (visits before the
            break, -1: none). After :func:`solve_multi_day` indexed by (day, rep), with
            ``days`` the per-day report. The plan keeps the solver handle (its copy of the
            problem) for :func:`cost_to_serve`.
        n_routes, n_routed, distance, value, objective, iterations, seconds,
        time_limit_reached: the plan's summary (crmkit/planning/vrptw.hpp, vrp_result).
    """

    routes: Dict[Any, List[Any]]
    visits: Any
    vehicles: Any
    n_routes: int
    n_routed: int
    distance: float
    value: float
    objective: float
    iterations: int
    seconds: float
    time_limit_reached: bool

    def __repr__(self) -> str:
        return (f"RoutePlan(n_routes={self.n_routes}, n_routed={self.n_routed}, distance={self.distance:.6g}, "
                f"objective={self.objective:.6g})")


def solve_vrptw(
    customers: Any,
    vehicles: Any,
    depots: Any,
    *,
    objective: str = "min_routes",
    metric: str = "euclidean",
    travel_time: Optional[Any] = None,
    distance: Optional[Any] = None,
    speed_kmh: float = _lib.DEFAULT,
    cost_per_distance: float = _lib.DEFAULT,
    time_limit: float = _lib.DEFAULT,
    max_iter: int = _lib.DEFAULT,
    seed: int = _lib.DEFAULT,
    fleet_share: float = _lib.DEFAULT,
    average_removed: float = _lib.DEFAULT,
    max_string: float = _lib.DEFAULT,
    temperature_start: float = _lib.DEFAULT,
    temperature_end: float = _lib.DEFAULT,
) -> RoutePlan:
    """Plans the routes (see the module docstring and crmkit/planning/vrptw.hpp).

    Args:
        objective: ``"min_routes"`` (every visit required: fewest routes, then distance) or
            ``"prize"`` (value collected minus ``cost_per_distance`` x distance; visits not
            ``required`` may be dropped).
        metric: ``"euclidean"``, ``"sphere"``, ``"wgs84"`` or ``"matrix"`` (then
            ``travel_time`` and optionally ``distance``: square arrays over the customers
            then the depots).
        The other keywords are the solver's options; their defaults come from the library.
        Optional vehicle columns: ``break_earliest``, ``break_latest``, ``break_duration``
        (a break whose start lies in the window, taken anywhere on the route; all three or
        none), ``max_stops`` (0: no limit), ``max_duration`` (working time; 0: no limit).

    Raises:
        crmkit.InvalidArgumentError: a missing column, a bad value (the message names the
            customer or vehicle), an unknown objective or metric, an option out of range.
    """
    options = dict(locals())
    for name in ("customers", "vehicles", "depots"):
        options.pop(name)
    return _solve(customers, vehicles, depots, None, options)


def _solve(customers: Any, vehicles: Any, depots: Any, days: Optional[Dict[str, Any]],
           options: Dict[str, Any]) -> RoutePlan:
    """The body of :func:`solve_vrptw` and :func:`solve_multi_day`: ``options`` holds every
    keyword of :func:`solve_vrptw` (its signature is the one list of them)."""
    import pandas as pd

    options = dict(options)
    objective, metric = options.pop("objective"), options.pop("metric")
    travel_time, distance = options.pop("travel_time"), options.pop("distance")
    if objective not in _OBJECTIVES:
        raise InvalidArgumentError(_errors.E_INVALID_ARGUMENT, f"unknown objective {objective!r}; one of {sorted(_OBJECTIVES)}")
    if metric not in _METRICS:
        raise InvalidArgumentError(_errors.E_INVALID_ARGUMENT, f"unknown metric {metric!r}; one of {sorted(_METRICS)}")
    customers = pd.DataFrame(customers)
    vehicles = pd.DataFrame(vehicles)
    depots = pd.DataFrame(depots)
    n, nv, nd = len(customers), len(vehicles), len(depots)
    handle = _Handle()
    _lib.C.crmkit_vrp_set_int(handle.ptr, _lib.VRP_OBJECTIVE, _OBJECTIVES[objective])
    _lib.C.crmkit_vrp_set_int(handle.ptr, _lib.VRP_METRIC, _METRICS[metric])
    for name, value in options.items():  # the solver's options
        if value is not _lib.DEFAULT:
            _lib.set_option("vrp", handle.ptr, name, value)
    on_matrix = metric == "matrix"
    x = None if on_matrix else _column(customers, "x", n)
    y = None if on_matrix else _column(customers, "y", n)
    value = _column(customers, "value", n) if "value" in customers else None
    required = (np.ascontiguousarray(np.asarray(customers["required"]).astype(bool), dtype=np.int32)
                if "required" in customers else None)
    cols = {name: _column(customers, name, n) for name in ("demand", "ready", "due", "service")}
    _lib.C.crmkit_vrp_set_customers(handle.ptr, n, x, y, cols["demand"], cols["ready"],
                                    cols["due"], cols["service"], value, required)
    dx = None if on_matrix else _column(depots, "x", nd)
    dy = None if on_matrix else _column(depots, "y", nd)
    _lib.C.crmkit_vrp_set_depots(handle.ptr, nd, dx, dy)
    vcols = {name: _column(vehicles, name, nv) for name in ("capacity", "shift_start", "shift_end")}
    sdep = np.ascontiguousarray(np.asarray(vehicles["start_depot"] if "start_depot" in vehicles else np.zeros(nv)), dtype=np.int32)
    edep = np.ascontiguousarray(np.asarray(vehicles["end_depot"] if "end_depot" in vehicles else sdep), dtype=np.int32)
    _lib.C.crmkit_vrp_set_vehicles(handle.ptr, nv, vcols["capacity"], vcols["shift_start"],
                                   vcols["shift_end"], sdep, edep)
    if on_matrix:
        if travel_time is None:
            raise InvalidArgumentError(_errors.E_INVALID_ARGUMENT, 'metric="matrix" needs travel_time')
        nl = n + nd
        tt = np.ascontiguousarray(np.asarray(travel_time, dtype=np.float64))
        if tt.shape != (nl, nl):
            raise InvalidArgumentError(_errors.E_INVALID_ARGUMENT,
                                       f"travel_time has shape {tt.shape}, expected ({nl}, {nl}): customers then depots")
        dd = None
        if distance is not None:
            dd = np.ascontiguousarray(np.asarray(distance, dtype=np.float64))
            if dd.shape != (nl, nl):
                raise InvalidArgumentError(_errors.E_INVALID_ARGUMENT, f"distance has shape {dd.shape}, expected ({nl}, {nl})")
        _lib.C.crmkit_vrp_set_matrix(handle.ptr, nl, tt, dd)
    _set_limits(handle.ptr, vehicles)
    if days is None:
        _lib.C.crmkit_vrp_solve(handle.ptr)
    else:
        _solve_days(handle.ptr, customers, vehicles, days)

    plan = RoutePlan()
    plan._handle = handle  # for cost_to_serve
    for name, key in _STATS:
        setattr(plan, name, _lib.O.crmkit_vrp_summary(handle.ptr, key))
    plan.n_routes = int(plan.n_routes)
    plan.n_routed = int(plan.n_routed)
    plan.iterations = int(plan.iterations)
    plan.time_limit_reached = bool(plan.time_limit_reached)
    vehicle = np.empty(n, dtype=np.int32)
    position = np.empty(n, dtype=np.int32)
    arrival = np.empty(n, dtype=np.float64)
    start = np.empty(n, dtype=np.float64)
    status = np.empty(n, dtype=np.int32)
    _lib.C.crmkit_vrp_visits(handle.ptr, vehicle, position, arrival, start, status, n)
    reps, nv = _plan_vehicles(handle.ptr, vehicles, days is not None)
    rdist = np.empty(nv, dtype=np.float64)
    rend = np.empty(nv, dtype=np.float64)
    rload = np.empty(nv, dtype=np.float64)
    rstops = np.empty(nv, dtype=np.int32)
    _lib.C.crmkit_vrp_routes(handle.ptr, rdist, rend, rload, rstops, nv)
    ids = list(customers.index)
    plan.visits = pd.DataFrame(
        {
            "vehicle": [reps[v] if v >= 0 else None for v in vehicle],
            "stop": position.astype(np.int64),
            "arrival": arrival,
            "start": start,
            "status": pd.Categorical([VISIT_STATUS[s] for s in status], categories=VISIT_STATUS),
        },
        index=customers.index,
    )
    plan.vehicles = pd.DataFrame({"distance": rdist, "end_time": rend, "load": rload, "stops": rstops.astype(np.int64)},
                                 index=vehicles.index if days is None else pd.MultiIndex.from_tuples(reps, names=["day", "rep"]))
    _add_schedule(handle.ptr, plan, nv)
    routes: Dict[Any, List[Any]] = {rep: [None] * int(rstops[k]) for k, rep in enumerate(reps)}
    for c in range(n):
        if vehicle[c] >= 0:
            routes[reps[vehicle[c]]][position[c]] = ids[c]
    plan.routes = routes
    return plan


def _seconds(as_of: Any) -> int:
    import pandas as pd

    if isinstance(as_of, (int, np.integer)):
        return int(as_of)
    stamp = pd.Timestamp(as_of)
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize("UTC")
    return int(stamp.timestamp())


def due_list(
    table: Any,
    as_of: Any,
    *,
    cadence: Optional[Dict[str, float]] = None,
    priority: Optional[str] = None,
    class_column: str = "abc",
    default_interval_days: float = 0.0,
    last_visit: str = "last_visit",
    rep: str = "rep",
    horizon_days: float = 0.0,
    priority_rules: Optional[Any] = None,
) -> Any:
    """Customers due and overdue for a visit on ``as_of``, ranked per rep
    (crmkit/planning/due_list.hpp defines every column).

    Args:
        table: the customer table, a DataFrame indexed by customer id with the columns
            named below (``last_visit`` a datetime column; ``class_column`` and ``rep``
            categories or strings; by default ``clv`` and ``p_alive`` for the priority).
        as_of: the date (a Timestamp or string, UTC unless it has a zone; or Unix seconds).
        cadence: class level -> interval in days, e.g. ``{"A": 14, "B": 30}``.
        priority: a numeric column used as the priority; None: ``clv * (1 - p_alive)``.
        class_column: the class column; "" for one class (then use ``default_interval_days``).
        default_interval_days: the interval of classes without a rule; 0: none.
        last_visit: the column of the last visit (NaT: never visited, due now).
        rep: the rep column; "" for one list.
        horizon_days: due within this many days counts as due.
        priority_rules: a dict or list of (condition, weight): the priority is the sum of
            the weights of the guard-language conditions a customer satisfies (e.g.
            ``{"p_alive < 0.5 and clv > 1000": 3, "abc == 'A'": 1}``), times the
            ``priority`` column when that is given.

    Returns:
        A DataFrame indexed by customer id: priority, interval_days, next_due, days_overdue,
        due (0/1), urgency, rank (within rep among the due customers; <NA> otherwise), rep.

    Raises:
        crmkit.InvalidArgumentError: a missing column or one of the wrong type, an unknown
            class in ``cadence``, an interval <= 0.
    """
    import pandas as pd

    from .table import from_frame, to_frame

    frame = pd.DataFrame(table).copy()
    for name in (class_column, rep):
        if name and name in frame and not isinstance(frame[name].dtype, pd.CategoricalDtype):
            frame[name] = frame[name].astype("category")
    handle = from_frame(frame)
    rules = list((cadence or {}).items())
    levels = (c_char_p * max(len(rules), 1))(*[str(k).encode("utf-8") for k, _ in rules])
    days = np.ascontiguousarray([float(v) for _, v in rules] or [0.0], dtype=np.float64)
    prules = list(priority_rules.items()) if isinstance(priority_rules, dict) else list(priority_rules or [])
    conditions = (c_char_p * max(len(prules), 1))(*[str(c).encode("utf-8") for c, _ in prules])
    weights = np.ascontiguousarray([float(w) for _, w in prules] or [0.0], dtype=np.float64)
    out = _lib.O.crmkit_due_list_with_rules(handle.ptr, _seconds(as_of), priority.encode("utf-8") if priority else None,
                                            conditions, weights, len(prules), class_column.encode("utf-8"), levels,
                                            days, len(rules), float(default_interval_days),
                                            last_visit.encode("utf-8"), rep.encode("utf-8"), float(horizon_days))
    from .table import _TableHandle

    return to_frame(_TableHandle(out), list(frame.index))


def _times(values: Any) -> np.ndarray:
    import pandas as pd

    series = pd.Series(values)
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        stamps = pd.DatetimeIndex(series)
        if stamps.tz is not None:
            stamps = stamps.tz_convert("UTC").tz_localize(None)
        return np.ascontiguousarray(stamps.to_numpy(dtype="datetime64[s]").astype(np.int64))
    return np.ascontiguousarray(np.asarray(series, dtype=np.int64))


class CheckinReport:
    """The verification of claimed visits (crmkit/planning/checkin.hpp).

    Attributes:
        claims: the claims with ``verified`` (bool), ``dwell_s`` and ``nearest_m`` added.
        unclaimed: visits the track shows but nobody claimed: ``customer``, ``start``, ``end``.
        exceptions: one row per exception: ``kind`` ("claimed_not_verified" or
            "visited_not_claimed"), ``customer``, ``time`` (the claim time or the stop start).
    """

    claims: Any
    unclaimed: Any
    exceptions: Any


def verify_checkins(
    track: Any,
    customers: Any,
    claims: Any,
    *,
    radius_m: float = 100.0,
    min_dwell_s: int = 300,
    time_slack_s: int = 3600,
    max_speed_mps: float = 70.0,
) -> CheckinReport:
    """Verifies a rep's claimed visits against the rep's GPS track: a claim is verified when
    the track stays within ``radius_m`` of the customer for at least ``min_dwell_s`` within
    ``time_slack_s`` of the claimed time (defaults 100 m, 5 minutes, 1 hour).

    Args:
        track: DataFrame with ``time`` (datetime or Unix seconds, non-decreasing), ``lon``, ``lat``.
        customers: DataFrame indexed by customer id with ``lon``, ``lat`` (degrees).
        claims: DataFrame with ``customer`` (an id of ``customers``) and ``time``.

    Raises:
        crmkit.InvalidArgumentError: a claim of an unknown customer, bad coordinates, times
            going backwards, thresholds out of range.
    """
    import pandas as pd

    track = pd.DataFrame(track)
    customers = pd.DataFrame(customers)
    claims = pd.DataFrame(claims)
    t = _times(track["time"])
    lon = _column(track, "lon", len(track))
    lat = _column(track, "lat", len(track))
    clon = _column(customers, "lon", len(customers))
    clat = _column(customers, "lat", len(customers))
    position = {cid: k for k, cid in enumerate(customers.index)}
    unknown = [c for c in claims["customer"] if c not in position]
    if unknown:
        raise InvalidArgumentError(_errors.E_INVALID_ARGUMENT, f"claimed customer {unknown[0]!r} is not in customers")
    cc = np.ascontiguousarray([position[c] for c in claims["customer"]], dtype=np.int32)
    ct = _times(claims["time"]) if len(claims) else np.zeros(0, dtype=np.int64)
    m = len(claims)
    verified = np.zeros(m, dtype=np.int32)
    dwell = np.zeros(m, dtype=np.int64)
    nearest = np.zeros(m, dtype=np.float64)
    args = (t, lon, lat, len(t), clon, clat, len(clon), cc, ct, m, float(radius_m), int(min_dwell_s),
            int(time_slack_s), float(max_speed_mps), verified, dwell, nearest)
    k = _lib.Q.crmkit_checkin_verify(*args, None, None, None, 0)
    uc, us, ue = empty(max(k, 1), np.int32, np.int64, np.int64)
    if k > 0:
        _lib.O.crmkit_checkin_verify(*args, uc, us, ue, k)
    report = CheckinReport()
    out = claims.copy()
    out["verified"] = verified.astype(bool)
    out["dwell_s"] = dwell
    out["nearest_m"] = nearest
    report.claims = out
    ids = list(customers.index)
    stamp = lambda a: pd.to_datetime(a, unit="s", utc=True)  # noqa: E731
    report.unclaimed = pd.DataFrame({"customer": [ids[c] for c in uc[:k]], "start": stamp(us[:k]),
                                     "end": stamp(ue[:k])})
    failed = out[~out["verified"]]
    report.exceptions = pd.DataFrame({
        "kind": ["claimed_not_verified"] * len(failed) + ["visited_not_claimed"] * k,
        "customer": list(failed["customer"]) + list(report.unclaimed["customer"]),
        "time": list(stamp(_times(failed["time"])) if len(failed) else []) + list(report.unclaimed["start"]),
    })
    return report


# ==== Routing: breaks, route limits, plans over several days (issue 15, routing side) ====

__all__ += ["solve_multi_day"]
VISIT_STATUS.extend(["route_limits", "no_allowed_day"])


def _set_limits(ptr: Any, vehicles: Any) -> None:
    """The optional vehicle columns break_earliest/break_latest/break_duration, max_stops, max_duration."""
    nv = len(vehicles)
    names = ("break_earliest", "break_latest", "break_duration")
    given = [name in vehicles for name in names]
    if any(given) and not all(given):
        raise InvalidArgumentError(_errors.E_INVALID_ARGUMENT,
                                   "vehicles: break_earliest, break_latest and break_duration go together; missing "
                                   + ", ".join(n for n, g in zip(names, given) if not g))
    brk = [_column(vehicles, name, nv) if all(given) else None for name in names]
    stops = (np.ascontiguousarray(np.asarray(vehicles["max_stops"]), dtype=np.int32) if "max_stops" in vehicles
             else None)
    duration = _column(vehicles, "max_duration", nv) if "max_duration" in vehicles else None
    if any(given) or stops is not None or duration is not None:
        _lib.C.crmkit_vrp_set_limits(ptr, nv, brk[0], brk[1], brk[2], stops, duration)


def _solve_days(ptr: Any, customers: Any, reps: Any, days: Dict[str, Any]) -> None:
    n_days = int(days["n_days"])
    works = days.get("works")
    w = None
    if works is not None:
        w = np.ascontiguousarray(np.asarray(works, dtype=np.int32))
        if w.shape != (len(reps), n_days):
            raise InvalidArgumentError(_errors.E_INVALID_ARGUMENT,
                                       f"works has shape {w.shape}, expected (reps, days) = ({len(reps)}, {n_days})")
    ints = {}
    for name in ("earliest_day", "latest_day"):
        ints[name] = (np.ascontiguousarray(np.asarray(customers[name]), dtype=np.int32) if name in customers else None)
    mask = None
    if "allowed_days" in customers:
        mask = np.ascontiguousarray(np.asarray(customers["allowed_days"]).astype(np.int64))
    _lib.C.crmkit_vrp_solve_days( ptr, n_days, w, ints["earliest_day"], ints["latest_day"], mask)


def _plan_vehicles(ptr: Any, vehicles: Any, by_day: bool) -> Any:
    """The vehicles of the last plan: the reps, or (day, rep) pairs after a multi-day solve."""
    nv = _lib.Q.crmkit_vrp_day_vehicles(ptr, None, None, 0)
    day, rep = empty(max(nv, 1), np.int32, np.int32)
    _lib.O.crmkit_vrp_day_vehicles(ptr, day, rep, max(nv, 1))
    ids = list(vehicles.index)
    if not by_day:
        return ids, nv
    return [(int(day[k]), ids[rep[k]]) for k in range(nv)], nv


def _add_schedule(ptr: Any, plan: RoutePlan, nv: int) -> None:
    depart = np.empty(nv, dtype=np.float64)
    duration = np.empty(nv, dtype=np.float64)
    bstart = np.empty(nv, dtype=np.float64)
    bafter = np.empty(nv, dtype=np.int32)
    _lib.C.crmkit_vrp_schedule(ptr, depart, duration, bstart, bafter, nv)
    plan.vehicles["depart"] = depart
    plan.vehicles["duration"] = duration
    plan.vehicles["break_start"] = bstart
    plan.vehicles["break_after"] = bafter.astype(np.int64)


def solve_multi_day(
    customers: Any,
    reps: Any,
    depots: Any,
    n_days: int,
    *,
    works: Optional[Any] = None,
    **options: Any,
) -> RoutePlan:
    """A plan over ``n_days`` days (crmkit/planning/multi_day.hpp): one solve over a vehicle
    per working (day, rep), each visit at most once.

    Args:
        customers: as :func:`solve_vrptw`, plus optional ``earliest_day``, ``latest_day``
            (the day range of the visit, e.g. from its due date) and ``allowed_days`` (a bit
            mask: bit d set = may be visited on day d; 0 any day).
        reps: as the vehicles of :func:`solve_vrptw` (shifts, breaks and limits are times of
            day, the same on every working day).
        n_days: 1 .. 63.
        works: None (every rep every day) or a (reps, days) 0/1 array.
        options: the keywords of :func:`solve_vrptw`.

    Returns:
        A :class:`RoutePlan` whose vehicles are (day, rep) pairs: ``routes`` keyed by
        (day, rep), ``vehicles`` indexed by them, ``visits`` with ``day`` (-1 when not
        routed) and ``rep`` columns, and ``days``: per day ``visits``, ``routes``,
        ``distance``, ``value``, ``duration``.
    """
    import pandas as pd

    customers = pd.DataFrame(customers)
    reps = pd.DataFrame(reps)
    keywords = inspect.signature(solve_vrptw).bind(customers, reps, depots, **options)  # TypeError on a wrong name
    keywords.apply_defaults()
    for name in ("customers", "vehicles", "depots"):
        keywords.arguments.pop(name)
    plan = _solve(customers, reps, depots, {"n_days": n_days, "works": works}, keywords.arguments)
    plan.visits["day"] = [v[0] if isinstance(v, tuple) else -1 for v in plan.visits["vehicle"]]
    plan.visits["rep"] = [v[1] if isinstance(v, tuple) else None for v in plan.visits["vehicle"]]
    value = (np.asarray(customers["value"], dtype=np.float64) if "value" in customers
             else np.zeros(len(customers)))
    routed = plan.visits["day"].to_numpy() >= 0
    days = []
    by_day = plan.vehicles.groupby(level="day")
    for d in range(int(n_days)):
        on = plan.visits["day"].to_numpy() == d
        vehicles_d = by_day.get_group(d) if d in by_day.groups else plan.vehicles.iloc[0:0]
        days.append({"visits": int(on.sum()), "routes": int((vehicles_d["stops"] > 0).sum()),
                     "distance": float(vehicles_d["distance"].sum()), "value": float(value[on & routed].sum()),
                     "duration": float(vehicles_d["duration"].sum())})
    plan.days = pd.DataFrame(days, index=pd.RangeIndex(int(n_days), name="day"))
    return plan


__all__ += ["cost_to_serve"]


def cost_to_serve(
    plan: RoutePlan,
    margin: Any,
    *,
    periods: float = 1.0,
    cost_per_time: float = 0.0,
    cost_per_distance: float = 0.0,
    margin_column: str = "margin",
) -> Any:
    """Cost to serve and profitability per customer from a plan of :func:`solve_vrptw` or
    :func:`solve_multi_day` (crmkit/planning/cost_to_serve.hpp: the travel of a route is
    shared among its visits in proportion to their removal savings; the visit time is the
    service plus the waiting).

    Args:
        plan: the plan.
        margin: a DataFrame indexed like the plan's customers with ``margin_column`` (margin
            per period, in the money unit of the rates), or a Series / array of margins.
        periods: the plan covers this many periods; every column is per period.
        cost_per_time: money per time unit (the unit of the travel times: seconds on the
            Earth, the distance unit for ``"euclidean"``).
        cost_per_distance: money per distance unit (metres on the Earth).

    Returns:
        A DataFrame indexed by customer id: ``visits``, ``travel_time``, ``travel_distance``,
        ``visit_time`` (per period), ``cost_to_serve`` and ``profitability`` (money per period).
    """
    import pandas as pd

    from .table import _TableHandle, from_frame, to_frame

    ids = list(plan.visits.index)
    if isinstance(margin, pd.DataFrame):
        frame = margin.reindex(ids)[[margin_column]] if margin_column in margin else margin.reindex(ids)
    else:
        values = margin.reindex(ids) if isinstance(margin, pd.Series) else margin
        frame = pd.DataFrame({margin_column: np.asarray(values, dtype=np.float64)}, index=plan.visits.index)
    handle = from_frame(frame)
    out = _lib.O.crmkit_vrp_cost_to_serve(plan._handle.ptr, handle.ptr, margin_column.encode("utf-8"), float(periods),
                                          float(cost_per_time), float(cost_per_distance))
    return to_frame(_TableHandle(out), ids)


# ==== end of the routing additions ====


# ---- territory balancing and spatial value analysis (crmkit/planning/territory_balance.hpp,
# crmkit/planning/hot_spots.hpp; C: the crmkit_balance and crmkit_hot_spots handles) ----

__all__ += ["balance_territories", "TerritoryBalance", "hot_spots", "HotSpotMap"]

_BALANCE_STATS = [
    ("n_moved", "BALANCE_N_MOVED"), ("n_unassigned_before", "BALANCE_N_UNASSIGNED_BEFORE"),
    ("max_workload_deviation_before", "BALANCE_MAX_WORKLOAD_DEVIATION_BEFORE"),
    ("max_workload_deviation_after", "BALANCE_MAX_WORKLOAD_DEVIATION_AFTER"),
    ("max_value_deviation_before", "BALANCE_MAX_VALUE_DEVIATION_BEFORE"),
    ("max_value_deviation_after", "BALANCE_MAX_VALUE_DEVIATION_AFTER"),
    ("within_tolerance_before", "BALANCE_WITHIN_TOLERANCE_BEFORE"),
    ("within_tolerance_after", "BALANCE_WITHIN_TOLERANCE_AFTER"),
    ("cut_edges_before", "BALANCE_CUT_EDGES_BEFORE"), ("cut_edges_after", "BALANCE_CUT_EDGES_AFTER"),
    ("objective_before", "BALANCE_OBJECTIVE_BEFORE"), ("objective_after", "BALANCE_OBJECTIVE_AFTER"),
    ("passes", "BALANCE_PASSES"),
]
_BALANCE_REP_COLUMNS = [
    "customers_before", "customers_after", "workload_before", "workload_after", "value_before", "value_after",
    "workload_deviation_before", "workload_deviation_after", "value_deviation_before", "value_deviation_after",
    "moved_in", "moved_out", "fragments_before", "fragments_after",
]
_BALANCE_INT_REP_COLUMNS = {"customers_before", "customers_after", "moved_in", "moved_out", "fragments_before",
                            "fragments_after"}


class TerritoryBalance:
    """The result of :func:`balance_territories` (crmkit/planning/territory_balance.hpp).

    Attributes:
        assignment: DataFrame indexed by customer id: ``rep``, ``previous_rep``
            (categories), ``moved`` (0/1), ``distance_km``, ``workload_min``.
        reps: DataFrame indexed by rep: customers, workload (minutes per period), value,
            relative deviations from the fair share, moved in/out and territory fragments,
            each ``_before`` (today's assignment) and ``_after``.
        n_moved, n_unassigned_before, max_workload_deviation_before/after,
        max_value_deviation_before/after, within_tolerance_before/after,
        cut_edges_before/after, objective_before/after, passes: the summary.
    """

    assignment: Any
    reps: Any

    def __repr__(self) -> str:
        return (f"TerritoryBalance(n_moved={self.n_moved}, within_tolerance_after={self.within_tolerance_after}, "
                f"max_workload_deviation_after={self.max_workload_deviation_after:.3g}, "
                f"max_value_deviation_after={self.max_value_deviation_after:.3g})")


class _BalanceHandle(_lib.Handle):
    kind = "balance"


class _HotSpotsHandle(_lib.Handle):
    kind = "hot_spots"


def balance_territories(
    table: Any,
    reps: Any,
    *,
    value: str = "clv",
    visits: Optional[str] = None,
    service_min: Optional[str] = None,
    current_rep: Optional[str] = "rep",
    lon: str = "lon",
    lat: str = "lat",
    workload_tolerance: float = _lib.DEFAULT,
    value_tolerance: float = _lib.DEFAULT,
    speed_kmh: float = _lib.DEFAULT,
    travel_factor: float = _lib.DEFAULT,
    default_service_min: float = _lib.DEFAULT,
    default_visits: float = _lib.DEFAULT,
    balance_weight: float = _lib.DEFAULT,
    travel_weight: float = _lib.DEFAULT,
    cut_weight: float = _lib.DEFAULT,
    move_penalty: float = _lib.DEFAULT,
    max_moves: int = _lib.DEFAULT,
    n_neighbors: int = _lib.DEFAULT,
    max_iter: int = _lib.DEFAULT,
) -> TerritoryBalance:
    """Assigns customers to reps so that workload and value are within tolerances of each
    rep's fair share, territories stay compact and few customers move
    (crmkit/planning/territory_balance.hpp defines the model and every number).

    Args:
        table: DataFrame indexed by customer id with ``lon``, ``lat`` (degrees), the
            ``value`` column and optionally ``visits`` (per period), ``service_min``
            (minutes per visit) and ``current_rep`` (today's rep: names of ``reps``).
        reps: DataFrame indexed by rep name with ``home_lon``, ``home_lat`` and optionally
            ``capacity`` (share weights; default 1 each).
        current_rep: the column of today's rep; None or "" when nobody has one.
        The other keywords are the options; their defaults come from the library
        (tolerances 0.1, 40 km/h, a round trip per visit, no move limit).

    Raises:
        crmkit.InvalidArgumentError: a customer without location or with a NaN value, a rep
            without a home, a rep name unknown to ``reps`` (each named), options out of range.
    """
    import pandas as pd

    from .table import _TableHandle, from_frame, to_frame

    frame = pd.DataFrame(table).copy()
    reps = pd.DataFrame(reps)
    names = [str(r) for r in reps.index]
    if current_rep and current_rep in frame and not isinstance(frame[current_rep].dtype, pd.CategoricalDtype):
        frame[current_rep] = frame[current_rep].astype("category")
    handle = from_frame(frame)
    h = _BalanceHandle()
    options = {
        "workload_tolerance": workload_tolerance, "value_tolerance": value_tolerance, "speed_kmh": speed_kmh,
        "travel_factor": travel_factor, "default_service_min": default_service_min, "default_visits": default_visits,
        "balance_weight": balance_weight, "travel_weight": travel_weight, "cut_weight": cut_weight,
        "move_penalty": move_penalty, "max_moves": max_moves, "n_neighbors": n_neighbors, "max_iter": max_iter,
    }
    for name, v in options.items():
        if v is not _lib.DEFAULT:
            _lib.set_option("balance", h.ptr, name, v)
    k = len(names)
    name_array = (c_char_p * max(k, 1))(*[n.encode("utf-8") for n in names])
    hlon = _column(reps, "home_lon", k)
    hlat = _column(reps, "home_lat", k)
    cap = _column(reps, "capacity", k) if "capacity" in reps else None
    _lib.C.crmkit_balance_set_reps(h.ptr, k, name_array, hlon, hlat, cap)
    enc = lambda s: None if s is None else s.encode("utf-8")  # noqa: E731
    out = _lib.O.crmkit_balance_run(h.ptr, handle.ptr, enc(value), enc(visits or ""), enc(service_min or ""),
                                    enc(current_rep or ""), enc(lon), enc(lat))
    result = TerritoryBalance()
    result.assignment = to_frame(_TableHandle(out), list(frame.index))
    for name, key in _BALANCE_STATS:
        v = _lib.O.crmkit_balance_summary(h.ptr, getattr(_lib, key))
        setattr(result, name, bool(v) if name.startswith("within") else
                int(v) if name in ("n_moved", "n_unassigned_before", "cut_edges_before", "cut_edges_after", "passes")
                else v)
    columns = {}
    buf = np.empty(max(k, 1), dtype=np.float64)
    for key, name in enumerate(_BALANCE_REP_COLUMNS, start=1):
        _lib.C.crmkit_balance_rep_column(h.ptr, key, buf, k)
        columns[name] = buf[:k].astype(np.int64) if name in _BALANCE_INT_REP_COLUMNS else buf[:k].copy()
    result.reps = pd.DataFrame(columns, index=pd.Index(reps.index, name="rep"))
    return result


class HotSpotMap:
    """The result of :func:`hot_spots` (crmkit/planning/hot_spots.hpp).

    Attributes:
        cells: DataFrame indexed by cell name (geohash, or "row:column" for grid cells):
            ``lon``, ``lat`` (centre), ``count``, ``value`` (sum), ``z``, ``p`` (Gi*),
            ``spot`` ("hot", "cold" or ""), ``potential``, ``penetration``, ``whitespace``
            (bool), ``gap``.
        n_lon, n_lat, min_lon, min_lat, cell_lon, cell_lat: the lattice (cells row-major
            from the south).
        n_hot, n_cold, n_whitespace, mean, sd, p_cut, overall_penetration: the summary.
    """

    cells: Any

    def __repr__(self) -> str:
        return f"HotSpotMap({len(self.cells)} cells, n_hot={self.n_hot}, n_cold={self.n_cold}, n_whitespace={self.n_whitespace})"


_CELLS = {"grid": 0, "geohash": 1}
_NEIGHBOURHOODS = {"queen": 0, "distance_band": 1, "distance": 1}


def hot_spots(
    customers: Any,
    value: str = "clv",
    *,
    potential: Any = None,
    cells: str = "grid",
    neighbourhood: str = "queen",
    bounds: Optional[Any] = None,
    lon: str = "lon",
    lat: str = "lat",
    cell_deg: float = _lib.DEFAULT,
    precision: int = _lib.DEFAULT,
    band_km: float = _lib.DEFAULT,
    alpha: float = _lib.DEFAULT,
    fdr: bool = _lib.DEFAULT,
    whitespace_share: float = _lib.DEFAULT,
    min_customers: int = _lib.DEFAULT,
) -> HotSpotMap:
    """Hot and cold spots of customer value (Getis-Ord Gi*) and whitespace per cell
    (crmkit/planning/hot_spots.hpp defines the cells, the statistic, the significance rule
    and whitespace).

    Args:
        customers: DataFrame with ``lon``, ``lat`` (degrees) and the ``value`` column.
        potential: None, or a DataFrame of potential points with ``lon``, ``lat``, ``weight``
            (population, business counts, ...), aggregated on the same cells.
        cells: ``"grid"`` (``cell_deg``) or ``"geohash"`` (``precision``).
        neighbourhood: ``"queen"`` or ``"distance_band"`` (``band_km``).
        bounds: None (the points' bounding box) or (min_lon, min_lat, max_lon, max_lat).
        alpha, fdr: significance level, two-sided; ``fdr=True`` for Benjamini-Hochberg.

    Raises:
        crmkit.InvalidArgumentError: a customer without location or with a NaN value (the
            message names its row), a negative potential, too many cells, bad options.
    """
    import pandas as pd

    if cells not in _CELLS:
        raise InvalidArgumentError(_errors.E_INVALID_ARGUMENT, f"unknown cells {cells!r}; one of {sorted(_CELLS)}")
    if neighbourhood not in _NEIGHBOURHOODS:
        raise InvalidArgumentError(_errors.E_INVALID_ARGUMENT,
                                   f"unknown neighbourhood {neighbourhood!r}; one of {sorted(_NEIGHBOURHOODS)}")
    customers = pd.DataFrame(customers)
    n = len(customers)
    h = _HotSpotsHandle()
    _lib.set_option("hot_spots", h.ptr, "cells", _CELLS[cells])
    _lib.set_option("hot_spots", h.ptr, "neighbourhood", _NEIGHBOURHOODS[neighbourhood])
    options = {"cell_deg": cell_deg, "precision": precision, "band_km": band_km, "alpha": alpha,
               "fdr": int(fdr) if fdr is not _lib.DEFAULT else fdr, "whitespace_share": whitespace_share,
               "min_customers": min_customers}
    for name, v in options.items():
        if v is not _lib.DEFAULT:
            _lib.set_option("hot_spots", h.ptr, name, v)
    if bounds is not None:
        b = [float(x) for x in bounds]
        _lib.C.crmkit_hot_spots_set_bounds(h.ptr, *b)
    x = _column(customers, lon, n)
    y = _column(customers, lat, n)
    v = _column(customers, value, n)
    if potential is not None:
        potential = pd.DataFrame(potential)
        m = len(potential)
        px, py, pw = (_column(potential, c, m) for c in ("lon", "lat", "weight"))
    else:
        m, px, py, pw = 0, None, None, None
    _lib.C.crmkit_hot_spots_compute(h.ptr, x, y, v, n, px, py, pw, m)
    result = HotSpotMap()
    nc, result.n_lon, result.n_lat, result.min_lon, result.min_lat, result.cell_lon, result.cell_lat = \
        _lib.O.crmkit_hot_spots_grid(h.ptr)
    f = {name: np.empty(nc, dtype=np.float64) for name in ("lon", "lat", "value", "z", "p", "potential",
                                                             "penetration", "gap")}
    count, spot, white = empty(nc, np.int64, np.int32, np.int32)
    _lib.C.crmkit_hot_spots_cells(h.ptr, f["lon"], f["lat"], count,
                                  f["value"], f["z"], f["p"], spot, f["potential"],
                                  f["penetration"], white, f["gap"], nc)
    slot = 24
    names = create_string_buffer(max(nc * slot, 1))
    _lib.C.crmkit_hot_spots_names(h.ptr, names, slot, max(nc * slot, 1))
    raw = names.raw
    labels = [raw[c * slot:(c + 1) * slot].split(b"\0", 1)[0].decode("ascii") for c in range(nc)]
    result.cells = pd.DataFrame({
        "lon": f["lon"], "lat": f["lat"], "count": count, "value": f["value"], "z": f["z"], "p": f["p"],
        "spot": np.where(spot > 0, "hot", np.where(spot < 0, "cold", "")), "potential": f["potential"],
        "penetration": f["penetration"], "whitespace": white.astype(bool), "gap": f["gap"],
    }, index=pd.Index(labels, name="cell"))
    for name, key in [("n_hot", "HOT_SPOTS_N_HOT"), ("n_cold", "HOT_SPOTS_N_COLD"),
                      ("n_whitespace", "HOT_SPOTS_N_WHITESPACE"), ("mean", "HOT_SPOTS_MEAN"), ("sd", "HOT_SPOTS_SD"),
                      ("p_cut", "HOT_SPOTS_P_CUT"), ("overall_penetration", "HOT_SPOTS_OVERALL_PENETRATION")]:
        stat = _lib.O.crmkit_hot_spots_summary(h.ptr, getattr(_lib, key))
        setattr(result, name, int(stat) if name.startswith("n_") else stat)
    return result
# ---- end of territory balancing and spatial value analysis ----
