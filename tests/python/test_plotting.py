"""crmkit.plotting: each plot produces an image, and what it draws is the data computed
independently (numpy, pandas, the model's own predictions, crmkit.btyd_summary)."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import PathPatch  # noqa: E402

import crmkit  # noqa: E402
import crmkit.plotting as cp  # noqa: E402

from conftest import REPO  # noqa: E402

SAMPLE = REPO / "examples" / "data" / "cdnow_sample.csv"
# Published BG/NBD parameters of the CDNOW sample (Fader, Hardie & Lee 2005), in weeks.
BG = dict(r=0.243, alpha=4.414, a=0.793, b=2.426)


def new_axes():
    return Figure(figsize=(5, 4)).add_subplot()


def png_bytes(ax) -> int:
    buffer = io.BytesIO()
    ax.figure.savefig(buffer, format="png")
    data = buffer.getvalue()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return len(data)


@pytest.fixture(scope="module")
def dataset():
    return crmkit.Dataset.from_csv(SAMPLE, time_column="date")


@pytest.fixture(scope="module")
def model():
    return crmkit.BetaGeo.from_params(**BG)


@pytest.fixture(scope="module")
def summary(dataset):
    return crmkit.btyd_summary(dataset, "1997-09-30", holdout_end="1998-06-30")


@pytest.fixture(scope="module")
def report():
    return crmkit.report_data(SAMPLE, time_column="date")


def test_calibration_vs_holdout(model, summary):
    ax = cp.plot_calibration_purchases_vs_holdout_purchases(model, summary, n=7, ax=new_axes())
    assert png_bytes(ax) > 5000
    actual_line, model_line = ax.get_lines()[:2]
    # independent: group by calibration frequency (7+ pooled) with pandas
    predicted = np.asarray(model.conditional_expected_purchases(summary.attrs["duration_holdout"], summary))
    frame = pd.DataFrame({"f": np.minimum(summary["frequency"].to_numpy(), 7), "actual": summary["frequency_holdout"],
                          "predicted": predicted})
    grouped = frame.groupby("f").mean()
    np.testing.assert_allclose(actual_line.get_ydata(), grouped["actual"].to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(model_line.get_ydata(), grouped["predicted"].to_numpy(), rtol=1e-12)
    assert [t.get_text() for t in ax.get_xticklabels()] == [str(int(k)) for k in grouped.index[:-1]] + ["7+"]
    # the model tracks the hold-out: within 40% for the well-filled frequencies 0..3
    assert np.all(np.abs(model_line.get_ydata()[:4] / actual_line.get_ydata()[:4] - 1) < 0.4)
    with pytest.raises(ValueError, match="hold-out"):
        cp.plot_calibration_purchases_vs_holdout_purchases(model, summary.drop(columns="frequency_holdout"))


@pytest.mark.parametrize("what", ["expected", "p_alive"])
def test_frequency_recency_matrices(model, summary, what):
    ax = new_axes()
    if what == "expected":
        cp.plot_frequency_recency_matrix(model, summary, t=4, ax=ax)
    else:
        cp.plot_probability_alive_matrix(model, summary, ax=ax)
    assert png_bytes(ax) > 5000
    z = np.asarray(ax.images[0].get_array())
    max_f, max_r = int(summary["frequency"].max()), int(np.ceil(summary["T"].max()))
    assert z.shape == (max_f + 1, max_r + 1)
    # the model's own predictions, cell by cell, for a few cells
    for f, rec in [(0, 0), (1, 5), (3, max_r // 2), (max_f, max_r)]:
        if what == "expected":
            expected = model.conditional_expected_purchases(4, [f], [rec], [max_r])[0]
        else:
            expected = model.p_alive([f], [rec], [max_r])[0]
        assert z[f, rec] == pytest.approx(expected, rel=1e-12)
    if what == "p_alive":
        assert np.all((z >= 0) & (z <= 1))
        assert z[0, 0] == pytest.approx(1.0)  # BG/NBD: no repeat purchase -> alive
        assert z[5, 0] < z[5, max_r]  # same frequency, more recent -> more likely alive
    with pytest.raises(ValueError, match="summary"):
        cp.plot_probability_alive_matrix(model, max_frequency=3)


def test_history_alive_matches_btyd_summary(model, dataset):
    customer = "00004"
    ax = cp.plot_history_alive(model, dataset, customer, end="1998-06-30", ax=new_axes())
    assert png_bytes(ax) > 5000
    line = ax.get_lines()[0]
    days = pd.DatetimeIndex(line.get_xdata())
    p = np.asarray(line.get_ydata())
    purchases = pd.read_csv(SAMPLE, dtype={"customer_id": str}).query("customer_id == @customer")["date"]
    assert days[0] == pd.Timestamp(purchases.min())
    assert days[-1] == pd.Timestamp("1998-06-30")
    assert len(ax.get_lines()) - 1 == purchases.nunique()  # one marker line per purchase day
    # independent: the C++ summary at a few calibration ends, then the model's P(alive)
    for day in ["1997-01-18", "1997-03-01", "1997-08-02", "1998-06-30"]:
        s = crmkit.btyd_summary(dataset, day)
        row = s.loc[[customer]]
        expected = model.p_alive(row)[customer]
        assert p[days.get_loc(pd.Timestamp(day))] == pytest.approx(expected, rel=1e-12), day
    with pytest.raises(KeyError, match="not in the data"):
        cp.plot_history_alive(model, dataset, "no-such-customer")


def test_lorenz_curve_from_values_and_from_the_report(report):
    rng = np.random.default_rng(7)
    values = rng.lognormal(3, 1.2, size=500)
    ax = cp.plot_lorenz_curve(values, ax=new_axes())
    assert png_bytes(ax) > 5000
    line = ax.get_lines()[0]
    x, y = np.asarray(line.get_xdata()), np.asarray(line.get_ydata())
    expected_y = np.concatenate([[0.0], np.cumsum(np.sort(values))]) / values.sum()
    np.testing.assert_allclose(x, np.arange(501) / 500, atol=1e-12)
    np.testing.assert_allclose(y, expected_y, atol=1e-12)
    gini = 1 - np.sum((x[1:] - x[:-1]) * (y[1:] + y[:-1]))
    assert f"Gini {gini:.3f}" in line.get_label()
    # the report's chart: its 101 points, equal to numpy's curve on the customer table
    ax = cp.plot_lorenz_curve(report, ax=new_axes())
    assert png_bytes(ax) > 5000
    x, y = ax.get_lines()[0].get_xdata(), ax.get_lines()[0].get_ydata()
    table = crmkit.score_customers(crmkit.Dataset.from_csv(SAMPLE, time_column="date"), report.as_of)
    m = np.sort(np.maximum(table["monetary"].fillna(0).to_numpy(), 0))
    full_x = np.arange(m.size + 1) / m.size
    full_y = np.concatenate([[0.0], np.cumsum(m)]) / m.sum()
    np.testing.assert_allclose(y, np.interp(x, full_x, full_y), atol=2e-3)
    with pytest.raises(ValueError, match="lorenz_curve"):
        cp.plot_lorenz_curve(report["rfm_segments"])


def test_segment_bars_from_the_table_and_from_the_report(report):
    table = crmkit.score_customers(crmkit.Dataset.from_csv(SAMPLE, time_column="date"), report.as_of)
    counts = table.groupby("segment", observed=False).size()
    revenue = table.groupby("segment", observed=False)["monetary"].sum()
    for source in (table, report, report["rfm_segments"]):
        ax = cp.plot_segment_bars(source, ax=new_axes())
        assert png_bytes(ax) > 5000
        widths = [patch.get_width() for patch in ax.patches]
        assert [t.get_text() for t in ax.get_yticklabels()] == [str(s) for s in counts.index]
        np.testing.assert_array_equal(widths, counts.to_numpy(dtype=float))
        ax = cp.plot_segment_bars(source, value="revenue", ax=new_axes())
        np.testing.assert_allclose([p.get_width() for p in ax.patches], revenue.to_numpy(), rtol=1e-12)
    ax = cp.plot_segment_bars(table, by="abc", ax=new_axes())
    np.testing.assert_array_equal([p.get_width() for p in ax.patches],
                                  table.groupby("abc", observed=False).size().to_numpy(dtype=float))
    with pytest.raises(ValueError, match="value"):
        cp.plot_segment_bars(table, value="margin")


def _bands(ax):
    out = {}
    for patch in ax.patches:
        if isinstance(patch, PathPatch) and "->" in (patch.get_gid() or ""):
            v = patch.get_path().vertices
            left = v[np.isclose(v[:, 0], v[:, 0].min())]
            out[patch.get_gid()] = left[:, 1].max() - left[:, 1].min()
    return out


def test_stage_flow_from_a_lifecycle_and_from_the_report(dataset, report):
    life = crmkit.Lifecycle.default().fit(dataset, "1997-01-01", "1998-06-30")
    flow = life.flow_matrix("1997-01-01", "1998-07-01")
    ax = cp.plot_stage_flow(life, "1997-01-01", "1998-07-01", ax=new_axes())
    assert png_bytes(ax) > 5000
    bands = _bands(ax)
    expected = {f"{a} -> {b}": float(flow.loc[a, b]) for a in flow.index for b in flow.columns
                if a != b and flow.loc[a, b] > 0}
    assert set(bands) == set(expected) and len(bands) >= 3
    for name, height in bands.items():  # band heights are the hop counts
        assert height == pytest.approx(expected[name]), name
    # the report's chart: the same hops as its from/to/hops columns
    chart = report["lifecycle_flow"]
    ax = cp.plot_stage_flow(report, ax=new_axes())
    assert png_bytes(ax) > 5000
    bands = _bands(ax)
    frame = chart.frame
    frame = frame[frame["from"] != frame["to"]]
    assert bands == {f"{a} -> {b}": pytest.approx(h) for a, b, h in zip(frame["from"], frame["to"], frame["hops"])}
    with pytest.raises(ValueError, match="start and end"):
        cp.plot_stage_flow(life)


def test_stage_counts_from_the_report(report):
    chart = report["lifecycle_stage_counts"]
    ax = cp.plot_stage_counts(report, ax=new_axes())
    assert png_bytes(ax) > 5000
    assert len(ax.collections) == len(chart.y)
    # the top edge of the last stacked area is the total per period
    top = ax.collections[-1].get_paths()[0].vertices
    totals = sum(chart.array(name) for name in chart.y)
    n = chart.rows
    assert np.allclose(np.sort(top[1:n + 1, 1]), np.sort(totals)) or np.allclose(
        np.sort(top[n + 1:2 * n + 1, 1]), np.sort(totals))


def test_plots_default_to_new_axes(model, summary):
    import matplotlib.pyplot as plt

    ax = cp.plot_probability_alive_matrix(model, summary, max_frequency=5, max_recency=10)
    try:
        assert np.asarray(ax.images[0].get_array()).shape == (6, 11)
    finally:
        plt.close(ax.figure)
