"""ctypes declarations of crmkit/c/table.h (the customer table) and crmkit/c/scoring.h.

``SIGNATURES``, ``CONSTANTS`` and ``OPAQUE_TYPES`` as in ``_abi_rfm``; checked against the
headers by tests/python/test_lib.py.
"""

from __future__ import annotations

import ctypes
from ctypes import POINTER, c_char, c_char_p, c_double, c_int, c_int32, c_int64, c_size_t
from typing import Any, Dict, List, Tuple

from ._lib import DatasetP  # defined before _lib imports the module ABIs


class TableStruct(ctypes.Structure):
    """``crmkit_table`` (opaque)."""


class ScoreConfigStruct(ctypes.Structure):
    """``crmkit_score_config`` (opaque)."""


TableP = POINTER(TableStruct)
ScoreConfigP = POINTER(ScoreConfigStruct)

OPAQUE_TYPES = {"crmkit_table": TableStruct, "crmkit_score_config": ScoreConfigStruct}

CONSTANTS: Dict[str, int] = {
    "COLUMN_FLOAT64": 0,
    "COLUMN_INT64": 1,
    "COLUMN_CATEGORY": 2,
    "COLUMN_TIME": 3,
}

_size_p = POINTER(c_size_t)
_buf = POINTER(c_char)

SIGNATURES: Dict[str, Tuple[Any, List[Any]]] = {
    "crmkit_table_create": (c_int, [POINTER(c_char_p), c_size_t, POINTER(TableP)]),
    "crmkit_table_set_float64": (c_int, [TableP, c_char_p, POINTER(c_double), c_size_t]),
    "crmkit_table_set_int64": (c_int, [TableP, c_char_p, POINTER(c_int64), c_size_t]),
    "crmkit_table_set_time": (c_int, [TableP, c_char_p, POINTER(c_int64), c_size_t]),
    "crmkit_table_set_category": (
        c_int,
        [TableP, c_char_p, POINTER(c_int32), c_size_t, POINTER(c_char_p), c_size_t],
    ),
    "crmkit_table_free": (None, [TableP]),
    "crmkit_table_n_rows": (c_int, [TableP, _size_p]),
    "crmkit_table_n_columns": (c_int, [TableP, _size_p]),
    "crmkit_table_column_name": (c_int, [TableP, c_size_t, _buf, c_size_t, _size_p]),
    "crmkit_table_column_type": (c_int, [TableP, c_size_t, POINTER(c_int32)]),
    "crmkit_table_find_column": (c_int, [TableP, c_char_p, _size_p]),
    "crmkit_table_float64": (c_int, [TableP, c_size_t, POINTER(c_double), c_size_t]),
    "crmkit_table_int64": (c_int, [TableP, c_size_t, POINTER(c_int64), c_size_t]),
    "crmkit_table_category_codes": (c_int, [TableP, c_size_t, POINTER(c_int32), c_size_t]),
    "crmkit_table_n_levels": (c_int, [TableP, c_size_t, _size_p]),
    "crmkit_table_level": (c_int, [TableP, c_size_t, c_size_t, _buf, c_size_t, _size_p]),
    "crmkit_table_customer_id": (c_int, [TableP, c_size_t, _buf, c_size_t, _size_p]),
    "crmkit_table_select": (c_int, [TableP, c_char_p, POINTER(c_int32), c_size_t, _size_p]),
    "crmkit_table_report_json": (c_int, [TableP, _buf, c_size_t, _size_p]),
    "crmkit_score_config_parse": (c_int, [c_char_p, c_size_t, POINTER(ScoreConfigP)]),
    "crmkit_score_config_free": (None, [ScoreConfigP]),
    "crmkit_score_customers": (c_int, [DatasetP, c_int64, ScoreConfigP, POINTER(TableP)]),
}
