"""crmkit.Lifecycle: customer lifecycle state machines defined at run time.

A model (states, transitions with guards such as ``recency_days > 90 and orders >= 2``,
rule policy, no-skip / forward-only / history invariants, cascade) is loaded from JSON or
taken from the default model; the machine then keeps every customer's stage, moved by
evaluations at as-of dates, purchases, host-set stages and resets, with an append-only
transition log. The work happens in libcrmkit (crmkit/c/lifecycle.h); the rules are
documented in include/crmkit/lifecycle/*.hpp.

Example::

    import crmkit
    ds = crmkit.Dataset.from_csv("examples/data/cdnow_sample.csv", time_column="date")
    lc = crmkit.Lifecycle.default().fit(ds, start="1997-01-01", end="1998-07-01")
    lc.counts_            # stage counts per month (DataFrame)
    lc.flow_matrix("1997-01-01", "1998-07-02")
    lc.stages_            # current stage of every customer (pandas Categorical)
"""

from __future__ import annotations

import weakref
from ctypes import POINTER, byref, c_char_p, c_double, c_int32, c_int64, c_size_t, create_string_buffer
from typing import Any, List, Mapping, Optional, Sequence, Union

import numpy as np

from . import _errors, _lib
from ._abi_lifecycle import LifecycleModelP, LifecycleP
from ._errors import InvalidArgumentError
from .dataset import Dataset, _unix_seconds

_STEPS = {"daily": 0, "weekly": 1, "monthly": 2}
_INT64_MIN = -(2**63)


class _Model:
    __slots__ = ("ptr", "finalizer", "__weakref__")

    def __init__(self, ptr: Any) -> None:
        self.ptr = ptr
        self.finalizer = weakref.finalize(self, _lib.get().crmkit_lifecycle_model_free, ptr)


class _Machine:
    __slots__ = ("ptr", "finalizer", "__weakref__")

    def __init__(self, ptr: Any) -> None:
        self.ptr = ptr
        self.finalizer = weakref.finalize(self, _lib.get().crmkit_lifecycle_free, ptr)


def _time(value: Any, what: str) -> int:
    if value is None:
        raise InvalidArgumentError(_errors.E_INVALID_ARGUMENT, f"{what} is required")
    return _unix_seconds(value, what)


def _columns(columns: Any, n_rows: Optional[int]) -> tuple:
    """A DataFrame or a mapping name -> 1-D array as (names array, row-major float64 data, n_rows, keepalive)."""
    import pandas as pd

    if isinstance(columns, pd.DataFrame):
        names = [str(c) for c in columns.columns]
        data = np.ascontiguousarray(columns.to_numpy(dtype=np.float64, na_value=np.nan))
    elif isinstance(columns, Mapping):
        names = [str(k) for k in columns]
        arrays = [np.asarray(v, dtype=np.float64) for v in columns.values()]
        for name, a in zip(names, arrays):
            if a.ndim != 1:
                raise InvalidArgumentError(_errors.E_INVALID_ARGUMENT, f"column '{name}' must be 1-D, got shape {a.shape}")
        data = np.ascontiguousarray(np.column_stack(arrays) if arrays else np.empty((n_rows or 0, 0)))
    else:
        raise TypeError(f"columns must be a DataFrame or a mapping of name -> array, not {type(columns).__name__}")
    encoded = [n.encode("utf-8") for n in names]
    array = (c_char_p * max(len(encoded), 1))(*encoded)
    return array, data, data.shape[0], (encoded, data)


