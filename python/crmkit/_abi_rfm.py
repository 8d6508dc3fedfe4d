"""ctypes declarations of crmkit/c/rfm.h (RFM summary, scores and segments).

``SIGNATURES`` maps every function of the header to (restype, argtypes); ``CONSTANTS``
mirrors its ``#define`` values (exported by ``crmkit._lib`` under the same names, without
the ``CRMKIT_`` prefix); ``OPAQUE_TYPES`` names the handle structs. tests/python/test_lib.py
checks all three against the header.
"""

from __future__ import annotations

import ctypes
from ctypes import POINTER, c_char, c_char_p, c_double, c_int, c_int32, c_int64, c_size_t
from typing import Any, Dict, List, Tuple

from ._lib import DatasetP  # defined before _lib imports the module ABIs


class RfmStruct(ctypes.Structure):
    """``crmkit_rfm`` (opaque)."""


RfmP = POINTER(RfmStruct)

OPAQUE_TYPES = {"crmkit_rfm": RfmStruct}

CONSTANTS: Dict[str, int] = {
    "RFM_AS_OF": 1,
    "RFM_TIME_UNIT_SECONDS": 2,
    "RFM_BINS": 3,
    "RFM_TIE_RULE": 4,
    "RFM_N_THREADS": 5,
    "RFM_SEGMENT_PRESET": 6,
    "RFM_TIES_RANK_FIRST": 0,
    "RFM_TIES_R_RFM": 1,
    "RFM_PRESET_GRID11": 0,
    "RFM_PRESET_R_RFM": 1,
    "RFM_PRESET_RF_GRID": 2,
    "RFM_RECENCY_DAYS": 1,
    "RFM_RECENCY": 2,
    "RFM_FREQUENCY": 3,
    "RFM_DISTINCT_DAYS": 4,
    "RFM_MONETARY": 5,
    "RFM_MONETARY_MEAN": 6,
    "RFM_TENURE": 7,
    "RFM_FIRST_PURCHASE": 20,
    "RFM_LAST_PURCHASE": 21,
    "RFM_CUSTOMER": 30,
    "RFM_R_SCORE": 31,
    "RFM_F_SCORE": 32,
    "RFM_M_SCORE": 33,
    "RFM_SEGMENT": 34,
    "RFM_SEG_CUSTOMERS": 1,
    "RFM_SEG_CUSTOMER_SHARE": 2,
    "RFM_SEG_ORDERS": 3,
    "RFM_SEG_REVENUE": 4,
    "RFM_SEG_REVENUE_SHARE": 5,
    "RFM_SEG_MEAN_RECENCY_DAYS": 6,
    "RFM_SEG_MEAN_FREQUENCY": 7,
    "RFM_SEG_MEAN_MONETARY": 8,
    "RFM_SEG_MEAN_R": 9,
    "RFM_SEG_MEAN_F": 10,
    "RFM_SEG_MEAN_M": 11,
}

_size_p = POINTER(c_size_t)

SIGNATURES: Dict[str, Tuple[Any, List[Any]]] = {
    "crmkit_rfm_create": (c_int, [POINTER(RfmP)]),
    "crmkit_rfm_free": (None, [RfmP]),
    "crmkit_rfm_set_int": (c_int, [RfmP, c_int32, c_int64]),
    "crmkit_rfm_add_segment_rule": (c_int, [RfmP, c_char_p, POINTER(c_double), c_size_t]),
    "crmkit_rfm_clear_segment_rules": (c_int, [RfmP]),
    "crmkit_rfm_set_other_name": (c_int, [RfmP, c_char_p]),
    "crmkit_rfm_compute": (c_int, [RfmP, DatasetP]),
    "crmkit_rfm_size": (c_int, [RfmP, _size_p]),
    "crmkit_rfm_column_double": (c_int, [RfmP, c_int32, POINTER(c_double), c_size_t]),
    "crmkit_rfm_column_int64": (c_int, [RfmP, c_int32, POINTER(c_int64), c_size_t]),
    "crmkit_rfm_column_int32": (c_int, [RfmP, c_int32, POINTER(c_int32), c_size_t]),
    "crmkit_rfm_segment_count": (c_int, [RfmP, _size_p]),
    "crmkit_rfm_segment_name": (c_int, [RfmP, c_size_t, POINTER(c_char), c_size_t, _size_p]),
    "crmkit_rfm_segment_summary": (c_int, [RfmP, c_int32, POINTER(c_double), c_size_t]),
}
