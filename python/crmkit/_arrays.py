"""Argument and result helpers the binding modules share (private).

Only what several modules need, once: a numeric column as a contiguous float64 vector,
the index of pandas Series arguments, and a result vector keyed by that index. Everything
else about an argument (its range, its meaning) is the library's to check.
"""

from __future__ import annotations

import sys
from typing import Any, Sequence, Tuple

import numpy as np

from . import _errors


def float_vector(values: Any, what: str) -> np.ndarray:
    """``values`` (1-D, numeric or bool) as a contiguous float64 array; InvalidArgumentError
    for another shape, TypeError for a non-numeric dtype."""
    array = np.asarray(values)
    if array.ndim != 1:
        raise _errors.invalid(f"{what} must be 1-D, got shape {array.shape}")
    if array.dtype.kind not in "fiub":
        raise TypeError(f"{what} must be numeric, not {array.dtype}")
    return np.ascontiguousarray(array, dtype=np.float64)


def sized(values: Any, n: int, what: str, dtype: Any = np.float64, per: str = "rows") -> np.ndarray:
    """``values`` flattened to a contiguous ``dtype`` vector of exactly n entries (the C
    function reads n of them); InvalidArgumentError "<what> has m values for n <per>" otherwise."""
    array = np.ascontiguousarray(np.asarray(values, dtype=dtype).reshape(-1))
    if array.shape[0] != n:
        raise _errors.invalid(f"{what} has {array.shape[0]} values for {n} {per}")
    return array


def size(value: Any, what: str) -> int:
    """An integer as a ``size_t`` argument: InvalidArgumentError when negative or not whole
    (the library checks the rest, e.g. k >= 1)."""
    if isinstance(value, (bool, np.bool_)) or not float(value).is_integer() or value < 0:
        raise _errors.invalid(f"{what} = {value!r} is not a count (an int >= 0)")
    return int(value)


def matrix(values: Any, name: str = "X") -> np.ndarray:
    """``values`` (2-D) as a C-contiguous float64 matrix; InvalidArgumentError for another shape."""
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 2:
        raise _errors.invalid(f"{name} must be 2-dimensional, got shape {array.shape}")
    return np.ascontiguousarray(array)


def series_index(named: Sequence[Tuple[str, Any]]) -> Any:
    """The index of the arguments that are pandas Series (they must agree), else None;
    ``named`` is ((name, value), ...), the names for the error message."""
    pd = sys.modules.get("pandas")
    if pd is None:
        return None
    series = [(name, value) for name, value in named if isinstance(value, pd.Series)]
    if not series:
        return None
    if len(series) > 1 and not all(s.index.equals(series[0][1].index) for _, s in series[1:]):
        names = " and ".join(name for name, _ in named)
        raise _errors.invalid(f"{names} are Series with different indexes; align them first")
    return series[0][1].index.copy()


def keyed(values: np.ndarray, index: Any, name: str) -> Any:
    """``values`` as a pandas Series named ``name`` on ``index``, or as is when index is None."""
    if index is None:
        return values
    import pandas as pd

    return pd.Series(values, index=index, name=name)


def frame_index(X: Any) -> Any:
    """The index of X when it is a pandas DataFrame (copied), else None."""
    pd = sys.modules.get("pandas")
    return X.index.copy() if pd is not None and isinstance(X, pd.DataFrame) else None


def empty(shape: Any, *dtypes: Any) -> Tuple[np.ndarray, ...]:
    """One uninitialised array of ``shape`` per dtype: the output columns of a C getter."""
    return tuple(np.empty(shape, dtype=dtype) for dtype in dtypes)
