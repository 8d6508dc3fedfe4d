"""Geospatial queries over customer locations (crmkit/c/geo.h).

Example::

    import numpy as np, crmkit
    index = crmkit.GeoIndex(lon, lat)                     # degrees; NaN = no location
    ids, metres = index.within(2.35, 48.86, 5000.0)       # one query point
    ids, metres = index.nearest(lon_q, lat_q, k=10)       # arrays (m, k)
    counts = index.count_within(lon_q, lat_q, 2000.0, n_threads=2)
    inside = index.in_territory("POLYGON ((2.2 48.8, 2.5 48.8, 2.5 48.95, 2.2 48.8))")
    mask = crmkit.territory_contains(geojson_text, lon, lat)
    pacific = crmkit.Territory("POLYGON ((170 -5, -170 -5, -170 5, 170 5, 170 -5))", wrap_antimeridian=True)
    inside = index.in_territory(pacific)                   # parsed once, reusable
    inside = pacific.contains(dataset)                     # bool Series indexed by customer_id

Keys: given pandas Series of longitudes/latitudes (e.g. columns of a customer table
indexed by customer_id), :meth:`Territory.contains` and :func:`territory_contains` return
a bool Series with that index (name "inside"); given a :class:`crmkit.Dataset` with
customer locations instead of (lon, lat), they test its customers and index the result
by customer id (customers without a location are not inside). Arrays give arrays.

Distances are great-circle metres on a sphere of the mean Earth radius 6,371,008.8 m
(the haversine distance; scikit-learn's BallTree(metric="haversine") on radians times
the radius gives the same neighbours). Results never depend on ``n_threads``. Errors are
raised as :class:`crmkit.Error` (``InvalidArgumentError`` for bad coordinates, radius
or k; a parse error with the position for malformed WKT/GeoJSON).
"""

from __future__ import annotations

from typing import Any, List, Optional, Tuple, Union

import numpy as np

from . import _errors, _lib
from ._arrays import empty, keyed, series_index, size
from .dataset import Dataset

__all__ = ["GeoIndex", "GeoFilter", "Territory", "territory_contains", "customer_territories", "EARTH_MEAN_RADIUS_M"]

#: The default sphere radius (IUGG mean Earth radius R1), metres.
EARTH_MEAN_RADIUS_M = 6371008.8

_ORDERS = {None: _lib.GEO_ORDER_NONE, **_lib.names("GEO_ORDER_", "none", "distance", "index")}
_OPS = dict(zip(("==", "!=", "<", "<=", ">", ">="), (_lib.GEO_EQUAL, _lib.GEO_NOT_EQUAL, _lib.GEO_LESS,
                                                     _lib.GEO_LESS_EQUAL, _lib.GEO_GREATER, _lib.GEO_GREATER_EQUAL)))


def _vec(x: Any, name: str) -> np.ndarray:
    a = np.ascontiguousarray(np.atleast_1d(np.asarray(x, dtype=np.float64)))
    if a.ndim != 1:
        raise _errors.invalid(f"{name} must be one-dimensional, got shape {a.shape}")
    return a


def _pair(lon: Any, lat: Any) -> Tuple[np.ndarray, np.ndarray, bool]:
    scalar = np.ndim(lon) == 0 and np.ndim(lat) == 0
    x, y = _vec(lon, "lon"), _vec(lat, "lat")
    if x.shape != y.shape:
        raise _errors.invalid(f"lon and lat differ in length: {x.shape[0]} and {y.shape[0]}")
    return x, y, scalar


def _customer_frame(ptr: Any, dataset: Any) -> Any:
    """A crmkit_table of per-customer geo results as a DataFrame indexed by customer_id; the
    location report (n_customers, n_located, n_unlocated, ...) is in attrs["crmkit_report"]."""
    import json

    from .table import _string, _TableHandle, to_frame

    handle = _TableHandle(ptr)
    frame = to_frame(handle, dataset.customer_ids)
    frame.attrs["crmkit_report"] = json.loads(_string(_lib.get().crmkit_table_report_json, handle.ptr))
    return frame


