"""The customer table on Dask: :func:`score_customers` on a dask DataFrame of transactions
or order lines, with the config and keywords of :func:`crmkit.score_customers`.

Example::

    import dask.dataframe as dd
    from distributed import Client
    import crmkit.dask

    client = Client("tcp://scheduler:8786")          # or LocalCluster(); nothing else changes
    lines = dd.read_csv("orders-*.csv", blocksize=None, parse_dates=["InvoiceDate"],
                        include_path_column="path")
    table = crmkit.dask.score_customers(lines, as_of="2011-12-10", config={"btyd": {"horizon": "90 days"}},
                                        customer="CustomerID", time="InvoiceDate",
                                        quantity="Quantity", unit_price="UnitPrice", order="InvoiceNo",
                                        path_column="path", output="pandas")

How it runs (docs/scale-out.md):

1. each partition's lines are checked (a bad row fails the whole computation with an error
   naming the partition, the row and, with ``path_column``, the file and line);
2. with an ``order`` column the lines are shuffled by order id, so each order's lines meet
   in one partition and roll up there exactly as in one process (without one, nothing is
   shuffled here);
3. each partition's purchases become a :class:`crmkit.state.CustomerState`, shipped as
   bytes and merged by a tree reduction (``split_every`` states per merge); a customer's
   purchases may be spread over any number of partitions: the merge is exact;
4. the driver scores the merged state in one C++ call (the RFM scores, k-means, ABC, the
   BTYD and Gamma-Gamma fits and their columns: the code of the one-process table fed with
   the same rows, so equal bit for bit);
5. the lifecycle columns, which need each purchase's time, come from a replay per
   partition after a shuffle of the purchases (customer, time, amount) by customer, from
   the common start of the merged state; skipped when the config turns the lifecycle off.
"""

from __future__ import annotations

import functools
import os
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np

from . import _errors
from ._errors import InvalidArgumentError
from .dataset import Dataset, _unix_seconds
from .state import CustomerState, score_lifecycle

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__: List[str] = []  # a namespace: crmkit.dask.score_customers (not re-exported at the top level)

_LINE_KEYWORDS = ("order", "quantity", "unit_price", "product", "exclude_order_prefix", "drop_nonpositive_quantity",
                  "drop_nonpositive_unit_price", "drop_empty_customer")
_WHERE = "crmkit.dask.score_customers"


def _import_dask() -> Any:
    try:
        import dask
        import dask.dataframe  # noqa: F401
    except ImportError as exc:  # pragma: no cover - exercised only without dask
        raise ImportError("crmkit.dask needs dask[dataframe] (Debian: python3-dask) and, for a cluster, distributed "
                          "(python3-distributed)") from exc
    return dask


# -- step 1: check the lines of one partition -------------------------------------------------
def _location(df: "pd.DataFrame", position: int, partition: Optional[int], path_column: Optional[str]) -> str:
    label = df.index[position]
    where = f"partition {partition}" if partition is not None else "a partition"
    if path_column is not None and path_column in df.columns:
        line = f"{int(label) + 2}" if isinstance(label, (int, np.integer)) else f"index {label!r}"
        return f"{df[path_column].iloc[position]}:{line} ({where}, row {position})"
    return f"{where}, row {position} (index {label!r})"


def _bad(df: "pd.DataFrame", position: int, partition: Optional[int], path_column: Optional[str], what: str) -> Exception:
    return InvalidArgumentError(_errors.E_INVALID_ARGUMENT,
                                f"{_WHERE}: {_location(df, position, partition, path_column)}: {what}")


def _checked_numbers(df: "pd.DataFrame", column: str, partition: Optional[int], path_column: Optional[str]) -> Any:
    import pandas as pd

    values = df[column]
    if values.dtype.kind not in "fiub":
        parsed = pd.to_numeric(values, errors="coerce")
        bad = np.flatnonzero(parsed.isna().to_numpy() & values.notna().to_numpy())
        if bad.size:
            p = int(bad[0])
            raise _bad(df, p, partition, path_column, f"column {column!r}: not a number: {values.iloc[p]!r}")
        values = parsed
    array = values.to_numpy(dtype=np.float64, na_value=np.nan)
    bad = np.flatnonzero(~np.isfinite(array))
    if bad.size:
        p = int(bad[0])
        raise _bad(df, p, partition, path_column, f"column {column!r}: not a finite number: {values.iloc[p]!r}")
    return array


