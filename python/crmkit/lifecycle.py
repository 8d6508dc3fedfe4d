"""crmkit.Lifecycle: customer lifecycle state machines defined at run time.

A model (states, transitions with guards such as ``recency_days > 90 and orders >= 2``,
rule policy, no-skip / forward-only / history invariants, cascade) is loaded from JSON or
TOML (read by the library's one model reader), built by calls (``Lifecycle.builder()``, each
method one C++ builder call) or taken from the default model, and saved as text; the
machine then keeps every customer's stage, moved by evaluations at as-of dates, purchases, host-set stages and resets, with an append-only
transition log. The work happens in libcrmkit (crmkit/c/lifecycle.h); the rules are
documented in include/crmkit/lifecycle/*.hpp.

Example::

    import crmkit
    ds = crmkit.Dataset.from_csv("examples/data/cdnow_sample.csv", time_column="date")
    lc = crmkit.Lifecycle.default().fit(ds, start="1997-01-01", end="1998-07-01")
    lc.counts_            # stage counts per month (DataFrame)
    lc.flow_matrix("1997-01-01", "1998-07-02")
    lc.stages_            # current stage of every customer: a Series indexed by customer_id
    lc.history()          # one row per visit, with a customer_id column
    lc.customer_table()   # stage, previous_stage, entered_at, stage_days per customer_id
    text = lc.to_text()   # the model as a saved document; Lifecycle.from_text(text), pickle

Per-customer results are keyed by customer id: after ``fit(dataset)``, ``evaluate(as_of,
dataset)`` or ``predict(dataset, as_of)`` they carry the dataset's ``customer_ids`` (index
``customer_id``); after ``evaluate``/``predict`` on a DataFrame of metrics, that
DataFrame's index. A machine whose customers have no keys (``start(n)`` and evaluations
on mappings of arrays) returns the positional arrays, as before.
"""

from __future__ import annotations

import json
from typing import Any, List, Mapping, Optional, Sequence, Union

import numpy as np

from . import _errors, _lib
from . import table as _table
from ._arrays import empty, keyed
from ._errors import Error, NotFoundError
from .dataset import Dataset, _unix_seconds

__all__ = ["Lifecycle", "LifecycleBuilder"]

_STEPS = _lib.names("LIFECYCLE_", "daily", "weekly", "monthly")
_POLICIES = _lib.names("LIFECYCLE_", "first_match", "priority", "unique")
_TRIGGERS = _lib.names("LIFECYCLE_ON_", "time", "purchase", "any")
_INT64_MIN = -(2**63)


class _Model(_lib.Handle):
    kind = "lifecycle_model"


class _Machine(_lib.Handle):
    kind = "lifecycle"


def _time(value: Any, what: str) -> int:
    if value is None:
        raise _errors.invalid(f"{what} is required")
    return _unix_seconds(value, what)


def _columns(columns: Any) -> tuple:
    """A DataFrame or a mapping name -> 1-D array as the C call's (names, columns, n_rows,
    n_cols): each column a contiguous float64 array, passed as is (see _lib._argument)."""
    import pandas as pd

    if isinstance(columns, pd.DataFrame):
        names = [str(c) for c in columns.columns]
        arrays = [np.ascontiguousarray(columns.iloc[:, j].to_numpy(dtype=np.float64, na_value=np.nan))
                  for j in range(columns.shape[1])]
        n_rows = columns.shape[0]
    elif isinstance(columns, Mapping):
        names = [str(k) for k in columns]
        arrays = [np.ascontiguousarray(v, dtype=np.float64) for v in columns.values()]
        n_rows = arrays[0].shape[0] if arrays and arrays[0].ndim == 1 else 0
        for name, a in zip(names, arrays):  # the pointers must cover n_rows values each
            if a.ndim != 1 or a.shape[0] != n_rows:
                raise _errors.invalid(f"column '{name}' must be 1-D with {n_rows} values, got shape {a.shape}")
    else:
        raise TypeError(f"columns must be a DataFrame or a mapping of name -> array, not {type(columns).__name__}")
    return names, arrays, n_rows, len(arrays)


