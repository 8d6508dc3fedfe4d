"""Order lines: Dataset.from_csv / from_dataframe roll-up and filters against pandas."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import crmkit
from crmkit import _errors

COLUMNS = dict(customer_column="CustomerID", time_column="InvoiceDate")
LINES = dict(order="InvoiceNo", quantity="Quantity", unit_price="UnitPrice")
FILTERS = dict(
    exclude_order_prefix="C", drop_nonpositive_quantity=True, drop_nonpositive_unit_price=True, drop_empty_customer=True
)


def _retail_frame(seed: int = 11, n_orders: int = 400) -> pd.DataFrame:
    """UCI Online Retail-like lines: several per invoice, cancellations 'C...', some
    invoices without a customer, a few zero prices."""
    rng = np.random.default_rng(seed)
    rows = []
    for k in range(n_orders):
        cancelled = rng.random() < 0.08
        invoice = ("C" if cancelled else "") + str(536000 + k)
        customer = "" if rng.random() < 0.07 else str(12000 + int(rng.integers(0, 90)))
        start = pd.Timestamp("2011-01-01") + pd.Timedelta(minutes=int(rng.integers(0, 300 * 24 * 60)))
        for _ in range(int(rng.integers(1, 8))):
            quantity = -int(rng.integers(1, 5)) if cancelled else int(rng.integers(1, 13))
            price = 0.0 if rng.random() < 0.02 else round(float(rng.choice([0.42, 0.85, 1.25, 2.55, 4.95, 12.75])), 2)
            when = start + pd.Timedelta(seconds=int(rng.integers(0, 120)))
            rows.append((invoice, f"{int(rng.integers(10000, 10060))}", quantity, when, price, customer))
    frame = pd.DataFrame(rows, columns=["InvoiceNo", "StockCode", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID"])
    return frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)  # lines of an order need not be adjacent


def _write(frame: pd.DataFrame, path) -> None:
    frame.to_csv(path, index=False, date_format="%Y-%m-%dT%H:%M:%S")


def _pandas_rollup(path) -> pd.DataFrame:
    """The reference: pandas on the same file, per customer (orders, total amount, first
    purchase)."""
    raw = pd.read_csv(path, dtype={"InvoiceNo": str, "StockCode": str, "CustomerID": str}, parse_dates=["InvoiceDate"])
    kept = raw[
        raw["CustomerID"].notna()
        & ~raw["InvoiceNo"].str.startswith("C")
        & (raw["Quantity"] > 0)
        & (raw["UnitPrice"] > 0)
    ].assign(amount=lambda d: d["Quantity"] * d["UnitPrice"])
    orders = kept.groupby("InvoiceNo").agg(
        customer=("CustomerID", "first"), time=("InvoiceDate", "min"), amount=("amount", "sum")
    )
    return orders.groupby("customer").agg(orders=("amount", "size"), total=("amount", "sum"), first=("time", "min"))


def test_from_csv_rollup_matches_pandas_groupby(tmp_path):
    path = tmp_path / "retail.csv"
    _write(_retail_frame(), path)
    ds = crmkit.Dataset.from_csv(path, **COLUMNS, **LINES, **FILTERS)
    expected = _pandas_rollup(path)

    frame = ds.to_dataframe()
    got = (
        frame.assign(customer=frame["customer_id"].astype(str))
        .groupby("customer")
        .agg(orders=("amount", "size"), total=("amount", "sum"), first=("timestamp", "min"))
    )
    assert sorted(got.index) == sorted(expected.index)
    got = got.loc[expected.index]
    np.testing.assert_array_equal(got["orders"].to_numpy(), expected["orders"].to_numpy())
    np.testing.assert_allclose(got["total"].to_numpy(), expected["total"].to_numpy(), rtol=1e-12)
    np.testing.assert_array_equal(got["first"].to_numpy(), expected["first"].to_numpy())
    assert ds.n_transactions == int(expected["orders"].sum())


def test_filter_counts_match_pandas(tmp_path):
    path = tmp_path / "retail.csv"
    frame = _retail_frame(seed=5)
    _write(frame, path)
    ds = crmkit.Dataset.from_csv(path, **COLUMNS, **LINES, **FILTERS)
    report = ds.ingest_report
    raw = pd.read_csv(path, dtype={"InvoiceNo": str, "CustomerID": str})
    no_customer = raw["CustomerID"].isna()
    cancelled = ~no_customer & raw["InvoiceNo"].str.startswith("C")
    bad_quantity = ~no_customer & ~cancelled & (raw["Quantity"] <= 0)
    bad_price = ~no_customer & ~cancelled & ~bad_quantity & (raw["UnitPrice"] <= 0)
    expected = {
        "drop_empty_customer": no_customer,
        "exclude_order_prefix": cancelled,
        "drop_nonpositive_quantity": bad_quantity,
        "drop_nonpositive_unit_price": bad_price,
    }
    assert report.rows_read == len(raw)
    assert report.rows_skipped == 0
    for name, mask in expected.items():
        count = report.filtered[name]
        assert count.lines == int(mask.sum()), name
        # 1-based file lines: the header is line 1, data row i is line i + 2.
        assert count.first_lines == [int(i) + 2 for i in np.flatnonzero(mask.to_numpy())[:5]], name
    assert report.rows_loaded == len(raw) - int(sum(m.sum() for m in expected.values()))
    lines = ds.order_lines
    assert lines is not None and lines[0].shape[0] == report.rows_loaded
    # The lines add up to the purchases.
    np.testing.assert_allclose(np.bincount(lines[0], weights=lines[1], minlength=ds.n_transactions), ds.amount)


def test_from_dataframe_gives_what_from_csv_gives(tmp_path):
    path = tmp_path / "retail.csv"
    frame = _retail_frame(seed=23)
    _write(frame, path)
    from_csv = crmkit.Dataset.from_csv(path, **COLUMNS, **LINES, **FILTERS)
    read = pd.read_csv(path, dtype={"InvoiceNo": str, "StockCode": str}, parse_dates=["InvoiceDate"])
    assert read["CustomerID"].dtype.kind == "f"  # NaN for the missing ids: ids come back as '12034', not '12034.0'
    from_df = crmkit.Dataset.from_dataframe(
        read, customer="CustomerID", time="InvoiceDate", product="StockCode", **LINES, **FILTERS
    )
    assert from_df.customer_ids == from_csv.customer_ids
    np.testing.assert_array_equal(from_df.customer, from_csv.customer)
    np.testing.assert_array_equal(from_df.time, from_csv.time)
    np.testing.assert_array_equal(from_df.amount, from_csv.amount)  # bit for bit: the same roll-up
    assert [from_df.order_id(i) for i in range(5)] == [from_csv.order_id(i) for i in range(5)]
    csv_report, df_report = from_csv.ingest_report, from_df.ingest_report
    for name in csv_report.filtered:
        assert df_report.filtered[name].lines == csv_report.filtered[name].lines
        # rows are 0-based positions in the frame, lines 1-based file lines after the header
        assert [r + 2 for r in df_report.filtered[name].first_lines] == csv_report.filtered[name].first_lines


def test_amount_column_with_orders_and_without_filters(write_csv):
    path = write_csv(
        "o.csv",
        "order,customer_id,timestamp,amount\n"
        "o1,A,2024-01-02,10\n"
        "o2,B,2024-01-01,5\n"
        "o1,A,2024-01-01,2.5\n",
    )
    ds = crmkit.Dataset.from_csv(path, order_column="order")
    assert ds.n_transactions == 2
    assert [ds.order_id(i) for i in range(2)] == ["o1", "o2"]  # (time, order id) order
    assert ds.amount.tolist() == [12.5, 5.0]
    assert ds.ingest_report.rows_filtered == 0
    plain = crmkit.Dataset.from_csv(path)
    assert plain.order_lines is None
    with pytest.raises(crmkit.NotFoundError):
        plain.order_id(0)


def test_an_order_with_two_customers_is_reported(write_csv):
    path = write_csv(
        "mixed.csv",
        "InvoiceNo,Quantity,InvoiceDate,UnitPrice,CustomerID\n"
        "536365,1,2010-12-01,2.0,17850\n"
        "536365,1,2010-12-01,3.0,13047\n",
    )
    with pytest.raises(crmkit.Error) as info:
        crmkit.Dataset.from_csv(path, **COLUMNS, **LINES)
    assert info.value.code == _errors.E_PARSE
    assert "mixed.csv:3: column 'InvoiceNo': order has lines of two customers: '17850' (line 2) and '13047' (line 3)" in str(
        info.value
    )
    frame = pd.DataFrame(
        {"InvoiceNo": ["1", "1"], "CustomerID": ["a", "b"], "InvoiceDate": [0, 0], "amount": [1.0, 2.0]}
    )
    with pytest.raises(crmkit.InvalidArgumentError, match=r"order '1' has lines of two customers: 'a' \(row 0\) and 'b' \(row 1\)"):
        crmkit.Dataset.from_dataframe(frame, customer="CustomerID", time="InvoiceDate", order="InvoiceNo")


def test_nul_bytes_and_invalid_utf8_are_bad_rows(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(b"customer_id,timestamp,amount\nA,2024-01-01,1\nB\x00,2024-01-01,2\n\xff\xfe,2024-01-02,3\nC,2024-01-03,4\n")
    with pytest.raises(crmkit.Error) as info:
        crmkit.Dataset.from_csv(path)
    assert info.value.code == _errors.E_PARSE
    assert f"{path}:3: column 'customer_id': NUL byte in a field" in str(info.value)
    ds = crmkit.Dataset.from_csv(path, on_bad_row="skip")
    assert ds.customer_ids == ["A", "C"]
    assert [line for line, _ in ds.skipped_rows] == [3, 4]
    assert "invalid UTF-8: '\\xFF\\xFE'" in ds.skipped_rows[1][1]
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(crmkit.Error, match=r"empty\.csv:1: empty file"):
        crmkit.Dataset.from_csv(empty)


def test_option_errors(write_csv):
    path = write_csv("o.csv", "customer_id,timestamp,amount\nA,2024-01-01,1\n")
    with pytest.raises(crmkit.InvalidArgumentError, match="needs an order column"):
        crmkit.Dataset.from_csv(path, exclude_order_prefix="C")
    with pytest.raises(crmkit.InvalidArgumentError, match="disagree"):
        crmkit.Dataset.from_csv(path, order="a", order_column="b")
    with pytest.raises(crmkit.InvalidArgumentError, match="filter 'nope'"):
        crmkit.Dataset.from_csv(path).filtered_count("nope")
