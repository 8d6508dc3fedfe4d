"""crmkit.state.CustomerState (crmkit/c/state.h): exact merges, canonical bytes and pickle,
incremental appends equal to a recompute, CSV streaming, and the customer table of a merged
state equal to crmkit.score_customers on all the transactions."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import crmkit
from crmkit.state import CustomerState, score_lifecycle

REPO = Path(__file__).resolve().parents[2]
CDNOW = REPO / "examples" / "data" / "cdnow_sample.csv"
KW = dict(customer="customer_id", time="date", amount="amount")
AS_OF = "1998-07-01"


@pytest.fixture(scope="module")
def cdnow():
    return pd.read_csv(CDNOW, dtype={"customer_id": str}, parse_dates=["date"])


def states_of(df: pd.DataFrame, n: int, seed: int):
    shuffled = df.sample(frac=1, random_state=seed)
    return [CustomerState.from_orders(p, **KW) for p in np.array_split(shuffled, n)]


def test_merged_partitions_save_the_same_bytes_as_one_state(cdnow):
    whole = CustomerState.from_orders(cdnow, **KW)
    a, b, c = states_of(cdnow, 3, seed=5)
    c.merge(a).merge(b)  # another order than the partitions'
    assert c.to_bytes() == whole.to_bytes()
    info = c.info
    assert (info.n_customers, info.n_transactions) == (2357, 6919)
    assert info.min_time == int(pd.Timestamp("1997-01-01").timestamp())
    assert info.memory_bytes > 2357 * 100
    assert len(c) == 2357


def test_bytes_and_pickle_round_trip(cdnow):
    state = CustomerState.from_orders(cdnow, **KW)
    document = state.to_bytes()
    assert document[:8] == b"CRMKITCS"
    assert CustomerState.from_bytes(document).to_bytes() == document
    assert pickle.loads(pickle.dumps(state)).to_bytes() == document
    with pytest.raises(crmkit.Error) as info:
        CustomerState.from_bytes(document[:-3])
    assert info.value.status == "CRMKIT_E_PARSE"
    with pytest.raises(TypeError):
        CustomerState.from_bytes("text")  # type: ignore[arg-type]


def test_customer_table_of_a_merged_state_equals_the_one_process_table(cdnow):
    one = crmkit.score_customers(cdnow, as_of=AS_OF, **KW)
    state = states_of(cdnow, 4, seed=2)
    merged = state[0]
    for s in state[1:]:
        merged.merge(s)
    table = merged.customer_table(AS_OF)
    assert list(table.index) == merged.customer_ids
    assert list(table.columns) == list(one.columns)
    want = one.loc[table.index]
    for column in table.columns:
        if column in ("lifecycle_stage", "stage_since"):
            assert table[column].isna().all()  # a state keeps days, not each purchase's time
        else:
            assert table[column].equals(want[column]), column
    assert any(n.startswith("lifecycle:") for n in table.attrs["crmkit_report"]["notes"])
    # The lifecycle columns from customer-complete partitions and the merged state's start.
    ids = sorted(cdnow["customer_id"].unique())
    parts = [cdnow[cdnow["customer_id"].isin(ids[:900])], cdnow[cdnow["customer_id"].isin(ids[900:])]]
    lifecycle = pd.concat([score_lifecycle(p, merged.lifecycle_start(), AS_OF, **KW) for p in parts])
    for column in ("lifecycle_stage", "stage_since"):
        assert lifecycle.loc[one.index, column].equals(one[column]), column


def test_customer_table_errors(cdnow):
    state = CustomerState.from_orders(cdnow, **KW)
    with pytest.raises(crmkit.InvalidArgumentError, match="before the state's last transaction"):
        state.customer_table("1998-01-01")
    with pytest.raises(crmkit.InvalidArgumentError, match="empty"):
        CustomerState().customer_table(AS_OF)
    with pytest.raises(crmkit.Error):
        state.customer_table(AS_OF, config={"rfm": {"bins": "five"}})


def test_append_returns_rows_equal_to_a_recompute(cdnow):
    ordered = cdnow.sort_values(["date", "customer_id"], kind="stable")
    history, batch = ordered.iloc[:6000], ordered.iloc[6000:6040]
    state = CustomerState.from_orders(history, **KW)
    rows = state.append(batch["customer_id"].tolist(), batch["date"].to_numpy(), batch["amount"].to_numpy(),
                        as_of=AS_OF)
    assert list(rows.index) == list(dict.fromkeys(batch["customer_id"]))
    assert state.to_bytes() == CustomerState.from_orders(ordered.iloc[:6040], **KW).to_bytes()
    full = crmkit.score_customers(ordered.iloc[:6040], as_of=AS_OF, **KW).loc[rows.index]
    for column in ("orders", "recency_days", "tenure_days", "monetary", "avg_order_value", "first_purchase",
                   "last_purchase"):
        assert rows[column].equals(full[column]), column
    assert (rows["frequency"] <= rows["orders"] - 1).all() and (rows["T"] >= rows["recency"]).all()


def test_an_invalid_batch_adds_nothing(cdnow):
    state = CustomerState.from_orders(cdnow.iloc[:100], **KW)
    before = state.to_bytes()
    with pytest.raises(crmkit.InvalidArgumentError, match="row 1: amount nan is not finite"):
        state.append(["a", "b"], np.array([1, 2]), [1.0, float("nan")])
    with pytest.raises(crmkit.InvalidArgumentError, match="customer is missing at row 0"):
        state.add_columns([None], np.array([1]), [1.0])
    assert state.to_bytes() == before


def test_add_csv_streams_the_same_state(cdnow, tmp_path):
    path = tmp_path / "orders.csv"
    cdnow.assign(date=cdnow["date"].dt.strftime("%Y-%m-%d")).to_csv(path, index=False)
    streamed = CustomerState().add_csv(path, time_column="date", block_bytes=4096)
    assert streamed.to_bytes() == CustomerState.from_orders(cdnow, **KW).to_bytes()
    bad = tmp_path / "bad.csv"
    bad.write_text("customer_id,date,cds,amount\n1,1997-01-01,1,2.5\n2,1997-01-02,1,x\n")
    with pytest.raises(crmkit.Error, match=r"bad.csv:3"):
        CustomerState().add_csv(bad, time_column="date")
