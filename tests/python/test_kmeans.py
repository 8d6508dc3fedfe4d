"""crmkit.KMeans against scikit-learn 1.2 (Debian's python3-sklearn), point for point.

Issue 3's criteria: on the same data and the same initial centres, with tol = 0 and
tol = 1e-4, the same number of iterations, identical labels (any difference a provable
near-tie), centres within 1e-9 and inertia within 1e-9 relative. Also: the same seeds
from the same integer random_state (k-means++ and random), empty-cluster relocation,
silhouette scores, thread-count invariance and clear errors.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import crmkit

sklearn = pytest.importorskip("sklearn", reason="needs python3-sklearn (Debian)")
from sklearn.cluster import KMeans as SkKMeans  # noqa: E402
from sklearn.cluster import kmeans_plusplus as sk_kmeans_plusplus  # noqa: E402
from sklearn.metrics import silhouette_score as sk_silhouette  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
CDNOW = REPO / "examples" / "data" / "cdnow_sample.csv"


def blobs(n, d, k, seed, spread=1.0):
    rng = np.random.RandomState(seed)
    centres = 4.0 * rng.randn(k, d)
    return centres[np.arange(n) % k] + spread * rng.randn(n, d)


def cdnow_features():
    """Standardized log1p recency / frequency / monetary of the bundled CDNOW sample:
    integer-valued features with many duplicate rows (exact ties are common)."""
    import pandas as pd

    t = pd.read_csv(CDNOW, dtype={"customer_id": str}, parse_dates=["date"])
    as_of = t["date"].max() + pd.Timedelta(days=1)
    g = t.groupby("customer_id")
    rfm = np.column_stack([
        (as_of - g["date"].max()).dt.days.to_numpy(float),
        g.size().to_numpy(float),
        g["amount"].sum().to_numpy(float),
    ])
    z = np.log1p(rfm)
    return (z - z.mean(axis=0)) / z.std(axis=0)


def assert_same_as_sklearn(ours, sk, X):
    """The issue's acceptance rule."""
    assert ours.n_iter_ == sk.n_iter_
    differ = np.flatnonzero(ours.labels_ != sk.labels_)
    for i in differ:  # each must be a near-tie between the two centres
        da = np.sum((X[i] - sk.cluster_centers_[ours.labels_[i]]) ** 2)
        db = np.sum((X[i] - sk.cluster_centers_[sk.labels_[i]]) ** 2)
        assert abs(da - db) <= 1e-9 * max(da, db, 1e-300), (i, da, db)
    np.testing.assert_allclose(ours.cluster_centers_, sk.cluster_centers_, rtol=0, atol=1e-9)
    assert ours.inertia_ == pytest.approx(sk.inertia_, rel=1e-9)


DATASETS = {
    "blobs_2000x3": lambda: blobs(2000, 3, 6, 1, 2.0),
    "blobs_5000x8": lambda: blobs(5000, 8, 10, 2, 3.0),
    "uniform_3000x2": lambda: np.random.RandomState(3).rand(3000, 2),
    "cdnow_rfm": cdnow_features,
}


@pytest.mark.parametrize("data", sorted(DATASETS))
@pytest.mark.parametrize("tol", [0.0, 1e-4])
@pytest.mark.parametrize("k", [2, 5, 8])
@pytest.mark.parametrize("algorithm", ["lloyd", "hamerly"])
def test_same_initial_centres_as_sklearn(data, tol, k, algorithm):
    X = DATASETS[data]()
    init, _ = sk_kmeans_plusplus(X, k, random_state=k)
    sk = SkKMeans(k, init=init, n_init=1, tol=tol, max_iter=300, algorithm="lloyd").fit(X)
    ours = crmkit.KMeans(k, init=init, tol=tol, max_iter=300, algorithm=algorithm).fit(X)
    assert_same_as_sklearn(ours, sk, X)
    if algorithm == "lloyd":  # scikit-learn's Elkan gives the same clustering too
        sk_elkan = SkKMeans(k, init=init, n_init=1, tol=tol, max_iter=300, algorithm="elkan").fit(X)
        assert_same_as_sklearn(ours, sk_elkan, X)


@pytest.mark.parametrize("data", sorted(DATASETS))
@pytest.mark.parametrize("seed", [0, 1, 12345])
def test_kmeans_plusplus_picks_sklearns_rows(data, seed):
    X = DATASETS[data]()
    for k in (1, 3, 8, 20):
        centres, idx = crmkit.kmeans_plusplus(X, k, random_state=seed)
        sk_centres, sk_idx = sk_kmeans_plusplus(X, k, random_state=seed)
        np.testing.assert_array_equal(idx, sk_idx)
        np.testing.assert_array_equal(centres, sk_centres)


