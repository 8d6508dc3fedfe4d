"""ctypes declarations of crmkit/c/geo.h (spatial index, filters, territories, reps,
tracks, density grids, coordinate conversions and distances).

``SIGNATURES`` maps every function of the header to (restype, argtypes); ``CONSTANTS``
mirrors its ``#define`` values (exported by ``crmkit._lib`` without the ``CRMKIT_``
prefix); ``OPAQUE_TYPES`` names the handle structs. tests/python/test_lib.py checks all
three against the header.
"""

from __future__ import annotations

import ctypes
from ctypes import POINTER, c_char, c_char_p, c_double, c_int, c_int32, c_int64, c_size_t
from typing import Any, Dict, List, Tuple

from ._abi_table import TableP  # per-customer results
from ._lib import DatasetP  # defined before _lib imports the module ABIs


class GeoIndexStruct(ctypes.Structure):
    """``crmkit_geo_index`` (opaque)."""


class GeoFilterStruct(ctypes.Structure):
    """``crmkit_geo_filter`` (opaque)."""


class GeoResultStruct(ctypes.Structure):
    """``crmkit_geo_result`` (opaque)."""


class GeoTerritoryStruct(ctypes.Structure):
    """``crmkit_geo_territory`` (opaque)."""


class GeoRepsStruct(ctypes.Structure):
    """``crmkit_geo_reps`` (opaque)."""


class GeoTrackOptionsStruct(ctypes.Structure):
    """``crmkit_geo_track_options`` (opaque)."""


class GeoTrackStruct(ctypes.Structure):
    """``crmkit_geo_track`` (opaque)."""


class GeoGridStruct(ctypes.Structure):
    """``crmkit_geo_grid`` (opaque)."""


class GeoGeohashGridStruct(ctypes.Structure):
    """``crmkit_geo_geohash_grid`` (opaque)."""


class GeoCoverageStruct(ctypes.Structure):
    """``crmkit_geo_coverage`` (opaque)."""


GeoIndexP = POINTER(GeoIndexStruct)
GeoFilterP = POINTER(GeoFilterStruct)
GeoResultP = POINTER(GeoResultStruct)
GeoTerritoryP = POINTER(GeoTerritoryStruct)
GeoRepsP = POINTER(GeoRepsStruct)
GeoTrackOptionsP = POINTER(GeoTrackOptionsStruct)
GeoTrackP = POINTER(GeoTrackStruct)
GeoGridP = POINTER(GeoGridStruct)
GeoGeohashGridP = POINTER(GeoGeohashGridStruct)
GeoCoverageP = POINTER(GeoCoverageStruct)

OPAQUE_TYPES = {
    "crmkit_geo_index": GeoIndexStruct,
    "crmkit_geo_filter": GeoFilterStruct,
    "crmkit_geo_result": GeoResultStruct,
    "crmkit_geo_territory": GeoTerritoryStruct,
    "crmkit_geo_reps": GeoRepsStruct,
    "crmkit_geo_track_options": GeoTrackOptionsStruct,
    "crmkit_geo_track": GeoTrackStruct,
    "crmkit_geo_grid": GeoGridStruct,
    "crmkit_geo_geohash_grid": GeoGeohashGridStruct,
    "crmkit_geo_coverage": GeoCoverageStruct,
}

CONSTANTS: Dict[str, int] = {
    "GEO_NORMALIZE_LONGITUDE": 1,
    "GEO_WGS84_DISTANCES": 2,
    "GEO_ORDER_NONE": 0,
    "GEO_ORDER_DISTANCE": 1,
    "GEO_ORDER_INDEX": 2,
    "GEO_EQUAL": 0,
    "GEO_NOT_EQUAL": 1,
    "GEO_LESS": 2,
    "GEO_LESS_EQUAL": 3,
    "GEO_GREATER": 4,
    "GEO_GREATER_EQUAL": 5,
    "GEO_WRAP_ANTIMERIDIAN": 1,
    "GEO_WITHIN_TERRITORY": 1,
    "GEO_TRACK_MAX_SPEED_MPS": 1,
    "GEO_TRACK_STOP_RADIUS_M": 2,
    "GEO_TRACK_MIN_DWELL_S": 3,
    "GEO_TRACK_VISIT_RADIUS_M": 4,
    "GEO_WGS84": 0,
    "GEO_GCJ02": 1,
    "GEO_BD09": 2,
    "GEO_DISTANCE_SPHERE": 0,
    "GEO_DISTANCE_WGS84": 1,
    "GEO_GEOHASH_MAX_PRECISION": 12,
}