class GeoFilter:
    """Rows a query may return, built from attribute columns without rebuilding the index.

    ``GeoFilter(n).require(churn_risk, ">", 0.7).require(segment, "==", 3)`` keeps the
    rows passing every condition (NaN never passes).
    """

    def __init__(self, n: int) -> None:
        self._n = int(n)
        _lib.adopt(self, _lib.O.crmkit_geo_filter_create(self._n), "geo_filter")

    def require(self, values: Any, op: str, threshold: float) -> "GeoFilter":
        """Keeps rows with ``values[row] op threshold``; op is one of == != < <= > >=."""
        op_code = _lib.choice("op", op, _OPS)
        v = _vec(values, "values")
        _lib.C.crmkit_geo_filter_require(self._handle, v, v.shape[0], op_code, float(threshold))
        return self

    def __len__(self) -> int:
        return self._n

    @property
    def count(self) -> int:
        """Number of rows kept."""
        return _lib.O.crmkit_geo_filter_count(self._handle)


class Territory:
    """A territory (WKT POLYGON/MULTIPOLYGON or GeoJSON text) parsed and validated once,
    for repeated tests. ``wrap_antimeridian=True`` accepts polygons crossing +-180 unsplit
    (an edge spanning more than 180 degrees goes the short way); by default they are
    rejected, as RFC 7946 asks for a split MultiPolygon. Immutable; thread-safe."""

    def __init__(self, text: str, wrap_antimeridian: bool = False) -> None:
        flags = _lib.GEO_WRAP_ANTIMERIDIAN if wrap_antimeridian else 0
        _lib.adopt(self, _lib.O.crmkit_geo_territory_create(text, flags), "geo_territory")

    @property
    def bounds(self) -> Tuple[float, float, float, float]:
        """(min_lon, min_lat, max_lon, max_lat); min_lon > max_lon when it crosses +-180."""
        return _lib.O.crmkit_geo_territory_bounds(self._handle)

    def contains(self, lon: Any, lat: Any = None, n_threads: int = 1) -> Any:
        """Boolean mask: which (lon, lat) points lie inside. A bool Series named "inside"
        indexed like lon / lat when they are pandas Series; ``contains(dataset)`` tests a
        :class:`crmkit.Dataset`'s customer locations and indexes the Series by customer id
        (a customer without a location is not inside)."""
        if isinstance(lon, Dataset):
            if lat is not None:
                raise TypeError("contains(dataset) takes no lat")
            table = customer_territories(lon, {"inside": self}, n_threads)
            return keyed(table["territory"].notna().to_numpy(), table.index, "inside")
        if lat is None:
            raise TypeError("contains() needs lon and lat (or a Dataset with customer locations)")
        index = series_index((("lon", lon), ("lat", lat)))
        x, y, _ = _pair(lon, lat)
        out = np.empty(x.shape[0], dtype=np.int32)
        _lib.C.crmkit_geo_territory_test(self._handle, x, y, x.shape[0], n_threads, out)
        return keyed(out.astype(bool), index, "inside")


def _index_options(earth_radius_m: Optional[float], normalize_longitude: bool, distance_model: str) -> Tuple[float, int]:
    """(earth radius, flags) of crmkit_geo_index_create / _from_dataset; radius 0 is the library's default."""
    flags = _lib.choice("distance_model", distance_model, {"sphere": 0, "wgs84": _lib.GEO_WGS84_DISTANCES})
    flags |= _lib.GEO_NORMALIZE_LONGITUDE if normalize_longitude else 0
    return 0.0 if earth_radius_m is None else float(earth_radius_m), flags


def _filter_handle(filter: Optional[GeoFilter]) -> Any:
    return None if filter is None else filter._handle


