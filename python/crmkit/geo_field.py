"""Field-sales geo tools over crmkit/c/geo.h: reps and request routing, GPS tracks and a
rep's coverage of their assigned customers with a daily summary, density grids and
geohash cells, WGS84 / GCJ-02 / BD-09 conversions and distances.

Example::

    import numpy as np, crmkit
    reps = crmkit.Reps(rep_lon, rep_lat)                       # degrees, all available
    reps.set_available(3, False)                               # rep 3 is off today
    ids, metres = reps.nearest(req_lon, req_lat, k=2)          # (m, 2), -1 / NaN padding
    plan = reps.assign(req_lon, req_lat, capacity=40)          # greedy nearest-first
    plan = reps.assign(dataset, capacity=40)                   # its customers; plan.rep by customer_id
    day = crmkit.Track(times, lon, lat).analyze(index)         # distance, stops, visits
    grid = crmkit.DensityGrid(cell_deg=0.05, bounds=(2.0, 48.6, 2.7, 49.1)).fit(lon, lat, revenue)
    heat = grid.to_geojson()
    glon, glat = crmkit.convert_coordinates(lon, lat, "wgs84", "gcj02")
    cover = crmkit.rep_coverage([week_track], assigned_ids, index, period=(monday, saturday),
                                frequency_days=[7] * len(assigned_ids))    # .customers, .days, .visits
    cells = crmkit.GeohashGrid(precision=5).fit(lon, lat, {"revenue": revenue})

Keys: :meth:`Reps.nearest` and :meth:`Reps.assign` given pandas Series of request
longitudes/latitudes (e.g. customer table columns indexed by customer_id) index their
per-request results like those Series; given a :class:`crmkit.Dataset` with customer
locations instead of (lon, lat), they route its customers and index the results by
customer id. Arrays give arrays.

Distances are great-circle metres on the sphere of the mean Earth radius (as GeoIndex),
except :func:`geo_distance` with ``model="wgs84"`` and ``GeoIndex(distance_model="wgs84")``
(geodesics on the WGS84 ellipsoid). Every
failure raises :class:`crmkit.Error` (``InvalidArgumentError`` for bad coordinates,
thresholds, timestamps going backwards, ...) with the library's message. Inputs that are
already C-contiguous float64 (int64 for times) are passed without a copy.
"""

from __future__ import annotations

import contextlib
import ctypes
import math
from dataclasses import dataclass
from typing import Any, Iterator, NamedTuple, Optional, Sequence, Tuple, Union

import numpy as np

from . import _errors, _lib
from ._arrays import empty, keyed, series_index, size, sized
from .dataset import Dataset
from .geo import GeoIndex, _customer_frame, _pair, _vec

__all__ = [
    "Reps",
    "RepAssignment",
    "Track",
    "TrackSummary",
    "DensityGrid",
    "convert_coordinates",
    "geo_distance",
    "geohash_encode",
    "geohash_decode",
    "GeohashGrid",
    "rep_coverage",
    "RepCoverage",
]


def _rep_flags(within_territory: bool) -> int:
    return _lib.GEO_WITHIN_TERRITORY if within_territory else 0


def _capacity(capacity: Any, n: int) -> np.ndarray:
    """One int32 capacity per rep from an int or a sequence (the library checks each)."""
    cap = np.broadcast_to(np.asarray(capacity), (n,))
    if np.any(cap > np.iinfo(np.int32).max):
        raise _errors.invalid("capacity above 2^31 - 1")
    return np.ascontiguousarray(cap, dtype=np.int32)


@contextlib.contextmanager
def _track_options(**values: Any) -> Iterator[Any]:
    """A crmkit_geo_track_options handle with the thresholds given set (the library's
    defaults for the rest), freed after the block."""
    with _lib.freed("geo_track_options", _lib.O.crmkit_geo_track_options_create()) as options:
        _lib.set_options("geo_track", options, **{k: v for k, v in values.items() if v is not _lib.DEFAULT})
        yield options


def _fitted(grid: Any) -> Any:
    if grid._handle is None:
        raise _errors.Error(_errors.E_NOT_FITTED, f"{type(grid).__name__}: call fit() first")
    return grid._handle


# ---------------------------------------------------------------------------------------
# Reps


class RepAssignment(NamedTuple):
    """The result of :meth:`Reps.assign`."""

    rep: Any                  #: per request, the rep index or -1 (int32); a Series when keyed
    distance_m: Any           #: per request, metres to the rep (NaN when unassigned); a Series when keyed
    load: np.ndarray          #: per rep, the number of requests assigned (int32)
    n_unassigned: int         #: requests left open


