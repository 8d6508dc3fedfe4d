"""The plots a data scientist expects from a CLV library (lifetimes' ``lifetimes.plotting``),
with matplotlib, over crmkit's models, summaries, customer tables and report chart data.

Every function draws on ``ax`` (a new figure's axes when None) and returns the Axes, so
plots compose into subplots and can be restyled afterwards. matplotlib is needed only for
this module (Debian: python3-matplotlib); ``import crmkit`` does not import it.

| function | draws | from |
|---|---|---|
| :func:`plot_calibration_purchases_vs_holdout_purchases` | mean hold-out purchases, actual and predicted, by calibration frequency | a purchase model + :func:`crmkit.btyd_summary` with a hold-out |
| :func:`plot_frequency_recency_matrix` | expected purchases in the next t periods over (recency, frequency) | a purchase model (+ its summary for the grid size) |
| :func:`plot_probability_alive_matrix` | P(alive) over (recency, frequency) | the same |
| :func:`plot_history_alive` | one customer's P(alive) day by day, purchases marked | a purchase model + the transactions |
| :func:`plot_lorenz_curve` | the Lorenz curve of customer value, Gini in the legend | values, a customer table, or the report's ``lorenz_curve`` chart |
| :func:`plot_segment_bars` | customers or revenue per RFM segment (or ABC class, cluster, ...) | a customer table, or the report's ``rfm_segments`` chart |
| :func:`plot_stage_flow` | moves between lifecycle stages as bands from stage to stage | a :class:`crmkit.Lifecycle`, its ``flow_matrix``, or the report's ``lifecycle_flow`` chart |
| :func:`plot_stage_counts` | customers per lifecycle stage over time (stacked areas) | ``Lifecycle.stage_counts_at`` or the report's ``lifecycle_stage_counts`` chart |

Example::

    import crmkit, crmkit.plotting as cp
    s = crmkit.btyd_summary(df, "1997-09-30", holdout_end="1998-06-30", time="date")
    bg = crmkit.BetaGeo().fit(s)
    cp.plot_calibration_purchases_vs_holdout_purchases(bg, s)
    cp.plot_probability_alive_matrix(bg, s)
    r = crmkit.report_data("orders.csv", time_column="date")
    cp.plot_lorenz_curve(r)          # the report's own chart data
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, List, Optional, Sequence, Tuple

import numpy as np

from .dataset import Dataset, _unix_seconds
from .reporting import Chart, ReportData

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = [
    "history_alive",
    "segment_sizes",
    "plot_calibration_purchases_vs_holdout_purchases",
    "plot_frequency_recency_matrix",
    "plot_history_alive",
    "plot_lorenz_curve",
    "plot_probability_alive_matrix",
    "plot_segment_bars",
    "plot_stage_counts",
    "plot_stage_flow",
]

_SECONDS_PER_DAY = 86400


def _axes(ax: Optional["Axes"]) -> "Axes":
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots()
    return ax


def _date_axis(ax: "Axes") -> None:
    """Readable dates on the x axis (matplotlib's concise date labels)."""
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

    locator = AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))


def _chart(data: Any, name: str) -> Optional[Chart]:
    """The chart `name` when data is a ReportData or that Chart; None otherwise."""
    if isinstance(data, ReportData):
        return data[name]
    if isinstance(data, Chart):
        if data.name != name:
            raise ValueError(f"this plot draws the report's {name!r} chart, not {data.name!r}")
        return data
    return None


# --------------------------------------------------------------------------------------
# BTYD models


