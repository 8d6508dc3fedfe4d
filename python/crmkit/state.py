"""The mergeable per-customer state (crmkit/c/state.h; C++ crmkit/state/).

A :class:`CustomerState` holds, per customer id, what the customer table's summaries need
(first and last purchase, transaction count, exact spend, the distinct purchase days with
their exact spend). States of partitions of the transactions merge exactly -- the merged
state scores the same customer table as all the transactions in one process -- and save to
a compact binary document, so a distributed engine (:mod:`crmkit.dask`) ships states, not
lines, and a host keeps one and appends orders as they arrive.

Example::

    import crmkit
    from crmkit.state import CustomerState
    a = CustomerState.from_orders(orders_2025, customer="CustomerID", time="InvoiceDate", amount="amount")
    b = CustomerState.from_orders(orders_2026, customer="CustomerID", time="InvoiceDate", amount="amount")
    a.merge(CustomerState.from_bytes(b.to_bytes()))      # exact
    table = a.customer_table(as_of="2026-12-01")          # the columns of crmkit.score_customers
"""

from __future__ import annotations

import json
import os
from ctypes import byref
from typing import TYPE_CHECKING, Any, List, Mapping, NamedTuple, Optional, Sequence, Union

import numpy as np

from . import _errors, _lib
from ._errors import InvalidArgumentError
from ._arrays import float_vector
from .dataset import (_TIME_FORMATS, Dataset, _char, _csv_options, _pack_strings, _time_array,
                      _unix_seconds)
from .scoring import _ConfigHandle
from .table import _TableHandle, _string, to_frame

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["CustomerState", "StateInfo", "score_lifecycle"]

ConfigLike = Optional[Union[str, bytes, "os.PathLike[str]", Mapping[str, Any]]]


class StateInfo(NamedTuple):
    """Sizes of a state (:attr:`CustomerState.info`)."""

    n_customers: int
    n_transactions: int
    memory_bytes: int  #: ids, records and day lists held (about 150 bytes + id + 24-32 per purchase day per customer)
    min_time: int  #: earliest transaction, Unix seconds (0 when empty)
    max_time: int  #: latest transaction, Unix seconds (0 when empty)


class _Handle(_lib.Handle):
    kind = "state"


