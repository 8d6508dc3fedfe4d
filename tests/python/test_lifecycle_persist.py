"""Lifecycle models saved as text (to_text / from_text), pickled through it, and the
per-customer lifecycle table."""

import json
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import crmkit

ROOT = Path(__file__).resolve().parents[2]
CDNOW = ROOT / "examples" / "data" / "cdnow_sample.csv"


def _three():
    return (crmkit.Lifecycle.builder()
            .state("lead").state("buyer").state("lapsed")
            .no_skip(["lead", "buyer"]).cascade(max_hops=2).policy("priority")
            .transition("lead", "buyer", "orders >= 1", name="buy", priority=5, on="any")
            .transition("buyer", "lapsed", "recency_days > 90")
            .transition("lapsed", "@history", "recency_days <= 90")
            .build())


def test_to_text_round_trips_and_names_the_document():
    for lc in (_three(), crmkit.Lifecycle.default(scale_to_gap=True)):
        text = lc.to_text()
        doc = json.loads(text)  # the saved document is plain JSON
        assert doc["crmkit"] == {"document": "lifecycle_model", "format": 1, "library": crmkit.__version__}
        back = crmkit.Lifecycle.from_text(text)
        assert back.to_text() == text
        assert back.states == lc.states and back.transitions == lc.transitions and back.columns == lc.columns
    doc = json.loads(_three().to_text())
    assert doc["policy"] == "priority" and doc["max_hops"] == 2 and doc["cascade"] is True
    assert doc["invariants"] == {"no_skip": ["lead", "buyer"], "forward_only": False}
    assert doc["transitions"][0] == {"name": "buy", "from": ["lead"], "to": "buyer", "guard": "orders >= 1",
                                     "priority": 5, "on": "any"}
    # from_dict of the saved document (header included) is the same model.
    assert crmkit.Lifecycle.from_dict(doc).to_text() == _three().to_text()


def test_from_text_reads_toml_and_reports_the_header():
    toml = 'states = ["a", "b"]\n[[transitions]]\nfrom = "a"\nto = "b"\nguard = "orders >= 1"\n'
    lc = crmkit.Lifecycle.from_text(toml)
    assert lc.states == ["a", "b"]
    with pytest.raises(crmkit.Error, match="JSON line 1 column 25: the document is a 'kmeans'"):
        crmkit.Lifecycle.from_text('{"crmkit": {"document": "kmeans", "format": 1}, "states": ["a"]}')
    with pytest.raises(crmkit.Error, match="format 9 is not supported"):
        crmkit.Lifecycle.from_text('{"crmkit": {"document": "lifecycle_model", "format": 9}, "states": ["a"]}')


def test_pickle_goes_through_the_text_and_keeps_behaviour():
    ds = crmkit.Dataset.from_csv(CDNOW, time_column="date")
    lc = crmkit.Lifecycle.default(n_threads=2)
    copy = pickle.loads(pickle.dumps(lc))
    assert copy.to_text() == lc.to_text() and copy.n_threads == 2
    lc.fit(ds, start="1997-01-01", end="1998-07-01")
    copy.fit(ds, start="1997-01-01", end="1998-07-01")
    pd.testing.assert_frame_equal(copy.counts_, lc.counts_)


def test_customer_table_matches_the_stage_attributes():
    ds = crmkit.Dataset.from_csv(CDNOW, time_column="date")
    lc = crmkit.Lifecycle.default().fit(ds, start="1997-01-01", end="1998-07-01")
    table = lc.customer_table()
    assert list(table.columns) == ["stage", "previous_stage", "entered_at", "stage_days"]
    assert table.index.name == "customer_id" and list(table.index) == list(ds.customer_ids)
    assert list(table["stage"].cat.categories) == lc.states
    pd.testing.assert_series_equal(table["stage"], lc.stages_, check_names=False)
    entered = lc.entered_at_
    assert (table["entered_at"].dt.tz_convert(None).to_numpy() == entered.to_numpy()).all()
    end = pd.Timestamp("1998-07-01", tz="UTC")
    expected_days = (end - table["entered_at"]).dt.total_seconds() / 86400.0
    np.testing.assert_allclose(table["stage_days"].to_numpy(), expected_days.to_numpy())
    later = lc.customer_table(as_of="1998-07-11")
    np.testing.assert_allclose(later["stage_days"] - table["stage_days"], 10.0)
    with pytest.raises(crmkit.InvalidArgumentError, match="before the machine's last event"):
        lc.customer_table(as_of="1998-01-01")


def test_customer_table_without_keys_is_positional():
    lc = crmkit.Lifecycle.from_dict({"states": ["a", "b"],
                                     "transitions": [{"from": "a", "to": "b", "guard": "orders >= 1"}]})
    lc.start(3, start="2024-01-01")
    lc.evaluate("2024-01-11", {"orders": [1.0, 0.0, np.nan]})
    table = lc.customer_table("2024-01-21")
    assert table.index.equals(pd.RangeIndex(3, name="customer"))
    assert list(table["stage"]) == ["b", "a", "a"]
    assert table["previous_stage"].isna().tolist() == [False, True, True]
    assert table["stage_days"].tolist() == [10.0, 20.0, 20.0]
