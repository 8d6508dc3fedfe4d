"""crmkit.offers against independent references: mlxtend's rule definitions computed by
brute force over itertools.combinations (mlxtend itself is not installed), a NumPy
implementation of the same ALS conjugate-gradient update, and pandas for the baskets."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

import crmkit
from crmkit import _lib
from crmkit.offers import AssociationRules, Baskets, ImplicitALS, evaluate_offers, holdout_evaluation, popularity_offers

COLUMNS = ["antecedent support", "consequent support", "support", "confidence", "lift", "leverage", "conviction",
           "zhangs_metric"]


# -- brute-force references ---------------------------------------------------------------
def brute_itemsets(baskets, min_support, max_len=None):
    n = len(baskets)
    sets = [frozenset(b) for b in baskets]
    items = sorted(set().union(*sets))
    out = {}
    for k in range(1, (max_len or len(items)) + 1):
        for combo in combinations(items, k):
            c = frozenset(combo)
            count = sum(c <= b for b in sets)
            if count / n >= min_support:
                out[c] = count / n
    return out


def brute_rules(itemsets):
    """mlxtend 0.23's association_rules columns, with its numpy expressions."""
    rows = []
    for z, s_ac in itemsets.items():
        if len(z) < 2:
            continue
        for k in range(1, len(z)):
            for a in combinations(sorted(z), k):
                a = frozenset(a)
                rows.append((a, z - a, itemsets[a], itemsets[z - a], s_ac))
    sA = np.array([r[2] for r in rows])
    sC = np.array([r[3] for r in rows])
    sAC = np.array([r[4] for r in rows])
    confidence = sAC / sA
    lift = confidence / sC
    leverage = sAC - sA * sC
    conviction = np.empty(confidence.shape, dtype=float)
    conviction[:] = np.inf
    conviction[confidence < 1.0] = (1.0 - sC[confidence < 1.0]) / (1.0 - confidence[confidence < 1.0])
    denominator = np.maximum(sAC * (1 - sA), sA * (sC - sAC))
    with np.errstate(divide="ignore", invalid="ignore"):
        zhang = np.where(denominator == 0, 0, leverage / denominator)
    frame = pd.DataFrame({"antecedents": [r[0] for r in rows], "consequents": [r[1] for r in rows],
                          "antecedent support": sA, "consequent support": sC, "support": sAC,
                          "confidence": confidence, "lift": lift, "leverage": leverage, "conviction": conviction,
                          "zhangs_metric": zhang})
    return frame


def random_baskets(rng, n, n_items):
    p = np.linspace(0.6, 0.05, n_items)
    return [[j for j in range(n_items) if rng.random() < p[j]] for _ in range(n)]


# -- association rules ------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(6))
def test_itemsets_and_rule_metrics_equal_the_brute_force_definitions(seed):
    rng = np.random.default_rng(seed)
    baskets = random_baskets(rng, int(rng.integers(5, 80)), int(rng.integers(3, 9)))
    baskets.append([int(rng.integers(0, 3))])  # a single-item basket counts for support
    min_support = [0.05, 0.1, 0.2, 1 / 3][seed % 4]
    max_len = [None, 2, 3][seed % 3]
    rules = AssociationRules(min_support=min_support, max_len=max_len, min_threshold=-1e300, metric="leverage")
    rules.fit(baskets)
    ref = brute_itemsets(baskets, min_support, max_len)
    got = dict(zip(rules.frequent_itemsets_["itemsets"], rules.frequent_itemsets_["support"]))
    assert got == ref  # same itemsets, supports equal as doubles
    expect = brute_rules(ref)
    assert len(rules.rules_) == len(expect)
    key = lambda f: f.assign(_k=[(tuple(sorted(a)), tuple(sorted(c))) for a, c in zip(f.antecedents, f.consequents)]
                             ).sort_values("_k").reset_index(drop=True)
    a, b = key(rules.rules_), key(expect)
    assert list(a["_k"]) == list(b["_k"])
    for column in COLUMNS:
        np.testing.assert_array_equal(a[column].to_numpy(), b[column].to_numpy(), err_msg=column)
    assert not rules.rules_[COLUMNS].isna().any().any()


