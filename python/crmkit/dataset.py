"""crmkit.Dataset: customers and their transactions, held by libcrmkit."""

from __future__ import annotations

import ctypes
import datetime as _dt
import os
from ctypes import byref, c_int64
from typing import TYPE_CHECKING, Any, Dict, List, NamedTuple, Optional, Sequence, Tuple, Union

import numpy as np

from . import _errors, _lib
from ._arrays import float_vector, size
from ._errors import NotFoundError

__all__ = ["Dataset", "FilterCount", "IngestReport"]

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

PathLike = Union[str, "os.PathLike[str]"]

_INT32_MAX = np.iinfo(np.int32).max

_TIME_FORMATS = _lib.names("TIME_", "iso8601", "epoch_seconds", "compact_date")
_BAD_ROW_POLICIES = _lib.names("BAD_ROW_", "fail", "skip")
# The order-line filters: report name -> the option key that turns it on (and names it
# in crmkit_dataset_filtered_count).
_FILTERS = _lib.names("CSV_", "drop_empty_customer", "exclude_order_prefix", "drop_nonpositive_quantity",
                      "drop_nonpositive_unit_price")


class FilterCount(NamedTuple):
    """How many lines an order-line filter dropped, and the first (up to 5) of them:
    1-based file lines for :meth:`Dataset.from_csv`, 0-based rows for
    :meth:`Dataset.from_dataframe`."""

    lines: int
    first_lines: List[int]


class IngestReport(NamedTuple):
    """What building a dataset did (:attr:`Dataset.ingest_report`)."""

    rows_read: int  #: data records seen (rows given)
    rows_skipped: int  #: bad rows left out (``on_bad_row="skip"``)
    filtered: Dict[str, FilterCount]  #: per filter: ``drop_empty_customer``, ``exclude_order_prefix``, ...

    @property
    def rows_filtered(self) -> int:
        """Lines dropped by all filters together."""
        return sum(f.lines for f in self.filtered.values())

    @property
    def rows_loaded(self) -> int:
        """Rows (order lines) kept: read - skipped - filtered."""
        return self.rows_read - self.rows_skipped - self.rows_filtered


def _pack_strings(values: Sequence[str]) -> Tuple[bytes, np.ndarray]:
    """Distinct strings packed back to back, and the n + 1 offsets (crmkit.h's layout)."""
    encoded = [_lib._text(v) for v in values]
    offsets = np.zeros(len(encoded) + 1, dtype=np.uintp)
    if encoded:
        np.cumsum([len(e) for e in encoded], out=offsets[1:])
    return b"".join(encoded), offsets


def _id_strings(uniques: Any) -> List[str]:
    """pandas.factorize uniques as id strings; integral floats (an id column read with
    missing values) lose their '.0'."""
    values = np.asarray(uniques)
    if values.dtype.kind == "f" and values.size and np.all(np.mod(values, 1) == 0):
        return [str(int(v)) for v in values]
    return [str(v) for v in uniques]


def _factorized(series: Any) -> Tuple[np.ndarray, bytes, np.ndarray, int]:
    """(int32 codes, packed distinct strings, offsets, number of strings) of a DataFrame
    column; missing values (NaN, None) get code -1."""
    import pandas as pd

    codes, uniques = pd.factorize(series, sort=False)
    strings, offsets = _pack_strings(_id_strings(uniques))
    return np.ascontiguousarray(codes, dtype=np.int32), strings, offsets, offsets.shape[0] - 1


class _Handle(_lib.Handle):
    """Owns one ``crmkit_dataset*`` and the host arrays it borrows.

    The C handle is freed when the last reference goes away: the Dataset holds one, and
    so does every numpy view of its columns, so a view never outlives the memory it
    points at, even after :meth:`Dataset.close`.
    """

    kind = "dataset"