def plot_calibration_purchases_vs_holdout_purchases(
    model: Any, summary: Any, n: int = 7, ax: Optional["Axes"] = None, **kwargs: Any
) -> "Axes":
    """Mean purchases in the hold-out period, actual and as the model predicts, per number
    of repeat purchases in the calibration period (0, 1, ..., ``n``+: the last point pools
    frequency >= n), as lifetimes' plot of the same name.

    Args:
        model: a fitted purchase model (:class:`crmkit.BetaGeo`, :class:`crmkit.ParetoNBD`,
            ...), fitted on the calibration columns of ``summary``.
        summary: :func:`crmkit.btyd_summary` with ``holdout_end`` (columns frequency,
            recency, T, frequency_holdout; ``attrs["duration_holdout"]``).
        n: the last frequency shown on its own.
        kwargs: passed to both ``ax.plot`` calls.

    The numbers come from :func:`crmkit.validate_holdout`; empty frequencies are left out.
    """
    from .churn import validate_holdout

    if "frequency_holdout" not in summary or "duration_holdout" not in getattr(summary, "attrs", {}):
        raise ValueError("summary needs a hold-out: crmkit.btyd_summary(..., holdout_end=...)")
    predicted = np.asarray(model.conditional_expected_purchases(summary.attrs["duration_holdout"], summary), dtype=float)
    check = validate_holdout(summary["frequency"], predicted, summary["frequency_holdout"], max_frequency=n)
    table = check["by_frequency"]
    table = table[table["customers"] > 0]
    ax = _axes(ax)
    positions = np.arange(len(table.index), dtype=float)
    ax.plot(positions, table["actual_mean"].to_numpy(), marker="o", label="actual", **kwargs)
    ax.plot(positions, table["predicted_mean"].to_numpy(), marker="s", linestyle="--",
            label=f"model ({type(model).__name__})", **kwargs)
    ax.set_xticks(positions)
    ax.set_xticklabels(list(table.index))
    ax.set_xlabel("Purchases in calibration period (repeat)")
    ax.set_ylabel("Mean purchases in hold-out period")
    ax.set_title("Actual vs predicted purchases in the hold-out period")
    ax.legend()
    return ax


def _grid_limits(summary: Any, max_frequency: Optional[int], max_recency: Optional[int]) -> Tuple[int, int]:
    if max_frequency is None or max_recency is None:
        if summary is None:
            raise ValueError("give the model's summary, or both max_frequency and max_recency")
        if max_frequency is None:
            max_frequency = int(np.ceil(np.nanmax(np.asarray(summary["frequency"], dtype=float))))
        if max_recency is None:
            max_recency = int(np.ceil(np.nanmax(np.asarray(summary["T"], dtype=float))))
    if max_frequency < 0 or max_recency < 0:
        raise ValueError(f"max_frequency ({max_frequency}) and max_recency ({max_recency}) must be >= 0")
    return int(max_frequency), int(max_recency)


def _matrix(model: Any, what: str, t: float, max_frequency: int, max_recency: int) -> np.ndarray:
    # Row i: frequency i; column j: recency j; every cell a customer of age T = max_recency.
    frequency, recency = np.meshgrid(np.arange(max_frequency + 1, dtype=float), np.arange(max_recency + 1, dtype=float),
                                     indexing="ij")
    age = np.full(frequency.size, float(max_recency))
    if what == "p_alive":
        values = model.p_alive(frequency.ravel(), recency.ravel(), age)
    else:
        values = model.conditional_expected_purchases(t, frequency.ravel(), recency.ravel(), age)
    return np.asarray(values, dtype=float).reshape(frequency.shape)


def _draw_matrix(ax: "Axes", z: np.ndarray, title: str, colorbar_label: str, cmap: str) -> "Axes":
    image = ax.imshow(z, cmap=cmap, aspect="auto", interpolation="nearest", origin="upper")
    ax.set_xlabel("Customer's recency (periods from first to last purchase)")
    ax.set_ylabel("Customer's frequency (repeat purchases)")
    ax.set_title(title)
    ax.figure.colorbar(image, ax=ax, label=colorbar_label)
    return ax