class CustomerState:
    """The mergeable, saveable per-customer state (C++ ``crmkit::customer_state``).

    Build one with :meth:`from_orders` (a DataFrame of transactions or order lines, read
    as :meth:`crmkit.Dataset.from_dataframe` reads it: with ``order`` the lines of an order
    roll up into one purchase), :meth:`add` (a Dataset or DataFrame), :meth:`add_csv` (a
    file streamed in blocks: memory is the state, not the lines) or :meth:`append` (a batch
    of orders, returning the touched customers' updated rows). :meth:`merge` adds another
    state exactly; :meth:`to_bytes` / :meth:`from_bytes` (and pickle, through them) ship it;
    :meth:`customer_table` scores it with the config of :func:`crmkit.score_customers`.

    An order's lines must reach one state whole (a partition, a batch): each state rolls up
    the lines it sees.

    Thread safety: not synchronized; use an instance from one thread at a time.
    """

    def __init__(self) -> None:
        ptr = _lib.O.crmkit_state_create()
        self._handle = _Handle(ptr)

    # -- construction ---------------------------------------------------------------------
    @classmethod
    def from_orders(cls, df: "pd.DataFrame", **dataset_options: Any) -> "CustomerState":
        """A state of the transactions (or order lines) of ``df``; ``dataset_options`` are
        those of :meth:`crmkit.Dataset.from_dataframe` (``customer``, ``time``, ``amount``,
        ``order``, ``quantity``, ``unit_price``, the line filters)."""
        state = cls()
        state.add(df, **dataset_options)
        return state

    @classmethod
    def from_bytes(cls, document: bytes) -> "CustomerState":
        """The state saved by :meth:`to_bytes` (the bytes are checked: untrusted input is fine).

        Raises:
            crmkit.Error: a malformed document (code CRMKIT_E_PARSE, the message names the
                byte offset) or another format version (CRMKIT_E_UNSUPPORTED).
        """
        if not isinstance(document, (bytes, bytearray, memoryview)):
            raise TypeError(f"document must be bytes, not {type(document).__name__}")
        data = bytes(document)
        ptr = _lib.O.crmkit_state_load(data, len(data))
        state = cls.__new__(cls)
        state._handle = _Handle(ptr)
        return state

    def add(self, data: Union[Dataset, "pd.DataFrame"], **dataset_options: Any) -> "CustomerState":
        """Adds the purchases of a :class:`crmkit.Dataset` or of a DataFrame (read with
        ``dataset_options`` as :meth:`crmkit.Dataset.from_dataframe`). Returns self."""
        if isinstance(data, Dataset):
            if dataset_options:
                raise TypeError(f"dataset options {sorted(dataset_options)} apply to DataFrames only")
            dataset = data
        else:
            dataset = Dataset.from_dataframe(data, **dataset_options)
        _lib.C.crmkit_state_add_dataset(self._handle.ptr, dataset._h().ptr)
        return self

    def add_csv(self, path: Union[str, "os.PathLike[str]"], *, customer_column: str = "customer_id",
                time_column: str = "timestamp", amount_column: str = "amount", delimiter: str = ",",
                time_format: str = "iso8601", block_bytes: int = 0) -> "CustomerState":
        """Streams a transaction CSV file into the state, ``block_bytes`` at a time (0: 16
        MiB): memory is the state plus one block. Bad rows raise crmkit.Error naming the
        file and line (the rules of :meth:`crmkit.Dataset.from_csv`; no order column).
        On an error the state keeps the blocks read before it. Returns self."""
        options = _csv_options(delimiter=_char("delimiter", delimiter), customer_column=customer_column,
                               time_format=_lib.choice("time_format", time_format, _TIME_FORMATS),
                               time_column=time_column, amount_column=amount_column)
        _lib.C.crmkit_state_add_csv(self._handle.ptr, os.fsencode(path), options.ptr, int(block_bytes))
        return self

    def append(self, customer: Sequence[Any], time: Any, amount: Any, as_of: Any = None,
               period_days: float = 7.0) -> "pd.DataFrame":
        """Incremental update: adds a batch of transactions (one order, or a day's orders:
        customer ids, times as Unix seconds or datetime64, amounts) and returns the updated
        rows of the customers it touched, indexed by customer id in order of first
        appearance: ``orders``, ``recency_days``, ``tenure_days``, ``monetary``,
        ``avg_order_value``, ``first_purchase``, ``last_purchase`` at ``as_of`` (default: the
        latest transaction) and the BTYD summary ``frequency``, ``recency``, ``T``,
        ``monetary_value`` (in periods of ``period_days``; NaN for a first purchase after
        as_of). Each row equals a full recompute. Nothing is added when a row is invalid.

        Raises:
            crmkit.InvalidArgumentError: an empty or missing id, a non-finite amount, as_of
                before the latest transaction, a negative amount anywhere (the BTYD rows).
        """
        return self._append(customer, time, amount, as_of, period_days, rows=True)

    def add_columns(self, customer: Any, time: Any, amount: Any) -> "CustomerState":
        """Adds transactions given as columns (customer ids of any type, named by their
        ``str``; times as Unix seconds or datetime64, UTC; amounts) without computing rows:
        the bulk form of :meth:`append`. Nothing is added when a row is invalid. Returns self.

        Raises:
            crmkit.InvalidArgumentError: a missing or empty id, a non-finite amount (the
                message names the row).
        """
        self._append(customer, time, amount, None, 7.0, rows=False)
        return self

    def _append(self, customer: Any, time: Any, amount: Any, as_of: Any, period_days: float, rows: bool) -> Any:
        import pandas as pd

        codes, uniques = pd.factorize(pd.Series(customer, dtype=object) if not isinstance(customer, pd.Series)
                                      else customer, sort=False)
        codes = np.ascontiguousarray(codes, dtype=np.int32)
        if codes.size and codes.min() < 0:
            raise InvalidArgumentError(_errors.E_INVALID_ARGUMENT,
                                       f"customer is missing at row {int(np.flatnonzero(codes < 0)[0])}")
        ids, offsets = _pack_strings([str(u) for u in uniques])
        times = _time_array(np.asarray(time))
        amounts = float_vector(amount, "amount")
        n = codes.shape[0]
        if times.shape[0] != n or amounts.shape[0] != n:
            raise InvalidArgumentError(_errors.E_INVALID_ARGUMENT,
                                       f"customer, time and amount have different lengths ({n}, {times.shape[0]}, "
                                       f"{amounts.shape[0]})")
        if as_of is None:
            as_of_s = max(self.info.max_time, int(times.max()) if n else 0)
        else:
            as_of_s = _unix_seconds(as_of, "as_of")
        ptr = _lib.TableP()
        _lib.C.crmkit_state_append(
            self._handle.ptr, codes, ids,
            offsets, offsets.shape[0] - 1,
            times, amounts, n, as_of_s,
            float(period_days), byref(ptr) if rows else None)
        if not rows:
            return None
        handle = _TableHandle(ptr)
        return to_frame(handle, _row_ids(handle))

    def merge(self, other: "CustomerState") -> "CustomerState":
        """Adds ``other`` into this state (exact, associative, commutative); ``other`` is
        unchanged. Returns self."""
        if not isinstance(other, CustomerState):
            raise TypeError(f"other must be a CustomerState, not {type(other).__name__}")
        _lib.C.crmkit_state_merge(self._handle.ptr, other._handle.ptr)
        return self

    # -- persistence ----------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        """The state's binary document (canonical: equal states give equal bytes)."""
        return _lib.data(_lib.get().crmkit_state_save, self._handle.ptr)

    def __reduce__(self) -> tuple:
        """Pickles through :meth:`to_bytes` (a binary document, so not the text documents of
        the fitted models' ``Persisted`` mixin)."""
        return (CustomerState.from_bytes, (self.to_bytes(),))

    # -- queries --------------------------------------------------------------------------
    @property
    def info(self) -> StateInfo:
        """Customers, transactions, bytes held and the time range."""
        return StateInfo(*_lib.O.crmkit_state_info(self._handle.ptr))

    def __len__(self) -> int:
        return self.info.n_customers

    @property
    def customer_ids(self) -> List[str]:
        """The customer ids in row order of :meth:`customer_table` (decimal ids by value,
        then the others byte-wise)."""
        return _lib.id_list(_lib.get().crmkit_state_customer_ids, self._handle.ptr, self.info.n_customers)

    def lifecycle_start(self) -> int:
        """The lifecycle replay's start (Unix seconds): the first second of the UTC day of
        the earliest transaction (see :func:`score_lifecycle`)."""
        return _lib.O.crmkit_state_lifecycle_start(self._handle.ptr)

    def customer_table(self, as_of: Any, config: ConfigLike = None) -> "pd.DataFrame":
        """The customer table at ``as_of`` with the config of :func:`crmkit.score_customers`
        (TOML/JSON text, a path or a dict; None: the defaults): a DataFrame indexed by
        customer id (rows in id order) whose values equal, per customer, those of
        ``crmkit.score_customers`` on all the transactions, except ``lifecycle_stage`` and
        ``stage_since``, which are missing here (they need every purchase's time: fill them
        with :func:`score_lifecycle`; :func:`crmkit.dask.score_customers` does).
        ``attrs["crmkit_report"]`` tells what was fitted.

        Raises:
            crmkit.InvalidArgumentError: an empty state, as_of before its last transaction,
                a bad config.
        """
        config_handle = _ConfigHandle(config) if config is not None else None
        lib = _lib.get()
        ptr = _lib.O.crmkit_state_score_customers(self._handle.ptr, _unix_seconds(as_of, "as_of"),
                                                  config_handle.ptr if config_handle else None)
        handle = _TableHandle(ptr)
        frame = to_frame(handle, self.customer_ids)
        frame.attrs["crmkit_report"] = json.loads(_string(lib.crmkit_table_report_json, handle.ptr))
        return frame

    def __repr__(self) -> str:
        i = self.info
        return f"CustomerState(n_customers={i.n_customers}, n_transactions={i.n_transactions}, bytes={i.memory_bytes})"


