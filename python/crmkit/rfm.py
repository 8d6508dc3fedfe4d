"""crmkit.rfm / crmkit.RFM: RFM summary, quantile scores and named segments.

The work happens in libcrmkit (crmkit/c/rfm.h); this module converts arguments and
returns pandas DataFrames. See include/crmkit/segmentation/rfm.hpp for the definitions
of every column and of the two tie rules.

Example::

    import crmkit
    ds = crmkit.Dataset.from_csv("orders.csv", time_column="date")
    table = crmkit.rfm(ds, as_of="1998-07-01")
    table.groupby("segment").monetary.sum()
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Sequence, Union

import numpy as np

from . import _errors, _lib
from .dataset import Dataset, _unix_seconds

__all__ = ["RFM", "rfm"]

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

_TIES = {"first": _lib.RFM_TIES_RANK_FIRST, "rank_first": _lib.RFM_TIES_RANK_FIRST, "r_rfm": _lib.RFM_TIES_R_RFM}
_PRESETS = {"grid11": _lib.RFM_PRESET_GRID11, "r_rfm": _lib.RFM_PRESET_R_RFM, "rf_grid": _lib.RFM_PRESET_RF_GRID}
_UNITS = {"s": 1, "min": 60, "h": 3600, "D": 86400, "W": 7 * 86400}

# The columns and segment statistics read, by name: the key of "x" is CRMKIT_RFM_X
# (CRMKIT_RFM_SEG_X for a statistic).
_DOUBLE_COLUMNS = [(name, getattr(_lib, f"RFM_{name.upper()}")) for name in
                   ("recency_days", "recency", "frequency", "distinct_days", "monetary", "monetary_mean", "tenure")]
_SUMMARY_STATS = [(name, getattr(_lib, f"RFM_SEG_{name.upper()}")) for name in
                  ("customers", "customer_share", "orders", "revenue", "revenue_share", "mean_recency_days",
                   "mean_frequency", "mean_monetary", "mean_r", "mean_f", "mean_m")]

SegmentRules = Union[str, Sequence[Mapping[str, Any]], None]


def _time_unit_seconds(unit: Union[str, int]) -> int:
    return _lib.choice("time_unit", unit, _UNITS, " or a number of seconds") if isinstance(unit, str) else unit


def _check_pandas_time_range(seconds: np.ndarray, column: str, index: np.ndarray, dataset: Dataset) -> None:
    """Raises crmkit.InvalidArgumentError when pandas cannot hold a timestamp of the table.

    pandas before 2.0 stores datetime64 columns in nanoseconds (years 1677 to 2262) and
    raised its own OutOfBoundsDatetime from the DataFrame constructor.
    """
    import pandas as pd

    if int(pd.__version__.split(".")[0]) >= 2 or seconds.size == 0:
        return  # datetime64[s] columns hold any year
    lo = -((-pd.Timestamp.min.value) // 1_000_000_000)  # ceil: the earliest whole second pandas holds
    hi = pd.Timestamp.max.value // 1_000_000_000
    bad = np.flatnonzero((seconds < lo) | (seconds > hi))
    if bad.size:
        row = int(bad[0])
        customer = dataset.customer_ids[int(index[row])]
        raise _errors.invalid(
            f"rfm: {column} of customer {customer!r} is {seconds[row]} Unix seconds "
            f"({np.datetime64(int(seconds[row]), 's')}), outside the range pandas {pd.__version__} can hold "
            f"({pd.Timestamp.min} to {pd.Timestamp.max}); {bad.size} customer(s) are affected")


def _bounds(rule: Mapping[str, Any], key: str) -> List[float]:
    value = rule.get(key)
    if value is None:
        return [-np.inf, np.inf]
    if np.isscalar(value):
        return [float(value), float(value)]
    low, high = value
    return [-np.inf if low is None else float(low), np.inf if high is None else float(high)]


class RFM:
    """RFM analysis in scikit-learn's style: configure, :meth:`fit` on transactions, read
    the fitted attributes.

    Args:
        as_of: reference date (Unix seconds, ``datetime``, ``numpy.datetime64`` or an ISO
            string, UTC); recency and tenure are measured back from it. It must not be
            before the last transaction.
        time_unit: unit of the ``recency`` and ``tenure`` columns: ``"D"`` (default),
            ``"W"``, ``"h"``, ``"min"``, ``"s"`` or a number of seconds.
        bins: number of score classes k >= 2 (default 5). The presets are written for
            k = 5: with another k the customers are segmented on their scores rescaled to
            quintiles (class v of k -> ceil(5 (2v - 1) / 2k)); the score columns keep k
            classes. Host rules are matched against the k-class scores.
        ties: ``"first"`` (default): pandas' ``qcut(x.rank(method="first"), k)`` rule
            (equal-sized classes, ties by customer id as ``groupby`` sorts them: str ids
            byte-wise, decimal-integer ids by value and first; so the scores do not depend
            on row order); ``"r_rfm"``: the R rfm
            package's rule (quantile edges + 1, half-open intervals).
        segments: a preset name (``"grid11"``, the default 11-segment grid over R and
            mean(F, M); ``"r_rfm"``; ``"rf_grid"``) or a list of host rules, each a mapping
            with ``name`` and any of ``r``, ``f``, ``m``, ``fm`` given as a score or a
            ``(low, high)`` closed range (None = unbounded); first match wins, the rest
            are ``other``.
        other: name for customers that no host rule matches (default ``"Others"``).
        n_threads: threads for the summary pass (results do not depend on it).

    Fitted attributes:
        table_: ``pandas.DataFrame`` indexed by customer id, one row per customer with at
            least one transaction: ``customer_index``, ``recency_days``, ``recency``,
            ``frequency``, ``distinct_days``, ``monetary``, ``monetary_mean``,
            ``first_purchase``, ``last_purchase`` (datetime64), ``tenure``, ``r_score``,
            ``f_score``, ``m_score``, ``rfm_score`` (r*100 + f*10 + m) and ``segment``
            (categorical).
        segment_summary_: one row per segment: customers, customer_share, orders,
            revenue, revenue_share, mean_recency_days, mean_frequency, mean_monetary,
            mean_r, mean_f, mean_m.

    Thread safety: not synchronized; fit from one thread at a time.
    """

    def __init__(
        self,
        as_of: Any,
        *,
        time_unit: Union[str, int] = "D",
        bins: int = _lib.DEFAULT,
        ties: str = "first",
        segments: SegmentRules = "grid11",
        other: str = "Others",
        n_threads: int = _lib.DEFAULT,
    ) -> None:
        self.as_of = as_of
        self.time_unit = time_unit
        self.bins = _lib.resolve("rfm", "bins", bins)
        self.n_threads = _lib.resolve("rfm", "n_threads", n_threads)
        self.ties = ties
        self.segments = segments
        self.other = other

    def _configure(self, handle: Any) -> None:
        _lib.set_options("rfm", handle, as_of=_unix_seconds(self.as_of, "as_of"), bins=self.bins,
                         time_unit_seconds=_time_unit_seconds(self.time_unit),
                         tie_rule=_lib.choice("ties", self.ties, _TIES), n_threads=self.n_threads)
        if self.segments is None or isinstance(self.segments, str):
            preset = "grid11" if self.segments is None else self.segments
            _lib.C.crmkit_rfm_set_int(handle, _lib.RFM_SEGMENT_PRESET,
                                      _lib.choice("segments", preset, _PRESETS, " or a rule list"))
            return
        for rule in self.segments:
            if "name" not in rule:
                raise _errors.invalid(f"segment rule {rule!r} has no 'name'")
            bounds = np.array(
                _bounds(rule, "r") + _bounds(rule, "f") + _bounds(rule, "m") + _bounds(rule, "fm"), dtype=np.float64
            )
            _lib.C.crmkit_rfm_add_segment_rule(handle, rule["name"], bounds, 8)
        _lib.C.crmkit_rfm_set_other_name(handle, self.other)

    def fit(
        self,
        data: Union[Dataset, "pd.DataFrame"],
        *,
        customer: str = "customer_id",
        time: str = "timestamp",
        amount: str = "amount",
    ) -> "RFM":
        """Computes the table and the segment summary.

        Args:
            data: a :class:`crmkit.Dataset`, or a pandas DataFrame of transactions with
                the columns named by ``customer``, ``time`` and ``amount``.

        Raises:
            crmkit.InvalidArgumentError: an empty log, ``as_of`` before the last
                transaction, bins < 2, fewer than 2 customers, a bad rule.
        """
        import pandas as pd

        dataset = data if isinstance(data, Dataset) else Dataset.from_dataframe(data, customer, time, amount)
        with _lib.freed("rfm", _lib.O.crmkit_rfm_create()) as handle:
            self._configure(handle)
            _lib.C.crmkit_rfm_compute(handle, dataset._h().ptr)
            size = _lib.O.crmkit_rfm_size(handle)

            def read(function: str, key: int, dtype: Any, n: int = size) -> np.ndarray:
                values = np.empty(n, dtype=dtype)
                getattr(_lib.C, function)(handle, key, values, n)
                return values

            index = read("crmkit_rfm_column_int32", _lib.RFM_CUSTOMER, np.int32)
            columns: Dict[str, Any] = {"customer_index": index}
            columns.update((name, read("crmkit_rfm_column_double", key, np.float64)) for name, key in _DOUBLE_COLUMNS)
            for name, key in (("first_purchase", _lib.RFM_FIRST_PURCHASE), ("last_purchase", _lib.RFM_LAST_PURCHASE)):
                values = read("crmkit_rfm_column_int64", key, np.int64)
                _check_pandas_time_range(values, name, index, dataset)
                columns[name] = values.astype("datetime64[s]")
            scores = {name: read("crmkit_rfm_column_int32", getattr(_lib, f"RFM_{name.upper()}"), np.int32)
                      for name in ("r_score", "f_score", "m_score", "segment")}
            count = _lib.O.crmkit_rfm_segment_count(handle)
            names = [_lib.text(_lib.get().crmkit_rfm_segment_name, handle, i) for i in range(count)]
            summary = {name: read("crmkit_rfm_segment_summary", key, np.float64, count) for name, key in _SUMMARY_STATS}

        columns.update((name, scores[name]) for name in ("r_score", "f_score", "m_score"))
        columns["rfm_score"] = scores["r_score"] * 100 + scores["f_score"] * 10 + scores["m_score"]
        columns["segment"] = pd.Categorical.from_codes(scores["segment"], categories=names)
        ids = dataset.customer_ids
        table = pd.DataFrame(columns, index=pd.Index([ids[i] for i in index], name="customer_id"))
        summary_frame = pd.DataFrame(summary, index=pd.Index(names, name="segment"))
        summary_frame["customers"] = summary_frame["customers"].astype(np.int64)
        self.table_ = table
        self.segment_summary_ = summary_frame
        self.segment_names_ = names
        return self


def rfm(
    data: Union[Dataset, "pd.DataFrame"],
    as_of: Any,
    *,
    time_unit: Union[str, int] = "D",
    bins: int = _lib.DEFAULT,
    ties: str = "first",
    segments: SegmentRules = "grid11",
    other: str = "Others",
    n_threads: int = _lib.DEFAULT,
    customer: str = "customer_id",
    time: str = "timestamp",
    amount: str = "amount",
) -> "pd.DataFrame":
    """The RFM table of ``data`` at ``as_of`` (see :class:`RFM` for every argument and
    column); the segment summary is in ``result.attrs["segment_summary"]``."""
    model = RFM(
        as_of, time_unit=time_unit, bins=bins, ties=ties, segments=segments, other=other, n_threads=n_threads
    ).fit(data, customer=customer, time=time, amount=amount)
    table = model.table_
    table.attrs["segment_summary"] = model.segment_summary_
    return table