class Reps:
    """Sales or service reps: positions, availability and optional territories.

    Args:
        lon, lat: rep positions in degrees (every rep needs one).
        territories: None, or one WKT/GeoJSON text per rep (None or "" = serves anywhere);
            used by queries with ``within_territory=True``.
        available: None (all available) or one bool per rep.

    Not synchronized: :meth:`set_available` mutates; queries may run concurrently from
    several threads while nothing mutates.
    """

    def __init__(self, lon: Any, lat: Any, territories: Optional[Sequence[Optional[str]]] = None,
                 available: Any = None) -> None:
        x, y, _ = _pair(lon, lat)
        n = x.shape[0]
        texts = None
        if territories is not None:
            texts = list(territories)
            if len(texts) != n:
                raise _errors.invalid(f"{len(texts)} territories for {n} reps (give one per rep or None)")
        self._n = n
        _lib.adopt(self, _lib.O.crmkit_geo_reps_create(x, y, n, texts), "geo_reps")
        if available is not None:
            mask = np.asarray(available, dtype=bool).ravel()
            if mask.shape[0] != n:
                raise _errors.invalid(f"available has {mask.shape[0]} entries for {n} reps")
            for rep in np.flatnonzero(~mask):
                self.set_available(int(rep), False)

    def __len__(self) -> int:
        return self._n

    @property
    def available(self) -> np.ndarray:
        """Availability per rep (bool array, a copy)."""
        out = np.empty(self._n, dtype=np.int32)
        _lib.C.crmkit_geo_reps_available(self._handle, out, out.size)
        return out.astype(bool)

    def set_available(self, rep: Any, available: bool = True) -> "Reps":
        """Marks one rep (or an iterable of reps) available or not; returns self."""
        for r in np.atleast_1d(np.asarray(rep, dtype=np.int64)):  # the library checks r < len(self)
            _lib.C.crmkit_geo_reps_set_available(self._handle, size(r, "rep"), 1 if available else 0)
        return self

    def nearest_customers(self, dataset: Any, k: int = 1, max_distance_m: float = math.inf,
                          within_territory: bool = False, n_threads: int = 1) -> Any:
        """The k nearest available, eligible reps of every customer of a :class:`Dataset`:
        a DataFrame indexed by customer_id with columns ``rep`` (nullable Int64, <NA> when
        none) and ``rep_distance_m`` for k = 1, ``rep_0``.. and ``rep_distance_m_0``.. for
        k > 1. Customers without a location get <NA> / NaN and are counted in
        ``attrs["crmkit_report"]`` (n_customers, n_located, n_unlocated)."""
        return _customer_frame(_lib.O.crmkit_geo_reps_nearest_from_dataset(
            self._handle, dataset._h().ptr, size(k, "k"), float(max_distance_m), _rep_flags(within_territory),
            n_threads), dataset)

    def assign_customers(self, dataset: Any, capacity: Any, max_distance_m: float = math.inf,
                         within_territory: bool = False) -> Any:
        """Assigns the customers of a :class:`Dataset` to available reps, at most
        ``capacity`` (an int, or one per rep) each, greedy nearest-first: a DataFrame indexed
        by customer_id with ``rep`` (nullable Int64) and ``rep_distance_m``;
        ``attrs["crmkit_report"]`` holds n_located, n_unlocated, n_unassigned and the load
        per rep."""
        return _customer_frame(_lib.O.crmkit_geo_reps_assign_from_dataset(
            self._handle, dataset._h().ptr, _capacity(capacity, self._n), self._n, float(max_distance_m),
            _rep_flags(within_territory)),
            dataset)

    def nearest(self, lon: Any, lat: Any = None, k: int = 1, max_distance_m: float = math.inf,
                within_territory: bool = False, n_threads: int = 1) -> Tuple[Any, Any]:
        """The k nearest available, eligible reps per request, closest first (ties by rep
        index): (ids, distances_m), shape (k,) for a scalar request, (m, k) for arrays;
        -1 / NaN pad missing reps. Results never depend on ``n_threads``.

        Keyed: when lon / lat are pandas Series, or for ``nearest(dataset, k=...)`` (the
        dataset's customer locations; unlocated customers get -1 / NaN), ids and distances
        are DataFrames indexed like the Series, or by customer id, with columns 0..k-1."""
        if isinstance(lon, Dataset):
            if lat is not None:
                raise TypeError("nearest(dataset) takes no lat")
            table = self.nearest_customers(lon, k, max_distance_m, within_territory, n_threads)
            k = int(k)
            rep_cols = ["rep"] if k == 1 else [f"rep_{r}" for r in range(k)]
            dist_cols = ["rep_distance_m"] if k == 1 else [f"rep_distance_m_{r}" for r in range(k)]
            ids = np.column_stack([table[c].to_numpy(dtype=np.int32, na_value=-1) for c in rep_cols])
            dist = np.column_stack([table[c].to_numpy(dtype=np.float64) for c in dist_cols])
            return self._frames(ids, dist, table.index)
        if lat is None:
            raise TypeError("nearest() needs lon and lat (or a Dataset with customer locations)")
        index = series_index((("lon", lon), ("lat", lat)))
        x, y, scalar = _pair(lon, lat)
        k = size(k, "k")  # the library rejects k = 0
        ids, dist = empty((x.shape[0], k), np.int32, np.float64)
        _lib.C.crmkit_geo_reps_nearest(self._handle, x, y, x.shape[0], k, float(max_distance_m),
                                       _rep_flags(within_territory), n_threads, ids, dist)
        if scalar:
            return ids[0], dist[0]
        return (ids, dist) if index is None else self._frames(ids, dist, index)

    @staticmethod
    def _frames(ids: np.ndarray, dist: np.ndarray, index: Any) -> Tuple[Any, Any]:
        import pandas as pd

        columns = pd.RangeIndex(ids.shape[1], name="rank")
        return pd.DataFrame(ids, index=index, columns=columns), pd.DataFrame(dist, index=index, columns=columns)

    def assign(self, lon: Any, lat: Any = None, capacity: Any = None, max_distance_m: float = math.inf,
               within_territory: bool = False) -> RepAssignment:
        """Assigns requests to available reps, at most ``capacity`` (an int, or one per rep)
        each, greedy nearest-first (deterministic; not the minimum-total-distance plan).

        Keyed: when lon / lat are pandas Series, ``rep`` and ``distance_m`` are Series
        indexed like them (names "rep", "distance_m"); ``assign(dataset, capacity=...)``
        routes the dataset's customers and indexes them by customer id (customers without
        a location stay unassigned and count in ``n_unassigned``). ``load`` is per rep."""
        if capacity is None:
            raise TypeError("assign() needs capacity")
        if isinstance(lon, Dataset):
            if lat is not None:
                raise TypeError("assign(dataset, capacity=...) takes no lat")
            table = self.assign_customers(lon, capacity, max_distance_m, within_territory)
            report = table.attrs["crmkit_report"]
            rep = table["rep"].to_numpy(dtype=np.int32, na_value=-1)
            return RepAssignment(keyed(rep, table.index, "rep"),
                                 keyed(table["rep_distance_m"].to_numpy(), table.index, "distance_m"),
                                 np.asarray(report["load"], dtype=np.int32),
                                 int(report["n_unassigned"]) + int(report["n_unlocated"]))
        if lat is None:
            raise TypeError("assign() needs lon and lat (or a Dataset with customer locations)")
        index = series_index((("lon", lon), ("lat", lat)))
        x, y, _ = _pair(lon, lat)
        cap32 = _capacity(capacity, self._n)
        m = x.shape[0]
        rep, dist = empty(m, np.int32, np.float64)
        load = np.empty(self._n, dtype=np.int32)
        open_ = _lib.O.crmkit_geo_reps_assign(self._handle, x, y, m, cap32, float(max_distance_m),
                                              _rep_flags(within_territory), rep, dist, load)
        return RepAssignment(keyed(rep, index, "rep"), keyed(dist, index, "distance_m"), load, open_)


