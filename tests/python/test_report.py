"""crmkit.report / crmkit.report_data (crmkit/c/report.h): the same report folder as the
command line's `crmkit report`, and the chart data behind it."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import crmkit

from conftest import REPO

SAMPLE = REPO / "examples" / "data" / "cdnow_sample.csv"


def _cli() -> Path:
    """The crmkit executable of this build: CRMKIT_CLI (set by ctest), else next to the library."""
    if os.environ.get("CRMKIT_CLI"):
        return Path(os.environ["CRMKIT_CLI"])
    candidate = Path(crmkit.library_path()).resolve().parent / "tools" / "cli" / "crmkit"
    if not candidate.exists():
        pytest.skip("the crmkit command line is not built (CRMKIT_CLI unset)")
    return candidate


@pytest.fixture(scope="module")
def sample_report():
    return crmkit.report_data(SAMPLE, time_column="date")


def test_chart_data_from_the_library(sample_report):
    r = sample_report
    assert r.names[0] == "overview"
    for name in ("revenue_by_month", "lorenz_curve", "rfm_segments", "alive_heatmap", "lifecycle_flow"):
        assert name in r
    # as_of defaults to the end of the data's last day, as the command line does
    last = crmkit.Dataset.from_csv(SAMPLE, time_column="date").time_range[1]
    assert r.as_of == last // 86400 * 86400 + 86399
    overview = r["overview"].frame.set_index("metric")["value"]
    amounts = pd.read_csv(SAMPLE)["amount"]
    assert overview["revenue"] == pytest.approx(amounts.sum(), rel=1e-12)
    assert overview["orders"] == crmkit.Dataset.from_csv(SAMPLE, time_column="date").n_transactions
    lorenz = r["lorenz_curve"]
    assert lorenz.kind == "line" and lorenz.x == "customer_share"
    assert lorenz.rows == 101 and lorenz.array("revenue_share")[-1] == pytest.approx(1.0)
    assert lorenz.is_label("customer_share") is False and r["rfm_segments"].is_label("segment") is True
    # the CSV text parses to the same numbers as the JSON columns
    csv_frame = pd.read_csv(pd.io.common.StringIO(r["rfm_segments"].csv))
    np.testing.assert_allclose(csv_frame["revenue"], r["rfm_segments"].array("revenue"))
    doc = json.loads(r.to_json())
    assert doc["as_of"] == r.as_of and [c["name"] for c in doc["charts"]] == r.names
    with pytest.raises(KeyError, match="no chart 'nope'"):
        r["nope"]


def test_report_writes_the_same_folder_as_the_command_line(tmp_path):
    cli = _cli()
    cli_dir, py_dir = tmp_path / "cli", tmp_path / "py"
    # The command line carries its own sanitizer runtime in a sanitizer build (clang links it
    # statically): the runtime preloaded into this interpreter must not reach it.
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
    subprocess.run([str(cli), "report", str(SAMPLE), "--time-column", "date", "--out", str(cli_dir), "--quiet"],
                   check=True, capture_output=True, env=env)
    page = crmkit.report(SAMPLE, py_dir, time_column="date", source=str(SAMPLE))
    assert page == py_dir / "report.html" and page.exists()
    cli_files = sorted(p.relative_to(cli_dir) for p in cli_dir.rglob("*") if p.is_file())
    py_files = sorted(p.relative_to(py_dir) for p in py_dir.rglob("*") if p.is_file())
    assert cli_files == py_files
    assert Path("data/lorenz_curve.csv") in py_files and Path("data/customers.csv") in py_files
    for rel in py_files:
        if rel.suffix in (".csv", ".json"):
            assert (py_dir / rel).read_bytes() == (cli_dir / rel).read_bytes(), rel
    # the page is the same too when it names the same source
    assert page.read_text() == (cli_dir / "report.html").read_text()


def test_report_title_source_and_as_of(tmp_path):
    data = crmkit.Dataset.from_csv(SAMPLE, time_column="date")
    r = crmkit.report_data(data, as_of="1997-12-31")
    assert r.as_of == int(np.datetime64("1997-12-31T23:59:59", "s").astype(np.int64))
    page = r.write(tmp_path / "out", title="CDNOW <1997>")
    html = page.read_text()
    assert "<title>CDNOW &lt;1997&gt;</title>" in html
    assert "cdnow_sample.csv" in html  # source defaults to the path the dataset was read from
    assert "1997-12-31T23:59:59" in html
    months = r["revenue_by_month"].array("month")
    assert months[-1] == "1997-12"


def test_report_from_a_dataframe_has_no_ingest_section_but_the_same_charts():
    frame = pd.read_csv(SAMPLE, dtype={"customer_id": str})  # ids keep their leading zeros
    frame["date"] = pd.to_datetime(frame["date"], utc=True)
    from_frame = crmkit.report_data(frame, customer="customer_id", time="date", amount="amount")
    from_file = crmkit.report_data(SAMPLE, time_column="date")
    assert "ingest_drops" not in from_frame.names or from_frame["ingest_drops"].rows == 0
    assert from_frame["lorenz_curve"].csv == from_file["lorenz_curve"].csv
    assert from_frame["rfm_segments"].csv == from_file["rfm_segments"].csv


def test_report_errors(tmp_path):
    with pytest.raises(crmkit.Error):
        crmkit.report_data(tmp_path / "missing.csv", time_column="date")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    r = crmkit.report_data(SAMPLE, time_column="date")
    with pytest.raises(crmkit.Error, match="file"):
        r.write(blocker / "sub")
    with pytest.raises(crmkit.Error):
        crmkit.report_data(SAMPLE, as_of="1990-01-01", time_column="date")  # before any order
    with pytest.raises(TypeError):
        crmkit.report_data(crmkit.Dataset.from_csv(SAMPLE, time_column="date"), time_column="date")
