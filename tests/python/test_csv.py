"""Dataset.from_csv: round trip with pandas, options, errors and the skipped-row report."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import crmkit
from crmkit import _errors


def test_csv_round_trip_against_pandas(tmp_path):
    rng = np.random.default_rng(3)
    n = 500
    frame = pd.DataFrame(
        {
            "customer_id": [f"K{int(i)}" for i in rng.integers(0, 60, n)],
            "timestamp": pd.Timestamp("2022-03-01")
            + pd.to_timedelta(rng.integers(0, 400 * 86400, n), unit="s"),
            "amount": np.round(rng.normal(30, 12, n), 2),
            "channel": rng.choice(["web", "store", "phone"], n),
        }
    )
    path = tmp_path / "orders.csv"
    frame.to_csv(path, index=False, date_format="%Y-%m-%dT%H:%M:%SZ")

    ds = crmkit.Dataset.from_csv(path, channel_column="channel")
    expected = pd.read_csv(path, parse_dates=["timestamp"])
    assert ds.n_transactions == len(expected)
    assert ds.n_customers == expected["customer_id"].nunique()
    assert ds.rows_read == len(expected)

    back = ds.to_dataframe()
    assert back["customer_id"].astype(str).tolist() == expected["customer_id"].tolist()
    np.testing.assert_array_equal(
        back["timestamp"].to_numpy(), expected["timestamp"].dt.tz_localize(None).to_numpy()
    )
    np.testing.assert_allclose(back["amount"].to_numpy(), expected["amount"].to_numpy(), rtol=0, atol=1e-9)
    sums = back.assign(customer_id=back["customer_id"].astype(str)).groupby("customer_id")["amount"].sum().sort_index()
    expected_sums = expected.groupby("customer_id")["amount"].sum().sort_index()
    np.testing.assert_allclose(sums.to_numpy(), expected_sums.to_numpy())


def test_options_reach_the_reader(write_csv):
    path = write_csv("semi.csv", "who;when;paid\nx;19970101;1.25\ny;19970102;-2\nx;19970110;3\n")
    ds = crmkit.Dataset.from_csv(
        path, customer_column="who", time_column="when", amount_column="paid", delimiter=";",
        time_format="compact_date",
    )
    assert ds.n_transactions == 3 and ds.n_customers == 2
    assert ds.time_range == (852076800, 852854400)
    assert ds.customer_ids == ["x", "y"]
    with pytest.raises(crmkit.Error) as info:
        crmkit.Dataset.from_csv(
            path, customer_column="who", time_column="when", amount_column="paid", delimiter=";",
            time_format="compact_date", allow_negative_amounts=False,
        )
    assert info.value.code == _errors.E_PARSE
    with pytest.raises(crmkit.Error):
        crmkit.Dataset.from_csv(
            path, customer_column="who", time_column="when", amount_column="paid", delimiter=";",
            time_format="compact_date", min_time="1997-01-05",
        )


def test_missing_file_raises_io_error_naming_the_path(tmp_path):
    missing = tmp_path / "nope.csv"
    with pytest.raises(crmkit.Error) as info:
        crmkit.Dataset.from_csv(missing)
    assert info.value.code == _errors.E_IO
    assert str(missing) in str(info.value)


BAD = (
    "customer_id,timestamp,amount\n"
    "A,2024-01-01,1.0\n"
    "B,2024-01-02,oops\n"
    "C,2024-01-03,2.0\n"
    "D,2024-02-30,3.0\n"
)


def test_bad_row_fails_with_file_and_line(write_csv):
    path = write_csv("bad.csv", BAD)
    with pytest.raises(crmkit.Error) as info:
        crmkit.Dataset.from_csv(path)
    assert info.value.code == _errors.E_PARSE
    assert f"{path}:3" in str(info.value)
    assert "amount" in str(info.value)


def test_bad_rows_are_skipped_and_reported(write_csv):
    path = write_csv("bad.csv", BAD)
    ds = crmkit.Dataset.from_csv(path, on_bad_row="skip")
    assert ds.n_transactions == 2
    assert ds.rows_read == 4
    skipped = ds.skipped_rows
    assert [line for line, _ in skipped] == [3, 5]
    assert skipped[0][1].startswith(f"{path}:3")
    assert "oops" in skipped[0][1]
    assert "timestamp" in skipped[1][1]


def test_customer_file(write_csv):
    customers = write_csv("customers.csv", "id,lon,lat,limit\nK1,2.35,48.86,500\nK2,,,\nK3,-73.98,40.75,250\n")
    transactions = write_csv("tx.csv", "customer_id,timestamp,amount\nK3,2024-01-01,1\nK1,2024-01-03,3\n")
    ds = crmkit.Dataset.from_csv(
        transactions, customers, customer_id_column="id", longitude_column="lon", latitude_column="lat",
        attribute_columns=["limit"],
    )
    assert ds.customer_ids == ["K1", "K2", "K3"]
    assert ds.customer.tolist() == [2, 0]
    lon, lat = ds.customer_locations
    assert lon[0] == 2.35 and np.isnan(lat[1])
    limit = ds.customer_attribute("limit")
    assert limit[0] == 500 and np.isnan(limit[1])


def test_bad_options_are_rejected_before_reading(write_csv):
    path = write_csv("ok.csv", "customer_id,timestamp,amount\nA,2024-01-01,1\n")
    with pytest.raises(crmkit.InvalidArgumentError, match="time_format"):
        crmkit.Dataset.from_csv(path, time_format="excel")
    with pytest.raises(crmkit.InvalidArgumentError, match="one character"):
        crmkit.Dataset.from_csv(path, delimiter=";;")
    with pytest.raises(crmkit.InvalidArgumentError, match="CRMKIT_CSV_DELIMITER"):
        crmkit.Dataset.from_csv(path, delimiter="\n")
    with pytest.raises(crmkit.InvalidArgumentError, match="CRMKIT_CSV_CUSTOMER_COLUMN"):
        crmkit.Dataset.from_csv(path, customer_column="")