# ---------------------------------------------------------------------------------------
# Tracks


def _unix_seconds(time: Any) -> np.ndarray:
    """int64 Unix seconds from integers, whole floats, datetime64 or pandas datetimes (UTC)."""
    if hasattr(time, "dt") and getattr(time.dt, "tz", None) is not None:  # tz-aware pandas Series
        time = time.dt.tz_convert("UTC").dt.tz_localize(None)
    a = np.atleast_1d(np.asarray(time))
    if a.ndim != 1:
        raise _errors.invalid(f"time must be one-dimensional, got shape {a.shape}")
    if a.dtype.kind == "M":
        if np.any(np.isnat(a)):
            raise _errors.invalid(f"time has a missing value (NaT) at fix {int(np.flatnonzero(np.isnat(a))[0])}")
        return np.ascontiguousarray(a.astype("datetime64[s]").astype(np.int64))
    if a.dtype.kind in "iu":
        return np.ascontiguousarray(a, dtype=np.int64)
    if a.dtype.kind == "f":
        bad = ~np.isfinite(a) | (a != np.floor(a))
        if np.any(bad):
            i = int(np.flatnonzero(bad)[0])
            raise _errors.invalid(f"time[{i}] = {a[i]!r} is not a whole number of seconds")
        return np.ascontiguousarray(a, dtype=np.int64)
    raise _errors.invalid(f"time must be Unix seconds or datetime64, got dtype {a.dtype}")