def plot_frequency_recency_matrix(
    model: Any,
    summary: Any = None,
    t: float = 1,
    max_frequency: Optional[int] = None,
    max_recency: Optional[int] = None,
    ax: Optional["Axes"] = None,
    cmap: str = "viridis",
) -> "Axes":
    """Expected purchases in the next ``t`` periods of a customer with each frequency (rows,
    0 at the top) and recency (columns), all of age T = ``max_recency``, as lifetimes'
    plot of the same name. The grid runs to the summary's largest frequency and T unless
    ``max_frequency`` / ``max_recency`` are given. The image's array is the matrix
    (``ax.images[0].get_array()``)."""
    max_frequency, max_recency = _grid_limits(summary, max_frequency, max_recency)
    z = _matrix(model, "expected", t, max_frequency, max_recency)
    return _draw_matrix(_axes(ax), z, f"Expected purchases in the next {t:g} period(s)\nby frequency and recency",
                        "expected purchases", cmap)


def plot_probability_alive_matrix(
    model: Any,
    summary: Any = None,
    max_frequency: Optional[int] = None,
    max_recency: Optional[int] = None,
    ax: Optional["Axes"] = None,
    cmap: str = "viridis",
) -> "Axes":
    """P(alive) of a customer with each frequency (rows) and recency (columns), all of age
    T = ``max_recency``; otherwise as :func:`plot_frequency_recency_matrix`."""
    max_frequency, max_recency = _grid_limits(summary, max_frequency, max_recency)
    z = _matrix(model, "p_alive", 0.0, max_frequency, max_recency)
    return _draw_matrix(_axes(ax), z, "Probability a customer is alive\nby frequency and recency", "P(alive)", cmap)


def _customer_days(dataset: Dataset, customer_id: Any) -> np.ndarray:
    ids = dataset.customer_ids
    key = str(customer_id)
    try:
        index = ids.index(key)
    except ValueError:
        raise KeyError(f"customer {customer_id!r} is not in the data") from None
    times = dataset.time[dataset.customer == index]
    return np.unique(np.floor_divide(times, _SECONDS_PER_DAY))


def history_alive(
    model: Any, data: Any, customer_id: Any, end: Any = None, period_days: Optional[float] = None, **dataset_options: Any
) -> "Any":
    """The numbers :func:`plot_history_alive` draws: a DataFrame indexed by day
    (datetime64, from the customer's first purchase day to ``end``'s day) with frequency,
    recency, T (in ``period_days`` units, the conventions of crmkit.btyd_summary: same-day
    purchases merged, a day's purchases count from that day on) and p_alive."""
    import pandas as pd

    dataset = data if isinstance(data, Dataset) else Dataset.from_dataframe(data, **dataset_options)
    days = _customer_days(dataset, customer_id)
    if days.size == 0:
        raise ValueError(f"customer {customer_id!r} has no purchases")
    unit = float(period_days if period_days is not None else (getattr(model, "period_days_", None) or 7.0))
    last_day = (dataset.time_range[1] if end is None else _unix_seconds(end, "end")) // _SECONDS_PER_DAY
    if last_day < days[0]:
        raise ValueError(f"end ({end!r}) is before the customer's first purchase")
    grid = np.arange(days[0], last_day + 1, dtype=np.int64)
    k = np.searchsorted(days, grid, side="right")  # purchase days up to and including each day
    frequency = (k - 1).astype(float)
    recency = (days[k - 1] - days[0]) / unit
    age = (grid - days[0]) / unit
    p = np.asarray(model.p_alive(frequency, recency, age), dtype=float)
    index = pd.DatetimeIndex((grid * _SECONDS_PER_DAY).astype("datetime64[s]"), name="day")
    return pd.DataFrame({"frequency": frequency, "recency": recency, "T": age, "p_alive": p}, index=index)


