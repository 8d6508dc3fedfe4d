"""crmkit's customer report from Python (crmkit/c/report.h; C++ crmkit/report/).

:func:`report` writes the same folder as the command line's ``crmkit report`` (one
self-contained ``report.html`` plus every chart's data as CSV and JSON and the customer
table), through the same library code. :func:`report_data` returns the data behind every
chart instead, for hosts and notebooks that draw their own (``crmkit.plotting`` draws
several of them with matplotlib).

Example::

    import crmkit
    page = crmkit.report("orders.csv", "out/report", time_column="date")   # out/report/report.html
    r = crmkit.report_data("orders.csv", time_column="date")
    r["lorenz_curve"].frame          # customer_share, revenue_share, equality
    r["rfm_segments"].csv            # byte for byte out/report/data/rfm_segments.csv
    r.write("out/again", title="Q3 customers")
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Mapping, Optional, Union

import numpy as np

from . import _lib
from .dataset import Dataset, _unix_seconds
from .scoring import _ConfigHandle
from .table import _string

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["Chart", "ReportData", "report", "report_data"]

_SECONDS_PER_DAY = 86400

PathLike = Union[str, os.PathLike]


class Chart:
    """The data behind one chart of the report (crmkit/report/chart_data.hpp).

    Attributes:
        name: file stem, unique in a report ("revenue_by_month", "lorenz_curve", ...).
        section: "overview", "value", "rfm", "clusters", "churn", "lifecycle" or "geo".
        title: one-line caption.
        kind: how crmkit's own page draws it: "line", "bar", "stacked", "heatmap",
            "scatter" or "table".
        x, y, value: the column(s) it plots (x; the y columns; a heat map's cell colour).
        columns: ``{name: list}`` as in the JSON (labels as str, numbers as float, None
            for missing numbers).
        json, csv: the text of ``data/<name>.json`` and ``data/<name>.csv``, byte for byte.
    """

    def __init__(self, json_text: str, csv_text: str) -> None:
        doc = json.loads(json_text)
        self.json = json_text
        self.csv = csv_text
        self.name: str = doc["name"]
        self.section: str = doc["section"]
        self.title: str = doc["title"]
        self.kind: str = doc["kind"]
        self.x: str = doc["x"]
        self.y: List[str] = list(doc["y"])
        self.value: str = doc["value"]
        self.columns: Dict[str, list] = dict(doc["columns"])

    def is_label(self, column: str) -> bool:
        """True when ``column`` holds labels (text), False for numbers."""
        return any(isinstance(v, str) for v in self.columns[column])

    def array(self, column: str) -> np.ndarray:
        """A column as a numpy array: float64 (NaN = missing) for numbers, object for labels."""
        values = self.columns[column]
        if self.is_label(column):
            return np.asarray(values, dtype=object)
        return np.asarray([np.nan if v is None else v for v in values], dtype=np.float64)

    @property
    def frame(self) -> "pd.DataFrame":
        """The chart's table as a DataFrame (label columns as str, numbers as float64)."""
        import pandas as pd

        return pd.DataFrame({name: self.array(name) for name in self.columns})

    @property
    def rows(self) -> int:
        """Number of rows."""
        return len(next(iter(self.columns.values()))) if self.columns else 0

    def __repr__(self) -> str:
        return f"Chart({self.name!r}, kind={self.kind!r}, rows={self.rows}, columns={list(self.columns)})"


class _ReportHandle(_lib.Handle):
    kind = "report"


class ReportData:
    """A computed report: the data of every chart, in report order, by name.

    Made by :func:`report_data`; ``r["lorenz_curve"]``, ``for chart in r``, ``r.names``.
    ``as_of`` is the Unix second the report was computed at. :meth:`write` writes the
    report folder (the same files as :func:`report`). Immutable; concurrent use is safe.
    """

    def __init__(self, handle: _ReportHandle) -> None:
        self._handle = handle
        lib = _lib.get()
        n = _lib.O.crmkit_report_n_charts(handle.ptr)
        charts = []
        for i in range(n):
            charts.append(Chart(_string(lib.crmkit_report_chart_json, handle.ptr, i),
                                _string(lib.crmkit_report_chart_csv, handle.ptr, i)))
        self.charts: Dict[str, Chart] = {c.name: c for c in charts}
        self.as_of: int = int(json.loads(_string(lib.crmkit_report_chart_data_json, handle.ptr))["as_of"])

    @property
    def names(self) -> List[str]:
        """The chart names in report order."""
        return list(self.charts)

    def __getitem__(self, name: str) -> Chart:
        try:
            return self.charts[name]
        except KeyError:
            raise KeyError(f"no chart {name!r} in this report; it has {self.names}") from None

    def __contains__(self, name: object) -> bool:
        return name in self.charts

    def __iter__(self) -> Iterator[Chart]:
        return iter(self.charts.values())

    def __len__(self) -> int:
        return len(self.charts)

    def to_json(self) -> str:
        """Every chart in one JSON document: ``{"as_of": ..., "charts": [...]}``."""
        return _string(_lib.get().crmkit_report_chart_data_json, self._handle.ptr)

    def write(self, out_dir: PathLike, title: Optional[str] = None, source: Optional[str] = None) -> Path:
        """Writes the report folder ``out_dir`` (``report.html``, ``data/<chart>.csv|json``,
        ``data/customers.csv``), creating it when missing; returns the page's path.
        ``title`` defaults to "crmkit customer report", ``source`` to the path the data were
        read from. Raises crmkit.Error (CRMKIT_E_IO naming the path) when it cannot write."""
        directory = os.fspath(out_dir)
        _lib.C.crmkit_report_write(
            self._handle.ptr, directory.encode("utf-8"),
            None if title is None else title.encode("utf-8"),
            None if source is None else source.encode("utf-8"))
        return Path(directory) / "report.html"

    def __repr__(self) -> str:
        return f"ReportData(as_of={self.as_of}, charts={self.names})"


def _dataset(data: Any, dataset_options: Mapping[str, Any]) -> Dataset:
    if isinstance(data, Dataset):
        if dataset_options:
            raise TypeError(f"dataset options {sorted(dataset_options)} apply to paths and DataFrames only")
        return data
    if isinstance(data, (str, os.PathLike)):
        options = dict(dataset_options)
        options.setdefault("on_bad_row", "skip")  # as the command line (its --strict fails instead)
        return Dataset.from_csv(data, **options)
    return Dataset.from_dataframe(data, **dataset_options)


def _as_of(value: Any, dataset: Dataset) -> int:
    """The command line's --as-of rule: None is the end of the data's last day (UTC); a bare
    date "YYYY-MM-DD" is the end of that day; anything else as crmkit.score_customers."""
    if value is None:
        if dataset.n_transactions == 0:
            raise ValueError("the dataset has no transactions: give as_of")
        last = dataset.time_range[1]
        return (last // _SECONDS_PER_DAY) * _SECONDS_PER_DAY + _SECONDS_PER_DAY - 1
    seconds = _unix_seconds(value, "as_of")
    if isinstance(value, str) and len(value.strip()) == 10:
        seconds += _SECONDS_PER_DAY - 1
    return seconds


def report_data(
    data: Any,
    as_of: Any = None,
    config: Optional[Union[str, bytes, os.PathLike, Mapping[str, Any]]] = None,
    **dataset_options: Any,
) -> ReportData:
    """Scores ``data`` and computes every chart of the report (crmkit::build_report).

    Args:
        data: a :class:`crmkit.Dataset`, a path of a transaction or order-line CSV file
            (read by :meth:`Dataset.from_csv` with ``dataset_options``; bad rows are
            skipped and counted in the report unless ``on_bad_row="fail"``), or a DataFrame
            (read by :meth:`Dataset.from_dataframe` with ``dataset_options``).
        as_of: the report date as for ``crmkit report --as-of``: None is the end of the
            data's last day (UTC), a date string "YYYY-MM-DD" the end of that day, other
            values (Unix seconds, datetime, a date-time string) as in
            :func:`crmkit.score_customers`.
        config: the score config (TOML or JSON text, a path, or a dict), as in
            :func:`crmkit.score_customers`; None takes the defaults.

    Raises:
        crmkit.Error: unreadable input, a bad config, no transaction up to ``as_of``.
    """
    dataset = _dataset(data, dataset_options)
    config_handle = _ConfigHandle(config) if config is not None else None
    ptr = _lib.O.crmkit_report_create(dataset._h().ptr, _as_of(as_of, dataset),
                                      config_handle.ptr if config_handle else None)
    return ReportData(_ReportHandle(ptr))


def report(
    data: Any,
    out_dir: PathLike,
    as_of: Any = None,
    config: Optional[Union[str, bytes, os.PathLike, Mapping[str, Any]]] = None,
    title: Optional[str] = None,
    source: Optional[str] = None,
    **dataset_options: Any,
) -> Path:
    """Writes the customer report folder, as ``crmkit report`` does, and returns the path
    of its ``report.html``.

    ``data``, ``as_of``, ``config`` and ``dataset_options`` as in :func:`report_data`;
    ``title`` (default "crmkit customer report") and ``source`` (default: the path the data
    were read from) are what the page says about itself. The folder holds ``report.html``
    (self-contained: inline SVG, no script, no network), ``data/<chart>.csv`` and
    ``data/<chart>.json`` for every chart and ``data/customers.csv`` (the customer table).

    Example::

        page = crmkit.report("examples/data/cdnow_sample.csv", "out", time_column="date")

    Raises:
        crmkit.Error: as :func:`report_data`; CRMKIT_E_IO when the folder cannot be written.
    """
    return report_data(data, as_of, config, **dataset_options).write(out_dir, title=title, source=source)