class Lifecycle:
    """A lifecycle model and, once fitted or evaluated, its machine.

    Use :meth:`from_json` or :meth:`default` to create one. ``fit(dataset, start, end)``
    replays a dataset at a step (the scikit-learn "fit"); ``predict(columns_or_dataset,
    as_of)`` evaluates every customer at ``as_of`` on the current machine and returns the
    stage names.

    Fitted attributes: ``stages_`` (pandas Categorical of stage names), ``stage_codes_``,
    ``previous_codes_`` (-1 when none), ``entered_at_`` (datetime64[s]), ``counts_``
    (DataFrame, one row per replay step, one column per stage; after ``fit``).

    Thread safety: not synchronized; use from one thread at a time.
    """

    def __init__(self, model: _Model, n_threads: int = 1) -> None:  # private: use from_json/default
        self._model = model
        self.n_threads = int(n_threads)
        self._machine: Optional[_Machine] = None
        self.counts_ = None
        self.states: List[str] = self._names(_lib.LIFECYCLE_COUNT_STATES)
        self.transitions: List[str] = self._names(_lib.LIFECYCLE_COUNT_TRANSITIONS)
        self.columns: List[str] = self._names(_lib.LIFECYCLE_COUNT_COLUMNS)

    # -- construction ----------------------------------------------------------------
    @classmethod
    def from_json(cls, text: Union[str, bytes], n_threads: int = 1) -> "Lifecycle":
        """Loads and validates a model document (see include/crmkit/lifecycle/model.hpp).

        Raises:
            crmkit.Error: malformed JSON (line and column), a guard that does not parse
                (its position), an unknown state or column, an unreachable state, rules
                that overlap under the unique policy, a no-skip break.
        """
        data = text.encode("utf-8") if isinstance(text, str) else bytes(text)
        ptr = LifecycleModelP()
        _lib.check(_lib.get().crmkit_lifecycle_model_from_json(data, len(data), byref(ptr)))
        return cls(_Model(ptr), n_threads)

    @classmethod
    def default(cls, scale_to_gap: bool = False, decline_days: float = 90.0, churn_days: float = 180.0,
                n_threads: int = 1) -> "Lifecycle":
        """The default model (include/crmkit/lifecycle/default_model.hpp)."""
        ptr = LifecycleModelP()
        _lib.check(_lib.get().crmkit_lifecycle_model_default(int(bool(scale_to_gap)), float(decline_days),
                                                             float(churn_days), byref(ptr)))
        return cls(_Model(ptr), n_threads)

    def _names(self, what: int) -> List[str]:
        lib = _lib.get()
        n = c_size_t()
        _lib.check(lib.crmkit_lifecycle_model_count(self._model.ptr, what, byref(n)))
        out = []
        for i in range(n.value):
            needed = c_size_t()
            buf = create_string_buffer(256)
            rc = lib.crmkit_lifecycle_model_name(self._model.ptr, what, i, buf, 256, byref(needed))
            if rc == _errors.E_BUFFER_TOO_SMALL:
                buf = create_string_buffer(needed.value)
                rc = lib.crmkit_lifecycle_model_name(self._model.ptr, what, i, buf, needed.value, byref(needed))
            _lib.check(rc)
            out.append(buf.value.decode("utf-8"))
        return out

    # -- machine ---------------------------------------------------------------------
    def start(self, n_customers: int, start: Any = None) -> "Lifecycle":
        """(Re)creates the machine: ``n_customers`` customers in the initial stage since ``start``."""
        ptr = LifecycleP()
        t = _INT64_MIN if start is None else _time(start, "start")
        _lib.check(_lib.get().crmkit_lifecycle_create(self._model.ptr, int(n_customers), t, byref(ptr)))
        self._machine = _Machine(ptr)
        self._set_threads()
        self.counts_ = None
        return self

    def _set_threads(self) -> None:
        _lib.check(_lib.get().crmkit_lifecycle_set_int(self._m.ptr, _lib.LIFECYCLE_N_THREADS, self.n_threads))

    @property
    def _m(self) -> _Machine:
        if self._machine is None:
            raise _errors.error_for(_errors.E_NOT_FITTED, "no machine yet: call fit(), start() or predict() first")
        return self._machine

    def _size(self, what: int) -> int:
        n = c_size_t()
        _lib.check(_lib.get().crmkit_lifecycle_size(self._m.ptr, what, byref(n)))
        return n.value

    def evaluate(self, as_of: Any, columns: Any) -> int:
        """Time passing: evaluates every customer at ``as_of``. ``columns`` is a Dataset
        (metrics from its transactions plus its attribute columns) or a DataFrame / mapping
        of the metric columns (one row per customer). Returns the number of hops logged.
        """
        lib = _lib.get()
        t = _time(as_of, "as_of")
        hops = c_size_t()
        if isinstance(columns, Dataset):
            if self._machine is None:
                self.start(columns.n_customers)
            _lib.check(lib.crmkit_lifecycle_evaluate_dataset(self._m.ptr, columns._h().ptr, t, byref(hops)))
            return hops.value
        names, data, n_rows, keep = _columns(columns, None)
        if self._machine is None:
            self.start(n_rows)
        _lib.check(lib.crmkit_lifecycle_evaluate(self._m.ptr, t, names, data.ctypes.data_as(POINTER(c_double)),
                                                 n_rows, data.shape[1], byref(hops)))
        del keep
        return hops.value

    def predict(self, columns: Any, as_of: Any) -> np.ndarray:
        """Evaluates at ``as_of`` (see :meth:`evaluate`) and returns each customer's stage name."""
        self.evaluate(as_of, columns)
        return np.asarray(self.states, dtype=object)[self.stage_codes_]

    def purchase(self, customers: Sequence[int], at: Any, columns: Any) -> int:
        """Purchase events for ``customers`` (indices) at ``at``; ``columns`` as in :meth:`evaluate`
        (a DataFrame or mapping, already reflecting the purchases)."""
        idx = np.ascontiguousarray(np.asarray(customers), dtype=np.int32)
        names, data, n_rows, keep = _columns(columns, None)
        hops = c_size_t()
        _lib.check(_lib.get().crmkit_lifecycle_purchase(
            self._m.ptr, idx.ctypes.data_as(POINTER(c_int32)), idx.shape[0], _time(at, "at"), names,
            data.ctypes.data_as(POINTER(c_double)), n_rows, data.shape[1], byref(hops)))
        del keep
        return hops.value

    def set_stage(self, customer: int, stage: Union[int, str], at: Any) -> None:
        """The host sets a customer's stage (by index or name)."""
        code = self.states.index(stage) if isinstance(stage, str) else int(stage)
        _lib.check(_lib.get().crmkit_lifecycle_set_stage(self._m.ptr, int(customer), code, _time(at, "at")))

    def reset(self, customer: int, at: Any) -> None:
        """Returns a customer to the initial stage."""
        _lib.check(_lib.get().crmkit_lifecycle_reset(self._m.ptr, int(customer), _time(at, "at")))

    def fit(self, dataset: Dataset, start: Any, end: Any, step: str = "monthly") -> "Lifecycle":
        """Replays ``dataset`` from ``start`` to ``end`` at ``step`` ("daily", "weekly",
        "monthly"); the machine afterwards holds the final stages and the full log, and
        ``counts_`` the stage counts at each step."""
        import pandas as pd

        if step not in _STEPS:
            raise InvalidArgumentError(_errors.E_INVALID_ARGUMENT, f"step must be one of {sorted(_STEPS)}, not {step!r}")
        if not isinstance(dataset, Dataset):
            raise TypeError(f"dataset must be a crmkit.Dataset, not {type(dataset).__name__}")
        ptr = LifecycleP()
        _lib.check(_lib.get().crmkit_lifecycle_replay(self._model.ptr, dataset._h().ptr, _time(start, "start"),
                                                      _time(end, "end"), _STEPS[step], self.n_threads, byref(ptr)))
        self._machine = _Machine(ptr)
        n_steps = self._size(_lib.LIFECYCLE_SIZE_STEPS)
        times = np.empty(n_steps, dtype=np.int64)
        counts = np.empty(n_steps * len(self.states), dtype=np.int64)
        _lib.check(_lib.get().crmkit_lifecycle_replay_counts(self._m.ptr, times.ctypes.data_as(POINTER(c_int64)),
                                                             counts.ctypes.data_as(POINTER(c_int64)), n_steps))
        self.counts_ = pd.DataFrame(counts.reshape(n_steps, len(self.states)), columns=self.states,
                                    index=pd.DatetimeIndex(times.astype("datetime64[s]"), name="as_of"))
        return self

    # -- results ---------------------------------------------------------------------
    def _stage_arrays(self) -> tuple:
        n = self._size(_lib.LIFECYCLE_SIZE_CUSTOMERS)
        stage = np.empty(n, dtype=np.int32)
        previous = np.empty(n, dtype=np.int32)
        entered = np.empty(n, dtype=np.int64)
        _lib.check(_lib.get().crmkit_lifecycle_stages(self._m.ptr, stage.ctypes.data_as(POINTER(c_int32)),
                                                      previous.ctypes.data_as(POINTER(c_int32)),
                                                      entered.ctypes.data_as(POINTER(c_int64)), n))
        return stage, previous, entered

    @property
    def stage_codes_(self) -> np.ndarray:
        return self._stage_arrays()[0]

    @property
    def previous_codes_(self) -> np.ndarray:
        return self._stage_arrays()[1]

    @property
    def entered_at_(self) -> np.ndarray:
        """Entry time of the current stage (datetime64[s]; NaT when unknown)."""
        e = self._stage_arrays()[2]
        out = e.astype("datetime64[s]")
        out[e == _INT64_MIN] = np.datetime64("NaT")
        return out

    @property
    def stages_(self) -> Any:
        import pandas as pd

        return pd.Categorical.from_codes(self.stage_codes_, categories=self.states)

    def log(self) -> Any:
        """The transition log as a DataFrame: customer, from, to (Categoricals of stage
        names), rule (transition name, "host_set" or "reset") and at (datetime64[s])."""
        import pandas as pd

        n = self._size(_lib.LIFECYCLE_SIZE_LOG)
        cols = {k: np.empty(n, dtype=np.int32) for k in ("customer", "from", "to", "rule")}
        at = np.empty(n, dtype=np.int64)
        p = lambda a: a.ctypes.data_as(POINTER(c_int32))  # noqa: E731
        _lib.check(_lib.get().crmkit_lifecycle_log(self._m.ptr, p(cols["customer"]), p(cols["from"]), p(cols["to"]),
                                                   p(cols["rule"]), at.ctypes.data_as(POINTER(c_int64)), max(n, 0)))
        rule_names = np.asarray(self.transitions + ["reset", "host_set"], dtype=object)
        # rule -1 -> "host_set" (last), -2 -> "reset" (second to last): negative indices do it.
        return pd.DataFrame({
            "customer": cols["customer"],
            "from": pd.Categorical.from_codes(cols["from"], categories=self.states),
            "to": pd.Categorical.from_codes(cols["to"], categories=self.states),
            "rule": rule_names[cols["rule"]],
            "at": at.astype("datetime64[s]"),
        })

    def flow_matrix(self, start: Any, end: Any) -> Any:
        """Hops from stage (row) to stage (column) with start <= at < end, as a DataFrame."""
        import pandas as pd

        s = len(self.states)
        out = np.empty(s * s, dtype=np.int64)
        _lib.check(_lib.get().crmkit_lifecycle_flow(self._m.ptr, _time(start, "start"), _time(end, "end"),
                                                    out.ctypes.data_as(POINTER(c_int64)), out.shape[0]))
        return pd.DataFrame(out.reshape(s, s), index=pd.Index(self.states, name="from"),
                            columns=pd.Index(self.states, name="to"))

    def stage_counts_at(self, times: Sequence[Any]) -> Any:
        """Stage counts at each of ``times`` (ascending), as a DataFrame."""
        import pandas as pd

        t = np.ascontiguousarray([_time(x, "times") for x in times], dtype=np.int64)
        s = len(self.states)
        out = np.empty(max(t.shape[0] * s, 1), dtype=np.int64)
        _lib.check(_lib.get().crmkit_lifecycle_stage_counts_at(self._m.ptr, t.ctypes.data_as(POINTER(c_int64)),
                                                               t.shape[0], out.ctypes.data_as(POINTER(c_int64)),
                                                               out.shape[0]))
        return pd.DataFrame(out[: t.shape[0] * s].reshape(t.shape[0], s), columns=self.states,
                            index=pd.DatetimeIndex(t.astype("datetime64[s]"), name="at"))

    def conversion_rates(self) -> Any:
        """Share of the customers ever in stage (row) who later entered stage (column)."""
        import pandas as pd

        s = len(self.states)
        out = np.empty(s * s, dtype=np.float64)
        _lib.check(_lib.get().crmkit_lifecycle_conversion(self._m.ptr, out.ctypes.data_as(POINTER(c_double)),
                                                          out.shape[0]))
        return pd.DataFrame(out.reshape(s, s), index=pd.Index(self.states, name="from"),
                            columns=pd.Index(self.states, name="to"))
