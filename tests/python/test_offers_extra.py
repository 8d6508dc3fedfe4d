"""crmkit.offers, second part: the ALS model document and pickles, BM25/TF-IDF weighting
against NumPy/SciPy versions of implicit's formulas, item kNN against a dense cosine
matrix, value-ranked offers and the next_best_offer columns of the customer table."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from crmkit import _errors
from crmkit.offers import ImplicitALS, ItemKNN, add_offer_columns, rank_by_value


def _counts(seed=2, rows=40, cols=25, density=0.15, empty=2):
    R = sp.random(rows, cols, density=density, random_state=seed, format="csr")
    R.data = np.ceil(R.data * 4)
    R = sp.diags((np.arange(rows) < rows - empty).astype(float)) @ R
    R.eliminate_zeros()
    return R.tocsr()


# -- NumPy/SciPy versions of implicit's nearest_neighbours.bm25_weight / tfidf_weight ----
def bm25_weight(X, K1=100, B=0.8):
    X = sp.coo_matrix(X)
    N = float(X.shape[0])
    idf = np.log(N / (1 + np.bincount(X.col, minlength=X.shape[1])))
    row_sums = np.ravel(X.sum(axis=1))
    length_norm = (1.0 - B) + B * row_sums / row_sums.mean()
    X.data = X.data * (K1 + 1.0) / (K1 * length_norm[X.row] + X.data) * idf[X.col]
    X = X.tocsr()
    X.data[X.data <= 0] = 0  # crmkit's stated difference: entries weighted <= 0 are dropped
    X.eliminate_zeros()
    return X


def tfidf_weight(X):
    X = sp.coo_matrix(X)
    idf = np.log(float(X.shape[0]) / (1 + np.bincount(X.col, minlength=X.shape[1])))
    X.data = np.sqrt(X.data) * idf[X.col]
    X = X.tocsr()
    X.data[X.data <= 0] = 0
    X.eliminate_zeros()
    return X


def test_als_document_round_trip_and_pickle_give_the_same_offers():
    R = _counts()
    model = ImplicitALS(factors=5, seed=3, max_iter=4, weighting="tfidf").fit(R)
    text = model.to_text()
    assert text.startswith("# crmkit model document") or 'model = "implicit_als"' in text
    back = ImplicitALS.from_text(text)
    np.testing.assert_array_equal(back.user_factors, model.user_factors)
    np.testing.assert_array_equal(back.item_factors, model.item_factors)
    assert back.weighting == "tfidf" and back.factors == 5 and back.max_iter == 4 and back.bm25_b == model.bm25_b
    pd.testing.assert_frame_equal(back.recommend(5), model.recommend(5))
    pd.testing.assert_frame_equal(back.similar_items(3, 4), model.similar_items(3, 4))
    assert back.to_text() == text
    again = pickle.loads(pickle.dumps(model))
    pd.testing.assert_frame_equal(again.recommend(5), model.recommend(5))
    assert again.fit_report_.iterations == 4
    unfitted = pickle.loads(pickle.dumps(ImplicitALS(factors=3)))
    assert unfitted.factors == 3
    with pytest.raises(_errors.Error) as e:
        unfitted.to_text()
    assert e.value.code == _errors.E_NOT_FITTED
    with pytest.raises(_errors.Error, match="line") as e:
        ImplicitALS.from_text(text.replace("factors = 5", "factors = 6", 1))
    assert e.value.code == _errors.E_PARSE
    with pytest.raises(_errors.Error) as e:
        ImplicitALS.from_text('model = "implicit_als"\nformat = 1\n')
    assert e.value.code == _errors.E_PARSE


@pytest.mark.parametrize("weighting", ["bm25", "tfidf"])
def test_weighting_equals_a_fit_on_the_scipy_weighted_matrix(weighting):
    R = _counts(seed=5, rows=60, cols=30, density=0.2)
    rng = np.random.default_rng(1)
    u0, v0 = rng.uniform(0, 0.1, (60, 4)), rng.uniform(0, 0.1, (30, 4))
    kw = dict(factors=4, max_iter=3, solver="cholesky", regularization=0.1)
    got = ImplicitALS(weighting=weighting, bm25_k1=1.2, bm25_b=0.75, **kw).fit(R, user_init=u0, item_init=v0)
    W = bm25_weight(R, 1.2, 0.75) if weighting == "bm25" else tfidf_weight(R)
    ref = ImplicitALS(**kw).fit(W, user_init=u0, item_init=v0)
    np.testing.assert_allclose(got.user_factors, ref.user_factors, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(got.item_factors, ref.item_factors, rtol=1e-9, atol=1e-12)
    plain = ImplicitALS(**kw).fit(R, user_init=u0, item_init=v0)
    assert not np.allclose(plain.item_factors, got.item_factors)
    with pytest.raises(_errors.InvalidArgumentError):
        ImplicitALS(weighting="bm26").fit(R)
    with pytest.raises(_errors.InvalidArgumentError):
        ImplicitALS(weighting="bm25", bm25_b=1.5).fit(R)


def test_item_knn_equals_a_dense_cosine_reference():
    rng = np.random.default_rng(4)
    R = sp.random(70, 30, density=0.12, random_state=7, format="csr")
    R.data = 0.1 + R.data  # continuous values: no ties among the cosines
    K = 5
    knn = ItemKNN(neighbours=K).fit(R)
    D = R.toarray()
    norms = np.linalg.norm(D, axis=0)
    S = (D.T @ D) / np.outer(np.where(norms > 0, norms, 1), np.where(norms > 0, norms, 1))
    for i in range(30):
        cand = [j for j in range(30) if (D[:, i] * D[:, j]).sum() > 0]
        best = sorted(cand, key=lambda j: (-S[i, j], j))[:K]
        row = knn.similarity_.getrow(i)
        assert sorted(row.indices.tolist()) == sorted(best)
        np.testing.assert_allclose(row.toarray()[0, best], S[i, best], rtol=1e-12)
    # offers: implicit's liked_vector.dot(similarity), own products left out
    top = knn.recommend(4)
    scores = (R @ knn.similarity_).toarray()
    for _, r in top[~top["cold_start"]].iterrows():
        u, j = r["customer_id"], r["product_id"]
        assert D[u, j] == 0
        if scores[u, j] > 0:
            assert r["score"] == pytest.approx(scores[u, j], rel=1e-12)
    # threads: identical
    assert (ItemKNN(neighbours=K, n_threads=2).fit(R).similarity_ != knn.similarity_).nnz == 0
    sim = knn.similar_items(0, 3)
    assert 0 not in sim["product_id"].tolist() and len(sim) <= 3
    with pytest.raises(_errors.InvalidArgumentError):
        ItemKNN(neighbours=0).fit(R)
    with pytest.raises(_errors.Error) as e:
        ItemKNN().recommend(3)
    assert e.value.code == _errors.E_NOT_FITTED
    del rng


def test_item_knn_cold_start_customers_get_popularity():
    R = _counts(empty=3)
    top = ItemKNN().fit(R).recommend(3)
    cold = top[top["customer_id"] >= 37]
    assert cold["cold_start"].all() and len(cold) == 9
    assert np.isfinite(top["score"]).all()


def test_rank_by_value_and_next_best_offer_columns():
    offers = pd.DataFrame({
        "customer_id": ["a", "a", "b", "c", "c"],
        "rank": [1, 2, 1, 1, 2],
        "product_id": ["p1", "p2", "p3", "p1", "p2"],
        "score": [0.9, 0.5, 1.7, 0.2, -0.3],
        "cold_start": [False, False, True, False, False],
    })
    clv = pd.Series({"a": 100.0, "b": 10.0})  # c has no CLV: value 0, affinity order kept
    price = pd.Series({"p1": 1.0, "p2": 4.0, "p3": 2.0})
    ranked = rank_by_value(offers, clv, price)
    assert ranked["product_id"].tolist() == ["p2", "p1", "p3", "p1", "p2"]
    assert ranked["expected_value"].tolist() == [200.0, 90.0, 20.0, 0.0, 0.0]
    assert ranked["rank"].tolist() == [1, 2, 1, 1, 2]
    assert np.isfinite(ranked["expected_value"]).all()
    with pytest.raises(_errors.InvalidArgumentError):
        rank_by_value(offers, pd.Series({"a": -1.0}))
    table = pd.DataFrame({"clv": [100.0, 10.0, np.nan, 5.0]}, index=pd.Index(["a", "b", "c", "d"], name="customer_id"))
    out = add_offer_columns(table, ranked)
    assert list(table.columns) == ["clv"]  # the input table is unchanged
    assert out["next_best_offer"].tolist()[:3] == ["p2", "p3", "p1"] and pd.isna(out["next_best_offer"].iloc[3])
    assert out["next_best_offer_value"].tolist()[:3] == [200.0, 20.0, 0.0]
    assert out["next_best_offer_score"].iloc[0] == 0.5
    assert out["next_best_offer_cold_start"].tolist()[:3] == [0, 1, 0] and pd.isna(out["next_best_offer_cold_start"].iloc[3])
    plain = add_offer_columns(table, offers, prefix="nbo")
    assert "nbo_value" not in plain.columns and plain["nbo"].tolist()[:3] == ["p1", "p3", "p1"]
