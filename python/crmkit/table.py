"""The customer table (crmkit/c/table.h) as a pandas DataFrame indexed by customer id.

Column types map one to one: float64 -> ``float64`` (NaN missing), int64 -> pandas'
nullable ``Int64`` (``<NA>`` missing), time -> ``datetime64[ns, UTC]`` (``NaT``),
category -> ``category`` (NaN missing). The index is named ``customer_id``.

Example::

    table = crmkit.score_customers(orders, as_of="2011-12-10")
    at_risk = crmkit.select_customers(table, "p_alive < 0.3 and abc == 'A'")
"""

from __future__ import annotations

from ctypes import c_char_p
from typing import TYPE_CHECKING, List, Sequence

import numpy as np

from . import _lib

__all__: List[str] = []  # the customer-table plumbing of the other modules; nothing of it is re-exported

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

_MISSING_INT64 = np.iinfo(np.int64).min


class _TableHandle(_lib.Handle):
    """Owns one ``crmkit_table*``; freed when the last reference goes."""

    kind = "table"


_string = _lib.text


def to_frame(handle: _TableHandle, ids: Sequence[str]) -> "pd.DataFrame":
    """The table behind ``handle`` as a DataFrame whose index is ``ids`` (the row ids)."""
    import pandas as pd

    lib = _lib.get()
    n = _lib.O.crmkit_table_n_rows(handle.ptr)
    columns = {}
    for j in range(_lib.O.crmkit_table_n_columns(handle.ptr)):
        name = _string(lib.crmkit_table_column_name, handle.ptr, j)
        kind = _lib.O.crmkit_table_column_type(handle.ptr, j)
        if kind == _lib.COLUMN_FLOAT64:
            values = np.empty(n, dtype=np.float64)
            _lib.C.crmkit_table_float64(handle.ptr, j, values, n)
            columns[name] = values
        elif kind in (_lib.COLUMN_INT64, _lib.COLUMN_TIME):
            values = np.empty(n, dtype=np.int64)
            _lib.C.crmkit_table_int64(handle.ptr, j, values, n)
            missing = values == _MISSING_INT64
            if kind == _lib.COLUMN_INT64:
                columns[name] = pd.arrays.IntegerArray(values, missing)
            else:
                stamps = values.astype("datetime64[s]").astype("datetime64[ns]")
                stamps[missing] = np.datetime64("NaT")
                columns[name] = pd.DatetimeIndex(stamps).tz_localize("UTC")
        else:
            codes = np.empty(n, dtype=np.int32)
            _lib.C.crmkit_table_category_codes(handle.ptr, j, codes, n)
            n_levels = _lib.O.crmkit_table_n_levels(handle.ptr, j)
            levels = [_string(lib.crmkit_table_level, handle.ptr, j, k) for k in range(n_levels)]
            columns[name] = pd.Categorical.from_codes(codes, categories=levels)
    index = pd.Index(list(ids), name="customer_id", dtype=object)
    return pd.DataFrame(columns, index=index)


def from_frame(frame: "pd.DataFrame") -> _TableHandle:
    """A C table with the rows and columns of ``frame`` (index = customer ids)."""
    import pandas as pd

    ids = [str(i).encode("utf-8") for i in frame.index]
    id_array = (c_char_p * len(ids))(*ids)
    ptr = _lib.O.crmkit_table_create(id_array, len(ids))
    handle = _TableHandle(ptr)
    for name in frame.columns:
        column = frame[name]
        key = str(name).encode("utf-8")
        if isinstance(column.dtype, pd.CategoricalDtype):
            codes = np.ascontiguousarray(column.cat.codes.to_numpy(), dtype=np.int32)
            levels = [str(c).encode("utf-8") for c in column.cat.categories]
            level_array = (c_char_p * len(levels))(*levels)
            _lib.C.crmkit_table_set_category( ptr, key, codes, codes.size, level_array, len(levels))
        elif pd.api.types.is_datetime64_any_dtype(column.dtype):
            times = pd.DatetimeIndex(column)
            if times.tz is not None:
                times = times.tz_convert("UTC").tz_localize(None)
            seconds = times.to_numpy(dtype="datetime64[s]").astype(np.int64)
            seconds[times.isna()] = _MISSING_INT64
            seconds = np.ascontiguousarray(seconds)
            _lib.C.crmkit_table_set_time(ptr, key, seconds, seconds.size)
        elif pd.api.types.is_integer_dtype(column.dtype) or pd.api.types.is_bool_dtype(column.dtype):
            values = np.ascontiguousarray(column.astype("Int64").to_numpy(dtype=np.int64, na_value=_MISSING_INT64))
            _lib.C.crmkit_table_set_int64(ptr, key, values, values.size)
        elif pd.api.types.is_numeric_dtype(column.dtype):
            values = np.ascontiguousarray(column.to_numpy(dtype=np.float64, na_value=np.nan))
            _lib.C.crmkit_table_set_float64(ptr, key, values, values.size)
        else:
            values = column.astype("category")
            codes = np.ascontiguousarray(values.cat.codes.to_numpy(), dtype=np.int32)
            levels = [str(c).encode("utf-8") for c in values.cat.categories]
            level_array = (c_char_p * len(levels))(*levels)
            _lib.C.crmkit_table_set_category( ptr, key, codes, codes.size, level_array, len(levels))
    return handle


def select_rows(handle: _TableHandle, condition: str) -> np.ndarray:
    """Row positions where ``condition`` holds (crmkit_table_select)."""
    text = condition.encode("utf-8")
    rows = np.empty(_lib.Q.crmkit_table_select(handle.ptr, text, None, 0), dtype=np.int32)
    if rows.size:
        _lib.O.crmkit_table_select(handle.ptr, text, rows, rows.size)
    return rows


def select_customers(table: "pd.DataFrame", condition: str) -> List[str]:
    """The customer ids (index values) of ``table`` for which ``condition`` holds, in table
    order. ``condition`` is the lifecycle guard language over the columns
    (``"p_alive < 0.3 and abc == 'A'"``; a missing value satisfies no comparison).

    Raises:
        crmkit.Error: a syntax error (with its position), an unknown column or level.
    """
    rows = select_rows(from_frame(table), condition)
    return [table.index[int(i)] for i in rows]