@pytest.mark.parametrize("init", ["k-means++", "random"])
@pytest.mark.parametrize("n_init", [1, 3])
@pytest.mark.parametrize("tol", [0.0, 1e-4])
def test_same_random_state_as_sklearn(init, n_init, tol):
    X = blobs(2000, 4, 7, 9, 2.5)
    for seed in (0, 7):
        sk = SkKMeans(6, init=init, n_init=n_init, tol=tol, random_state=seed, algorithm="lloyd").fit(X)
        ours = crmkit.KMeans(6, init=init, n_init=n_init, tol=tol, random_state=seed).fit(X)
        assert_same_as_sklearn(ours, sk, X)


def test_empty_cluster_is_relocated_like_sklearn():
    X = blobs(1000, 2, 3, 5)
    init = np.array([[0.0, 0.0], [1.0, 1.0], [1e3, 1e3]])  # the last centre gets no point
    sk = SkKMeans(3, init=init, n_init=1, tol=0.0).fit(X)
    ours = crmkit.KMeans(3, init=init, tol=0.0).fit(X)
    assert ours.n_relocated_ >= 1
    assert_same_as_sklearn(ours, sk, X)


@pytest.mark.parametrize("max_iter", [1, 2, 5])
def test_iteration_limit_like_sklearn(max_iter):
    X = blobs(4000, 3, 8, 4, 3.0)
    init, _ = sk_kmeans_plusplus(X, 8, random_state=1)
    sk = SkKMeans(8, init=init, n_init=1, tol=0.0, max_iter=max_iter).fit(X)
    ours = crmkit.KMeans(8, init=init, tol=0.0, max_iter=max_iter).fit(X)
    assert ours.fit_report_.status == "iteration_limit"
    assert_same_as_sklearn(ours, sk, X)


def test_predict_transform_score_like_sklearn():
    X = blobs(3000, 3, 5, 6)
    Y = blobs(500, 3, 5, 7)
    sk = SkKMeans(5, n_init=2, random_state=0).fit(X)
    ours = crmkit.KMeans(5, n_init=2, random_state=0).fit(X)
    np.testing.assert_array_equal(ours.predict(Y), sk.predict(Y))
    np.testing.assert_allclose(ours.transform(Y), sk.transform(Y), rtol=1e-9)
    assert ours.score(Y) == pytest.approx(sk.score(Y), rel=1e-9)
    np.testing.assert_array_equal(ours.fit_predict(X), sk.labels_)


def test_thread_count_does_not_change_the_result():
    X = blobs(20000, 3, 8, 8, 3.0)
    results = [crmkit.KMeans(8, n_init=2, random_state=4, n_threads=t, algorithm=a).fit(X)
               for t in (1, 2, 3) for a in ("lloyd", "hamerly")]
    for r in results[1:]:
        np.testing.assert_array_equal(r.labels_, results[0].labels_)
        np.testing.assert_array_equal(r.cluster_centers_, results[0].cluster_centers_)  # bit for bit
        assert r.inertia_ == results[0].inertia_
        assert r.n_iter_ == results[0].n_iter_


def test_silhouette_like_sklearn():
    X = blobs(1500, 3, 4, 10, 2.0)
    labels = SkKMeans(4, n_init=1, random_state=0).fit(X).labels_
    assert crmkit.silhouette_score(X, labels) == pytest.approx(sk_silhouette(X, labels), abs=1e-9)
    for seed in (0, 3):
        ours = crmkit.silhouette_score(X, labels, sample_size=400, random_state=seed, n_threads=2)
        assert ours == pytest.approx(sk_silhouette(X, labels, sample_size=400, random_state=seed), abs=1e-9)


def test_scan_k_and_profile():
    X = blobs(3000, 2, 4, 11, 0.3)
    scan = crmkit.scan_k(X, range(1, 7), random_state=0, n_init=2, silhouette_sample_size=1000)
    assert list(scan["k"]) == [1, 2, 3, 4, 5, 6]
    assert np.all(np.diff(scan["inertia"]) < 0)
    assert np.isnan(scan["silhouette"][0])
    km = crmkit.KMeans(4, random_state=0).fit(X)
    value = np.abs(X[:, 0]) + 1
    prof = km.profile(value=value, features=X, feature_names=["a", "b"])
    assert prof["size"].sum() == 3000
    assert prof["value_share"].sum() == pytest.approx(1.0)
    np.testing.assert_allclose(prof[["mean_a", "mean_b"]].to_numpy(), km.cluster_centers_, atol=1e-12)


def test_dataframe_input():
    import pandas as pd

    X = blobs(500, 3, 3, 12)
    df = pd.DataFrame(X, columns=["recency", "frequency", "monetary"])
    km = crmkit.KMeans(3, random_state=1).fit(df)
    assert list(km.feature_names_in_) == ["recency", "frequency", "monetary"]
    np.testing.assert_array_equal(km.labels_, crmkit.KMeans(3, random_state=1).fit(X).labels_)


