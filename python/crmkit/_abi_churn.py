"""ctypes declarations of crmkit/c/churn.h (buy-till-you-die churn models).

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


class BtydStruct(ctypes.Structure):
    """``crmkit_btyd`` (opaque)."""


BtydP = POINTER(BtydStruct)

OPAQUE_TYPES = {"crmkit_btyd": BtydStruct}

CONSTANTS: Dict[str, int] = {
    "BTYD_BG_NBD": 1,
    "BTYD_PARETO_NBD": 2,
    "BTYD_MODIFIED_BG_NBD": 3,
    "BTYD_BG_BB": 4,
    "BTYD_GAMMA_GAMMA": 5,
    "BTYD_MAX_ITERATIONS": 1,
    "BTYD_N_THREADS": 2,
    "BTYD_ZERO_SPEND": 3,
    "BTYD_STANDARD_ERRORS": 4,
    "BTYD_GRADIENT_TOLERANCE": 101,
    "BTYD_ZERO_SPEND_REJECT": 0,
    "BTYD_ZERO_SPEND_DROP": 1,
    "BTYD_P_ALIVE": 1,
    "BTYD_EXPECTED_PURCHASES": 2,
    "BTYD_P_NO_PURCHASE": 3,
    "BTYD_LOG_LIKELIHOOD": 4,
}

_d = POINTER(c_double)


SIGNATURES: Dict[str, Tuple[Any, List[Any]]] = {
    "crmkit_btyd_create": (c_int, [c_int32, POINTER(BtydP)]),
    "crmkit_btyd_free": (None, [BtydP]),
    "crmkit_btyd_set_int": (c_int, [BtydP, c_int32, c_int64]),
    "crmkit_btyd_set_double": (c_int, [BtydP, c_int32, c_double]),
    "crmkit_btyd_n_params": (c_size_t, [BtydP]),
    "crmkit_btyd_fit": (c_int, [BtydP, _d, _d, _d, _d, c_size_t]),
    "crmkit_btyd_fit_spend": (c_int, [BtydP, _d, _d, _d, c_size_t]),
    "crmkit_btyd_set_params": (c_int, [BtydP, _d, c_size_t]),
    "crmkit_btyd_params": (c_int, [BtydP, _d, c_size_t]),
    "crmkit_btyd_standard_errors": (c_int, [BtydP, _d, c_size_t]),
    "crmkit_btyd_kind": (c_int32, [BtydP]),
    "crmkit_btyd_save": (c_int, [BtydP, POINTER(c_char), c_size_t, POINTER(c_size_t)]),
    "crmkit_btyd_load": (c_int, [c_char_p, POINTER(BtydP)]),
    "crmkit_btyd_fit_report": (c_int, [BtydP, POINTER(c_int32), POINTER(c_int32), _d, _d]),
    "crmkit_btyd_fit_message": (c_int, [BtydP, POINTER(c_char), c_size_t, POINTER(c_size_t)]),
    "crmkit_btyd_predict": (c_int, [BtydP, c_int32, c_double, _d, _d, _d, c_size_t, _d]),
    "crmkit_btyd_prob_n_purchases": (c_int, [BtydP, c_int32, c_double, _d, _d, _d, c_size_t, _d]),
    "crmkit_btyd_bgbb_clv": (c_int, [BtydP, c_double, _d, _d, _d, _d, c_size_t, _d]),
    "crmkit_btyd_expected_spend": (c_int, [BtydP, _d, _d, c_size_t, _d]),
    "crmkit_btyd_clv": (
        c_int,
        [BtydP, BtydP, _d, _d, _d, _d, c_size_t, c_int32, c_double, c_double, c_double, _d],
    ),
    "crmkit_btyd_summarize": (
        c_int,
        [
            DatasetP, c_int64, c_int32, c_int64, c_double, c_size_t, POINTER(c_size_t),
            POINTER(c_int32), _d, _d, _d, _d, _d, _d,
        ],
    ),
    "crmkit_btyd_validate_holdout": (c_int, [_d, _d, _d, _d, c_size_t, c_int32, _d, _d, _d]),
}