@dataclass
class TrackSummary:
    """The analysis of a track (see :meth:`Track.analyze`)."""

    distance_m: float            #: metres over the kept fixes
    kept: np.ndarray             #: per fix: True kept, False dropped as an outlier
    n_dropped: int               #: fixes dropped
    stops: Any                   #: pandas DataFrame, one row per stop (see Track.stops)
    n_visits: int                #: stops matched to a customer
    time_at_customers_s: int     #: total duration of those stops


class Track:
    """A rep's GPS track: fixes (time, lon, lat) in time order.

    Args:
        time: Unix seconds (integers) or datetime64 / pandas datetimes (UTC); non-decreasing.
        lon, lat: degrees.

    Rules (crmkit/geo/track.hpp): a fix is dropped when reaching it from the last kept fix
    needs more than ``max_speed_mps``; the distance sums great-circle legs between kept
    fixes; a stop is a run of kept fixes within ``stop_radius_m`` of its first fix lasting
    at least ``min_dwell_s``; a visit is a stop within ``visit_radius_m`` of an indexed
    customer (the nearest). Timestamps going backwards raise InvalidArgumentError naming
    the fix. The arrays are kept (not copied when already int64 / float64 contiguous).
    """

    def __init__(self, time: Any, lon: Any, lat: Any) -> None:
        self.time = _unix_seconds(time)
        self.lon, self.lat, _ = _pair(lon, lat)
        if self.time.shape[0] != self.lon.shape[0]:
            raise _errors.invalid(f"{self.time.shape[0]} times but {self.lon.shape[0]} positions")

    def __len__(self) -> int:
        return int(self.time.shape[0])

    def analyze(self, index: Optional[GeoIndex] = None, max_speed_mps: float = _lib.DEFAULT,
                stop_radius_m: float = _lib.DEFAULT, min_dwell_s: int = _lib.DEFAULT,
                visit_radius_m: float = _lib.DEFAULT) -> TrackSummary:
        """Distance, outliers, stops and (with a customer ``index``) visits in one pass."""
        with _track_options(max_speed_mps=max_speed_mps, stop_radius_m=stop_radius_m, min_dwell_s=min_dwell_s,
                            visit_radius_m=visit_radius_m) as options:
            with _lib.freed("geo_track", _lib.O.crmkit_geo_track_analyze(
                    self.time, self.lon, self.lat, len(self), None if index is None else index._handle,
                    options)) as result:
                return self._read(result)

    @staticmethod
    def _read(result: Any) -> TrackSummary:
        import pandas as pd

        n_fixes, distance, n_dropped, s, n_visits, at = _lib.O.crmkit_geo_track_summary(result)
        kept = np.empty(n_fixes, dtype=np.int32)
        _lib.C.crmkit_geo_track_kept(result, kept, kept.size)
        first, last, start, end, lon, lat, customer, cdist = empty(s, *[np.int64] * 4, *[np.float64] * 2, np.int32,
                                                                   np.float64)
        _lib.C.crmkit_geo_track_stops(result, first, last, start, end, lon, lat, customer, cdist, s)
        stops = pd.DataFrame({
            "first_fix": first, "last_fix": last, "start": start, "end": end, "duration_s": end - start,
            "lon": lon, "lat": lat, "customer": customer, "customer_distance_m": cdist,
        })
        return TrackSummary(distance, kept.astype(bool), n_dropped, stops, n_visits, at)

    def distance_m(self, max_speed_mps: float = _lib.DEFAULT) -> float:
        """Metres travelled over the fixes kept by the speed filter."""
        return self.analyze(max_speed_mps=max_speed_mps).distance_m

    def kept(self, max_speed_mps: float = _lib.DEFAULT) -> np.ndarray:
        """Per fix: True when kept by the speed filter."""
        return self.analyze(max_speed_mps=max_speed_mps).kept

    def stops(self, stop_radius_m: float = _lib.DEFAULT, min_dwell_s: int = _lib.DEFAULT,
              max_speed_mps: float = _lib.DEFAULT) -> Any:
        """The stops as a DataFrame: first_fix, last_fix, start, end (Unix seconds),
        duration_s, lon, lat (mean position), customer (-1) and customer_distance_m (NaN)."""
        return self.analyze(None, max_speed_mps, stop_radius_m, min_dwell_s).stops

    def visits(self, index: GeoIndex, visit_radius_m: float = _lib.DEFAULT, stop_radius_m: float = _lib.DEFAULT,
               min_dwell_s: int = _lib.DEFAULT, max_speed_mps: float = _lib.DEFAULT) -> Any:
        """The stops matched to a customer of ``index`` (the stops DataFrame, visits only)."""
        stops = self.analyze(index, max_speed_mps, stop_radius_m, min_dwell_s, visit_radius_m).stops
        return stops[stops["customer"] >= 0].reset_index(drop=True)