def test_min_threshold_filters_on_the_chosen_metric_and_onehot_input_keeps_names():
    rng = np.random.default_rng(7)
    baskets = random_baskets(rng, 60, 6)
    names = ["milk", "bread", "jam", "tea", "eggs", "salt"]
    onehot = pd.DataFrame([[j in b for j in range(6)] for b in baskets], columns=names)
    rules = AssociationRules(min_support=0.1, metric="lift", min_threshold=1.1).fit(onehot)
    assert len(rules.rules_) > 0
    assert (rules.rules_["lift"] >= 1.1).all()
    all_rules = AssociationRules(min_support=0.1, metric="lift", min_threshold=-1e300).fit(onehot).rules_
    assert len(all_rules[all_rules["lift"] >= 1.1]) == len(rules.rules_)
    assert set().union(*rules.rules_["antecedents"]) <= set(names)


def test_suggest_is_sparks_transform_ranked_by_confidence_and_top_per_antecedent():
    rng = np.random.default_rng(3)
    baskets = random_baskets(rng, 80, 7)
    rules = AssociationRules(min_support=0.05, min_threshold=0.2).fit(baskets)
    basket = [0, 2]
    got = rules.suggest(basket)
    expect = {}
    for a, c, conf in zip(rules.rules_.antecedents, rules.rules_.consequents, rules.rules_.confidence):
        if a <= set(basket):
            for item in c - set(basket):
                expect[item] = max(expect.get(item, 0), conf)
    assert dict(zip(got["item"], got["confidence"])) == expect
    assert list(got["confidence"]) == sorted(got["confidence"], reverse=True)
    before = rules.rules_
    rules.keep_top_per_antecedent(1)
    assert rules.rules_["antecedents"].is_unique
    best = before.groupby(before["antecedents"].map(lambda s: tuple(sorted(s))))["confidence"].max()
    got_best = rules.rules_.set_index(rules.rules_["antecedents"].map(lambda s: tuple(sorted(s))))["confidence"]
    pd.testing.assert_series_equal(got_best.sort_index(), best.sort_index(), check_names=False)


def test_bad_rule_input_is_rejected_with_clear_errors():
    with pytest.raises(crmkit.Error, match="CRMKIT_RULES_MIN_SUPPORT = 0"):
        AssociationRules(min_support=0.0).fit([[0, 1]])
    with pytest.raises(crmkit.Error, match="MIN_SUPPORT = 1.5"):
        AssociationRules(min_support=1.5).fit([[0, 1]])
    with pytest.raises(crmkit.Error, match="no baskets"):
        AssociationRules(min_support=0.5).fit([])
    with pytest.raises(crmkit.Error, match="metric"):
        AssociationRules(metric="jaccard").fit([[0, 1]])


# -- baskets from a dataset ---------------------------------------------------------------
def _lines(seed=1, n_orders=250):
    rng = np.random.default_rng(seed)
    rows = []
    for k in range(n_orders):
        customer = f"c{int(rng.integers(0, 40)):02d}"
        when = pd.Timestamp("2011-01-01", tz="UTC") + pd.Timedelta(minutes=int(rng.integers(0, 200_000)))
        for _ in range(int(rng.integers(1, 5))):
            product = f"P{int(rng.random() ** 2 * 15):02d}"
            rows.append((f"o{k}", customer, product, when, float(rng.integers(1, 40)) / 4))
    return pd.DataFrame(rows, columns=["order", "customer", "product", "time", "amount"])


def _dataset(frame):
    return crmkit.Dataset.from_dataframe(frame, "customer", "time", "amount", order="order", product="product")