def test_bad_input_gets_a_clear_error():
    X = blobs(20, 2, 2, 13)
    with pytest.raises(crmkit.InvalidArgumentError, match="(?i)n_clusters"):
        crmkit.KMeans(0).fit(X)
    with pytest.raises(crmkit.InvalidArgumentError, match="number of points"):
        crmkit.KMeans(21).fit(X)
    bad = X.copy()
    bad[7, 1] = np.nan
    with pytest.raises(crmkit.InvalidArgumentError, match="row 7, column 1"):
        crmkit.KMeans(2).fit(bad)
    with pytest.raises(crmkit.InvalidArgumentError, match="(?i)tol"):
        crmkit.KMeans(2, tol=-1).fit(X)
    with pytest.raises(crmkit.InvalidArgumentError, match="algorithm"):
        crmkit.KMeans(2, algorithm="fast").fit(X)
    with pytest.raises(crmkit.InvalidArgumentError, match="init"):
        crmkit.KMeans(2, init=np.zeros((3, 2))).fit(X)
    with pytest.raises(crmkit.InvalidArgumentError):
        crmkit.KMeans(2).fit(np.zeros((0, 2)))
    with pytest.raises(crmkit.Error) as info:
        crmkit.KMeans(2).predict(X)
    assert info.value.code == -5  # CRMKIT_E_NOT_FITTED
    km = crmkit.KMeans(2).fit(X)
    with pytest.raises(crmkit.InvalidArgumentError, match="columns"):
        km.predict(np.zeros((3, 5)))
    with pytest.raises(crmkit.InvalidArgumentError, match="distinct labels"):
        crmkit.silhouette_score(X, np.zeros(20, dtype=np.int32))


def test_scan_k_matches_sklearn_fits_and_silhouette():
    """Each row of the scan is the crmkit fit for that k (same as scikit-learn's from the
    same seeds) and scikit-learn's silhouette on the same sample."""
    X = blobs(1200, 3, 4, 21, 1.5)
    scan = crmkit.scan_k(X, [2, 3, 5], random_state=4, silhouette_sample_size=500)
    for row in scan.itertuples():
        sk = SkKMeans(row.k, n_init=1, random_state=4).fit(X)
        assert row.inertia == pytest.approx(sk.inertia_, rel=1e-9)
        assert row.n_iter == sk.n_iter_
        assert row.silhouette == pytest.approx(sk_silhouette(X, sk.labels_, sample_size=500, random_state=4),
                                               abs=1e-9)
    full = crmkit.scan_k(X, [3], random_state=4, silhouette_sample_size=None)
    labels = SkKMeans(3, n_init=1, random_state=4).fit(X).labels_
    assert full["silhouette"][0] == pytest.approx(sk_silhouette(X, labels), abs=1e-9)
    assert np.isnan(crmkit.scan_k(X, [3], silhouette_sample_size=-1)["silhouette"][0])


def test_profile_matches_numpy_group_statistics():
    X = blobs(2000, 3, 5, 22)
    km = crmkit.KMeans(5, random_state=2).fit(X)
    value = np.abs(X[:, 1]) * 10
    prof = km.profile(value=value, features=X)
    size = np.bincount(km.labels_, minlength=5)
    np.testing.assert_array_equal(prof["size"], size)
    np.testing.assert_allclose(prof["share"], size / 2000, rtol=1e-15)
    np.testing.assert_allclose(prof["value"], np.bincount(km.labels_, weights=value, minlength=5), rtol=1e-12)
    np.testing.assert_allclose(prof["value_share"].sum(), 1.0, rtol=1e-12)
    for j in range(3):
        np.testing.assert_allclose(prof[f"mean_feature_{j}"],
                                   np.bincount(km.labels_, weights=X[:, j], minlength=5) / size, rtol=1e-12)
    assert list(km.profile().columns) == ["size", "share"]
    with pytest.raises(crmkit.InvalidArgumentError, match="value"):
        km.profile(value=np.ones(3))


def test_feature_scaler_document_and_pickle_transform_the_same_bits():
    import pickle

    rng = np.random.RandomState(9)
    rfm = np.column_stack([rng.randint(0, 700, 200), 1 + rng.poisson(3, 200), rng.gamma(2.0, 50.0, 200)]).astype(float)
    scaler = crmkit.FeatureScaler(log1p=[True, False, True]).fit(rfm)
    text = scaler.to_text()
    assert 'model = "feature_scaler"' in text
    back = crmkit.FeatureScaler.from_text(text)
    assert back.to_text() == text and list(back.log1p_) == [True, False, True]
    assert back.transform(rfm).tobytes() == scaler.transform(rfm).tobytes()
    again = pickle.loads(pickle.dumps(scaler))
    assert again.inverse_transform(scaler.transform(rfm)).tobytes() == scaler.inverse_transform(scaler.transform(rfm)).tobytes()
    unfitted = pickle.loads(pickle.dumps(crmkit.FeatureScaler()))
    with pytest.raises(crmkit.Error):
        unfitted.transform(rfm)
    with pytest.raises(crmkit.Error) as info:
        crmkit.FeatureScaler.from_text(text.replace("log1p = [1.0", "log1p = [2.0"))
    assert info.value.status == "CRMKIT_E_PARSE" and "params.log1p" in info.value.message


