"""crmkit.pareto / crmkit.Pareto: the 80/20 analysis of customer value.

Lorenz curve, Gini coefficient, share of the top p% of customers, the smallest share of
customers making 80% of the value, ABC classes (overall and per segment) and the
low-return customers. The work happens in libcrmkit (crmkit/c/pareto.h); the definitions
are in include/crmkit/pareto/pareto.hpp.

Example::

    import crmkit
    table = crmkit.rfm(ds, as_of="1998-07-01")
    p = crmkit.pareto(table.monetary.clip(lower=0), groups=table.segment)
    print(p.gini_, p.key_customer_share_, p.share_of_top(0.2))
    p.group_summary_
"""

from __future__ import annotations

from typing import Any, Optional, Tuple

import numpy as np

from . import _errors, _lib
from ._arrays import empty, float_vector, keyed, series_index

__all__ = ["Pareto", "low_return_customers", "pareto"]

_ABC_LABELS = np.array(["A", "B", "C"])
# The statistics read, by name: the key of "x" is CRMKIT_PARETO_X.
_STATS = [(name, getattr(_lib, f"PARETO_{name.upper()}")) for name in
          ("n", "total", "gini", "top_share", "key_customers", "key_customer_share", "a_count", "b_count", "c_count")]

class _Handle(_lib.Handle):
    kind = "pareto"


class Pareto:
    """The 80/20 analysis in scikit-learn's style.

    Args:
        target_share: value share the key customers make (default 0.8).
        abc: cumulative value shares closing classes A and B (default (0.8, 0.95)).
        top_fraction: p of the ``top_share_`` attribute (default 0.2).
        lorenz_points: points of the downsampled Lorenz curve (default 101).

    Fitted attributes: ``n_``, ``total_``, ``gini_``, ``top_share_``, ``key_customers_``,
    ``key_customer_share_``, ``abc_`` (array of "A"/"B"/"C", a Series when the values were
    a Series), ``abc_counts_``, ``lorenz_`` and ``lorenz_sample_`` (DataFrames with columns
    customer_share and value_share), and with groups ``group_summary_`` (one row per group)
    and ``abc_within_group_``.

    Thread safety: not synchronized; use from one thread at a time.
    """

    def __init__(
        self,
        target_share: float = 0.8,
        abc: Tuple[float, float] = (0.8, 0.95),
        top_fraction: float = 0.2,
        lorenz_points: int = 101,
    ) -> None:
        self.target_share = target_share
        self.abc = abc
        self.top_fraction = top_fraction
        self.lorenz_points = lorenz_points
        self._handle: Optional[_Handle] = None

    def _configured(self) -> _Handle:
        handle = _Handle()
        _lib.set_options("pareto", handle.ptr, target_share=self.target_share, abc_a=self.abc[0], abc_b=self.abc[1],
                         top_fraction=self.top_fraction, lorenz_points=self.lorenz_points)
        return handle

    def fit(self, values: Any, groups: Optional[Any] = None) -> "Pareto":
        """Analyses ``values`` (one per customer, finite and >= 0), and per group when
        ``groups`` (labels of any type, one per customer) is given.

        Raises:
            crmkit.InvalidArgumentError: no values, a negative or non-finite value (the
                message names its position), a zero total, bad settings.
        """
        import pandas as pd

        array = float_vector(values, "values")
        handle = self._configured()
        codes = None
        group_names = None
        if groups is not None:
            codes, uniques = pd.factorize(pd.Series(np.asarray(groups) if not hasattr(groups, "cat") else groups), sort=False)
            if len(codes) != array.shape[0]:
                raise _errors.invalid(f"{array.shape[0]} values but {len(codes)} group labels")
            if (codes < 0).any():
                raise _errors.invalid(f"group label missing at position {int(np.flatnonzero(codes < 0)[0])}")
            codes = np.ascontiguousarray(codes, dtype=np.int32)
            group_names = list(uniques)
        _lib.C.crmkit_pareto_fit(handle.ptr, array, array.shape[0], codes,
                                 len(group_names) if group_names is not None else 0)
        for name, key in _STATS:
            setattr(self, name + "_", _lib.O.crmkit_pareto_summary(handle.ptr, key))
        self.n_ = int(self.n_)
        self.key_customers_ = int(self.key_customers_)
        self.abc_counts_ = {"A": int(self.a_count_), "B": int(self.b_count_), "C": int(self.c_count_)}
        n = array.shape[0]
        index = values.index if isinstance(values, pd.Series) else None

        def abc(within_group: int) -> Any:
            classes = np.empty(n, dtype=np.int32)
            _lib.C.crmkit_pareto_abc(handle.ptr, within_group, classes, n)
            return keyed(_ABC_LABELS[classes], index, "abc")

        self.abc_ = abc(0)
        for attribute, sampled in (("lorenz_", 0), ("lorenz_sample_", 1)):
            size = _lib.O.crmkit_pareto_lorenz_size(handle.ptr, sampled)
            x, y = empty(size, np.float64, np.float64)
            _lib.C.crmkit_pareto_lorenz(handle.ptr, sampled, x, y, size)
            setattr(self, attribute, pd.DataFrame({"customer_share": x, "value_share": y}))
        if group_names is not None:
            g = len(group_names)
            table = {}
            for name, key in _STATS + [("value_share", _lib.PARETO_VALUE_SHARE)]:
                table[name] = np.empty(g)
                _lib.C.crmkit_pareto_group_summary(handle.ptr, key, table[name], g)
            self.group_summary_ = pd.DataFrame(table, index=pd.Index(group_names, name="group")).astype(
                dict.fromkeys(("n", "key_customers", "a_count", "b_count", "c_count"), np.int64))
            self.abc_within_group_ = abc(1)
        self._handle = handle
        return self

    def _fitted(self) -> _Handle:
        if self._handle is None:
            raise _errors.error_for(_errors.E_NOT_FITTED, "this Pareto instance is not fitted yet; call fit() first")
        return self._handle

    def share_of_top(self, p: float) -> float:
        """Share of the total held by the ceil(p n) largest values, 0 < p <= 1."""
        return _lib.O.crmkit_pareto_share_of_top(self._fitted().ptr, float(p))

    def customers_for_share(self, target: float) -> int:
        """Smallest number of customers making at least ``target`` of the total."""
        return _lib.O.crmkit_pareto_customers_for_share(self._fitted().ptr, float(target))