def test_baskets_and_matrix_from_a_dataset_match_pandas():
    frame = _lines()
    b = Baskets.from_dataset(_dataset(frame))
    assert b.item_names == sorted(frame["product"].unique())
    assert b.customer_ids == sorted(frame["customer"].unique())
    assert len(b) == frame["order"].nunique()
    expect = frame.groupby("order")["product"].apply(lambda s: sorted(set(s)))
    got = sorted(tuple(b.item_names[i] for i in basket) for basket in b.to_lists())
    assert got == sorted(tuple(v) for v in expect)
    orders = b.matrix("orders").toarray()
    ref = frame.drop_duplicates(["order", "product"]).pivot_table(index="customer", columns="product",
                                                                 values="order", aggfunc="count", fill_value=0)
    np.testing.assert_array_equal(orders, ref.reindex(index=b.customer_ids, columns=b.item_names,
                                                      fill_value=0).to_numpy())
    spend = b.matrix("spend").toarray()
    ref = frame.pivot_table(index="customer", columns="product", values="amount", aggfunc="sum", fill_value=0)
    np.testing.assert_allclose(spend, ref.reindex(index=b.customer_ids, columns=b.item_names,
                                                  fill_value=0).to_numpy(), rtol=1e-12)


def test_results_do_not_depend_on_the_order_of_the_rows():
    frame = _lines(seed=4)
    shuffled = frame.sample(frac=1.0, random_state=9).reset_index(drop=True)
    fits = []
    for f in (frame, shuffled):
        b = Baskets.from_dataset(_dataset(f))
        rules = AssociationRules(min_support=0.02, min_threshold=0.1).fit(b)
        als = ImplicitALS(factors=4, max_iter=3, seed=5).fit(b)
        fits.append((rules.rules_, als.user_factors, als.item_factors, als.recommend(3)))
    pd.testing.assert_frame_equal(fits[0][0], fits[1][0])
    np.testing.assert_array_equal(fits[0][1], fits[1][1])
    np.testing.assert_array_equal(fits[0][2], fits[1][2])
    pd.testing.assert_frame_equal(fits[0][3], fits[1][3])


def test_a_dataset_without_products_is_rejected():
    frame = _lines().drop(columns="product")
    ds = crmkit.Dataset.from_dataframe(frame, "customer", "time", "amount", order="order")
    with pytest.raises(crmkit.Error, match="no product column"):
        Baskets.from_dataset(ds)


# -- implicit ALS ---------------------------------------------------------------------------
def numpy_half_step(R, Y, X, reg, alpha, cg_steps):
    """The same CG update (implicit's _least_squares_cg with c = 1 + alpha r) in NumPy."""
    X = X.copy()
    YtY = Y.T @ Y + reg * np.eye(Y.shape[1])
    for u in range(R.shape[0]):
        cols = R.indices[R.indptr[u]:R.indptr[u + 1]]
        c = 1.0 + alpha * R.data[R.indptr[u]:R.indptr[u + 1]]
        Yu = Y[cols]
        x = X[u].copy()
        r = -YtY @ x + ((c - (c - 1) * (Yu @ x))[:, None] * Yu).sum(axis=0)
        p = r.copy()
        rsold = r @ r
        if rsold < 1e-20:
            continue
        for _ in range(cg_steps):
            Ap = YtY @ p + (((c - 1) * (Yu @ p))[:, None] * Yu).sum(axis=0)
            a = rsold / (p @ Ap)
            x += a * p
            r -= a * Ap
            rsnew = r @ r
            if rsnew < 1e-20:
                break
            p = r + (rsnew / rsold) * p
            rsold = rsnew
        X[u] = x
    return X


def numpy_exact_half_step(R, Y, reg, alpha):
    D = R.toarray()
    out = np.empty((R.shape[0], Y.shape[1]))
    for u in range(R.shape[0]):
        c = 1.0 + alpha * D[u]
        p = (D[u] > 0).astype(float)
        A = (Y.T * c) @ Y + reg * np.eye(Y.shape[1])
        out[u] = np.linalg.solve(A, (Y.T * c) @ p)
    return out