def test_feature_scaler_matches_sklearn_standard_scaler():
    from sklearn.preprocessing import StandardScaler

    rng = np.random.RandomState(5)
    rfm = np.column_stack([rng.randint(0, 700, 500), 1 + rng.poisson(3, 500), rng.gamma(2.0, 50.0, 500)])
    rfm = rfm.astype(float)
    rfm[:, 1] = 4.0  # a constant column: scale 1, zeros after centring
    flags = [True, False, True]
    scaler = crmkit.FeatureScaler(log1p=flags).fit(rfm)
    logged = rfm.copy()
    logged[:, [0, 2]] = np.log1p(logged[:, [0, 2]])
    sk = StandardScaler().fit(logged)
    np.testing.assert_allclose(scaler.mean_, sk.mean_, rtol=1e-14)
    np.testing.assert_allclose(scaler.scale_, sk.scale_, rtol=1e-14)
    np.testing.assert_array_equal(scaler.log1p_, flags)
    z = scaler.transform(rfm)
    np.testing.assert_allclose(z, sk.transform(logged), atol=1e-12)
    np.testing.assert_allclose(scaler.inverse_transform(z), rfm, rtol=1e-12, atol=1e-9)
    km = crmkit.KMeans(3, random_state=0).fit(z)
    centres = scaler.inverse_transform(km.cluster_centers_)
    expected = sk.inverse_transform(km.cluster_centers_)
    expected[:, [0, 2]] = np.expm1(expected[:, [0, 2]])
    np.testing.assert_allclose(centres, expected, rtol=1e-12)
    unscaled = crmkit.FeatureScaler(log1p=flags, standardize=False).fit(rfm)  # log1p only
    np.testing.assert_array_equal(unscaled.mean_, 0.0)
    np.testing.assert_array_equal(unscaled.scale_, 1.0)
    np.testing.assert_allclose(unscaled.transform(rfm), logged, rtol=1e-15)
    with pytest.raises(crmkit.InvalidArgumentError, match="column"):
        scaler.transform(rfm[:, :2])
    bad = rfm.copy()
    bad[3, 0] = -1.0
    with pytest.raises(crmkit.InvalidArgumentError, match="row 3"):
        crmkit.FeatureScaler(log1p=flags).fit(bad)
    with pytest.raises(crmkit.Error):
        crmkit.FeatureScaler().transform(rfm)


@pytest.mark.parametrize("data", ["blobs_2000x3", "cdnow_rfm"])
@pytest.mark.parametrize("tol", [0.0, 1e-4])
@pytest.mark.parametrize("algorithm", ["lloyd", "hamerly"])
def test_sample_weight_like_sklearn(data, tol, algorithm):
    """scikit-learn 1.2's sample_weight on the same initial centres: weighted centres and
    inertia, the same iterations; and on the same random_state (its 1.2 k-means++ ignores
    the weights, as crmkit's seeding does)."""
    X = DATASETS[data]()
    rng = np.random.RandomState(7)
    w = rng.gamma(1.0, 2.0, X.shape[0])
    w[rng.rand(X.shape[0]) < 0.1] = 0.0  # some zero weights
    init = X[rng.choice(X.shape[0], 6, replace=False)]
    ours = crmkit.KMeans(6, init=init, tol=tol, algorithm=algorithm).fit(X, sample_weight=w)
    sk = SkKMeans(6, init=init, n_init=1, tol=tol).fit(X, sample_weight=w)
    assert_same_as_sklearn(ours, sk, X)
    ours = crmkit.KMeans(5, random_state=3, n_init=2, tol=tol).fit(X, sample_weight=w)
    sk = SkKMeans(5, random_state=3, n_init=2, tol=tol).fit(X, sample_weight=w)
    assert_same_as_sklearn(ours, sk, X)
    assert ours.score(X, sample_weight=w) == pytest.approx(sk.score(X, sample_weight=w), rel=1e-9)
    with pytest.raises(crmkit.InvalidArgumentError, match="sample_weight"):
        crmkit.KMeans(3).fit(X, sample_weight=w[:5])
    bad = w.copy()
    bad[4] = -1.0
    with pytest.raises(crmkit.InvalidArgumentError, match="row 4"):
        crmkit.KMeans(3).fit(X, sample_weight=bad)