# ---------------------------------------------------------------------------------------
# Density grids


class DensityGrid:
    """Points (and optional values) counted on a regular longitude/latitude grid, for
    heat maps; scikit-learn style: configure, then :meth:`fit`.

    Args:
        cell_deg: cell size in degrees (> 0).
        bounds: (min_lon, min_lat, max_lon, max_lat); a point on the upper bound goes to
            the last cell; points outside and rows with NaN coordinates are only counted.

    After fit: ``count_`` (n_lat, n_lon) int64 (row 0 at min_lat), ``sum_`` and ``mean_``
    (NaN without values; mean NaN in cells without a value), ``lon_edges_`` (n_lon + 1),
    ``lat_edges_`` (n_lat + 1), ``n_outside_``, ``n_unlocated_``. Memory: 24 bytes per cell
    in the library plus the copies here.
    """

    def __init__(self, cell_deg: float = 0.1, bounds: Sequence[float] = (-180.0, -90.0, 180.0, 90.0)) -> None:
        self.cell_deg = cell_deg
        self.bounds = tuple(bounds)
        self._handle: Any = None

    def fit(self, lon: Any, lat: Any, values: Any = None) -> "DensityGrid":
        """Aggregates the points (values: revenue, churn risk, ...; NaN = missing)."""
        x, y, _ = _pair(lon, lat)
        v = None if values is None else sized(values, x.shape[0], "values", per="points")
        if len(self.bounds) != 4:
            raise _errors.invalid(f"bounds must be (min_lon, min_lat, max_lon, max_lat), got {self.bounds!r}")
        handle = _lib.O.crmkit_geo_grid_create(x, y, v, x.shape[0], float(self.cell_deg),
                                               *(float(b) for b in self.bounds))
        _lib.adopt(self, handle, "geo_grid")
        n_lon, n_lat, self.n_outside_, self.n_unlocated_ = _lib.O.crmkit_geo_grid_sizes(handle)
        shape = (n_lat, n_lon)
        self.count_, self.sum_, self.mean_ = empty(shape, np.int64, np.float64, np.float64)
        _lib.C.crmkit_geo_grid_cells(handle, self.count_, self.sum_, self.mean_, self.count_.size)
        d = float(self.cell_deg)
        self.lon_edges_ = np.minimum(self.bounds[0] + d * np.arange(shape[1] + 1), 180.0)
        self.lat_edges_ = np.minimum(self.bounds[1] + d * np.arange(shape[0] + 1), 90.0)
        return self

    def to_geojson(self, min_count: int = 1) -> str:
        """A GeoJSON FeatureCollection: one Polygon per cell with at least max(min_count, 1)
        points; properties cell, count and (with values) sum and mean (null for NaN)."""
        return _lib.text(_lib.get().crmkit_geo_grid_geojson, _fitted(self), int(min_count))

    def to_frame(self, min_count: int = 1) -> Any:
        """The cells with at least max(min_count, 1) points as a DataFrame: cell, row, col,
        min_lon, min_lat, max_lon, max_lat, count, sum, mean."""
        import pandas as pd

        _fitted(self)
        rows, cols = np.nonzero(self.count_ >= max(int(min_count), 1))
        return pd.DataFrame({
            "cell": rows * self.count_.shape[1] + cols, "row": rows, "col": cols,
            "min_lon": self.lon_edges_[cols], "min_lat": self.lat_edges_[rows],
            "max_lon": self.lon_edges_[cols + 1], "max_lat": self.lat_edges_[rows + 1],
            "count": self.count_[rows, cols], "sum": self.sum_[rows, cols], "mean": self.mean_[rows, cols],
        })


# ---------------------------------------------------------------------------------------
# Coordinate systems and distances

_SYSTEMS = _lib.names("GEO_", "wgs84", "gcj02", "bd09")
_MODELS = _lib.names("GEO_DISTANCE_", "sphere", "wgs84")


def _system(name: str) -> int:
    return _lib.choice("coordinate system", str(name).lower().replace("-", "").replace("_", ""), _SYSTEMS)


