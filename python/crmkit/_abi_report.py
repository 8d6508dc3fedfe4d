"""ctypes declarations of crmkit/c/report.h (the customer report and its chart data).

``SIGNATURES``, ``CONSTANTS`` and ``OPAQUE_TYPES`` as in ``_abi_rfm``; checked against the
headers by tests/python/test_lib.py.
"""

from __future__ import annotations

import ctypes
from ctypes import POINTER, c_char, c_char_p, c_int, c_int64, c_size_t
from typing import Any, Dict, List, Tuple

from ._abi_table import ScoreConfigP
from ._lib import DatasetP  # defined before _lib imports the module ABIs


class ReportStruct(ctypes.Structure):
    """``crmkit_report`` (opaque)."""


ReportP = POINTER(ReportStruct)

OPAQUE_TYPES = {"crmkit_report": ReportStruct}

CONSTANTS: Dict[str, int] = {}

_size_p = POINTER(c_size_t)
_buf = POINTER(c_char)

SIGNATURES: Dict[str, Tuple[Any, List[Any]]] = {
    "crmkit_report_create": (c_int, [DatasetP, c_int64, ScoreConfigP, POINTER(ReportP)]),
    "crmkit_report_free": (None, [ReportP]),
    "crmkit_report_n_charts": (c_int, [ReportP, _size_p]),
    "crmkit_report_chart_name": (c_int, [ReportP, c_size_t, _buf, c_size_t, _size_p]),
    "crmkit_report_chart_json": (c_int, [ReportP, c_size_t, _buf, c_size_t, _size_p]),
    "crmkit_report_chart_csv": (c_int, [ReportP, c_size_t, _buf, c_size_t, _size_p]),
    "crmkit_report_chart_data_json": (c_int, [ReportP, _buf, c_size_t, _size_p]),
    "crmkit_report_write": (c_int, [ReportP, c_char_p, c_char_p, c_char_p]),
}