@pytest.fixture
def small():
    R = sp.random(40, 25, density=0.15, random_state=2, format="csr")
    R.data = np.ceil(R.data * 4)
    R = sp.diags((np.arange(40) < 38).astype(float)) @ R  # two customers without history
    R.eliminate_zeros()
    rng = np.random.default_rng(0)
    return R.tocsr(), rng.uniform(0, 0.1, (40, 6)), rng.uniform(0, 0.1, (25, 6))


@pytest.mark.parametrize("solver", ["cg", "cholesky"])
def test_als_equals_a_numpy_reference_of_the_same_updates(small, solver):
    R, U0, V0 = small
    reg, alpha, steps = 0.05, 3.0, 3
    als = ImplicitALS(factors=6, regularization=reg, alpha=alpha, cg_steps=steps, max_iter=2, solver=solver)
    als.fit(R, user_init=U0, item_init=V0)
    U, V = U0, V0
    Rt = R.T.tocsr()
    for _ in range(2):
        if solver == "cg":
            U = numpy_half_step(R, V, U, reg, alpha, steps)
            V = numpy_half_step(Rt, U, V, reg, alpha, steps)
        else:
            U = numpy_exact_half_step(R, V, reg, alpha)
            V = numpy_exact_half_step(Rt, U, reg, alpha)
    np.testing.assert_allclose(als.user_factors, U, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(als.item_factors, V, rtol=1e-9, atol=1e-12)


def test_cg_with_enough_steps_reaches_the_closed_form(small):
    R, U0, V0 = small
    cg = ImplicitALS(factors=6, regularization=0.1, alpha=2.0, cg_steps=50, max_iter=1).fit(R, user_init=U0,
                                                                                              item_init=V0)
    exact_u = numpy_exact_half_step(R, V0, 0.1, 2.0)
    exact_v = numpy_exact_half_step(R.T.tocsr(), exact_u, 0.1, 2.0)
    np.testing.assert_allclose(cg.user_factors, exact_u, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(cg.item_factors, exact_v, rtol=1e-7, atol=1e-10)


def test_als_threads_recommendations_and_cold_start(small):
    R, _, _ = small
    one = ImplicitALS(factors=5, alpha=10.0, max_iter=4, seed=3, n_threads=1).fit(R)
    two = ImplicitALS(factors=5, alpha=10.0, max_iter=4, seed=3, n_threads=2).fit(R)
    np.testing.assert_array_equal(one.user_factors, two.user_factors)
    np.testing.assert_array_equal(one.item_factors, two.item_factors)
    assert one.fit_report_.status == "iteration_limit" and one.fit_report_.iterations == 4
    rec = one.recommend(4)
    assert len(rec) == 40 * 4
    assert not rec["score"].isna().any()
    dense = R.toarray()
    scores = one.user_factors @ one.item_factors.T
    for u, group in rec.groupby("customer_id"):
        bought = set(np.flatnonzero(dense[u]))
        assert not bought & set(group["product_id"])
        if bought:
            assert not group["cold_start"].any()
            candidates = [i for i in range(25) if i not in bought]
            best = sorted(candidates, key=lambda i: (-scores[u, i], i))[:4]
            assert list(group["product_id"]) == best
        else:
            assert group["cold_start"].all()
            popularity = (dense > 0).mean(axis=0)
            assert list(group["product_id"]) == sorted(range(25), key=lambda i: (-popularity[i], i))[:4]
    sim = one.similar_items(3, 4)
    norms = np.linalg.norm(one.item_factors, axis=1)
    cos = one.item_factors @ one.item_factors[3] / (norms * norms[3])
    cos[3] = -np.inf
    assert list(sim["product_id"]) == list(np.argsort(-cos, kind="stable")[:4])
    np.testing.assert_allclose(sim["score"], np.sort(cos)[::-1][:4], rtol=1e-12)


def test_als_rejects_bad_input_and_takes_its_defaults_from_the_library():
    assert ImplicitALS().factors == _lib.option_default("als", "factors")
    with pytest.raises(crmkit.Error, match="CRMKIT_ALS_FACTORS = 0"):
        ImplicitALS(factors=0).fit(sp.eye(3, format="csr"))
    with pytest.raises(crmkit.Error, match="negative"):
        ImplicitALS().fit(sp.csr_matrix(np.array([[1.0, -1.0]])))
    with pytest.raises(crmkit.Error, match="empty"):
        ImplicitALS().fit(sp.csr_matrix((0, 3)))
    with pytest.raises(crmkit.Error):
        ImplicitALS(factors=2).fit(sp.eye(3, format="csr"), user_init=np.zeros((3, 2)))


# -- evaluation ------------------------------------------------------------------------------
def reference_metrics(items, relevant, k):
    """precision, recall, AP (ml_metrics' apk), NDCG@k and coverage written out in Python."""
    P, R, AP, N, offered = [], [], [], [], set()
    dense = relevant.toarray() > 0
    for u in range(items.shape[0]):
        rel = set(np.flatnonzero(dense[u]))
        if not rel:
            continue
        hits, ap, dcg = 0, 0.0, 0.0
        for j, item in enumerate(items[u, :k]):
            if item < 0:
                continue
            offered.add(int(item))
            if item in rel:
                hits += 1
                ap += hits / (j + 1)
                dcg += 1 / np.log2(j + 2)
        ideal = min(k, len(rel))
        P.append(hits / k)
        R.append(hits / len(rel))
        AP.append(ap / ideal)
        N.append(dcg / sum(1 / np.log2(j + 2) for j in range(ideal)))
    return dict(precision=np.mean(P), recall=np.mean(R), map=np.mean(AP), ndcg=np.mean(N),
                coverage=len(offered) / relevant.shape[1],
                n_evaluated=len(P))


def test_popularity_offers_and_metrics_match_python_references():
    rng = np.random.default_rng(5)
    history = sp.random(60, 30, density=0.1, random_state=5, format="csr")
    relevant = sp.random(60, 30, density=0.05, random_state=6, format="csr")
    items, scores, cold = popularity_offers(history, 5)
    share = (history.toarray() > 0).mean(axis=0)
    for u in range(60):
        own = set(history[u].indices)
        expect = [i for i in sorted(range(30), key=lambda i: (-share[i], i)) if i not in own][:5]
        assert list(items[u]) == expect
        np.testing.assert_array_equal(scores[u], share[expect])
        assert cold[u] == (len(own) == 0)
    random_offers = rng.integers(-1, 30, size=(60, 8)).astype(np.int32)
    for k in (1, 5, 8):
        got = evaluate_offers(random_offers, relevant, k)
        ref = reference_metrics(random_offers, relevant, k)
        assert got["n_evaluated"] == ref["n_evaluated"] > 0
        for name in ("precision", "recall", "map", "ndcg", "coverage"):
            assert got[name] == pytest.approx(ref[name], rel=1e-12, abs=1e-15), name
    with pytest.raises(crmkit.Error, match="k = 9"):
        evaluate_offers(random_offers, relevant, 9)


def test_holdout_evaluation_on_a_dataset():
    frame = _lines(seed=2, n_orders=600)
    b = Baskets.from_dataset(_dataset(frame))
    table = holdout_evaluation(b, days=30, k=5, als=ImplicitALS(factors=4, seed=1),
                               rules=AssociationRules(min_support=0.02, min_threshold=0.05))
    assert list(table.index) == ["als", "rules", "popularity"]
    assert {"precision@5", "recall@5", "map@5", "ndcg@5", "coverage", "n_evaluated"} <= set(table.columns)
    assert (table["n_evaluated"] > 0).all()
    assert ((table[["precision@5", "recall@5", "map@5", "ndcg@5", "coverage"]] >= 0).all().all())
    before, after = b.split(table.attrs["cutoff"])
    assert len(before) + len(after) == len(b)
    assert table.attrs["test_baskets"] == len(after) > 0