def convert_coordinates(lon: Any, lat: Any, source: str, target: str,
                        inplace: bool = False) -> Union[Tuple[float, float], Tuple[np.ndarray, np.ndarray]]:
    """Converts points between WGS84 (GPS), GCJ-02 (Gaode/Amap, Tencent) and BD-09 (Baidu).

    Returns (lon, lat) arrays (floats for scalars). With ``inplace=True`` the input arrays
    themselves are overwritten and returned; they must then be writable C-contiguous
    float64 numpy arrays (nothing is copied). Points outside mainland China are unchanged
    by WGS84 <-> GCJ-02; NaN stays NaN; out-of-range coordinates raise InvalidArgumentError
    (nothing is written then).
    """
    src, dst = _system(source), _system(target)
    if inplace:
        for a, name in ((lon, "lon"), (lat, "lat")):
            if not (isinstance(a, np.ndarray) and a.dtype == np.float64 and a.ndim == 1
                    and a.flags.c_contiguous and a.flags.writeable):
                raise _errors.invalid(f"inplace=True needs {name} as a writable one-dimensional C-contiguous float64 array")
        if lon.shape != lat.shape:
            raise _errors.invalid(f"lon and lat differ in length: {lon.shape[0]} and {lat.shape[0]}")
        if np.shares_memory(lon, lat):
            raise _errors.invalid("lon and lat must not overlap")
        _lib.C.crmkit_geo_convert(src, dst, lon, lat, lon.shape[0], lon, lat)
        return lon, lat
    x, y, scalar = _pair(lon, lat)
    out_x = np.empty_like(x)
    out_y = np.empty_like(y)
    _lib.C.crmkit_geo_convert(src, dst, x, y, x.shape[0], out_x, out_y)
    return (float(out_x[0]), float(out_y[0])) if scalar else (out_x, out_y)


def geo_distance(lon1: Any, lat1: Any, lon2: Any, lat2: Any, model: str = "sphere") -> Union[float, np.ndarray]:
    """Element-wise distances in metres (arrays broadcast): ``model="sphere"`` is the
    haversine distance on the mean Earth radius, ``"wgs84"`` the ellipsoid geodesic
    (GeographicLib, Karney 2013, about 15 nm for any pair). NaN in a pair gives NaN."""
    method = _lib.choice("model", model, _MODELS)
    scalar = all(np.ndim(a) == 0 for a in (lon1, lat1, lon2, lat2))
    arrays = np.broadcast_arrays(*(np.atleast_1d(np.asarray(a, dtype=np.float64)) for a in (lon1, lat1, lon2, lat2)))
    x1, y1, x2, y2 = (_vec(a, name) for a, name in zip(arrays, ("lon1", "lat1", "lon2", "lat2")))
    out = np.empty(x1.shape[0], dtype=np.float64)
    _lib.C.crmkit_geo_distance(x1, y1, x2, y2, x1.shape[0], method, out)
    return float(out[0]) if scalar else out


# ---------------------------------------------------------------------------------------
# Geohash cells


def geohash_encode(lon: Any, lat: Any, precision: int = 7) -> Union[str, np.ndarray]:
    """Geohashes (G. Niemeyer's scheme) of points: a str for a scalar point, else an array
    of str ("" where the point has NaN coordinates). precision: 1..12 characters."""
    x, y, scalar = _pair(lon, lat)
    p = int(precision)  # the library checks 1 <= p <= CRMKIT_GEO_GEOHASH_MAX_PRECISION
    out = ctypes.create_string_buffer(max(x.shape[0], 1) * max(p + 1, 1))
    _lib.C.crmkit_geo_geohash_encode(x, y, x.shape[0], p, out)
    hashes = _split_fixed(out.raw, x.shape[0], p + 1)
    return str(hashes[0]) if scalar else hashes


def _split_fixed(raw: bytes, n: int, stride: int) -> np.ndarray:
    """n NUL-terminated ASCII strings at a fixed stride -> numpy array of str."""
    cells = np.frombuffer(raw, dtype=f"S{stride}", count=n)  # numpy stops each at its first NUL
    return cells.astype(f"U{stride}")


def geohash_decode(hash: str) -> Tuple[float, float, float, float]:
    """The cell of a geohash: (min_lon, min_lat, max_lon, max_lat)."""
    return _lib.O.crmkit_geo_geohash_decode(str(hash).encode("ascii", "replace"))