def _checked_lines(df: "pd.DataFrame", options: Mapping[str, Any], path_column: Optional[str],
                   partition_info: Optional[Dict[str, Any]] = None) -> "pd.DataFrame":
    """The partition's columns the table needs, checked, the time as int64 Unix seconds."""
    import pandas as pd

    partition = partition_info.get("number") if partition_info else None
    customer, time = options["customer"], options["time"]
    numeric = [options["quantity"], options["unit_price"]] if options.get("quantity") else [options["amount"]]
    keep = [customer, time, *numeric] + [options[k] for k in ("order", "product") if options.get(k)]
    for column in keep:
        if column not in df.columns:
            raise KeyError(f"{_WHERE}: partition {partition}: no column {column!r} (columns: {list(df.columns)})")
    out = pd.DataFrame(index=df.index)
    ids = df[customer]
    if not options.get("drop_empty_customer"):
        missing = np.flatnonzero(ids.isna().to_numpy())
        if missing.size:
            raise _bad(df, int(missing[0]), partition, path_column, f"column {customer!r}: the customer id is missing")
    out[customer] = ids
    times = df[time]
    if pd.api.types.is_datetime64_any_dtype(times):
        if getattr(times.dt, "tz", None) is not None:
            times = times.dt.tz_convert("UTC").dt.tz_localize(None)
        bad = np.flatnonzero(times.isna().to_numpy())
        if bad.size:
            raise _bad(df, int(bad[0]), partition, path_column, f"column {time!r}: the time is missing")
        seconds = times.to_numpy(dtype="datetime64[ns]").astype("datetime64[s]").astype(np.int64)
    elif times.dtype.kind in "iu":
        seconds = times.to_numpy(dtype=np.int64)
    else:
        # Text (a CSV column dask read without parse_dates, or one a bad value kept as text).
        parsed = pd.to_datetime(times, errors="coerce", utc=True)
        bad = np.flatnonzero(parsed.isna().to_numpy())
        if bad.size:
            p = int(bad[0])
            raise _bad(df, p, partition, path_column, f"column {time!r}: not a date/time: {times.iloc[p]!r}")
        seconds = parsed.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]").astype("datetime64[s]").astype(np.int64)
    out[time] = seconds
    for column in numeric:
        out[column] = _checked_numbers(df, column, partition, path_column)
    for key in ("order", "product"):
        column = options.get(key)
        if column:
            if key == "order":
                missing = np.flatnonzero(df[column].isna().to_numpy())
                if missing.size:
                    raise _bad(df, int(missing[0]), partition, path_column, f"column {column!r}: the order id is missing")
            out[column] = df[column]
    return out


# -- step 2: purchases of one (order-complete) partition ---------------------------------------
_PURCHASE_COLUMNS = ("customer", "time", "amount")


def _empty_purchases() -> "pd.DataFrame":
    import pandas as pd

    return pd.DataFrame({"customer": pd.Series([], dtype=object), "time": pd.Series([], dtype=np.int64),
                         "amount": pd.Series([], dtype=np.float64)})


def _purchases(df: "pd.DataFrame", options: Mapping[str, Any]) -> "pd.DataFrame":
    """The partition's purchases (one per order with an order column), as
    Dataset.from_dataframe rolls them up: customer id (str), time (Unix seconds), amount."""
    import pandas as pd

    if len(df) == 0:
        return _empty_purchases()
    keywords = {k: v for k, v in options.items() if v not in (None, False, "")}
    dataset = Dataset.from_dataframe(df, **keywords)
    if dataset.n_transactions == 0:
        return _empty_purchases()
    ids = np.asarray(dataset.customer_ids, dtype=object)
    return pd.DataFrame({"customer": ids[np.asarray(dataset.customer)], "time": np.array(dataset.time, dtype=np.int64),
                         "amount": np.array(dataset.amount, dtype=np.float64)})


