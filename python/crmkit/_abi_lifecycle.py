"""ctypes declarations of crmkit/c/lifecycle.h (customer lifecycle state machines).

``SIGNATURES``, ``CONSTANTS`` and ``OPAQUE_TYPES`` as in ``_abi_rfm``; checked against the
header by tests/python/test_lib.py.
"""

from __future__ import annotations

import ctypes
from ctypes import POINTER, c_char, c_char_p, c_double, c_int, c_int32, c_int64, c_size_t
from typing import Any, Dict, List, Tuple

from ._abi_table import TableP
from ._lib import DatasetP  # defined before _lib imports the module ABIs


class LifecycleModelStruct(ctypes.Structure):
    """``crmkit_lifecycle_model`` (opaque)."""


class LifecycleStruct(ctypes.Structure):
    """``crmkit_lifecycle`` (opaque)."""


class LifecycleBuilderStruct(ctypes.Structure):
    """``crmkit_lifecycle_builder`` (opaque)."""


LifecycleModelP = POINTER(LifecycleModelStruct)
LifecycleP = POINTER(LifecycleStruct)
LifecycleBuilderP = POINTER(LifecycleBuilderStruct)

OPAQUE_TYPES = {
    "crmkit_lifecycle_model": LifecycleModelStruct,
    "crmkit_lifecycle": LifecycleStruct,
    "crmkit_lifecycle_builder": LifecycleBuilderStruct,
}

CONSTANTS: Dict[str, int] = {
    "LIFECYCLE_N_THREADS": 1,
    "LIFECYCLE_DAILY": 0,
    "LIFECYCLE_WEEKLY": 1,
    "LIFECYCLE_MONTHLY": 2,
    "LIFECYCLE_RULE_HOST_SET": -1,
    "LIFECYCLE_RULE_RESET": -2,
    "LIFECYCLE_COUNT_STATES": 1,
    "LIFECYCLE_COUNT_TRANSITIONS": 2,
    "LIFECYCLE_COUNT_COLUMNS": 3,
    "LIFECYCLE_SIZE_CUSTOMERS": 1,
    "LIFECYCLE_SIZE_STATES": 2,
    "LIFECYCLE_SIZE_LOG": 3,
    "LIFECYCLE_SIZE_STEPS": 4,
    "LIFECYCLE_FIRST_MATCH": 0,
    "LIFECYCLE_PRIORITY": 1,
    "LIFECYCLE_UNIQUE": 2,
    "LIFECYCLE_ON_TIME": 1,
    "LIFECYCLE_ON_PURCHASE": 2,
    "LIFECYCLE_ON_ANY": 3,
    "LIFECYCLE_BUILD_POLICY": 1,
    "LIFECYCLE_BUILD_FORWARD_ONLY": 2,
    "LIFECYCLE_BUILD_CASCADE": 3,
    "LIFECYCLE_BUILD_MAX_HOPS": 4,
}


_size_p = POINTER(c_size_t)
_buf = POINTER(c_char)
_i32p = POINTER(c_int32)
_i64p = POINTER(c_int64)
_f64p = POINTER(c_double)
_names = POINTER(c_char_p)
_columns = POINTER(POINTER(c_double))
_DatasetP = DatasetP