class GeoIndex:
    """A spatial index over points (longitude, latitude) in degrees; row i has id i.

    Args:
        lon, lat: equal-length arrays of degrees; NaN in both = no location (never returned).
        earth_radius_m: sphere radius for distances (default the mean Earth radius).
        normalize_longitude: wrap longitudes outside [-180, 180] instead of rejecting them.
        distance_model: "sphere" (great circles, the default and fastest) or "wgs84"
            (geodesics on the WGS84 ellipsoid, GeographicLib; earth_radius_m must then be None).

    The coordinates are copied; memory is about 52-60 bytes per located point. A built
    index is immutable: concurrent queries from several threads are safe.
    """

    def __init__(self, lon: Any, lat: Any, earth_radius_m: Optional[float] = None,
                 normalize_longitude: bool = False, distance_model: str = "sphere") -> None:
        x, y, _ = _pair(lon, lat)
        radius, flags = _index_options(earth_radius_m, normalize_longitude, distance_model)
        _lib.adopt(self, _lib.O.crmkit_geo_index_create(x, y, x.shape[0], radius, flags), "geo_index")

    @classmethod
    def from_dataset(cls, dataset: Any, earth_radius_m: Optional[float] = None, normalize_longitude: bool = False,
                     distance_model: str = "sphere") -> "GeoIndex":
        """An index over a :class:`Dataset`'s customer locations: id i is customer i (the
        order of ``dataset.customer_ids``); customers without a location are never returned.
        Options as for the constructor. Raises InvalidArgumentError when the dataset has no
        customer locations."""
        radius, flags = _index_options(earth_radius_m, normalize_longitude, distance_model)
        self = cls.__new__(cls)
        _lib.adopt(self, _lib.O.crmkit_geo_index_from_dataset(dataset._h().ptr, radius, flags), "geo_index")
        return self

    def close(self) -> None:
        """Frees the index now (also done when the object is collected)."""
        self._finalizer()

    def __enter__(self) -> "GeoIndex":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _sizes(self) -> Tuple[int, int]:
        return _lib.O.crmkit_geo_index_size(self._handle)

    def __len__(self) -> int:
        return self._sizes()[0]

    @property
    def n_located(self) -> int:
        """Number of rows with a location."""
        return self._sizes()[1]

    @staticmethod
    def _take(result: Any) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
        with _lib.freed("geo_result", result):
            nq, nh = _lib.O.crmkit_geo_result_sizes(result)
            offsets, (ids, dist) = np.empty(nq + 1, dtype=np.int64), empty(nh, np.int32, np.float64)
            _lib.C.crmkit_geo_result_copy(result, offsets, offsets.size, ids, dist, ids.size)
        return offsets, ids, dist

    def within_csr(self, lon: Any, lat: Any, radius_m: float, sort: Optional[str] = None,
                   filter: Optional[GeoFilter] = None, n_threads: int = 1) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
        """All hits of many queries in compressed rows: (offsets (m+1,), ids, distances_m);
        the hits of query q are ids[offsets[q]:offsets[q+1]]. sort: None, "distance" or "index"."""
        order = _lib.choice("sort", sort, _ORDERS)
        x, y, _ = _pair(lon, lat)
        return self._take(_lib.O.crmkit_geo_index_within(self._handle, x, y, x.shape[0], float(radius_m),
                                                         _filter_handle(filter), order, n_threads))

    def within(self, lon: Any, lat: Any, radius_m: float, sort: Optional[str] = None,
               filter: Optional[GeoFilter] = None, n_threads: int = 1
               ) -> Union[Tuple[np.ndarray, np.ndarray], Tuple[List[np.ndarray], List[np.ndarray]]]:
        """Points within ``radius_m`` metres (boundary included).

        For a scalar query point: (ids, distances_m) arrays. For arrays of query points:
        (list of id arrays, list of distance arrays), one per query, like BallTree.query_radius.
        """
        scalar = np.ndim(lon) == 0 and np.ndim(lat) == 0
        offsets, ids, dist = self.within_csr(lon, lat, radius_m, sort, filter, n_threads)
        if scalar:
            return ids, dist
        cuts = offsets[1:-1]
        return np.split(ids, cuts), np.split(dist, cuts)

    def count_within(self, lon: Any, lat: Any, radius_m: float, filter: Optional[GeoFilter] = None,
                     n_threads: int = 1) -> Union[int, np.ndarray]:
        """Number of points within ``radius_m`` metres of each query point."""
        x, y, scalar = _pair(lon, lat)
        out = np.empty(x.shape[0], dtype=np.int64)
        _lib.C.crmkit_geo_index_count_within(self._handle, x, y, x.shape[0], float(radius_m), _filter_handle(filter),
                                             n_threads, out)
        return int(out[0]) if scalar else out

    def nearest(self, lon: Any, lat: Any, k: int = 1, filter: Optional[GeoFilter] = None,
                n_threads: int = 1) -> Tuple[np.ndarray, np.ndarray]:
        """The k nearest points, closest first, ties by smaller id: (ids, distances_m),
        shape (k,) for a scalar query, (m, k) for arrays; -1 / NaN pad missing neighbours."""
        x, y, scalar = _pair(lon, lat)
        k = size(k, "k")  # the library rejects k = 0
        ids, dist = empty((x.shape[0], k), np.int32, np.float64)
        _lib.C.crmkit_geo_index_nearest(self._handle, x, y, x.shape[0], k, _filter_handle(filter), n_threads, ids, dist)
        return (ids[0], dist[0]) if scalar else (ids, dist)

    def in_box(self, min_lon: float, min_lat: float, max_lon: float, max_lat: float,
               filter: Optional[GeoFilter] = None, sort: Optional[str] = "index") -> np.ndarray:
        """Ids with min_lat <= lat <= max_lat and lon in [min_lon, max_lon] (across the
        antimeridian when min_lon > max_lon)."""
        return self._take(_lib.O.crmkit_geo_index_in_box(self._handle, float(min_lon), float(min_lat), float(max_lon),
                                                         float(max_lat), _filter_handle(filter), _ORDERS[sort]))[1]

    def in_territory(self, territory: Union[str, Territory], filter: Optional[GeoFilter] = None,
                     sort: Optional[str] = "index") -> np.ndarray:
        """Ids inside a territory: WKT (POLYGON/MULTIPOLYGON) or GeoJSON text, or a parsed
        :class:`Territory` (e.g. one crossing the antimeridian unsplit)."""
        if isinstance(territory, Territory):
            result = _lib.O.crmkit_geo_index_in_area(self._handle, territory._handle, _filter_handle(filter),
                                                     _ORDERS[sort])
        else:
            result = _lib.O.crmkit_geo_index_in_territory(self._handle, territory,
                                                          _filter_handle(filter), _ORDERS[sort])
        return self._take(result)[1]