# -- step 3: states, and their tree merge ------------------------------------------------------
def _state_part(purchases: "pd.DataFrame", as_of: int) -> Tuple[bytes, List[str]]:
    """(state bytes of the purchases up to as_of, sorted ids of customers with purchases after)."""
    kept = purchases["time"].to_numpy() <= as_of
    state = CustomerState()
    if kept.any():
        p = purchases[kept]
        state.add_columns(p["customer"].to_numpy(), p["time"].to_numpy(), p["amount"].to_numpy())
    late = sorted(set(purchases["customer"].to_numpy()[~kept].tolist()))
    return state.to_bytes(), late


def _merge_states(*parts: Tuple[bytes, List[str]]) -> Tuple[bytes, List[str]]:
    state = CustomerState.from_bytes(parts[0][0])
    late = set(parts[0][1])
    for document, more in parts[1:]:
        state.merge(CustomerState.from_bytes(document))
        late.update(more)
    return state.to_bytes(), sorted(late)


def _tree_merge(parts: Sequence[Any], split_every: int) -> Any:
    """One delayed (state bytes, late ids) from the partitions', merging split_every at a time."""
    from dask import delayed

    level = list(parts)
    while True:
        level = [delayed(_merge_states, pure=True)(*level[i:i + split_every]) for i in range(0, len(level), split_every)]
        if len(level) == 1:
            return level[0]


def _lifecycle_start(merged: Tuple[bytes, List[str]]) -> int:
    state = CustomerState.from_bytes(merged[0])
    return state.lifecycle_start() if len(state) else 0


# -- step 5: lifecycle per customer-complete partition -----------------------------------------
def _lifecycle_part(purchases: "pd.DataFrame", start: int, as_of: int, config: Any, meta: "pd.DataFrame") -> "pd.DataFrame":
    import pandas as pd

    if len(purchases) == 0:
        return meta.iloc[:0]
    codes, uniques = pd.factorize(purchases["customer"], sort=False)
    dataset = Dataset.from_arrays(codes.astype(np.int32), purchases["time"].to_numpy(dtype=np.int64),
                                  purchases["amount"].to_numpy(dtype=np.float64), customer_ids=[str(u) for u in uniques],
                                  copy=True)
    return score_lifecycle(dataset, start, as_of, config)


def _lifecycle_meta(as_of: int, config: Any) -> Optional["pd.DataFrame"]:
    """The empty lifecycle frame (dtypes, levels), or None when the config turns it off."""
    probe = Dataset.from_arrays(np.zeros(1, dtype=np.int32), np.array([as_of], dtype=np.int64), np.ones(1),
                                customer_ids=["probe"], copy=True)
    frame = score_lifecycle(probe, as_of, as_of, config)
    return frame.iloc[:0] if len(frame.columns) else None


def _config_value(config: Any) -> Any:
    """The config as something every worker can read: a path is read here, on the client."""
    if isinstance(config, os.PathLike):
        with open(config, "rb") as f:
            return f.read()
    return dict(config) if isinstance(config, Mapping) else config


