"""ctypes declarations of crmkit/c/logistic.h (supervised churn model and churn metrics).

``SIGNATURES`` maps every function of the header to (restype, argtypes); ``CONSTANTS``
mirrors its ``#define`` values (exported by ``crmkit._lib`` under the same names, without
the ``CRMKIT_`` prefix); ``OPAQUE_TYPES`` names the handle structs. tests/python/test_lib.py
checks all three against the header.
"""

from __future__ import annotations

import ctypes
from ctypes import POINTER, c_char, c_char_p, c_double, c_int, c_int32, c_int64, c_size_t
from typing import Any, Dict, List, Tuple


class LogisticStruct(ctypes.Structure):
    """``crmkit_logistic`` (opaque)."""


LogisticP = POINTER(LogisticStruct)

OPAQUE_TYPES = {"crmkit_logistic": LogisticStruct}

CONSTANTS: Dict[str, int] = {
    "LOGISTIC_FIT_INTERCEPT": 1,
    "LOGISTIC_STANDARDIZE": 2,
    "LOGISTIC_CLASS_WEIGHT": 3,
    "LOGISTIC_MAX_ITER": 4,
    "LOGISTIC_C": 101,
    "LOGISTIC_TOL": 102,
    "LOGISTIC_CLASS_WEIGHT_0": 103,
    "LOGISTIC_CLASS_WEIGHT_1": 104,
    "LOGISTIC_CLASS_WEIGHT_NONE": 0,
    "LOGISTIC_CLASS_WEIGHT_BALANCED": 1,
    "LOGISTIC_CLASS_WEIGHT_GIVEN": 2,
    "LOGISTIC_ORIGINAL_UNITS": 0,
    "LOGISTIC_STANDARDIZED_UNITS": 1,
    "LIFT_ROWS": 0,
    "LIFT_POSITIVES": 1,
    "LIFT_MIN_SCORE": 2,
    "LIFT_MAX_SCORE": 3,
    "LIFT_RESPONSE_RATE": 4,
    "LIFT_LIFT": 5,
    "LIFT_CUMULATIVE_ROWS": 6,
    "LIFT_CUMULATIVE_POSITIVES": 7,
    "LIFT_CUMULATIVE_GAIN": 8,
    "LIFT_CUMULATIVE_LIFT": 9,
    "LIFT_N_COLUMNS": 10,
}

_dp = POINTER(c_double)
_size_p = POINTER(c_size_t)

SIGNATURES: Dict[str, Tuple[Any, List[Any]]] = {
    "crmkit_logistic_create": (c_int, [POINTER(LogisticP)]),
    "crmkit_logistic_load": (c_int, [c_char_p, POINTER(LogisticP)]),
    "crmkit_logistic_free": (None, [LogisticP]),
    "crmkit_logistic_set_int": (c_int, [LogisticP, c_int32, c_int64]),
    "crmkit_logistic_get_int": (c_int, [LogisticP, c_int32, POINTER(c_int64)]),
    "crmkit_logistic_set_double": (c_int, [LogisticP, c_int32, c_double]),
    "crmkit_logistic_get_double": (c_int, [LogisticP, c_int32, _dp]),
    "crmkit_logistic_fit": (c_int, [LogisticP, _dp, c_size_t, c_size_t, _dp, _dp]),
    "crmkit_logistic_n_features": (c_int, [LogisticP, _size_p]),
    "crmkit_logistic_fit_report": (c_int, [LogisticP, POINTER(c_int32), POINTER(c_int32), _dp, _dp]),
    "crmkit_logistic_fit_message": (c_int, [LogisticP, POINTER(c_char), c_size_t, _size_p]),
    "crmkit_logistic_coef": (c_int, [LogisticP, c_int32, _dp, c_size_t, _dp]),
    "crmkit_logistic_scaling": (c_int, [LogisticP, _dp, _dp, c_size_t]),
    "crmkit_logistic_predict_proba": (c_int, [LogisticP, _dp, c_size_t, c_size_t, _dp, c_size_t]),
    "crmkit_logistic_decision_function": (c_int, [LogisticP, _dp, c_size_t, c_size_t, _dp, c_size_t]),
    "crmkit_logistic_save": (c_int, [LogisticP, POINTER(c_char), c_size_t, _size_p]),
    "crmkit_roc_auc": (c_int, [_dp, _dp, _dp, c_size_t, _dp]),
    "crmkit_ks_statistic": (c_int, [_dp, _dp, _dp, c_size_t, _dp]),
    "crmkit_brier_score": (c_int, [_dp, _dp, _dp, c_size_t, _dp]),
    "crmkit_lift_table": (c_int, [_dp, _dp, c_size_t, c_size_t, _dp, c_size_t]),
    "crmkit_platt_fit": (c_int, [_dp, _dp, _dp, c_size_t, _dp, _dp, POINTER(c_int32)]),
}
