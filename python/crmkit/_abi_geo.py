"""ctypes declarations of crmkit/c/geo.h (spatial index, filters, territories).

``SIGNATURES`` maps every function of the header to (restype, argtypes); ``CONSTANTS``
mirrors its ``#define`` values (exported by ``crmkit._lib`` without the ``CRMKIT_``
prefix); ``OPAQUE_TYPES`` names the handle structs. tests/python/test_lib.py checks all
three against the header.
"""

from __future__ import annotations

import ctypes
from ctypes import POINTER, c_char_p, c_double, c_int, c_int32, c_int64, c_size_t
from typing import Any, Dict, List, Tuple


class GeoIndexStruct(ctypes.Structure):
    """``crmkit_geo_index`` (opaque)."""


class GeoFilterStruct(ctypes.Structure):
    """``crmkit_geo_filter`` (opaque)."""


class GeoResultStruct(ctypes.Structure):
    """``crmkit_geo_result`` (opaque)."""


GeoIndexP = POINTER(GeoIndexStruct)
GeoFilterP = POINTER(GeoFilterStruct)
GeoResultP = POINTER(GeoResultStruct)

OPAQUE_TYPES = {
    "crmkit_geo_index": GeoIndexStruct,
    "crmkit_geo_filter": GeoFilterStruct,
    "crmkit_geo_result": GeoResultStruct,
}

CONSTANTS: Dict[str, int] = {
    "GEO_NORMALIZE_LONGITUDE": 1,
    "GEO_ORDER_NONE": 0,
    "GEO_ORDER_DISTANCE": 1,
    "GEO_ORDER_INDEX": 2,
    "GEO_EQUAL": 0,
    "GEO_NOT_EQUAL": 1,
    "GEO_LESS": 2,
    "GEO_LESS_EQUAL": 3,
    "GEO_GREATER": 4,
    "GEO_GREATER_EQUAL": 5,
}

_dp = POINTER(c_double)
_size_p = POINTER(c_size_t)

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
    "crmkit_geo_filter_create": (c_int, [c_size_t, POINTER(GeoFilterP)]),
    "crmkit_geo_filter_free": (None, [GeoFilterP]),
    "crmkit_geo_filter_require": (c_int, [GeoFilterP, _dp, c_size_t, c_int32, c_double]),
    "crmkit_geo_filter_count": (c_int, [GeoFilterP, _size_p]),
    "crmkit_geo_result_sizes": (c_int, [GeoResultP, _size_p, _size_p]),
    "crmkit_geo_result_copy": (c_int, [GeoResultP, POINTER(c_int64), POINTER(c_int32), _dp]),
    "crmkit_geo_result_free": (None, [GeoResultP]),
}