class GeohashGrid:
    """Points (and optional value columns) counted on geohash cells of one precision, the
    hierarchical alternative to :class:`DensityGrid`; scikit-learn style: configure, fit.

    After fit: ``cells_`` (array of str, ascending), ``count_``, ``sum_`` and ``mean_``
    (n_cells x n_values; mean NaN where a cell has no value), ``boxes_`` (n_cells x 4:
    min_lon, min_lat, max_lon, max_lat), ``point_cell_`` (per point, -1 without location),
    ``n_unlocated_``, ``value_names_``.
    """

    def __init__(self, precision: int = 6) -> None:
        self.precision = precision
        self._handle: Any = None

    def fit(self, lon: Any, lat: Any, values: Any = None) -> "GeohashGrid":
        """values: None, one array, an (n, k) array, or a DataFrame / dict of named columns."""
        x, y, _ = _pair(lon, lat)
        names: list = []
        v = np.empty((x.shape[0], 0))
        if hasattr(values, "keys"):
            names = [str(k) for k in values.keys()]
            v = np.column_stack([np.asarray(values[k], dtype=np.float64) for k in values.keys()] or [v])
        elif values is not None:
            v = np.asarray(values, dtype=np.float64)
            v = v.reshape(-1, 1) if v.ndim == 1 else v
            names = [f"value_{c}" for c in range(v.shape[1])]
        v = np.ascontiguousarray(v, dtype=np.float64)
        if v.ndim != 2 or v.shape[0] != x.shape[0]:
            raise _errors.invalid(f"values have shape {v.shape} for {x.shape[0]} points")
        handle = _lib.O.crmkit_geo_geohash_grid_create(x, y, x.shape[0], v if v.size else None, v.shape[1],
                                                       int(self.precision))
        _lib.adopt(self, handle, "geo_geohash_grid")
        m, k, n_points, self.n_unlocated_, precision = _lib.O.crmkit_geo_geohash_grid_sizes(handle)
        stride = precision + 1
        hashes = ctypes.create_string_buffer(max(m, 1) * stride)
        self.count_ = np.empty(m, dtype=np.int64)
        self.sum_, self.mean_ = empty((m, k), np.float64, np.float64)
        self.boxes_ = np.empty((m, 4), dtype=np.float64)
        _lib.C.crmkit_geo_geohash_grid_cells(handle, hashes, self.count_, self.sum_, self.mean_, self.boxes_, m)
        self.cells_ = _split_fixed(hashes.raw, m, stride)
        self.point_cell_ = np.empty(n_points, dtype=np.int32)
        _lib.C.crmkit_geo_geohash_grid_point_cells(handle, self.point_cell_, self.point_cell_.size)
        self.value_names_ = names
        return self

    def to_geojson(self, min_count: int = 1) -> str:
        """A GeoJSON FeatureCollection: one Polygon per cell with at least max(min_count, 1)
        points; properties geohash, count and per value column c sum_c and mean_c."""
        return _lib.text(_lib.get().crmkit_geo_geohash_grid_geojson, _fitted(self), int(min_count))

    def to_frame(self) -> Any:
        """The cells as a DataFrame: geohash, count, min_lon .. max_lat, sum_<name>, mean_<name>."""
        import pandas as pd

        return pd.DataFrame({"geohash": self.cells_, "count": self.count_,
                             **dict(zip(("min_lon", "min_lat", "max_lon", "max_lat"), self.boxes_.T)),
                             **{f"{stat}_{name}": values[:, c] for c, name in enumerate(self.value_names_)
                                for stat, values in (("sum", self.sum_), ("mean", self.mean_))}})


# ---------------------------------------------------------------------------------------
# Coverage of a rep's assigned customers and the daily summary