class _Builder(_lib.Handle):
    kind = "lifecycle_builder"


class LifecycleBuilder:
    """Defines a lifecycle model step by step; each method is one call of the C++
    ``crmkit::lifecycle_model_builder`` (through ``crmkit_lifecycle_builder_*`` in
    crmkit/c/lifecycle.h), and :meth:`build` validates the model exactly like
    :meth:`Lifecycle.from_json`. Every method returns the builder::

        lc = (crmkit.Lifecycle.builder()
              .state("lead").state("buyer").state("lapsed")
              .no_skip(["lead", "buyer"]).cascade()
              .transition("lead", "buyer", "orders >= 1", name="buy")
              .transition("buyer", "lapsed", "recency_days > 90")
              .transition("lapsed", "@history", "recency_days <= 90")
              .build())

    Not synchronized; use from one thread at a time.
    """

    def __init__(self) -> None:
        self._b = _Builder()

    def _call(self, function: str, *args: Any) -> "LifecycleBuilder":
        getattr(_lib.C, function)(self._b.ptr, *args)
        return self

    def state(self, name: str, chain_rank: Optional[int] = None) -> "LifecycleBuilder":
        """Adds a state (declaration order is funnel order); ``chain_rank`` is its 0-based
        position on the no-skip chain (None: not on it)."""
        return self._call("crmkit_lifecycle_builder_add_state", name, -1 if chain_rank is None else int(chain_rank))

    def initial(self, name: str) -> "LifecycleBuilder":
        """The initial state (default: the first state)."""
        return self._call("crmkit_lifecycle_builder_set_initial", name)

    def column(self, name: str) -> "LifecycleBuilder":
        """Declares a host column the guards may read besides the built-in metrics."""
        return self._call("crmkit_lifecycle_builder_add_column", name)

    def transition(self, from_: Union[str, Sequence[str]], to: str, guard: str = "true", name: Optional[str] = None,
                   priority: int = 0, on: str = "time") -> "LifecycleBuilder":
        """Adds a transition from ``from_`` (a state, a list of states or "*") to ``to`` (a
        state or "@history") when ``guard`` holds; ``on`` is "time", "purchase" or "any"."""
        sources = [from_] if isinstance(from_, str) else list(from_)
        return self._call("crmkit_lifecycle_builder_add_transition", sources, len(sources), to, guard, name,
                          int(priority), _lib.choice("on", on, _TRIGGERS))

    def policy(self, policy: str) -> "LifecycleBuilder":
        """"first_match" (default), "priority" or "unique"."""
        return self._call("crmkit_lifecycle_builder_set_int", _lib.LIFECYCLE_BUILD_POLICY,
                          _lib.choice("policy", policy, _POLICIES))

    def no_skip(self, chain: Sequence[str]) -> "LifecycleBuilder":
        """The ordered chain of stages that may not be skipped."""
        return self._call("crmkit_lifecycle_builder_set_no_skip", list(chain), len(chain))

    def forward_only(self, on: bool = True) -> "LifecycleBuilder":
        """Funnel mode: moving back needs a reset."""
        return self._call("crmkit_lifecycle_builder_set_int", _lib.LIFECYCLE_BUILD_FORWARD_ONLY, int(bool(on)))

    def cascade(self, on: bool = True, max_hops: int = 0) -> "LifecycleBuilder":
        """One evaluation may pass through several stages (at most ``max_hops``; 0: the number of states)."""
        self._call("crmkit_lifecycle_builder_set_int", _lib.LIFECYCLE_BUILD_CASCADE, int(bool(on)))
        return self._call("crmkit_lifecycle_builder_set_int", _lib.LIFECYCLE_BUILD_MAX_HOPS, int(max_hops))

    def build(self, n_threads: int = 1) -> "Lifecycle":
        """Validates the model and returns a :class:`Lifecycle`; the builder is unchanged.

        Raises:
            crmkit.Error: as :meth:`Lifecycle.from_json` (unknown state or column, guard
                parse error with its position, unreachable state, overlap under the unique
                policy, a no-skip break, chain ranks that are not 0..k-1).
        """
        ptr = _lib.O.crmkit_lifecycle_builder_build(self._b.ptr)
        return Lifecycle(_Model(ptr), n_threads)