def _row_ids(handle: _TableHandle) -> List[str]:
    n = _lib.O.crmkit_table_n_rows(handle.ptr)
    return [_string(_lib.get().crmkit_table_customer_id, handle.ptr, i) for i in range(n)]


def score_lifecycle(data: Union[Dataset, "pd.DataFrame"], start: Any, as_of: Any, config: ConfigLike = None,
                    **dataset_options: Any) -> "pd.DataFrame":
    """The lifecycle columns of :func:`crmkit.score_customers` (``lifecycle_stage``,
    ``stage_since``) for the customers of ``data`` (a Dataset, or a DataFrame read with
    ``dataset_options``), replayed from ``start`` (:meth:`CustomerState.lifecycle_start`
    of the merged state of all partitions) to ``as_of``. Per customer equal to the
    one-process table when ``data`` holds all of that customer's transactions. Indexed by
    customer id; no columns when the config turns the lifecycle off."""
    dataset = data if isinstance(data, Dataset) else Dataset.from_dataframe(data, **dataset_options)
    config_handle = _ConfigHandle(config) if config is not None else None
    ptr = _lib.O.crmkit_state_score_lifecycle(dataset._h().ptr, _unix_seconds(start, "start"),
                                              _unix_seconds(as_of, "as_of"),
                                              config_handle.ptr if config_handle else None)
    return to_frame(_TableHandle(ptr), dataset.customer_ids)