def _seconds_scalar(value: Any) -> int:
    """Unix seconds of an integer, a whole float, a datetime64 or anything pandas.Timestamp
    reads (naive values are UTC)."""
    if isinstance(value, (int, np.integer, float, np.floating, np.datetime64)):
        return int(_unix_seconds([value])[0])
    import pandas as pd

    stamp = pd.Timestamp(value)
    stamp = stamp.tz_convert("UTC") if stamp.tzinfo is not None else stamp
    return int(stamp.value // 1_000_000_000)


@dataclass
class RepCoverage:
    """The result of :func:`rep_coverage`."""

    customers: Any         #: DataFrame per assigned customer: customer, n_visits, last_visit (NaN never), time_at_s
    days: Any              #: DataFrame per local day: day, day_start, distance_m, n_visits, n_assigned_visits,
                           #: time_at_customers_s, n_due, due_not_visited (lists of customer ids)
    visits: Any            #: DataFrame of the visits: start, end, lon, lat, customer, customer_distance_m
    n_covered: int         #: assigned customers visited at least once
    share_covered: float   #: n_covered / assigned (NaN when none assigned)


def rep_coverage(tracks: Sequence[Any], assigned: Any, index: GeoIndex, period: Tuple[Any, Any],
                 utc_offset_s: int = 0, max_gap_s: int = 0, next_due: Any = None, frequency_days: Any = None,
                 max_speed_mps: float = _lib.DEFAULT, stop_radius_m: float = _lib.DEFAULT,
                 min_dwell_s: int = _lib.DEFAULT, visit_radius_m: float = _lib.DEFAULT) -> RepCoverage:
    """How well one rep covered their assigned customers over ``period`` = (start, end)
    (Unix seconds or datetimes, end exclusive), with one summary row per local day
    (days start at local midnight, UTC + ``utc_offset_s``). ``tracks``: :class:`Track`
    objects or (time, lon, lat) triples, each analysed on its own. ``next_due`` (Unix
    seconds / datetimes, NaT or None entries = none) and ``frequency_days`` (0 = none) give
    the visit schedule, one entry per assigned customer. Rules: crmkit/geo/coverage.hpp."""
    import pandas as pd

    ts = [t if isinstance(t, Track) else Track(*t) for t in tracks]
    offsets = np.zeros(len(ts) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(t) for t in ts])
    time, lon, lat = (np.ascontiguousarray(np.concatenate([getattr(t, a) for t in ts] or [np.empty(0, dtype)]))
                      for a, dtype in (("time", np.int64), ("lon", np.float64), ("lat", np.float64)))
    ids = np.ascontiguousarray(np.atleast_1d(np.asarray(assigned)), dtype=np.int32)
    if len(period) != 2:
        raise _errors.invalid(f"period must be (start, end), got {period!r}")
    start, end = (_seconds_scalar(p) for p in period)
    due = None
    if next_due is not None:
        due = np.array([np.iinfo(np.int64).min if v is None or pd.isna(v) else _seconds_scalar(v) for v in next_due],
                       dtype=np.int64)
    freq = None if frequency_days is None else np.ascontiguousarray(frequency_days, dtype=np.int32)
    for name, a in (("next_due", due), ("frequency_days", freq)):
        if a is not None and a.shape[0] != ids.shape[0]:
            raise _errors.invalid(f"{name} has {a.shape[0]} entries for {ids.shape[0]} assigned customers")
    with _track_options(max_speed_mps=max_speed_mps, stop_radius_m=stop_radius_m, min_dwell_s=min_dwell_s,
                        visit_radius_m=visit_radius_m) as options:
        with _lib.freed("geo_coverage", _lib.O.crmkit_geo_coverage_compute(
                time, lon, lat, offsets, len(ts), ids, ids.shape[0], index._handle, due, freq, start, end,
                int(utc_offset_s), int(max_gap_s), options)) as result:
            a, n_covered, share, d, v, n_missed = _lib.O.crmkit_geo_coverage_summary(result)
            cust, n_vis, last, time_at = empty(a, np.int32, np.int64, np.int64, np.int64)
            _lib.C.crmkit_geo_coverage_customers(result, cust, n_vis, last, time_at, a)
            day, day_start, dist, dn_vis, dn_ass, dtime, dn_due = empty(d, *[np.int64] * 2, np.float64, *[np.int64] * 4)
            due_off = np.empty(d + 1, dtype=np.int64)
            _lib.C.crmkit_geo_coverage_days(result, day, day_start, dist, dn_vis, dn_ass, dtime, dn_due, due_off, d)
            missed = np.empty(n_missed, dtype=np.int32)
            _lib.C.crmkit_geo_coverage_due_not_visited(result, missed, missed.size)
            vs, ve, vx, vy, vc, vd = empty(v, np.int64, np.int64, np.float64, np.float64, np.int32, np.float64)
            _lib.C.crmkit_geo_coverage_visits(result, vs, ve, vx, vy, vc, vd, v)
    never = last == np.iinfo(np.int64).min
    customers = pd.DataFrame({"customer": cust, "n_visits": n_vis,
                              "last_visit": np.where(never, np.nan, last.astype(np.float64)), "time_at_s": time_at})
    days = pd.DataFrame({"day": day, "day_start": day_start, "distance_m": dist, "n_visits": dn_vis,
                         "n_assigned_visits": dn_ass, "time_at_customers_s": dtime, "n_due": dn_due,
                         "due_not_visited": [missed[due_off[i]:due_off[i + 1]] for i in range(d)]})
    visits = pd.DataFrame({"start": vs, "end": ve, "lon": vx, "lat": vy, "customer": vc, "customer_distance_m": vd})
    return RepCoverage(customers, days, visits, n_covered, share)