class Lifecycle:
    """A lifecycle model and, once fitted or evaluated, its machine.

    Use :meth:`from_json`, :meth:`from_toml`, :meth:`from_text`, :meth:`from_dict`, :meth:`builder` or
    :meth:`default` to create one; :meth:`to_text` saves the model (pickle uses it). ``fit(dataset, start, end)``
    replays a dataset at a step (the scikit-learn "fit"); ``predict(columns_or_dataset,
    as_of)`` evaluates every customer at ``as_of`` on the current machine and returns the
    stage names.

    Fitted attributes: ``stages_`` (stage names, categorical), ``stage_codes_``,
    ``previous_stages_`` / ``previous_codes_`` (-1 when none), ``entered_at_``
    (datetime64), ``counts_`` (DataFrame, one row per replay step, one column per stage;
    after ``fit``), ``customer_ids_`` (the keys of the customers, or None). Reports:
    :meth:`log`, :meth:`history` (visits with entry and exit), :meth:`time_in_stage`,
    :meth:`flow_matrix`, :meth:`stage_counts_at`, :meth:`conversion_rates`.

    Keys: when the machine's customers have ids (``customer_ids_`` is not None: it ran on
    a :class:`Dataset`, whose ``customer_ids`` name the customers, index ``customer_id``, or
    on a DataFrame of metrics, whose index names them), ``stages_``, ``previous_stages_``
    and ``entered_at_`` are pandas Series indexed by those ids (names "stage",
    "previous_stage", "entered_at"), :meth:`predict` returns such a Series,
    :meth:`history` and :meth:`log` add a ``customer_id`` column next to the positional
    ``customer`` and :meth:`time_in_stage` is indexed by the ids. Otherwise (``start(n)``
    with mappings of arrays) they are positional as before: a pandas Categorical, numpy
    arrays and a RangeIndex named ``customer``. ``stage_codes_`` and ``previous_codes_``
    are always positional int32 arrays (the C ABI's codes; ``stage_codes_[i]`` is customer
    index i, like scikit-learn's ``labels_``). A DataFrame with the default RangeIndex does
    not replace ids already known from a Dataset of the same size.

    Thread safety: not synchronized; use from one thread at a time.
    """

    def __init__(self, model: _Model, n_threads: int = 1) -> None:  # private: use from_json/default
        self._model = model
        self.n_threads = int(n_threads)
        self._machine: Optional[_Machine] = None
        self.counts_ = None
        self._ids: Any = None
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
        return cls._read("crmkit_lifecycle_model_from_json", text, n_threads)

    @classmethod
    def from_toml(cls, text: Union[str, bytes], n_threads: int = 1) -> "Lifecycle":
        """Loads and validates a model document written in TOML (the JSON document's keys:
        top-level ``states``, ``policy``, ..., an ``[invariants]`` table and
        ``[[transitions]]`` tables). Errors as :meth:`from_json`, with "TOML line L column C"."""
        return cls._read("crmkit_lifecycle_model_from_toml", text, n_threads)

    @staticmethod
    def builder() -> LifecycleBuilder:
        """A :class:`LifecycleBuilder` (the model defined by calls)."""
        return LifecycleBuilder()

    @classmethod
    def from_dict(cls, spec: Mapping[str, Any], n_threads: int = 1) -> "Lifecycle":
        """A model from a mapping with the JSON document's keys (e.g. ``json.load`` or
        ``tomllib.load`` output): the mapping is written as JSON and read by the library's one
        model reader. Errors as :meth:`from_json`, but a schema error (an unknown key, a value
        of the wrong type) is an InvalidArgumentError: the mapping is an argument, not text."""
        if not isinstance(spec, Mapping):
            raise TypeError(f"spec must be a mapping, not {type(spec).__name__}")
        try:
            return cls.from_json(json.dumps(spec, indent=1), n_threads)
        except Error as e:
            if e.code != _errors.E_PARSE:
                raise
            raise _errors.invalid(e.message) from None

    @classmethod
    def from_text(cls, text: Union[str, bytes], n_threads: int = 1) -> "Lifecycle":
        """Reads a document written by :meth:`to_text` (or any model document: JSON when it
        starts with ``{``, else TOML); ``Lifecycle.from_text(lc.to_text())`` has the same model."""
        return cls._read("crmkit_lifecycle_model_load", text, n_threads)

    @classmethod
    def _read(cls, function: str, text: Union[str, bytes], n_threads: int) -> "Lifecycle":
        data = text.encode("utf-8") if isinstance(text, str) else bytes(text)
        return cls(_Model(getattr(_lib.O, function)(data, len(data))), n_threads)

    def to_text(self) -> str:
        """The model as a saved document: the JSON model document with a ``"crmkit"``
        header (document kind, format, library version); see include/crmkit/lifecycle/model.hpp.
        The machine (stages, log) is not part of it."""
        return _lib.text(_lib.get().crmkit_lifecycle_model_save, self._model.ptr)

    def __reduce__(self) -> tuple:
        """Pickles through :meth:`to_text`: the model and ``n_threads``. A machine built by
        fit/evaluate is not carried (keep :meth:`customer_table` or refit)."""
        return (Lifecycle.from_text, (self.to_text(), self.n_threads))

    @classmethod
    def default(cls, scale_to_gap: bool = False, decline_days: float = 90.0, churn_days: float = 180.0,
                n_threads: int = 1) -> "Lifecycle":
        """The default model (include/crmkit/lifecycle/default_model.hpp)."""
        ptr = _lib.O.crmkit_lifecycle_model_default(int(bool(scale_to_gap)), float(decline_days), float(churn_days))
        return cls(_Model(ptr), n_threads)

    def _names(self, what: int) -> List[str]:
        return [_lib.text(_lib.get().crmkit_lifecycle_model_name, self._model.ptr, what, i)
                for i in range(_lib.O.crmkit_lifecycle_model_count(self._model.ptr, what))]

    # -- machine ---------------------------------------------------------------------
    def start(self, n_customers: int, start: Any = None) -> "Lifecycle":
        """(Re)creates the machine: ``n_customers`` customers in the initial stage since ``start``."""
        t = _INT64_MIN if start is None else _time(start, "start")
        self._machine = _Machine(_lib.O.crmkit_lifecycle_create(self._model.ptr, int(n_customers), t))
        self._set_threads()
        self.counts_ = None
        self._ids = None
        return self

    # -- customer keys ---------------------------------------------------------------
    @property
    def customer_ids_(self) -> Any:
        """The customers' keys (a pandas Index) when the machine ran on a Dataset or a
        DataFrame of metrics, else None (positional results)."""
        return self._ids

    def _remember_ids(self, source: Any) -> None:
        """Takes the customer keys of a Dataset (its customer_ids) or a DataFrame (its index)."""
        import pandas as pd

        if isinstance(source, Dataset):
            self._ids = pd.Index(source.customer_ids, name="customer_id", dtype=object)
        elif isinstance(source, pd.DataFrame):
            index = source.index
            default_range = isinstance(index, pd.RangeIndex) and index.name is None and index.start == 0 and index.step == 1
            if self._ids is not None and len(self._ids) == len(index) and default_range:
                return  # positional metrics for the customers already keyed
            self._ids = index.copy()

    def _keyed(self, values: Any, name: str) -> Any:
        """``values`` (one per customer) as a Series indexed by the keys, or as is without keys."""
        return keyed(values, self._ids if self._ids is not None and len(self._ids) == len(values) else None, name)

    def _positions(self, customers: Any) -> np.ndarray:
        """Customer indices from indices or, when the customers have keys, string ids."""
        values = np.atleast_1d(np.asarray(customers, dtype=object))
        if values.size and any(isinstance(v, str) for v in values):
            if self._ids is None:
                raise NotFoundError(_errors.E_NOT_FOUND, "customers are named by id but the machine has no "
                                                         "customer ids (run it on a Dataset or an indexed DataFrame)")
            positions = self._ids.get_indexer(list(values))
            if (positions < 0).any():
                missing = values[int(np.flatnonzero(positions < 0)[0])]
                raise NotFoundError(_errors.E_NOT_FOUND, f"no customer with id {missing!r}")
            return positions.astype(np.int32)
        return np.asarray(customers).astype(np.int32).reshape(-1)

    def _key_column(self, frame: Any, customer: np.ndarray) -> Any:
        """Adds a customer_id column (the key of each row's customer) after ``customer``."""
        if self._ids is not None:
            keys = np.asarray(self._ids, dtype=object)
            if customer.size == 0 or (customer.min() >= 0 and customer.max() < keys.shape[0]):
                frame.insert(1, "customer_id", keys[customer.astype(np.intp)])
        return frame

    def _set_threads(self) -> None:
        _lib.C.crmkit_lifecycle_set_int(self._m.ptr, _lib.LIFECYCLE_N_THREADS, self.n_threads)

    @property
    def _m(self) -> _Machine:
        if self._machine is None:
            raise _errors.error_for(_errors.E_NOT_FITTED, "no machine yet: call fit(), start() or predict() first")
        return self._machine

    def _size(self, what: int) -> int:
        return _lib.O.crmkit_lifecycle_size(self._m.ptr, what)

    def evaluate(self, as_of: Any, columns: Any) -> int:
        """Time passing: evaluates every customer at ``as_of``. ``columns`` is a Dataset
        (metrics from its transactions plus its attribute columns) or a DataFrame / mapping
        of the metric columns (one row per customer). Returns the number of hops logged.
        A Dataset's customer ids, or a DataFrame's index, become the keys of the results
        (see the class docstring).
        """
        t = _time(as_of, "as_of")
        dataset = isinstance(columns, Dataset)
        args = (columns._h().ptr, t) if dataset else (t, *_columns(columns))  # (t, names, arrays, n_rows, n_cols)
        if self._machine is None:
            self.start(columns.n_customers if dataset else args[3])
        function = "crmkit_lifecycle_evaluate_dataset" if dataset else "crmkit_lifecycle_evaluate"
        hops = getattr(_lib.O, function)(self._m.ptr, *args)
        self._remember_ids(columns)
        return hops

    def predict(self, columns: Any, as_of: Any) -> Any:
        """Evaluates at ``as_of`` (see :meth:`evaluate`) and returns each customer's stage
        name: a Series named "stage" indexed by customer id (a Dataset's ``customer_ids``,
        or the DataFrame's index) when the customers have keys, else an object array in
        customer index order."""
        self.evaluate(as_of, columns)
        names = np.asarray(self.states, dtype=object)[self.stage_codes_]
        return self._keyed(names, "stage")

    def purchase(self, customers: Sequence[Union[int, str]], at: Any, columns: Any) -> int:
        """Purchase events for ``customers`` (indices, or string customer ids when the
        customers have keys) at ``at``; ``columns`` as in :meth:`evaluate` (a DataFrame or
        mapping, already reflecting the purchases)."""
        idx = np.ascontiguousarray(self._positions(customers), dtype=np.int32)
        names, arrays, n_rows, n_cols = _columns(columns)
        hops = _lib.O.crmkit_lifecycle_purchase(self._m.ptr, idx, idx.shape[0], _time(at, "at"), names, arrays,
                                                n_rows, n_cols)
        self._remember_ids(columns)
        return hops

    def set_stage(self, customer: Union[int, str], stage: Union[int, str], at: Any) -> None:
        """The host sets a customer's stage (by name or code); ``customer`` is an index or,
        when the customers have keys, a string customer id."""
        code = self.states.index(stage) if isinstance(stage, str) else int(stage)
        _lib.C.crmkit_lifecycle_set_stage(self._m.ptr, int(self._positions(customer)[0]), code, _time(at, "at"))

    def reset(self, customer: Union[int, str], at: Any) -> None:
        """Returns a customer (an index or a string customer id) to the initial stage."""
        _lib.C.crmkit_lifecycle_reset(self._m.ptr, int(self._positions(customer)[0]), _time(at, "at"))

    def fit(self, dataset: Dataset, start: Any, end: Any, step: str = "monthly") -> "Lifecycle":
        """Replays ``dataset`` from ``start`` to ``end`` at ``step`` ("daily", "weekly",
        "monthly"); the machine afterwards holds the final stages and the full log, and
        ``counts_`` the stage counts at each step. The steps are ``start``, ``start`` + 1
        step, ... while <= ``end``, then ``end`` itself when the last step falls before it,
        so the final stages include every purchase up to ``end``; more than 10,000,000
        steps raise InvalidArgumentError. Each purchase is an event at its own
        time (purchase-triggered rules, with the metrics as of that moment), so stages a
        purchase moves to are entered at the purchase; time-triggered rules run at each step
        (include/crmkit/lifecycle/replay.hpp). The dataset's ``customer_ids`` key the
        per-customer results (``stages_``, :meth:`history`, ...)."""
        import pandas as pd

        if not isinstance(dataset, Dataset):
            raise TypeError(f"dataset must be a crmkit.Dataset, not {type(dataset).__name__}")
        ptr = _lib.O.crmkit_lifecycle_replay(self._model.ptr, dataset._h().ptr, _time(start, "start"),
                                             _time(end, "end"), _lib.choice("step", step, _STEPS), self.n_threads)
        self._machine = _Machine(ptr)
        self._ids = None
        self._remember_ids(dataset)
        n_steps = self._size(_lib.LIFECYCLE_SIZE_STEPS)
        times = np.empty(n_steps, dtype=np.int64)
        counts = np.empty(n_steps * len(self.states), dtype=np.int64)
        _lib.C.crmkit_lifecycle_replay_counts(self._m.ptr, times, counts, n_steps)
        self.counts_ = pd.DataFrame(counts.reshape(n_steps, len(self.states)), columns=self.states,
                                    index=pd.DatetimeIndex(times.astype("datetime64[s]"), name="as_of"))
        return self

    # -- results ---------------------------------------------------------------------
    def _stage_arrays(self) -> tuple:
        n = self._size(_lib.LIFECYCLE_SIZE_CUSTOMERS)
        stage, previous, entered = empty(n, np.int32, np.int32, np.int64)
        _lib.C.crmkit_lifecycle_stages(self._m.ptr, stage, previous, entered, n)
        return stage, previous, entered

    @property
    def stage_codes_(self) -> np.ndarray:
        """Each customer's stage code (index into ``states``), int32, in customer index
        order: positional even when the customers have keys (see ``stages_``)."""
        return self._stage_arrays()[0]

    @property
    def previous_codes_(self) -> np.ndarray:
        """Each customer's previous stage code (-1 when none), positional like ``stage_codes_``."""
        return self._stage_arrays()[1]

    @property
    def entered_at_(self) -> Any:
        """Entry time of the current stage (NaT when unknown): a Series named "entered_at"
        indexed by customer id when the customers have keys, else a datetime64[s] array."""
        e = self._stage_arrays()[2]
        return self._keyed(np.where(e == _INT64_MIN, np.datetime64("NaT"), e.astype("datetime64[s]")), "entered_at")

    @property
    def stages_(self) -> Any:
        """Each customer's stage name (categorical over ``states``): a Series named "stage"
        indexed by customer id when the customers have keys, else a pandas Categorical."""
        import pandas as pd

        return self._keyed(pd.Categorical.from_codes(self.stage_codes_, categories=self.states), "stage")

    @property
    def previous_stages_(self) -> Any:
        """Each customer's previous stage (the stage left to enter the current one; NaN when
        none), keyed like ``stages_`` (Series named "previous_stage")."""
        import pandas as pd

        return self._keyed(pd.Categorical.from_codes(self.previous_codes_, categories=self.states), "previous_stage")

    def customer_table(self, as_of: Any = None) -> Any:
        """Every customer's state as the customer table (crmkit_lifecycle_table; C++
        ``crmkit::lifecycle_table``): a DataFrame with ``stage`` and ``previous_stage``
        (categorical over ``states``; NaN when none), ``entered_at`` (datetime64 UTC; NaT when
        unknown) and ``stage_days`` (days in the current stage at ``as_of``; NaN when
        unknown). ``as_of`` defaults to the machine's last event. Indexed by customer id
        (``customer_id``) when the customers have keys, else by a RangeIndex named ``customer``."""
        import pandas as pd

        t = _INT64_MIN if as_of is None else _time(as_of, "as_of")
        ptr = _lib.O.crmkit_lifecycle_table(self._m.ptr, None, t)
        n = self._size(_lib.LIFECYCLE_SIZE_CUSTOMERS)
        frame = _table.to_frame(_table._TableHandle(ptr), range(n))
        has_keys = self._ids is not None and len(self._ids) == n
        frame.index = self._ids if has_keys else pd.RangeIndex(n, name="customer")
        return frame

    def history(self) -> Any:
        """Every customer's stage history as a DataFrame, one row per visit, customers in
        index order and visits oldest first: customer (the index), customer_id (the key;
        only when the customers have keys), visit (0 = the initial stage), stage
        (Categorical), entered and exited (datetime64[s]; entered is NaT for an initial visit
        of unknown start, exited NaT while still there) and days (exited - entered in days,
        NaN while open or unknown; see :meth:`time_in_stage` for open visits)."""
        import pandas as pd

        n = _lib.Q.crmkit_lifecycle_history(self._m.ptr, None, None, None, None, 0)
        n_customers = self._size(_lib.LIFECYCLE_SIZE_CUSTOMERS)
        offsets = np.empty(n_customers + 1, dtype=np.int64)
        stage, entered, exited = empty(n, np.int32, np.int64, np.int64)
        _lib.O.crmkit_lifecycle_history(self._m.ptr, offsets, stage, entered, exited, n)
        counts = np.diff(offsets)
        customer = np.repeat(np.arange(n_customers, dtype=np.int64), counts)
        visit = np.arange(n, dtype=np.int64) - np.repeat(offsets[:-1], counts)
        unknown_in = entered == _INT64_MIN
        still_there = exited == np.iinfo(np.int64).max
        days = (exited - entered) / 86400.0
        days[unknown_in | still_there] = np.nan
        e = np.where(unknown_in, np.datetime64("NaT"), entered.astype("datetime64[s]"))
        x = np.where(still_there, np.datetime64("NaT"), exited.astype("datetime64[s]"))
        frame = pd.DataFrame({"customer": customer, "visit": visit,
                              "stage": pd.Categorical.from_codes(stage, categories=self.states),
                              "entered": e, "exited": x, "days": days})
        return self._key_column(frame, customer)

    def time_in_stage(self, as_of: Any) -> tuple:
        """Time in each stage at ``as_of`` in days, as two DataFrames (one row per customer,
        one column per stage): ``cumulative`` over all visits (0 when never there) and
        ``latest``, the most recent visit (NaN when never there). The open visit counts up to
        ``as_of``, which may not precede the machine's last event. The rows are indexed by
        customer id (``customer_id``) when the customers have keys, else by a RangeIndex
        named ``customer``."""
        import pandas as pd

        n = self._size(_lib.LIFECYCLE_SIZE_CUSTOMERS)
        s = len(self.states)
        cumulative, latest = empty((n, s), np.float64, np.float64)
        _lib.C.crmkit_lifecycle_time_in_stage(self._m.ptr, _time(as_of, "as_of"), cumulative, latest, n * s)
        index = self._ids if self._ids is not None and len(self._ids) == n else pd.RangeIndex(n, name="customer")
        columns = pd.Index(self.states, name="stage")
        return pd.DataFrame(cumulative, index=index, columns=columns), pd.DataFrame(latest, index=index, columns=columns)

    def log(self) -> Any:
        """The transition log as a DataFrame: customer (the index), customer_id (the key;
        only when the customers have keys), from, to (Categoricals of stage names), rule
        (transition name, "host_set" or "reset") and at (datetime64[s])."""
        import pandas as pd

        n = self._size(_lib.LIFECYCLE_SIZE_LOG)
        cols = {k: np.empty(n, dtype=np.int32) for k in ("customer", "from", "to", "rule")}
        at = np.empty(n, dtype=np.int64)
        _lib.C.crmkit_lifecycle_log(self._m.ptr, *cols.values(), at, max(n, 0))
        rule_names = np.asarray(self.transitions + ["reset", "host_set"], dtype=object)
        # rule -1 -> "host_set" (last), -2 -> "reset" (second to last): negative indices do it.
        frame = pd.DataFrame({
            "customer": cols["customer"],
            "from": pd.Categorical.from_codes(cols["from"], categories=self.states),
            "to": pd.Categorical.from_codes(cols["to"], categories=self.states),
            "rule": rule_names[cols["rule"]],
            "at": at.astype("datetime64[s]"),
        })
        return self._key_column(frame, cols["customer"])

    def flow_matrix(self, start: Any, end: Any) -> Any:
        """Hops from stage (row) to stage (column) with start <= at < end, as a DataFrame."""
        return self._stage_by_stage("crmkit_lifecycle_flow", np.int64, _time(start, "start"), _time(end, "end"))

    def stage_counts_at(self, times: Sequence[Any]) -> Any:
        """Stage counts at each of ``times`` (ascending), as a DataFrame."""
        import pandas as pd

        t = np.ascontiguousarray([_time(x, "times") for x in times], dtype=np.int64)
        s = len(self.states)
        out = np.empty(max(t.shape[0] * s, 1), dtype=np.int64)
        _lib.C.crmkit_lifecycle_stage_counts_at(self._m.ptr, t, t.shape[0], out, out.shape[0])
        return pd.DataFrame(out[: t.shape[0] * s].reshape(t.shape[0], s), columns=self.states,
                            index=pd.DatetimeIndex(t.astype("datetime64[s]"), name="at"))

    def conversion_rates(self) -> Any:
        """Share of the customers ever in stage (row) who later entered stage (column)."""
        return self._stage_by_stage("crmkit_lifecycle_conversion", np.float64)

    def _stage_by_stage(self, function: str, dtype: Any, *args: Any) -> Any:
        """The states x states matrix of ``function(machine, *args, out, s * s)`` as a DataFrame."""
        import pandas as pd

        s = len(self.states)
        out = np.empty(s * s, dtype=dtype)
        getattr(_lib.C, function)(self._m.ptr, *args, out, out.shape[0])
        return pd.DataFrame(out.reshape(s, s), index=pd.Index(self.states, name="from"),
                            columns=pd.Index(self.states, name="to"))
