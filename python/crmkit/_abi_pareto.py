"""ctypes declarations of crmkit/c/pareto.h (the 80/20 analysis).

``SIGNATURES``, ``CONSTANTS`` and ``OPAQUE_TYPES`` as in ``_abi_rfm``; checked against the
header by tests/python/test_lib.py.
"""

from __future__ import annotations

import ctypes
from ctypes import POINTER, c_double, c_int, c_int32, c_int64, c_size_t
from typing import Any, Dict, List, Tuple


class ParetoStruct(ctypes.Structure):
    """``crmkit_pareto`` (opaque)."""


ParetoP = POINTER(ParetoStruct)

OPAQUE_TYPES = {"crmkit_pareto": ParetoStruct}

CONSTANTS: Dict[str, int] = {
    "PARETO_TARGET_SHARE": 1,
    "PARETO_ABC_A": 2,
    "PARETO_ABC_B": 3,
    "PARETO_TOP_FRACTION": 4,
    "PARETO_LORENZ_POINTS": 10,
    "PARETO_N": 1,
    "PARETO_TOTAL": 2,
    "PARETO_GINI": 3,
    "PARETO_TOP_SHARE": 4,
    "PARETO_KEY_CUSTOMERS": 5,
    "PARETO_KEY_CUSTOMER_SHARE": 6,
    "PARETO_A_COUNT": 7,
    "PARETO_B_COUNT": 8,
    "PARETO_C_COUNT": 9,
    "PARETO_VALUE_SHARE": 10,
    "ABC_A": 0,
    "ABC_B": 1,
    "ABC_C": 2,
}

_dp = POINTER(c_double)

SIGNATURES: Dict[str, Tuple[Any, List[Any]]] = {
    "crmkit_pareto_create": (c_int, [POINTER(ParetoP)]),
    "crmkit_pareto_free": (None, [ParetoP]),
    "crmkit_pareto_set_double": (c_int, [ParetoP, c_int32, c_double]),
    "crmkit_pareto_set_int": (c_int, [ParetoP, c_int32, c_int64]),
    "crmkit_pareto_fit": (c_int, [ParetoP, _dp, c_size_t, POINTER(c_int32), c_size_t]),
    "crmkit_pareto_summary": (c_int, [ParetoP, c_int32, _dp]),
    "crmkit_pareto_share_of_top": (c_int, [ParetoP, c_double, _dp]),
    "crmkit_pareto_customers_for_share": (c_int, [ParetoP, c_double, POINTER(c_size_t)]),
    "crmkit_pareto_lorenz_size": (c_int, [ParetoP, c_int32, POINTER(c_size_t)]),
    "crmkit_pareto_lorenz": (c_int, [ParetoP, c_int32, _dp, _dp, c_size_t]),
    "crmkit_pareto_abc": (c_int, [ParetoP, c_int32, POINTER(c_int32), c_size_t]),
    "crmkit_pareto_group_summary": (c_int, [ParetoP, c_int32, _dp, c_size_t]),
    "crmkit_pareto_low_return": (c_int, [ParetoP, _dp, _dp, c_size_t, c_double, c_double, POINTER(c_int32)]),
}