def plot_history_alive(
    model: Any,
    data: Any,
    customer_id: Any,
    end: Any = None,
    period_days: Optional[float] = None,
    ax: Optional["Axes"] = None,
    **dataset_options: Any,
) -> "Axes":
    """One customer's P(alive) day by day from the first purchase to ``end`` (default: the
    data's last day), purchases marked by vertical lines, as lifetimes' ``plot_history_alive``.

    Args:
        model: a fitted purchase model; its time unit is ``period_days`` (default: the
            unit of the summary it was fitted on, else 7 = weeks).
        data: a :class:`crmkit.Dataset` or a DataFrame of transactions (read by
            :meth:`Dataset.from_dataframe` with ``dataset_options``).
        customer_id: the customer's id.

    The curve is :func:`history_alive`'s p_alive (the first line of the Axes).
    """
    history = history_alive(model, data, customer_id, end, period_days, **dataset_options)
    ax = _axes(ax)
    ax.plot(history.index.to_numpy(), history["p_alive"].to_numpy(), label="P(alive)")
    purchase_days = history.index[np.r_[True, np.diff(history["frequency"].to_numpy()) > 0]]
    for i, day in enumerate(purchase_days):
        ax.axvline(day, color="red", linestyle="--", linewidth=0.8, label="purchases" if i == 0 else None)
    ax.set_ylim(0, 1.05)
    _date_axis(ax)
    ax.set_xlabel("day")
    ax.set_ylabel("P(alive)")
    ax.set_title(f"History of P(alive) for customer {customer_id}")
    ax.legend(loc="lower left")
    return ax


# --------------------------------------------------------------------------------------
# Value, segments, lifecycle


def plot_lorenz_curve(data: Any, column: str = "monetary", ax: Optional["Axes"] = None, **kwargs: Any) -> "Axes":
    """The Lorenz curve of customer value: the share of value (y) of the lowest share of
    customers (x), with the line of equality; the Gini coefficient in the legend.

    ``data``: the report (:class:`crmkit.ReportData`) or its ``lorenz_curve`` chart (drawn
    as computed by the library, 101 points); a customer table DataFrame (its ``column``,
    negative or missing values counted as 0, as the report does); or the values themselves
    (array or Series, non-negative), whose full curve comes from :func:`crmkit.pareto`.
    """
    from .pareto import pareto

    chart = _chart(data, "lorenz_curve")
    if chart is not None:
        x, y = chart.array("customer_share"), chart.array("revenue_share")
        gini = 1.0 - 2.0 * float(np.sum((x[1:] - x[:-1]) * (y[1:] + y[:-1]) / 2.0)) if x.size > 1 else float("nan")
    else:
        if hasattr(data, "columns") and column in getattr(data, "columns", ()):
            values = np.nan_to_num(np.asarray(data[column], dtype=float), nan=0.0)
            values = np.maximum(values, 0.0)
        else:
            values = np.asarray(data, dtype=float)
        p = pareto(values)
        x, y = p.lorenz_["customer_share"].to_numpy(), p.lorenz_["value_share"].to_numpy()
        gini = p.gini_
    ax = _axes(ax)
    ax.plot(x, y, label=f"Lorenz curve (Gini {gini:.3f})", **kwargs)
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="equality")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("share of customers (lowest value first)")
    ax.set_ylabel("share of value")
    ax.set_title("Lorenz curve of customer value")
    ax.legend(loc="upper left")
    return ax


def segment_sizes(data: Any, by: str = "segment") -> "Any":
    """Customers, revenue and revenue share per level of ``by`` as a DataFrame indexed by
    level (every level of a categorical column, in its order): from a customer table
    (revenue = its ``monetary`` column) or the report's ``rfm_segments`` chart."""
    import pandas as pd

    if isinstance(data, (Chart, ReportData)) and by != "segment":
        raise ValueError(f"the report's chart data has sizes per segment only, not per {by!r}: pass the customer table")
    chart = _chart(data, "rfm_segments") if by == "segment" else None
    if chart is not None:
        frame = chart.frame.set_index("segment")
        return frame[["customers", "revenue", "revenue_share"]]
    if by not in data.columns:
        raise KeyError(f"the table has no column {by!r}")
    revenue = data["monetary"].astype(float).fillna(0.0) if "monetary" in data.columns else pd.Series(0.0, index=data.index)
    grouped = pd.DataFrame({"key": data[by], "revenue": revenue}).groupby("key", observed=False, sort=True)
    out = pd.DataFrame({"customers": grouped.size().astype(float), "revenue": grouped["revenue"].sum()})
    total = out["revenue"].sum()
    out["revenue_share"] = out["revenue"] / total if total != 0 else np.nan
    out.index.name = by
    return out