_dp = POINTER(c_double)
_size_p = POINTER(c_size_t)
_i32p = POINTER(c_int32)
_i64p = POINTER(c_int64)

SIGNATURES: Dict[str, Tuple[Any, List[Any]]] = {
    "crmkit_geo_index_create": (c_int, [_dp, _dp, c_size_t, c_double, c_int32, POINTER(GeoIndexP)]),
    "crmkit_geo_index_free": (None, [GeoIndexP]),
    "crmkit_geo_index_size": (c_int, [GeoIndexP, _size_p, _size_p]),
    "crmkit_geo_index_count_within": (
        c_int,
        [GeoIndexP, _dp, _dp, c_size_t, c_double, GeoFilterP, c_int32, POINTER(c_int64)],
    ),
    "crmkit_geo_index_within": (
        c_int,
        [GeoIndexP, _dp, _dp, c_size_t, c_double, GeoFilterP, c_int32, c_int32, POINTER(GeoResultP)],
    ),
    "crmkit_geo_index_nearest": (
        c_int,
        [GeoIndexP, _dp, _dp, c_size_t, c_size_t, GeoFilterP, c_int32, POINTER(c_int32), _dp],
    ),
    "crmkit_geo_index_in_box": (
        c_int,
        [GeoIndexP, c_double, c_double, c_double, c_double, GeoFilterP, c_int32, POINTER(GeoResultP)],
    ),
    "crmkit_geo_index_in_territory": (c_int, [GeoIndexP, c_char_p, GeoFilterP, c_int32, POINTER(GeoResultP)]),
    "crmkit_geo_territory_contains": (c_int, [c_char_p, _dp, _dp, c_size_t, c_int32, POINTER(c_int32)]),
    "crmkit_geo_territory_create": (c_int, [c_char_p, c_int32, POINTER(GeoTerritoryP)]),
    "crmkit_geo_territory_free": (None, [GeoTerritoryP]),
    "crmkit_geo_territory_bounds": (c_int, [GeoTerritoryP, _dp, _dp, _dp, _dp]),
    "crmkit_geo_territory_test": (c_int, [GeoTerritoryP, _dp, _dp, c_size_t, c_int32, POINTER(c_int32)]),
    "crmkit_geo_index_in_area": (c_int, [GeoIndexP, GeoTerritoryP, GeoFilterP, c_int32, POINTER(GeoResultP)]),
    "crmkit_geo_filter_create": (c_int, [c_size_t, POINTER(GeoFilterP)]),
    "crmkit_geo_filter_free": (None, [GeoFilterP]),
    "crmkit_geo_filter_require": (c_int, [GeoFilterP, _dp, c_size_t, c_int32, c_double]),
    "crmkit_geo_filter_count": (c_int, [GeoFilterP, _size_p]),
    "crmkit_geo_result_sizes": (c_int, [GeoResultP, _size_p, _size_p]),
    "crmkit_geo_result_copy": (c_int, [GeoResultP, POINTER(c_int64), POINTER(c_int32), _dp]),
    "crmkit_geo_result_free": (None, [GeoResultP]),
    # reps
    "crmkit_geo_reps_create": (c_int, [_dp, _dp, c_size_t, POINTER(c_char_p), POINTER(GeoRepsP)]),
    "crmkit_geo_reps_free": (None, [GeoRepsP]),
    "crmkit_geo_reps_size": (c_int, [GeoRepsP, _size_p]),
    "crmkit_geo_reps_set_available": (c_int, [GeoRepsP, c_size_t, c_int32]),
    "crmkit_geo_reps_available": (c_int, [GeoRepsP, _i32p]),
    "crmkit_geo_reps_nearest": (
        c_int,
        [GeoRepsP, _dp, _dp, c_size_t, c_size_t, c_double, c_int32, c_int32, _i32p, _dp],
    ),
    "crmkit_geo_reps_assign": (
        c_int,
        [GeoRepsP, _dp, _dp, c_size_t, _i32p, c_double, c_int32, _i32p, _dp, _i32p, _size_p],
    ),
    # geo over a dataset's customers
    "crmkit_geo_index_from_dataset": (c_int, [DatasetP, c_double, c_int32, POINTER(GeoIndexP)]),
    "crmkit_geo_reps_nearest_from_dataset": (
        c_int,
        [GeoRepsP, DatasetP, c_size_t, c_double, c_int32, c_int32, POINTER(TableP)],
    ),
    "crmkit_geo_reps_assign_from_dataset": (
        c_int,
        [GeoRepsP, DatasetP, _i32p, c_size_t, c_double, c_int32, POINTER(TableP)],
    ),
    "crmkit_geo_territories_from_dataset": (
        c_int,
        [DatasetP, POINTER(GeoTerritoryP), POINTER(c_char_p), c_size_t, c_int32, POINTER(TableP)],
    ),
    # tracks
    "crmkit_geo_track_options_create": (c_int, [POINTER(GeoTrackOptionsP)]),
    "crmkit_geo_track_options_free": (None, [GeoTrackOptionsP]),
    "crmkit_geo_track_options_set": (c_int, [GeoTrackOptionsP, c_int32, c_double]),
    "crmkit_geo_track_analyze": (
        c_int,
        [_i64p, _dp, _dp, c_size_t, GeoIndexP, GeoTrackOptionsP, POINTER(GeoTrackP)],
    ),
    "crmkit_geo_track_free": (None, [GeoTrackP]),
    "crmkit_geo_track_summary": (c_int, [GeoTrackP, _size_p, _dp, _size_p, _size_p, _size_p, _i64p]),
    "crmkit_geo_track_kept": (c_int, [GeoTrackP, _i32p]),
    "crmkit_geo_track_stops": (c_int, [GeoTrackP, _i64p, _i64p, _i64p, _i64p, _dp, _dp, _i32p, _dp]),
    # density grids
    "crmkit_geo_grid_create": (
        c_int,
        [_dp, _dp, _dp, c_size_t, c_double, c_double, c_double, c_double, c_double, POINTER(GeoGridP)],
    ),
    "crmkit_geo_grid_free": (None, [GeoGridP]),
    "crmkit_geo_grid_sizes": (c_int, [GeoGridP, _size_p, _size_p, _size_p, _size_p]),
    "crmkit_geo_grid_cells": (c_int, [GeoGridP, _i64p, _dp, _dp]),
    "crmkit_geo_grid_geojson": (c_int, [GeoGridP, c_int64, POINTER(c_char), c_size_t, _size_p]),
    # coordinate systems and distances
    "crmkit_geo_convert": (c_int, [c_int32, c_int32, _dp, _dp, c_size_t, _dp, _dp]),
    "crmkit_geo_distance": (c_int, [_dp, _dp, _dp, _dp, c_size_t, c_int32, _dp]),
    # geohash cells
    "crmkit_geo_geohash_encode": (c_int, [_dp, _dp, c_size_t, c_int32, POINTER(c_char)]),
    "crmkit_geo_geohash_decode": (c_int, [c_char_p, _dp, _dp, _dp, _dp]),
    "crmkit_geo_geohash_grid_create": (
        c_int,
        [_dp, _dp, c_size_t, _dp, c_size_t, c_int32, POINTER(GeoGeohashGridP)],
    ),
    "crmkit_geo_geohash_grid_free": (None, [GeoGeohashGridP]),
    "crmkit_geo_geohash_grid_sizes": (c_int, [GeoGeohashGridP, _size_p, _size_p, _size_p, _size_p, _i32p]),
    "crmkit_geo_geohash_grid_cells": (c_int, [GeoGeohashGridP, POINTER(c_char), _i64p, _dp, _dp, _dp]),
    "crmkit_geo_geohash_grid_point_cells": (c_int, [GeoGeohashGridP, _i32p]),
    "crmkit_geo_geohash_grid_geojson": (c_int, [GeoGeohashGridP, c_int64, POINTER(c_char), c_size_t, _size_p]),
    # coverage
    "crmkit_geo_coverage_compute": (
        c_int,
        [_i64p, _dp, _dp, _i64p, c_size_t, _i32p, c_size_t, GeoIndexP, _i64p, _i32p, c_int64, c_int64, c_int64,
         c_int64, GeoTrackOptionsP, POINTER(GeoCoverageP)],
    ),
    "crmkit_geo_coverage_free": (None, [GeoCoverageP]),
    "crmkit_geo_coverage_summary": (c_int, [GeoCoverageP, _size_p, _size_p, _dp, _size_p, _size_p, _size_p]),
    "crmkit_geo_coverage_customers": (c_int, [GeoCoverageP, _i32p, _i64p, _i64p, _i64p]),
    "crmkit_geo_coverage_days": (c_int, [GeoCoverageP, _i64p, _i64p, _dp, _i64p, _i64p, _i64p, _i64p, _i64p]),
    "crmkit_geo_coverage_due_not_visited": (c_int, [GeoCoverageP, _i32p]),
    "crmkit_geo_coverage_visits": (c_int, [GeoCoverageP, _i64p, _i64p, _dp, _dp, _i32p, _dp]),
}
