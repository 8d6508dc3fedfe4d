"""Every per-customer score in one call (crmkit/c/scoring.h; C++ crmkit/scoring/).

Example::

    import crmkit
    table = crmkit.score_customers(orders_df, as_of="2011-12-10",
                                   config={"btyd": {"horizon": "90 days"}},
                                   customer="CustomerID", time="InvoiceDate", amount="amount")
    table.attrs["crmkit_report"]["btyd_params"]     # the fitted BG/NBD r, alpha, a, b
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Any, Mapping, Optional, Union

from . import _lib
from .dataset import Dataset, _unix_seconds
from .table import _TableHandle, _string, select_customers, to_frame

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["score_customers", "select_customers"]


class _ConfigHandle:
    def __init__(self, config: Union[str, bytes, os.PathLike, Mapping[str, Any]]) -> None:
        if isinstance(config, Mapping):
            text = json.dumps(config).encode("utf-8")
        elif isinstance(config, os.PathLike):
            with open(config, "rb") as f:
                text = f.read()
        elif isinstance(config, bytes):
            text = config
        elif isinstance(config, str):
            text = config.encode("utf-8")
        else:
            raise TypeError(f"config must be TOML/JSON text, a path or a dict, not {type(config).__name__}")
        self.ptr = _lib.O.crmkit_score_config_parse(text, len(text))
        self._free = _lib.get().crmkit_score_config_free

    def __del__(self) -> None:
        if getattr(self, "ptr", None):
            self._free(self.ptr)


def score_customers(
    data: Union[Dataset, "pd.DataFrame"],
    as_of: Any,
    config: Optional[Union[str, bytes, os.PathLike, Mapping[str, Any]]] = None,
    **dataset_options: Any,
) -> "pd.DataFrame":
    """Scores every customer at ``as_of`` (Unix seconds, a date string, datetime or
    datetime64; UTC) and returns the customer table: a DataFrame indexed by customer id with
    the columns listed in crmkit/scoring/score_customers.hpp (orders, recency_days, ...,
    segment, cluster, abc, p_alive, expected_purchases, clv, lifecycle_stage, ...).

    ``data`` is a :class:`Dataset` or a DataFrame of transactions or order lines; a
    DataFrame is read by :meth:`Dataset.from_dataframe` with ``dataset_options``.
    ``config`` is TOML or JSON text, a path to such a file, or a dict (sent as JSON); see
    crmkit/scoring/score_config.hpp. ``None`` takes the defaults. What was fitted and any
    step that was skipped is in ``result.attrs["crmkit_report"]``.

    Raises:
        crmkit.Error: a bad config (naming the key and line), no transaction up to as_of.
    """
    dataset = data if isinstance(data, Dataset) else Dataset.from_dataframe(data, **dataset_options)
    if isinstance(data, Dataset) and dataset_options:
        raise TypeError(f"dataset options {sorted(dataset_options)} apply to DataFrames only")
    config_handle = _ConfigHandle(config) if config is not None else None
    lib = _lib.get()
    ptr = _lib.O.crmkit_score_customers(dataset._h().ptr, _unix_seconds(as_of, "as_of"),
                                        config_handle.ptr if config_handle else None)
    handle = _TableHandle(ptr)
    frame = to_frame(handle, dataset.customer_ids)
    frame.attrs["crmkit_report"] = json.loads(_string(lib.crmkit_table_report_json, handle.ptr))
    return frame