def plot_segment_bars(
    data: Any, by: str = "segment", value: str = "customers", ax: Optional["Axes"] = None, **kwargs: Any
) -> "Axes":
    """Horizontal bars per RFM segment (or another category column, ``by``): ``value`` is
    "customers", "revenue" or "revenue_share". ``data``: a customer table
    (:func:`crmkit.score_customers`), the report or its ``rfm_segments`` chart. The bar
    lengths are :func:`segment_sizes`' column, one bar per level in order, top down."""
    if value not in ("customers", "revenue", "revenue_share"):
        raise ValueError(f"value must be 'customers', 'revenue' or 'revenue_share', not {value!r}")
    sizes = segment_sizes(data, by)
    ax = _axes(ax)
    labels = [str(level) for level in sizes.index]
    positions = np.arange(len(labels), dtype=float)
    ax.barh(positions, sizes[value].to_numpy(dtype=float), **kwargs)
    ax.set_yticks(positions)
    ax.set_yticklabels(labels)
    ax.invert_yaxis()
    ax.set_xlabel(value.replace("_", " "))
    ax.set_title(f"{value.replace('_', ' ').capitalize()} per {by}")
    return ax


def _flow_matrix(data: Any, start: Any, end: Any) -> Tuple[List[str], np.ndarray]:
    chart = _chart(data, "lifecycle_flow")
    if chart is not None:
        source, target, hops = chart.array("from"), chart.array("to"), chart.array("hops")
        stages: List[str] = []
        for name in list(source) + list(target):
            if name not in stages:
                stages.append(str(name))
        m = np.zeros((len(stages), len(stages)))
        for a, b, h in zip(source, target, hops):
            m[stages.index(str(a)), stages.index(str(b))] += h
        return stages, m
    if hasattr(data, "flow_matrix") and hasattr(data, "states"):  # a crmkit.Lifecycle
        if start is None or end is None:
            raise ValueError("a Lifecycle's flow needs start and end (hops with start <= at < end)")
        data = data.flow_matrix(start, end)
    if hasattr(data, "index") and hasattr(data, "columns"):
        if list(data.index) != list(data.columns):
            raise ValueError("the flow matrix needs the same stages as rows (from) and columns (to)")
        return [str(s) for s in data.index], np.asarray(data, dtype=float)
    raise TypeError(f"plot_stage_flow takes a Lifecycle, a flow matrix DataFrame or the report's chart, "
                    f"not {type(data).__name__}")


