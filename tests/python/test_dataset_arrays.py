"""Dataset.from_arrays: zero copy, views, customers, errors."""

from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest

import crmkit
from crmkit import _errors


def sample_arrays():
    customer = np.array([0, 2, 1, 0, 2], dtype=np.int32)
    time = np.array([1704067200, 1704153600, 1703980800, 1706745600, 1705000000], dtype=np.int64)
    amount = np.array([19.9, 5.0, 42.0, -3.5, 10.0], dtype=np.float64)
    return customer, time, amount


def test_zero_copy_really_is_zero_copy():
    customer, time, amount = sample_arrays()
    ds = crmkit.Dataset.from_arrays(customer, time, amount)
    # The library borrowed the caller's buffers and the views point right back at them.
    assert ds.customer.ctypes.data == customer.ctypes.data
    assert ds.time.ctypes.data == time.ctypes.data
    assert ds.amount.ctypes.data == amount.ctypes.data
    assert ds.customer.dtype == np.int32 and ds.time.dtype == np.int64 and ds.amount.dtype == np.float64
    np.testing.assert_array_equal(ds.amount, amount)


def test_views_are_stable_read_only_and_not_copies():
    customer, time, amount = sample_arrays()
    ds = crmkit.Dataset.from_arrays(customer, time, amount, copy=True)
    # copy=True: the library owns the columns, elsewhere in memory.
    assert ds.amount.ctypes.data != amount.ctypes.data
    np.testing.assert_array_equal(ds.customer, customer)
    np.testing.assert_array_equal(ds.time, time)
    # Every access returns a view of the same C memory.
    assert ds.amount.ctypes.data == ds.amount.ctypes.data
    a, b = ds.amount, ds.amount
    assert a.ctypes.data == b.ctypes.data
    assert not ds.amount.flags.writeable
    assert not ds.amount.flags.owndata
    with pytest.raises(ValueError):
        ds.amount[0] = 1.0
    amount[0] = 1000.0  # the copy does not follow the caller's array
    assert ds.amount[0] == pytest.approx(19.9)


def test_other_dtypes_are_converted_once():
    customer, time, amount = sample_arrays()
    ds = crmkit.Dataset.from_arrays(customer.astype(np.int64), time.astype(np.int32), amount.astype(np.float32))
    assert ds.customer.ctypes.data != customer.ctypes.data
    np.testing.assert_array_equal(ds.customer, customer)
    np.testing.assert_array_equal(ds.time, time)
    np.testing.assert_allclose(ds.amount, amount, rtol=1e-6)
    # Non-contiguous input is made contiguous.
    strided = np.repeat(amount, 2)[::2]
    ds2 = crmkit.Dataset.from_arrays(customer, time, strided)
    np.testing.assert_array_equal(ds2.amount, amount)


def test_views_keep_the_memory_alive_after_close_and_delete():
    customer, time, amount = sample_arrays()
    ds = crmkit.Dataset.from_arrays(customer.copy(), time.copy(), amount.copy(), copy=True)
    view = ds.amount
    handle = weakref.ref(ds._handle)
    ds.close()
    assert ds.closed
    with pytest.raises(ValueError, match="closed"):
        ds.n_transactions
    del ds
    gc.collect()
    assert handle() is not None  # the view still holds the C dataset
    np.testing.assert_array_equal(view, amount)
    del view
    gc.collect()
    assert handle() is None  # freed with the last view


def test_borrowed_inputs_outlive_the_caller_references():
    customer, time, amount = sample_arrays()
    ds = crmkit.Dataset.from_arrays(customer, time, amount)
    address = amount.ctypes.data
    del customer, time, amount
    gc.collect()
    assert ds.amount.ctypes.data == address
    assert ds.amount.sum() == pytest.approx(73.4)


def test_counts_time_range_and_report():
    customer, time, amount = sample_arrays()
    with crmkit.Dataset.from_arrays(customer, time, amount) as ds:
        assert ds.n_transactions == 5 == len(ds)
        assert ds.n_customers == 3
        assert ds.time_range == (1703980800, 1706745600)
        assert ds.rows_read == 5
        assert ds.skipped_rows == []
        assert "5 transactions, 3 customers" in repr(ds)
    assert ds.closed
    assert repr(ds) == "<crmkit.Dataset (closed)>"


def test_datetime64_times_become_unix_seconds():
    customer, time, amount = sample_arrays()
    as_datetime = time.astype("datetime64[s]").astype("datetime64[ns]")
    ds = crmkit.Dataset.from_arrays(customer, as_datetime, amount)
    np.testing.assert_array_equal(ds.time, time)
    with pytest.raises(crmkit.InvalidArgumentError, match="NaT"):
        crmkit.Dataset.from_arrays(customer, np.array(["2024-01-01", "NaT", "2024-01-02", "2024-01-03", "2024-01-04"],
                                                      dtype="datetime64[s]"), amount)


