"""crmkit.dask.score_customers on a LocalCluster of worker processes against the one-process
crmkit.score_customers: the same customer table, column for column and bit for bit, from
shuffled partitions that split customers (and orders); a worker killed mid-run (Dask
retries) gives the same table; a malformed partition fails the whole computation with an
error naming the file and line."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

dd = pytest.importorskip("dask.dataframe", reason="crmkit.dask needs dask (Debian: python3-dask)")
distributed = pytest.importorskip("distributed", reason="the cluster tests need distributed (python3-distributed)")

import crmkit  # noqa: E402
import crmkit.dask  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
CDNOW = REPO / "examples" / "data" / "cdnow_sample.csv"
LINES = REPO / "examples" / "data" / "order_lines_sample.csv"
CDNOW_KW = dict(customer="customer_id", time="date", amount="amount")
LINES_KW = dict(customer="CustomerID", time="InvoiceDate", quantity="Quantity", unit_price="UnitPrice",
                order="InvoiceNo", exclude_order_prefix="C", drop_nonpositive_quantity=True,
                drop_nonpositive_unit_price=True, drop_empty_customer=True)


@pytest.fixture(scope="module")
def client():
    """A LocalCluster of two worker processes (one thread each), started once."""
    import cloudpickle

    # Workers are new processes: they find crmkit and the library through the environment.
    package_dir = str(Path(crmkit.__file__).resolve().parents[1])
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (package_dir, os.environ.get("PYTHONPATH", "")) if p)
    os.environ["CRMKIT_LIBRARY"] = str(crmkit.library_path())
    # The fault-injecting partition function below runs in the workers: ship it by value.
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    cluster = distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None)
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()
    cloudpickle.unregister_pickle_by_value(sys.modules[__name__])


@pytest.fixture(scope="module")
def cdnow():
    return pd.read_csv(CDNOW, dtype={"customer_id": str}, parse_dates=["date"])


@pytest.fixture(scope="module")
def lines():
    return pd.read_csv(LINES, dtype={"CustomerID": str, "InvoiceNo": str, "StockCode": str},
                       parse_dates=["InvoiceDate"])


def shuffled_partitions(df: pd.DataFrame, n: int, seed: int):
    shuffled = df.sample(frac=1, random_state=seed).reset_index(drop=True)
    return dd.from_pandas(shuffled, npartitions=n, sort=False)


def assert_same_table(got: pd.DataFrame, want: pd.DataFrame) -> None:
    assert list(got.columns) == list(want.columns)
    assert sorted(got.index) == sorted(want.index)
    assert got.index.is_unique
    want = want.loc[got.index]
    for column in got.columns:
        assert got[column].dtype == want[column].dtype, column
        assert got[column].equals(want[column]), f"column {column!r} differs"


def customers_split(ddf, column: str) -> int:
    """How many customers have rows in more than one partition."""
    seen = [set(p[column].dropna()) for p in ddf.to_delayed() for p in [p.compute()]]
    counts = pd.Series([c for s in seen for c in s]).value_counts()
    return int((counts > 1).sum())


def test_cdnow_shuffled_partitions_give_the_one_process_table(client, cdnow):
    one = crmkit.score_customers(cdnow, as_of="1998-07-01", **CDNOW_KW)
    ddf = shuffled_partitions(cdnow, 4, seed=7)
    assert customers_split(ddf, "customer_id") > 500
    got = crmkit.dask.score_customers(ddf, "1998-07-01", output="pandas", **CDNOW_KW)
    assert_same_table(got, one)
    assert got.attrs["crmkit_report"]["btyd_params"] == one.attrs["crmkit_report"]["btyd_params"]
    assert got.attrs["crmkit_report"]["n_customers"] == len(one)


def test_order_lines_roll_up_across_partitions(client, lines):
    one = crmkit.score_customers(lines, as_of="2011-12-10", **LINES_KW)
    ddf = shuffled_partitions(lines, 5, seed=3)
    # The orders' lines are spread over the partitions: the roll-up must bring them together.
    per_order = pd.concat([p.compute()[["InvoiceNo"]].assign(part=i) for i, p in enumerate(ddf.to_delayed())])
    assert (per_order.groupby("InvoiceNo")["part"].nunique() > 1).sum() > 100
    got = crmkit.dask.score_customers(ddf, "2011-12-10", **LINES_KW)  # a dask DataFrame by default
    assert isinstance(got, dd.DataFrame)
    assert_same_table(got.compute(), one)


def test_as_of_before_the_last_lines_and_a_config(client, lines):
    config = {"kmeans": {"k": 3}, "btyd": {"model": "pareto_nbd", "horizon": "30 days"}, "rfm": {"bins": 4}}
    one = crmkit.score_customers(lines, as_of="2011-06-30", config=config, **LINES_KW)
    got = crmkit.dask.score_customers(shuffled_partitions(lines, 3, seed=1), "2011-06-30", config=config,
                                      output="pandas", **LINES_KW)
    # Customers whose first order is after as_of: every score missing, lifecycle "prospect".
    assert got["orders"].isna().sum() == one["orders"].isna().sum() > 0
    assert_same_table(got, one)


def _die_once(df: pd.DataFrame, marker: str, partition_info=None) -> pd.DataFrame:
    """Kills its worker process the first time it runs on partition 1 (Dask retries the task
    on a new worker process)."""
    if partition_info and partition_info["number"] == 1 and not os.path.exists(marker):
        with open(marker, "w") as f:
            f.write(str(os.getpid()))
        os._exit(1)
    return df


def test_a_worker_killed_mid_run_gives_the_same_table(client, cdnow, tmp_path):
    marker = tmp_path / "killed"
    one = crmkit.score_customers(cdnow, as_of="1998-07-01", **CDNOW_KW)
    ddf = shuffled_partitions(cdnow, 4, seed=11)
    ddf = ddf.map_partitions(_die_once, str(marker), meta=ddf._meta)
    got = crmkit.dask.score_customers(ddf, "1998-07-01", output="pandas", **CDNOW_KW)
    assert marker.exists(), "the fault was not injected"
    # The process that died is gone: the workers now are other processes.
    assert int(marker.read_text()) not in client.run(os.getpid).values()
    assert_same_table(got, one)


def write_parts(cdnow: pd.DataFrame, directory: Path, n: int):
    paths = []
    for i, part in enumerate(np.array_split(cdnow.assign(date=cdnow["date"].dt.strftime("%Y-%m-%d")), n)):
        path = directory / f"orders-{i}.csv"
        part.to_csv(path, index=False)
        paths.append(path)
    return paths


def test_a_malformed_partition_fails_with_file_and_line(client, cdnow, tmp_path):
    paths = write_parts(cdnow, tmp_path, 3)
    text = paths[1].read_text().splitlines()
    fields = text[41].split(",")
    fields[3] = '"12,5x"'
    text[41] = ",".join(fields)  # file line 42
    paths[1].write_text("\n".join(text) + "\n")
    ddf = dd.read_csv([str(p) for p in paths], blocksize=None, dtype={"customer_id": str, "amount": str},
                      include_path_column="path")
    with pytest.raises(crmkit.InvalidArgumentError) as info:
        crmkit.dask.score_customers(ddf, "1998-07-01", output="pandas", path_column="path", **CDNOW_KW)
    message = str(info.value)
    assert f"orders-1.csv:42 (partition 1, row 40)" in message
    assert "column 'amount': not a number: '12,5x'" in message

    # Without the path column: the partition, the row and its index label.
    ddf = dd.read_csv([str(p) for p in paths], blocksize=None, dtype={"customer_id": str, "amount": str})
    with pytest.raises(crmkit.InvalidArgumentError, match=r"partition 1, row 40 \(index 40\)"):
        crmkit.dask.score_customers(ddf, "1998-07-01", output="pandas", **CDNOW_KW)


def test_a_bad_date_and_a_missing_customer_are_named(client, cdnow, tmp_path):
    paths = write_parts(cdnow, tmp_path, 2)
    text = paths[0].read_text().splitlines()
    fields = text[9].split(",")
    fields[1] = "1997-13-45"
    text[9] = ",".join(fields)  # line 10
    paths[0].write_text("\n".join(text) + "\n")
    ddf = dd.read_csv([str(p) for p in paths], blocksize=None, dtype={"customer_id": str},
                      include_path_column="path")
    with pytest.raises(crmkit.InvalidArgumentError, match=r"orders-0.csv:10 .*column 'date': not a date/time: '1997-13-45'"):
        crmkit.dask.score_customers(ddf, "1998-07-01", path_column="path", **CDNOW_KW)
    frame = cdnow.copy()
    frame.loc[frame.index[5], "customer_id"] = None
    with pytest.raises(crmkit.InvalidArgumentError, match="the customer id is missing"):
        crmkit.dask.score_customers(dd.from_pandas(frame, npartitions=2), "1998-07-01", **CDNOW_KW)


def test_arguments_are_checked_before_anything_runs(cdnow):
    ddf = dd.from_pandas(cdnow, npartitions=2)
    with pytest.raises(crmkit.InvalidArgumentError, match="output"):
        crmkit.dask.score_customers(ddf, "1998-07-01", output="numpy", **CDNOW_KW)
    with pytest.raises(TypeError, match="unknown keyword"):
        crmkit.dask.score_customers(ddf, "1998-07-01", customer_column="customer_id")
    with pytest.raises(crmkit.InvalidArgumentError, match="nope"):
        crmkit.dask.score_customers(ddf, "1998-07-01", config={"nope": 1}, **CDNOW_KW)
    with pytest.raises(TypeError, match="dask.dataframe.DataFrame"):
        crmkit.dask.score_customers(cdnow, "1998-07-01", **CDNOW_KW)