def plot_stage_flow(data: Any, start: Any = None, end: Any = None, ax: Optional["Axes"] = None) -> "Axes":
    """Moves between lifecycle stages: the stages customers left on the left, the stages
    they entered on the right, one band per (from, to) pair whose height is the number of
    moves (a Sankey diagram; no self-moves).

    ``data``: a :class:`crmkit.Lifecycle` (its ``flow_matrix(start, end)``), such a flow
    matrix (DataFrame, rows from, columns to), the report or its ``lifecycle_flow`` chart.
    Each band is a PathPatch labelled "from -> to" whose left end is ``hops`` units tall.
    """
    from matplotlib.patches import PathPatch, Rectangle
    from matplotlib.path import Path as MplPath

    stages, m = _flow_matrix(data, start, end)
    m = m.copy()
    np.fill_diagonal(m, 0.0)
    total = float(m.sum())
    ax = _axes(ax)
    ax.set_title("Moves between lifecycle stages")
    ax.axis("off")
    if total <= 0:
        ax.text(0.5, 0.5, "no moves", ha="center", va="center", transform=ax.transAxes)
        return ax
    import matplotlib as mpl

    colours = mpl.rcParams["axes.prop_cycle"].by_key().get("color", ["C0"])
    gap = total * 0.04
    out_total, in_total = m.sum(axis=1), m.sum(axis=0)

    def layout(totals: np.ndarray) -> np.ndarray:
        top, tops = total + gap * len(stages), np.zeros(len(stages))
        for s in range(len(stages)):  # stage order, top down
            tops[s] = top
            if totals[s] > 0:
                top -= totals[s] + gap
        return tops

    out_top, in_top = layout(out_total), layout(in_total)
    x0, x1, w = 0.0, 1.0, 0.06
    for s, name in enumerate(stages):
        colour = colours[s % len(colours)]
        if out_total[s] > 0:
            ax.add_patch(Rectangle((x0 - w, out_top[s] - out_total[s]), w, out_total[s], color=colour))
            ax.text(x0 - w - 0.02, out_top[s] - out_total[s] / 2, f"{name} ({out_total[s]:g})", ha="right", va="center")
        if in_total[s] > 0:
            ax.add_patch(Rectangle((x1, in_top[s] - in_total[s]), w, in_total[s], color=colour))
            ax.text(x1 + w + 0.02, in_top[s] - in_total[s] / 2, f"{name} ({in_total[s]:g})", ha="left", va="center")
    left_cursor, right_cursor = out_top.copy(), in_top.copy()
    for a in range(len(stages)):
        for b in range(len(stages)):
            h = m[a, b]
            if h <= 0:
                continue
            ya, yb = left_cursor[a], right_cursor[b]
            left_cursor[a] -= h
            right_cursor[b] -= h
            xm = (x0 + x1) / 2
            vertices = [(x0, ya), (xm, ya), (xm, yb), (x1, yb), (x1, yb - h), (xm, yb - h), (xm, ya - h), (x0, ya - h),
                        (x0, ya)]
            codes = [MplPath.MOVETO, MplPath.CURVE4, MplPath.CURVE4, MplPath.CURVE4, MplPath.LINETO, MplPath.CURVE4,
                     MplPath.CURVE4, MplPath.CURVE4, MplPath.CLOSEPOLY]
            band = PathPatch(MplPath(vertices, codes), facecolor=colours[a % len(colours)], alpha=0.45, linewidth=0,
                             label=f"{stages[a]} -> {stages[b]}")
            band.set_gid(f"{stages[a]} -> {stages[b]}")
            ax.add_patch(band)
    ax.set_xlim(-0.6, 1.6)
    ax.set_ylim(min(out_top.min(), in_top.min()) - total * 0.05 - gap, total + gap * len(stages) + total * 0.05)
    return ax


def plot_stage_counts(data: Any, ax: Optional["Axes"] = None) -> "Axes":
    """Customers per lifecycle stage over time as stacked areas. ``data``: the report or its
    ``lifecycle_stage_counts`` chart, or a DataFrame with one column per stage and one row
    per time (``Lifecycle.stage_counts_at``). One PolyCollection per stage, in column order."""
    chart = _chart(data, "lifecycle_stage_counts")
    if chart is not None:
        x: Sequence[Any] = np.asarray(chart.array("period").astype(str), dtype="datetime64[D]")
        names = list(chart.y)
        counts = np.vstack([chart.array(n) for n in names]) if names else np.zeros((0, len(x)))
    else:
        x = data.index.to_numpy()
        names = [str(c) for c in data.columns]
        counts = np.asarray(data, dtype=float).T
    ax = _axes(ax)
    ax.stackplot(x, counts, labels=names)
    if np.issubdtype(np.asarray(x).dtype, np.datetime64):
        _date_axis(ax)
    ax.set_xlabel("period")
    ax.set_ylabel("customers")
    ax.set_title("Customers per lifecycle stage")
    ax.legend(loc="upper left", fontsize="small")
    return ax