def territory_contains(territory: Union[str, Territory], lon: Any, lat: Any = None, n_threads: int = 1) -> Any:
    """Boolean mask: which (lon, lat) points lie inside the territory (WKT or GeoJSON text,
    or a parsed :class:`Territory`). Keyed as :meth:`Territory.contains`: a bool Series
    indexed like lon / lat when they are pandas Series, or by customer id for
    ``territory_contains(territory, dataset)``."""
    if isinstance(territory, Territory):
        return territory.contains(lon, lat, n_threads)
    if isinstance(lon, Dataset) or lat is None:
        return Territory(territory).contains(lon, lat, n_threads)
    index = series_index((("lon", lon), ("lat", lat)))
    x, y, _ = _pair(lon, lat)
    out = np.empty(x.shape[0], dtype=np.int32)
    _lib.C.crmkit_geo_territory_contains(territory, x, y, x.shape[0], n_threads, out)
    return keyed(out.astype(bool), index, "inside")


def customer_territories(dataset: Any, territories: Any, n_threads: int = 1) -> Any:
    """The territory of every customer of a :class:`Dataset`: a DataFrame indexed by
    customer_id with the category column ``territory`` (the first of ``territories``, a
    mapping name -> :class:`Territory` or WKT/GeoJSON text, that contains the customer; NaN
    when none does or the customer has no location). ``attrs["crmkit_report"]`` counts the
    customers with and without a location."""

    areas = [t if isinstance(t, Territory) else Territory(t) for t in territories.values()]
    return _customer_frame(_lib.O.crmkit_geo_territories_from_dataset(
        dataset._h().ptr, [a._handle for a in areas], list(territories), len(areas), n_threads), dataset)