SIGNATURES: Dict[str, Tuple[Any, List[Any]]] = {
    "crmkit_lifecycle_model_from_json": (c_int, [c_char_p, c_size_t, POINTER(LifecycleModelP)]),
    "crmkit_lifecycle_model_from_toml": (c_int, [c_char_p, c_size_t, POINTER(LifecycleModelP)]),
    "crmkit_lifecycle_builder_create": (c_int, [POINTER(LifecycleBuilderP)]),
    "crmkit_lifecycle_builder_free": (None, [LifecycleBuilderP]),
    "crmkit_lifecycle_builder_add_state": (c_int, [LifecycleBuilderP, c_char_p, c_int32]),
    "crmkit_lifecycle_builder_set_initial": (c_int, [LifecycleBuilderP, c_char_p]),
    "crmkit_lifecycle_builder_add_column": (c_int, [LifecycleBuilderP, c_char_p]),
    "crmkit_lifecycle_builder_add_transition": (
        c_int,
        [LifecycleBuilderP, _names, c_size_t, c_char_p, c_char_p, c_char_p, c_int32, c_int32],
    ),
    "crmkit_lifecycle_builder_set_no_skip": (c_int, [LifecycleBuilderP, _names, c_size_t]),
    "crmkit_lifecycle_builder_set_int": (c_int, [LifecycleBuilderP, c_int32, c_int64]),
    "crmkit_lifecycle_builder_build": (c_int, [LifecycleBuilderP, POINTER(LifecycleModelP)]),
    "crmkit_lifecycle_model_save": (c_int, [LifecycleModelP, _buf, c_size_t, _size_p]),
    "crmkit_lifecycle_model_load": (c_int, [c_char_p, c_size_t, POINTER(LifecycleModelP)]),
    "crmkit_lifecycle_model_default": (c_int, [c_int32, c_double, c_double, POINTER(LifecycleModelP)]),
    "crmkit_lifecycle_model_free": (None, [LifecycleModelP]),
    "crmkit_lifecycle_model_count": (c_int, [LifecycleModelP, c_int32, _size_p]),
    "crmkit_lifecycle_model_name": (c_int, [LifecycleModelP, c_int32, c_size_t, _buf, c_size_t, _size_p]),
    "crmkit_lifecycle_create": (c_int, [LifecycleModelP, c_size_t, c_int64, POINTER(LifecycleP)]),
    "crmkit_lifecycle_free": (None, [LifecycleP]),
    "crmkit_lifecycle_set_int": (c_int, [LifecycleP, c_int32, c_int64]),
    "crmkit_lifecycle_evaluate": (c_int, [LifecycleP, c_int64, _names, _columns, c_size_t, c_size_t, _size_p]),
    "crmkit_lifecycle_evaluate_dataset": (c_int, [LifecycleP, _DatasetP, c_int64, _size_p]),
    "crmkit_lifecycle_purchase": (
        c_int,
        [LifecycleP, _i32p, c_size_t, c_int64, _names, _columns, c_size_t, c_size_t, _size_p],
    ),
    "crmkit_lifecycle_set_stage": (c_int, [LifecycleP, c_int32, c_int32, c_int64]),
    "crmkit_lifecycle_reset": (c_int, [LifecycleP, c_int32, c_int64]),
    "crmkit_lifecycle_replay": (
        c_int,
        [LifecycleModelP, _DatasetP, c_int64, c_int64, c_int32, c_int32, POINTER(LifecycleP)],
    ),
    "crmkit_lifecycle_size": (c_int, [LifecycleP, c_int32, _size_p]),
    "crmkit_lifecycle_stages": (c_int, [LifecycleP, _i32p, _i32p, _i64p, c_size_t]),
    "crmkit_lifecycle_table": (c_int, [LifecycleP, _DatasetP, c_int64, POINTER(TableP)]),
    "crmkit_lifecycle_log": (c_int, [LifecycleP, _i32p, _i32p, _i32p, _i32p, _i64p, c_size_t]),
    "crmkit_lifecycle_flow": (c_int, [LifecycleP, c_int64, c_int64, _i64p, c_size_t]),
    "crmkit_lifecycle_stage_counts_at": (c_int, [LifecycleP, _i64p, c_size_t, _i64p, c_size_t]),
    "crmkit_lifecycle_conversion": (c_int, [LifecycleP, _f64p, c_size_t]),
    "crmkit_lifecycle_history": (c_int, [LifecycleP, _i64p, _i32p, _i64p, _i64p, c_size_t, _size_p]),
    "crmkit_lifecycle_time_in_stage": (c_int, [LifecycleP, c_int64, _f64p, _f64p, c_size_t]),
    "crmkit_lifecycle_replay_counts": (c_int, [LifecycleP, _i64p, _i64p, c_size_t]),
}