def score_customers(
    ddf: Any,
    as_of: Any,
    config: Optional[Union[str, bytes, "os.PathLike[str]", Mapping[str, Any]]] = None,
    *,
    output: str = "dask",
    split_every: int = 8,
    path_column: Optional[str] = None,
    **dataset_options: Any,
) -> Any:
    """The customer table of :func:`crmkit.score_customers` from a dask DataFrame of
    transactions or order lines, computed on the current Dask scheduler (a
    ``distributed.Client``'s cluster when one is active).

    Args:
        ddf: a ``dask.dataframe.DataFrame`` with one row per transaction or order line.
        as_of: Unix seconds or a date/time (UTC), as :func:`crmkit.score_customers`.
        config: as :func:`crmkit.score_customers` (TOML/JSON text, a path -- read here on
            the client --, a dict, or None for the defaults).
        output: ``"dask"`` (a dask DataFrame of the finished table) or ``"pandas"``.
        split_every: states merged per task of the tree reduction (>= 2).
        path_column: a column naming each row's source file (``dd.read_csv(...,
            include_path_column=...)``); a bad row is then reported as ``file:line``,
            where the line is the row's index label + 2: read each file whole into one
            partition (``blocksize=None``) with one header line for the line to be the
            file's. Without it the error names the partition, the row and its index label.
        dataset_options: the keywords of :meth:`crmkit.Dataset.from_dataframe`
            (``customer``, ``time``, ``amount``, ``order``, ``quantity``, ``unit_price``,
            ``product``, the line filters), passed through.

    Returns:
        The customer table indexed by customer id, with the columns of
        :func:`crmkit.score_customers` and, per customer, the same values, bit for bit
        (tests/python/test_dask.py). Rows: the customers with a purchase up to as_of in id
        order (decimal ids by value, then the others byte-wise), then those without (every
        score missing, as in the one-process table). For ``output="pandas"``,
        ``attrs["crmkit_report"]`` is the fit report.

    Raises:
        crmkit.InvalidArgumentError: a bad row (naming the partition and row, or file and
            line; the whole computation fails: never a smaller table), a bad config, no
            purchase up to as_of. ImportError: dask is not installed.
    """
    dask = _import_dask()
    import dask.dataframe as dd
    import pandas as pd

    if output not in ("dask", "pandas"):
        raise InvalidArgumentError(_errors.E_INVALID_ARGUMENT, f"output must be 'dask' or 'pandas', not {output!r}")
    if not isinstance(split_every, int) or split_every < 2:
        raise InvalidArgumentError(_errors.E_INVALID_ARGUMENT, f"split_every must be an int >= 2, not {split_every!r}")
    if not isinstance(ddf, dd.DataFrame):
        raise TypeError(f"ddf must be a dask.dataframe.DataFrame, not {type(ddf).__name__}")
    unknown = set(dataset_options) - {"customer", "time", "amount", *_LINE_KEYWORDS}
    if unknown:
        raise TypeError(f"{_WHERE}: unknown keyword(s) {sorted(unknown)}")
    as_of_s = _unix_seconds(as_of, "as_of")
    config_value = _config_value(config) if config is not None else None
    options: Dict[str, Any] = {"customer": "customer_id", "time": "timestamp", "amount": "amount"}
    options.update(dataset_options)
    if (options.get("quantity") is None) != (options.get("unit_price") is None):
        raise InvalidArgumentError(_errors.E_INVALID_ARGUMENT, "give quantity and unit_price together, or neither")
    lifecycle_meta = _lifecycle_meta(as_of_s, config_value)  # also checks the config, here

    # 1. checked lines (lazy); 2. purchases, after a shuffle by order id when orders roll up.
    checked = ddf.map_partitions(_checked_lines, options, path_column,
                                 meta=_checked_lines(ddf._meta, options, None))
    if options.get("order"):
        checked = checked.shuffle(on=options["order"])
    purchases = checked.map_partitions(_purchases, options, meta=_empty_purchases())

    # 3. one state per partition, merged by a tree reduction.
    from dask import delayed

    parts = [delayed(_state_part, pure=True)(p, as_of_s) for p in purchases.to_delayed()]
    merged = _tree_merge(parts, split_every)

    # 5. lifecycle per customer-complete partition (from the merged state's start).
    lifecycle = None
    if lifecycle_meta is not None:
        start = delayed(_lifecycle_start, pure=True)(merged)
        lifecycle = purchases.shuffle(on="customer").map_partitions(
            functools.partial(_lifecycle_part, meta=lifecycle_meta), start, as_of_s, config_value, meta=lifecycle_meta,
            align_dataframes=False)
    merged_value, lifecycle_frame = dask.compute(merged, lifecycle)
    document, late = merged_value

    # 4. the table from the merged state, on the driver.
    state = CustomerState.from_bytes(document)
    if len(state) == 0:
        raise InvalidArgumentError(_errors.E_INVALID_ARGUMENT,
                                   f"{_WHERE}: no purchase at or before as_of {pd.Timestamp(as_of_s, unit='s')}")
    table = state.customer_table(as_of_s, config_value)
    report = table.attrs.get("crmkit_report", {})
    active = set(table.index)
    extra = [c for c in late if c not in active]
    if extra:
        table = table.reindex(table.index.append(pd.Index(extra, dtype=object, name=table.index.name)))
    if lifecycle_frame is not None:
        for column in lifecycle_frame.columns:
            table[column] = lifecycle_frame[column].reindex(table.index)
        report = dict(report, notes=[n for n in report.get("notes", []) if not n.startswith("lifecycle:")])
    report = dict(report, n_customers=len(table))
    table.attrs["crmkit_report"] = report
    if output == "pandas":
        return table
    return dd.from_pandas(table, npartitions=max(1, min(ddf.npartitions, len(table))), sort=False)