def test_customer_ids_and_lookup():
    customer, time, amount = sample_arrays()
    ds = crmkit.Dataset.from_arrays(customer, time, amount, customer_ids=["C-000123", "C-7", "x" * 100])
    assert ds.customer_ids == ["C-000123", "C-7", "x" * 100]
    assert ds.customer_id(2) == "x" * 100  # longer than the first buffer tried
    assert ds.customer_index("C-7") == 1
    with pytest.raises(crmkit.NotFoundError) as info:
        ds.customer_index("nobody")
    assert isinstance(info.value, LookupError)
    assert info.value.code == _errors.E_NOT_FOUND
    assert "'nobody'" in info.value.message
    default = crmkit.Dataset.from_arrays(customer, time, amount, n_customers=5)
    assert default.customer_ids == ["0", "1", "2", "3", "4"]
    with pytest.raises(crmkit.InvalidArgumentError, match="repeats"):
        crmkit.Dataset.from_arrays(customer, time, amount, customer_ids=["a", "b", "a"])


def test_unicode_ids_round_trip():
    customer, time, amount = sample_arrays()
    ids = ["Zoë", "Łukasz", "顧客-3"]
    ds = crmkit.Dataset.from_arrays(customer, time, amount, customer_ids=ids)
    assert ds.customer_ids == ids
    assert ds.customer_index("顧客-3") == 2


def test_errors_carry_the_c_message():
    customer, time, amount = sample_arrays()
    bad = customer.copy()
    bad[3] = 7
    with pytest.raises(crmkit.Error) as info:
        crmkit.Dataset.from_arrays(bad, time, amount, n_customers=3)
    assert info.value.code == _errors.E_INVALID_ARGUMENT
    assert "row 3" in str(info.value) and "customer index 7 is outside [0, 3)" in str(info.value)
    nan_amount = amount.copy()
    nan_amount[1] = np.nan
    with pytest.raises(crmkit.InvalidArgumentError, match="row 1: amount nan is not finite"):
        crmkit.Dataset.from_arrays(customer, time, nan_amount)
    with pytest.raises(crmkit.InvalidArgumentError, match="different lengths"):
        crmkit.Dataset.from_arrays(customer, time[:4], amount)
    with pytest.raises(TypeError, match="integer customer indices"):
        crmkit.Dataset.from_arrays(customer.astype(float), time, amount)
    with pytest.raises(crmkit.InvalidArgumentError, match="customer\\[0\\]"):
        crmkit.Dataset.from_arrays(np.array([2**40, 0, 0, 0, 0]), time, amount)


def test_empty_dataset():
    ds = crmkit.Dataset.from_arrays(np.array([], dtype=np.int32), np.array([], dtype=np.int64), np.array([]))
    assert ds.n_transactions == 0 and ds.n_customers == 0
    assert ds.customer.shape == (0,) and ds.amount.dtype == np.float64
    assert ds.time_range == (0, 0)
    assert ds.customer_ids == []


def test_locations_and_attributes():
    customer, time, amount = sample_arrays()
    ds = crmkit.Dataset.from_arrays(customer, time, amount, customer_ids=["p", "q", "r"])
    assert ds.customer_locations is None
    assert ds.attribute_names == []
    lon = np.array([2.35, np.nan, -73.98])
    lat = np.array([48.86, np.nan, 40.75])
    ds.set_customer_locations(lon, lat)
    got_lon, got_lat = ds.customer_locations
    np.testing.assert_array_equal(got_lon, lon)
    np.testing.assert_array_equal(got_lat, lat)
    ds.set_customer_attribute("score", [0.5, np.nan, 0.25])
    ds.set_customer_attribute("credit_limit", np.array([100, 200, 300]))
    assert ds.attribute_names == ["score", "credit_limit"]
    np.testing.assert_array_equal(ds.customer_attribute("credit_limit"), [100.0, 200.0, 300.0])
    with pytest.raises(crmkit.NotFoundError, match="present: score, credit_limit"):
        ds.customer_attribute("age")
    with pytest.raises(crmkit.InvalidArgumentError, match="only one of longitude/latitude"):
        ds.set_customer_locations([1.0, 2.0, 3.0], [1.0, np.nan, 3.0])
    with pytest.raises(crmkit.InvalidArgumentError, match="'n'"):
        ds.set_customer_attribute("short", [1.0])
    frame = ds.customers_to_dataframe()
    assert list(frame.columns) == ["customer_id", "longitude", "latitude", "score", "credit_limit"]
    assert frame["customer_id"].tolist() == ["p", "q", "r"]


def test_handles_are_freed_by_the_garbage_collector():
    customer, time, amount = sample_arrays()
    ds = crmkit.Dataset.from_arrays(customer, time, amount)
    finalizer = ds._handle.finalizer
    assert finalizer.alive
    del ds
    gc.collect()
    assert not finalizer.alive