class _ColumnView:
    """Exposes C memory to numpy (``__array_interface__``) while keeping its owner alive;
    numpy records this object as the array's ``base``."""

    __slots__ = ("__array_interface__", "owner")

    def __init__(self, address: int, n: int, dtype: np.dtype, owner: _Handle) -> None:
        self.__array_interface__ = {
            "version": 3,
            "shape": (n,),
            "typestr": np.dtype(dtype).str,
            "data": (address, True),  # True: read-only
        }
        self.owner = owner


def _view(pointer: Any, n: int, dtype: Any, owner: _Handle) -> np.ndarray:
    if n == 0:
        empty = np.empty(0, dtype=dtype)
        empty.flags.writeable = False
        return empty
    address = ctypes.cast(pointer, ctypes.c_void_p).value
    assert address is not None, "libcrmkit returned a NULL column for a non-empty dataset"
    return np.asarray(_ColumnView(address, n, np.dtype(dtype), owner))


def _copy(pointer: Any, n: int) -> np.ndarray:
    """A copy of n doubles the library lent at ``pointer``."""
    return np.ctypeslib.as_array(pointer, shape=(n,)).copy() if n else np.empty(0)


def _unix_seconds(value: Any, what: str) -> int:
    """An int, or a date/time (datetime, numpy datetime64, ISO string) as Unix seconds."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, _dt.datetime) and value.tzinfo is not None:
        return int(value.timestamp() // 1)
    try:
        return int(np.datetime64(value, "s").astype(np.int64))
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{what} must be Unix seconds (int) or a date/time, not {value!r}") from exc


def _customer_array(customer: Any) -> np.ndarray:
    array = np.asarray(customer)
    if array.ndim != 1:
        raise _errors.invalid(f"customer must be 1-D, got shape {array.shape}")
    if array.dtype.kind not in "iu":
        raise TypeError(f"customer must hold integer customer indices, not {array.dtype}")
    if array.dtype != np.int32 and array.size and (array.min() < 0 or array.max() > _INT32_MAX):
        bad = int(np.flatnonzero((array < 0) | (array > _INT32_MAX))[0])
        raise _errors.invalid(f"customer[{bad}] = {array[bad]} is not a customer index in [0, 2^31-1)")
    return np.ascontiguousarray(array, dtype=np.int32)


def _time_array(time: Any) -> np.ndarray:
    array = np.asarray(time)
    if array.ndim != 1:
        raise _errors.invalid(f"time must be 1-D, got shape {array.shape}")
    if array.dtype.kind == "M":
        missing = np.isnat(array)
        if missing.any():
            raise _errors.invalid(f"time[{int(np.flatnonzero(missing)[0])}] is NaT (missing)")
        return np.ascontiguousarray(array.astype("datetime64[s]").view(np.int64))
    if array.dtype.kind == "u" and array.size and array.max() > np.iinfo(np.int64).max:
        raise _errors.invalid("time holds values beyond int64 Unix seconds")
    if array.dtype.kind not in "iu":
        raise TypeError(f"time must hold integer Unix seconds or datetime64 values, not {array.dtype}")
    return np.ascontiguousarray(array, dtype=np.int64)


def _char(name: str, value: Any) -> int:
    """The code of a one-character option (delimiter, quote); the library checks which."""
    if not isinstance(value, str) or len(value) != 1:
        raise _errors.invalid(f"{name} must be one character, got {value!r}")
    return ord(value)


def _utc(times: Any) -> Any:
    """A pandas time column with a time zone as naive UTC; other columns as they are."""
    import pandas as pd

    if pd.api.types.is_datetime64_any_dtype(times) and getattr(times.dt, "tz", None) is not None:
        return times.dt.tz_convert("UTC").dt.tz_localize(None)
    return times


def _require_columns(df: Any, columns: Sequence[str]) -> None:
    for column in columns:
        if column not in df.columns:
            raise KeyError(f"DataFrame has no column {column!r} (columns: {list(df.columns)})")


def _alias(primary: Optional[str], alias: Optional[str], name: str) -> Optional[str]:
    if primary is not None and alias is not None and primary != alias:
        raise _errors.invalid(f"{name}={alias!r} and {name}_column={primary!r} disagree; give one")
    return primary if primary is not None else alias


class _CsvOptions(_lib.Handle):
    kind = "csv_options"


def _csv_options(**settings: Any) -> _CsvOptions:
    """A crmkit_csv_options handle with ``settings`` set (keyword == CRMKIT_CSV_<NAME>): a
    str or None (""; not read) sets a column name or the order prefix, anything else a
    number (:func:`crmkit._lib.set_option`; the library checks each)."""
    options = _CsvOptions()
    for name, value in settings.items():
        if value is None or isinstance(value, str):
            _lib.C.crmkit_csv_options_set_string(options.ptr, _lib.option_key("csv", name), value or "")
        else:
            _lib.set_option("csv", options.ptr, name, value)
    return options


class Dataset:
    """Customers and their transactions, held by libcrmkit: what every analysis reads.

    Build one with :meth:`from_arrays`, :meth:`from_dataframe` or :meth:`from_csv`.

    The transaction columns (:attr:`customer`, :attr:`time`, :attr:`amount`) are
    read-only numpy views of the library's memory, without copies. Customer-side data
    (locations, attributes) is returned as copies, because it can be replaced.

    A Dataset frees its C handle when garbage-collected, or at :meth:`close` / the end of
    a ``with`` block; numpy views obtained before keep the memory alive until they go.

    Thread safety: not synchronized while ``set_*`` methods are being called; after that
    the dataset is immutable and may be read from any number of threads.

    Example::

        import crmkit
        with crmkit.Dataset.from_csv("orders.csv", time_column="date") as ds:
            print(ds.n_customers, ds.n_transactions, ds.amount.sum())
    """

    def __init__(self, handle: _Handle) -> None:  # private: use the from_* constructors
        if not isinstance(handle, _Handle):
            raise TypeError("use Dataset.from_arrays, Dataset.from_dataframe or Dataset.from_csv")
        self._handle: Optional[_Handle] = handle
        self._columns: Optional[Tuple[np.ndarray, np.ndarray, np.ndarray]] = None
        self._ids: Optional[List[str]] = None

    # -----------------------------------------------------------------------------------
    # Construction
    @classmethod
    def from_arrays(
        cls,
        customer: Any,
        time: Any,
        amount: Any,
        customer_ids: Optional[Sequence[Any]] = None,
        copy: bool = False,
        n_customers: Optional[int] = None,
    ) -> "Dataset":
        """A dataset from transaction arrays.

        Args:
            customer: dense customer indices (integers in ``[0, n_customers)``).
            time: Unix seconds (integers) or ``datetime64`` values (converted to seconds,
                UTC).
            amount: amounts (numbers; negative = refund; must be finite).
            customer_ids: the id of each customer (``customer_ids[i]`` names index i),
                unique and non-empty; default ``"0"``, ``"1"``, ...
            copy: False (default) passes the arrays without copying when they already
                are C-contiguous int32 / int64 / float64, and the dataset keeps a
                reference to them: do not modify them afterwards. True makes the library
                copy them.
            n_customers: number of customers when ``customer_ids`` is not given (default
                ``max(customer) + 1``).

        Raises:
            crmkit.InvalidArgumentError: an invalid row (the message names it) or
                inconsistent lengths. TypeError: an array of an unsupported dtype.
        """
        customer_array = _customer_array(customer)
        time_array = _time_array(time)
        amount_array = float_vector(amount, "amount")
        n_rows = customer_array.shape[0]
        if time_array.shape[0] != n_rows or amount_array.shape[0] != n_rows:
            raise _errors.invalid(f"customer, time and amount have different lengths ({n_rows}, {time_array.shape[0]}, "
                                  f"{amount_array.shape[0]})")
        if customer_ids is not None:
            ids = list(customer_ids)
            if n_customers is not None and n_customers != len(ids):
                raise _errors.invalid(f"n_customers is {n_customers} but {len(ids)} customer_ids are given")
            n_customers = len(ids)
        elif n_customers is None:
            n_customers = int(customer_array.max()) + 1 if n_rows else 0
        out = _lib.O.crmkit_dataset_create_from_columns(customer_array, time_array, amount_array, n_rows,
                                                        size(n_customers, "n_customers"),
                                                        _lib.COPY if copy else _lib.BORROW)
        handle = _Handle(out, () if copy else (customer_array, time_array, amount_array))
        dataset = cls(handle)
        if customer_ids is not None:
            dataset._set_customer_ids(ids)
        return dataset

    @classmethod
    def from_dataframe(
        cls,
        df: "pd.DataFrame",
        customer: str = "customer_id",
        time: str = "timestamp",
        amount: str = "amount",
        *,
        order: Optional[str] = None,
        quantity: Optional[str] = None,
        unit_price: Optional[str] = None,
        product: Optional[str] = None,
        exclude_order_prefix: Optional[str] = None,
        drop_nonpositive_quantity: bool = False,
        drop_nonpositive_unit_price: bool = False,
        drop_empty_customer: bool = False,
    ) -> "Dataset":
        """A dataset from a pandas DataFrame with one row per transaction, or one row per
        order line.

        Order lines: with ``order`` (an order id column) the lines of each order roll up
        into one purchase (earliest time, summed amount); with ``quantity`` and
        ``unit_price`` a line's amount is their product (``amount`` is then not read);
        ``product`` keeps a product per line. The filters drop lines and count them in
        :attr:`ingest_report` (with 0-based row positions): ``exclude_order_prefix``
        (e.g. ``"C"`` for cancellations), ``drop_nonpositive_quantity``,
        ``drop_nonpositive_unit_price``, ``drop_empty_customer``. The roll-up and the
        filters run in libcrmkit, exactly as :meth:`from_csv` does them; customers are
        then numbered in order of first appearance among the kept lines. An order whose
        lines name two customers raises crmkit.InvalidArgumentError naming the order,
        both customers and both rows.

        The customer column (ids of any type: strings, integers, ...) is factorized with
        ``pandas.factorize`` into dense indices in order of first appearance, and the ids
        (as strings) name the customers. The time column may be ``datetime64`` (naive =
        UTC; time-zone aware is converted to UTC) or integer Unix seconds. The arrays
        handed to the library are private copies, so later changes to ``df`` do not
        affect the dataset.

        Raises:
            crmkit.InvalidArgumentError: missing customer ids or times, non-finite
                amounts. KeyError: a column is absent.
        """
        import pandas as pd

        if any(c is not None for c in (order, quantity, unit_price, product)) or any(
                (exclude_order_prefix, drop_nonpositive_quantity, drop_nonpositive_unit_price, drop_empty_customer)):
            if (quantity is None) != (unit_price is None):
                raise _errors.invalid("give quantity and unit_price together, or neither")
            needed = [customer, time] + ([quantity, unit_price] if quantity is not None else [amount])
            _require_columns(df, needed + [c for c in (order, product) if c is not None])

            def doubles(column: Optional[str]) -> Any:
                return None if column is None else np.array(float_vector(df[column].to_numpy(), column),
                                                            dtype=np.float64, copy=True)

            def factors(column: Optional[str]) -> List[Any]:
                return [None, None, None, 0] if column is None else list(_factorized(df[column]))

            args = [*factors(customer), _time_array(_utc(df[time]).to_numpy()),
                    doubles(amount if quantity is None else None), doubles(quantity), doubles(unit_price),
                    *factors(order), *factors(product), len(df)]
            options = _csv_options(exclude_order_prefix=exclude_order_prefix,
                                   drop_nonpositive_quantity=drop_nonpositive_quantity,
                                   drop_nonpositive_unit_price=drop_nonpositive_unit_price,
                                   drop_empty_customer=drop_empty_customer)
            out = _lib.O.crmkit_dataset_create_from_order_lines(*args, options.ptr)
            return cls(_Handle(out))
        _require_columns(df, (customer, time, amount))
        codes, uniques = pd.factorize(df[customer], sort=False)
        if codes.size and codes.min() < 0:
            row = int(np.flatnonzero(codes < 0)[0])
            raise _errors.invalid(f"column {customer!r} is missing at row {row} (index {df.index[row]!r})")
        ids = [str(u) for u in uniques]
        times = _utc(df[time])
        time_values = times.to_numpy(dtype="datetime64[ns]") if pd.api.types.is_datetime64_any_dtype(times) \
            else times.to_numpy()
        amount_values = np.array(df[amount].to_numpy(), dtype=np.float64, copy=True)
        return cls.from_arrays(codes.astype(np.int32), time_values, amount_values, customer_ids=ids, copy=False)

    @classmethod
    def from_csv(
        cls,
        path: PathLike,
        customers_path: Optional[PathLike] = None,
        *,
        customer_column: str = "customer_id",
        time_column: str = "timestamp",
        amount_column: str = "amount",
        product_column: Optional[str] = None,
        channel_column: Optional[str] = None,
        delimiter: str = ",",
        quote: str = '"',
        time_format: str = "iso8601",
        on_bad_row: str = "fail",
        min_time: Any = None,
        max_time: Any = None,
        allow_negative_amounts: bool = True,
        customer_id_column: str = "customer_id",
        longitude_column: Optional[str] = None,
        latitude_column: Optional[str] = None,
        attribute_columns: Sequence[str] = (),
        order_column: Optional[str] = None,
        quantity_column: Optional[str] = None,
        unit_price_column: Optional[str] = None,
        exclude_order_prefix: Optional[str] = None,
        drop_nonpositive_quantity: bool = False,
        drop_nonpositive_unit_price: bool = False,
        drop_empty_customer: bool = False,
        order: Optional[str] = None,
        quantity: Optional[str] = None,
        unit_price: Optional[str] = None,
    ) -> "Dataset":
        """Reads a transaction CSV file and, optionally, a customer CSV file.

        Args:
            path: the transaction file (RFC 4180, with a header row).
            customers_path: an optional customer file; transactions naming an id absent
                from it are bad rows.
            customer_column, time_column, amount_column: header names in the
                transaction file.
            product_column, channel_column: optional categorical columns.
            delimiter, quote: one ASCII character each.
            time_format: ``"iso8601"``, ``"epoch_seconds"`` or ``"compact_date"``
                (``YYYYMMDD``).
            on_bad_row: ``"fail"`` (raise at the first bad row) or ``"skip"`` (leave it
                out and report it in :attr:`skipped_rows`).
            min_time, max_time: accepted time range (Unix seconds or a date/time;
                defaults 1900-01-01 and 2200-01-01).
            allow_negative_amounts: False makes refunds bad values.
            customer_id_column, longitude_column, latitude_column, attribute_columns:
                header names in the customer file.
            order_column (or ``order``): an order id column; the lines of each order
                roll up into one purchase (earliest time, summed amount), and an order
                whose lines name two customers is a bad row. :attr:`order_lines` gives
                the lines back.
            quantity_column, unit_price_column (or ``quantity``, ``unit_price``): read
                a line's amount as quantity x unit price instead of ``amount_column``.
            exclude_order_prefix: drop the lines whose order id starts with it (``"C"``:
                cancellations). drop_nonpositive_quantity, drop_nonpositive_unit_price,
                drop_empty_customer: drop such lines. Each filter's count is in
                :attr:`ingest_report`.

        Raises:
            crmkit.Error: ``code`` CRMKIT_E_IO (missing file), CRMKIT_E_PARSE (bad header
                or, with ``on_bad_row="fail"``, the first bad row; the message names file
                and line), crmkit.InvalidArgumentError (bad options).
        """
        times = {name: _unix_seconds(value, name) for name, value in (("min_time", min_time), ("max_time", max_time))
                 if value is not None}
        options = _csv_options(
            delimiter=_char("delimiter", delimiter), quote=_char("quote", quote),
            time_format=_lib.choice("time_format", time_format, _TIME_FORMATS),
            on_bad_row=_lib.choice("on_bad_row", on_bad_row, _BAD_ROW_POLICIES),
            allow_negative_amounts=allow_negative_amounts, **times, customer_column=customer_column,
            time_column=time_column, amount_column=amount_column, product_column=product_column,
            channel_column=channel_column, customer_id_column=customer_id_column, longitude_column=longitude_column,
            latitude_column=latitude_column, order_column=_alias(order_column, order, "order"),
            quantity_column=_alias(quantity_column, quantity, "quantity"),
            unit_price_column=_alias(unit_price_column, unit_price, "unit_price"),
            exclude_order_prefix=exclude_order_prefix, drop_nonpositive_quantity=drop_nonpositive_quantity,
            drop_nonpositive_unit_price=drop_nonpositive_unit_price, drop_empty_customer=drop_empty_customer)
        for name in attribute_columns:
            _lib.C.crmkit_csv_options_add_attribute_column(options.ptr, name)
        out = _lib.O.crmkit_dataset_create_from_csv(os.fsencode(path),
                                                    None if customers_path is None else os.fsencode(customers_path),
                                                    options.ptr)
        return cls(_Handle(out))

    # -----------------------------------------------------------------------------------
    # Lifetime
    def close(self) -> None:
        """Releases this object's hold on the C dataset. The memory is freed now unless
        numpy views of its columns are still alive (then when the last one goes).
        Further use of this object raises ValueError."""
        self._handle = None
        self._columns = None

    @property
    def closed(self) -> bool:
        """True after :meth:`close`."""
        return self._handle is None

    def __enter__(self) -> "Dataset":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def _h(self) -> _Handle:
        if self._handle is None:
            raise ValueError("operation on a closed crmkit.Dataset")
        return self._handle

    def _get_size(self, function_name: str) -> int:
        return getattr(_lib.O, function_name)(self._h().ptr)

    # -----------------------------------------------------------------------------------
    # Sizes and transactions
    @property
    def n_transactions(self) -> int:
        """Number of transactions."""
        return self._get_size("crmkit_dataset_n_transactions")

    @property
    def n_customers(self) -> int:
        """Number of customers, including those without transactions."""
        return self._get_size("crmkit_dataset_n_customers")

    def __len__(self) -> int:
        return self.n_transactions

    @property
    def time_range(self) -> Tuple[int, int]:
        """(earliest, latest) transaction time in Unix seconds, UTC; (0, 0) when empty."""
        return _lib.O.crmkit_dataset_time_range(self._h().ptr)

    def _transaction_columns(self) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
        if self._columns is None:
            handle = self._h()
            customer, time, amount, n = _lib.O.crmkit_dataset_transactions(handle.ptr)
            self._columns = (
                _view(customer, n, np.int32, handle),
                _view(time, n, np.int64, handle),
                _view(amount, n, np.float64, handle),
            )
        return self._columns

    @property
    def customer(self) -> np.ndarray:
        """Customer index of each transaction: a read-only int32 view of the library's
        column (no copy)."""
        return self._transaction_columns()[0]

    @property
    def time(self) -> np.ndarray:
        """Time of each transaction in Unix seconds, UTC: a read-only int64 view (no
        copy)."""
        return self._transaction_columns()[1]

    @property
    def amount(self) -> np.ndarray:
        """Amount of each transaction: a read-only float64 view (no copy)."""
        return self._transaction_columns()[2]

    # -----------------------------------------------------------------------------------
    # Customers
    @property
    def customer_ids(self) -> List[str]:
        """The customer ids, in index order (``customer_ids[i]`` names index i)."""
        if self._ids is None:
            self._ids = _lib.id_list(_lib.get().crmkit_dataset_customer_ids, self._h().ptr, self.n_customers)
        return list(self._ids)

    def customer_id(self, index: int) -> str:
        """The id of customer ``index``."""
        return _lib.text(_lib.get().crmkit_dataset_customer_id, self._h().ptr, int(index))

    def customer_index(self, customer_id: str) -> int:
        """The index of the customer named ``customer_id``.

        Raises:
            crmkit.NotFoundError: no such customer (also a LookupError).
        """
        return _lib.O.crmkit_dataset_customer_index(self._h().ptr, customer_id)

    def _set_customer_ids(self, ids: Sequence[Any]) -> None:
        _lib.C.crmkit_dataset_set_customer_ids(self._h().ptr, list(ids), len(ids))
        self._ids = None

    def set_customer_locations(self, longitude: Any, latitude: Any) -> None:
        """Sets the customers' locations in degrees (NaN in both = unknown). The values
        are copied into arrays the dataset keeps."""
        lon = np.array(float_vector(longitude, "longitude"), copy=True)
        lat = np.array(float_vector(latitude, "latitude"), copy=True)
        if lon.shape != lat.shape:
            raise _errors.invalid(f"{lon.shape[0]} longitudes but {lat.shape[0]} latitudes")
        handle = self._h()
        _lib.C.crmkit_dataset_set_customer_locations(handle.ptr, lon, lat, lon.shape[0], _lib.BORROW)
        handle.keepalive += [lon, lat]

    def set_customer_attribute(self, name: str, values: Any) -> None:
        """Adds or replaces the numeric customer attribute ``name`` (NaN = missing). The
        values are copied into an array the dataset keeps."""
        array = np.array(float_vector(values, name), copy=True)
        handle = self._h()
        _lib.C.crmkit_dataset_set_customer_attribute(handle.ptr, name, array, array.shape[0],
                                                     _lib.BORROW)
        handle.keepalive.append(array)

    @property
    def customer_locations(self) -> Optional[Tuple[np.ndarray, np.ndarray]]:
        """(longitude, latitude) arrays in degrees (copies), or None without locations."""
        try:
            lon, lat, n = _lib.O.crmkit_dataset_customer_locations(self._h().ptr)
        except NotFoundError:
            return None
        return _copy(lon, n), _copy(lat, n)

    @property
    def attribute_names(self) -> List[str]:
        """Names of the customer attributes, in the order they were first set."""
        return [_lib.text(_lib.get().crmkit_dataset_attribute_name, self._h().ptr, i)
                for i in range(self._get_size("crmkit_dataset_attribute_count"))]

    def customer_attribute(self, name: str) -> np.ndarray:
        """The values of customer attribute ``name`` (a copy).

        Raises:
            crmkit.NotFoundError: no such attribute (the message lists those present).
        """
        return _copy(*_lib.O.crmkit_dataset_customer_attribute(self._h().ptr, name))

    # -----------------------------------------------------------------------------------
    # Ingest report
    @property
    def rows_read(self) -> int:
        """Data records seen in the transaction file (or rows given to from_arrays)."""
        return self._get_size("crmkit_dataset_rows_read")

    @property
    def skipped_rows(self) -> List[Tuple[int, str]]:
        """Rows left out with ``on_bad_row="skip"``: (line, message) pairs, the message
        reading ``path:line: column 'c': reason: 'value'``."""
        rows, line = [], c_int64()
        for i in range(self._get_size("crmkit_dataset_skipped_count")):
            message = _lib.text(_lib.get().crmkit_dataset_skipped_row, self._h().ptr, i, byref(line))
            rows.append((line.value, message))
        return rows

    def filtered_count(self, name: str) -> FilterCount:
        """What the order-line filter ``name`` dropped (one of ``drop_empty_customer``,
        ``exclude_order_prefix``, ``drop_nonpositive_quantity``,
        ``drop_nonpositive_unit_price``); 0 lines when it was off."""
        if name not in _FILTERS:
            raise _errors.invalid(f"filter {name!r} is not one of {list(_FILTERS)}")
        handle = self._h()
        count = _lib.O.crmkit_dataset_filtered_count(handle.ptr, _FILTERS[name])
        lines = (c_int64 * 8)()
        n = _lib.O.crmkit_dataset_filtered_lines(handle.ptr, _FILTERS[name], lines, len(lines))
        return FilterCount(count, [int(lines[i]) for i in range(n)])

    @property
    def ingest_report(self) -> IngestReport:
        """Rows read, skipped (bad) and dropped by each order-line filter."""
        return IngestReport(
            rows_read=self.rows_read,
            rows_skipped=self._get_size("crmkit_dataset_skipped_count"),
            filtered={name: self.filtered_count(name) for name in _FILTERS},
        )

    # -----------------------------------------------------------------------------------
    # Order lines
    @property
    def order_lines(self) -> Optional[Tuple[np.ndarray, np.ndarray]]:
        """For a dataset built with an order column: (order, amount) per kept line, in
        the order read, as read-only views (no copy); ``order[i]`` is the transaction row
        line i rolled up into. None otherwise."""
        handle = self._h()
        try:
            order, amount, n = _lib.O.crmkit_dataset_order_lines(handle.ptr)
        except NotFoundError:
            return None
        return _view(order, n, np.int32, handle), _view(amount, n, np.float64, handle)

    def order_id(self, row: int) -> str:
        """The order id of transaction row ``row`` (datasets built with an order column).

        Raises:
            crmkit.NotFoundError: the dataset was not built with an order column.
        """
        return _lib.text(_lib.get().crmkit_dataset_order_id, self._h().ptr, int(row))

    # -----------------------------------------------------------------------------------
    # pandas
    def to_dataframe(self) -> "pd.DataFrame":
        """The transactions as a DataFrame with columns ``customer_id`` (categorical over
        :attr:`customer_ids`), ``timestamp`` (datetime64[ns], UTC, naive) and ``amount``.
        The columns are copies."""
        import pandas as pd

        customer, time, amount = self._transaction_columns()
        ids = self.customer_ids
        return pd.DataFrame(
            {
                "customer_id": pd.Categorical.from_codes(np.array(customer), categories=pd.Index(ids, dtype=object)),
                "timestamp": pd.to_datetime(np.array(time), unit="s"),
                "amount": np.array(amount),
            }
        )

    def customers_to_dataframe(self) -> "pd.DataFrame":
        """The customers as a DataFrame: ``customer_id``, then ``longitude`` and
        ``latitude`` when set, then one column per attribute."""
        import pandas as pd

        columns = {"customer_id": self.customer_ids}
        locations = self.customer_locations
        if locations is not None:
            columns["longitude"], columns["latitude"] = locations
        for name in self.attribute_names:
            columns[name] = self.customer_attribute(name)
        return pd.DataFrame(columns)

    def __repr__(self) -> str:
        if self._handle is None:
            return "<crmkit.Dataset (closed)>"
        first, last = self.time_range
        span = ""
        if self.n_transactions:
            start = np.datetime64(first, "s").astype("datetime64[D]")
            end = np.datetime64(last, "s").astype("datetime64[D]")
            span = f", {start} .. {end}"
        return f"<crmkit.Dataset: {self.n_transactions} transactions, {self.n_customers} customers{span}>"