def pareto(values: Any, groups: Optional[Any] = None, **options: Any) -> Pareto:
    """A fitted :class:`Pareto` of ``values`` (and per group); ``options`` as for Pareto."""
    return Pareto(**options).fit(values, groups)


def low_return_customers(
    recency_days: Any,
    values: Any,
    *,
    min_recency_days: float = 365.0,
    max_value: Optional[float] = None,
    abc: Tuple[float, float] = (0.8, 0.95),
) -> Any:
    """Boolean mask of the customers that are long inactive (recency_days >=
    min_recency_days) and low in value (value <= max_value, or, when max_value is None,
    in ABC class C under the ``abc`` thresholds): the customers to stop spending on.

    Keys: when ``recency_days`` or ``values`` is a pandas Series (e.g. columns of the RFM
    table, indexed by customer_id) the mask is a bool Series named "low_return" with that
    index (``recency_days``' when both are Series; their indexes must then be equal, as
    the rows are matched by position); the ids are ``mask[mask].index``. Arrays give a
    bool ndarray.

    Raises:
        crmkit.InvalidArgumentError: mismatched lengths, NaN recency, values the ABC
            rule rejects.
    """
    recency = float_vector(recency_days, "recency_days")
    value = float_vector(values, "values")
    if recency.shape != value.shape:
        raise _errors.invalid(f"{recency.shape[0]} recency values but {value.shape[0]} values")
    handle = Pareto(abc=abc)._configured()
    flags = np.empty(value.shape[0], dtype=np.int32)
    _lib.C.crmkit_pareto_low_return(handle.ptr, recency, value, value.shape[0], float(min_recency_days),
                                    float("nan") if max_value is None else float(max_value), flags)
    mask = flags.astype(bool)
    return keyed(mask, series_index((("recency_days", recency_days), ("values", values))), "low_return")
