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
from ._errors import InvalidArgumentError


def float_vector(values: Any, what: str) -> np.ndarray:
    """``values`` (1-D, numeric or bool) as a contiguous float64 array; InvalidArgumentError
    for another shape, TypeError for a non-numeric dtype."""
    array = np.asarray(values)
    if array.ndim != 1:
        raise InvalidArgumentError(_errors.E_INVALID_ARGUMENT, f"{what} must be 1-D, got shape {array.shape}")
    if array.dtype.kind not in "fiub":
        raise TypeError(f"{what} must be numeric, not {array.dtype}")
    return np.ascontiguousarray(array, dtype=np.float64)


def matrix(values: Any, name: str = "X") -> np.ndarray:
    """``values`` (2-D) as a C-contiguous float64 matrix; InvalidArgumentError for another shape."""
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 2:
        raise InvalidArgumentError(_errors.E_INVALID_ARGUMENT, f"{name} must be 2-dimensional, got shape {array.shape}")
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
        raise InvalidArgumentError(_errors.E_INVALID_ARGUMENT,
                                   f"{names} are Series with different indexes; align them first")
    return series[0][1].index.copy()


def keyed(values: np.ndarray, index: Any, name: str) -> Any:
    """``values`` as a pandas Series named ``name`` on ``index``, or as is when index is None."""
    if index is None:
        return values
    import pandas as pd

    return pd.Series(values, index=index, name=name)


def empty(shape: Any, *dtypes: Any) -> Tuple[np.ndarray, ...]:
    """One uninitialised array of ``shape`` per dtype: the output columns of a C getter."""
    return tuple(np.empty(shape, dtype=dtype) for dtype in dtypes)
