"""crmkit.churn.BetaGeoCovariates (BG/NBD with covariates through the C ABI): without
covariates it is BetaGeo's fit bit for bit; on generated data with known parameters it
recovers them within their standard errors; an independent scipy maximum-likelihood
implementation of the same penalised likelihood (written here, from FHL 2005 eq. 6 with the
exp(gamma' z) links) reaches the same optimum; save/load and pickle predict the same bits;
covariates are keyed by customer like the summary."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

import crmkit
from crmkit import Error
from crmkit.churn import BetaGeo, BetaGeoCovariates, load_model

scipy = pytest.importorskip("scipy")
pd = pytest.importorskip("pandas")
from scipy.optimize import minimize  # noqa: E402
from scipy.special import gammaln  # noqa: E402

from conftest import REPO  # noqa: E402

TRUTH = {"r": 0.6, "alpha0": 5.0, "a0": 0.8, "b0": 3.0, "purchase:z": 0.5, "dropout_a:w": 0.4, "dropout_b:w": -0.3}


def generated(n=5000, seed=7):
    """BG/NBD customers with one purchase covariate z and one dropout covariate w."""
    rng = np.random.default_rng(seed)
    z, w = rng.normal(size=n), rng.normal(size=n)
    T = 30 + 22 * rng.random(n)
    lam = rng.gamma(TRUTH["r"], 1.0, n) / (TRUTH["alpha0"] * np.exp(-TRUTH["purchase:z"] * z))
    p = rng.beta(TRUTH["a0"] * np.exp(TRUTH["dropout_a:w"] * w), TRUTH["b0"] * np.exp(TRUTH["dropout_b:w"] * w))
    x, tx = np.zeros(n), np.zeros(n)
    for i in range(n):
        clock = 0.0
        while True:
            clock += rng.exponential() / lam[i]
            if clock > T[i]:
                break
            x[i] += 1
            tx[i] = clock
            if rng.random() < p[i]:
                break
    ids = pd.Index([f"C{i:05d}" for i in range(n)], name="customer_id")
    summary = pd.DataFrame({"frequency": x, "recency": tx, "T": T}, index=ids)
    return summary, pd.DataFrame({"z": z}, index=ids), pd.DataFrame({"w": w}, index=ids)


def neg_penalised_ll(theta, x, tx, T, z, w, l2):
    """Independent: FHL 2005 eq. 6 with alpha_i = alpha0 e^{-g_p z}, a_i = a0 e^{g_a w}, b_i = b0 e^{g_b w}."""
    r, alpha0, a0, b0 = np.exp(theta[:4])
    gp, ga, gb = theta[4:]
    alpha = alpha0 * np.exp(-gp * z)
    a = a0 * np.exp(ga * w)
    b = b0 * np.exp(gb * w)
    A1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    A2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    A3 = -(r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore"):
        A4 = np.where(x > 0, np.log(a) - np.log(np.maximum(b + x - 1, 1e-300)) - (r + x) * np.log(alpha + tx), -np.inf)
    ll = np.sum(A1 + A2 + np.logaddexp(A3, A4))
    return -ll + 0.5 * l2 * np.sum(theta[4:] ** 2)


@pytest.fixture(scope="module")
def data():
    return generated()


@pytest.mark.parametrize("l2", [0.0, 50.0])
def test_same_optimum_as_an_independent_scipy_fit(data, l2):
    s, z, w = data
    m = BetaGeoCovariates(l2=l2).fit(s, purchase_covariates=z, dropout_covariates=w)
    assert m.converged_
    x, tx, T = (s[c].to_numpy() for c in ("frequency", "recency", "T"))
    args = (x, tx, T, z["z"].to_numpy(), w["w"].to_numpy(), l2)
    start = np.array([0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0])
    ref = minimize(neg_penalised_ll, start, args=args, method="BFGS", options={"gtol": 1e-7, "maxiter": 2000})
    ref = minimize(neg_penalised_ll, ref.x, args=args, method="Nelder-Mead",
                   options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20000, "maxfev": 40000})
    ours = np.array([m.params_[k] for k in TRUTH])
    ours_theta = np.concatenate([np.log(ours[:4]), ours[4:]])
    f_ours = neg_penalised_ll(ours_theta, *args)
    # the library's objective is the penalised negative log-likelihood, evaluated independently here
    assert m.fit_report_.objective == pytest.approx(f_ours, rel=1e-10)
    # same optimum: ours is not worse than scipy's, and within 1e-6 relative of it
    assert f_ours <= ref.fun * (1 + 1e-9)
    assert f_ours == pytest.approx(ref.fun, rel=1e-6)
    theirs = np.concatenate([np.exp(ref.x[:4]), ref.x[4:]])
    np.testing.assert_allclose(ours, theirs, rtol=2e-3, atol=2e-3)
    # the per-row log-likelihood sums to the unpenalised total
    ll = m.log_likelihood(s, purchase_covariates=z, dropout_covariates=w)
    assert ll.sum() == pytest.approx(-(f_ours - 0.5 * l2 * np.sum(ours[4:] ** 2)), rel=1e-10)
    if l2 > 0:  # the penalty shrinks the weights
        free = BetaGeoCovariates().fit(s, purchase_covariates=z, dropout_covariates=w)
        assert np.sum(ours[4:] ** 2) < np.sum([free.params_[k] ** 2 for k in list(TRUTH)[4:]])


def test_recovers_known_parameters_within_their_standard_errors(data):
    s, z, w = data
    m = BetaGeoCovariates(n_threads=2).fit(s, purchase_covariates=z, dropout_covariates=w)
    assert list(m.params_) == list(TRUTH)
    for k, truth in TRUTH.items():
        se = m.standard_errors_[k]
        assert np.isfinite(se) and se > 0, k
        assert abs(m.params_[k] - truth) < 3.5 * se, (k, m.params_[k], truth, se)
    c = m.coefficients_
    assert c.loc["purchase:z", "z"] > 5  # the purchase effect is clearly found
    cov = m.covariance_
    np.testing.assert_allclose(np.sqrt(np.diag(cov.to_numpy())), [m.standard_errors_[k] for k in TRUTH], rtol=1e-12)
    # one thread gives the same bits
    one = BetaGeoCovariates(n_threads=1).fit(s, purchase_covariates=z, dropout_covariates=w)
    assert one.params_ == m.params_


def test_without_covariates_it_is_betageo_bit_for_bit():
    tx = pd.read_csv(REPO / "examples" / "data" / "cdnow_sample.csv", dtype={"customer_id": str}, parse_dates=["date"])
    s = crmkit.btyd_summary(tx, "1997-09-30", time="date")
    plain = BetaGeo().fit(s)
    cov = BetaGeoCovariates().fit(s)
    assert [cov.params_[k] for k in ("r", "alpha0", "a0", "b0")] == [plain.params_[k] for k in ("r", "alpha", "a", "b")]
    assert cov.n_iter_ == plain.n_iter_
    assert list(cov.standard_errors_.values()) == list(plain.standard_errors_.values())
    assert (cov.p_alive(s).to_numpy() == plain.p_alive(s).to_numpy()).all()
    assert (cov.conditional_expected_purchases(39, s).to_numpy()
            == plain.conditional_expected_purchases(39, s).to_numpy()).all()
    # all-zero covariates reproduce the fit to the optimiser's tolerance
    zero = pd.DataFrame({"z": np.zeros(len(s))}, index=s.index)
    m0 = BetaGeoCovariates().fit(s, purchase_covariates=zero, dropout_covariates=zero)
    assert m0.log_likelihood_ == pytest.approx(plain.log_likelihood_, rel=1e-10)
    assert m0.params_["r"] == pytest.approx(plain.params_["r"], rel=1e-5)


def test_covariates_are_keyed_by_customer(data):
    s, z, w = data
    m = BetaGeoCovariates().fit(s, purchase_covariates=z, dropout_covariates=w)
    shuffled = BetaGeoCovariates().fit(s, purchase_covariates=z.sample(frac=1, random_state=3),
                                       dropout_covariates=w.iloc[::-1])
    assert shuffled.params_ == m.params_
    with pytest.raises(Error, match="C00003"):
        BetaGeoCovariates().fit(s, purchase_covariates=z.drop(index="C00003"))
    # a non-finite covariate is named by customer
    bad = z.copy()
    bad.loc["C00010", "z"] = np.nan
    with pytest.raises(Error, match=r"z_purchase\[customer 'C00010' \(row 10\), column 0\] = nan"):
        BetaGeoCovariates().fit(s, purchase_covariates=bad)
    # predictions by customer: a larger purchase covariate means more expected purchases
    e = m.conditional_expected_purchases(10, s, purchase_covariates=z, dropout_covariates=w)
    assert list(e.index) == list(s.index)
    high = m.conditional_expected_purchases(10, s.iloc[:1], purchase_covariates=z.iloc[:1] + 1,
                                            dropout_covariates=w.iloc[:1])
    assert high.iloc[0] > e.iloc[0]
    # a plain prediction call on the covariate handle is refused, not answered with z = 0
    with pytest.raises(Error, match="covariates"):
        crmkit.churn._Model._predict(m, 1, 0.0, s, None, None, "p_alive")  # crmkit_btyd_predict


def test_save_load_and_pickle_predict_the_same_bits(data):
    s, z, w = data
    m = BetaGeoCovariates(l2=2.0).fit(s, purchase_covariates=z, dropout_covariates=w)
    a = m.p_no_purchase(20, s, purchase_covariates=z, dropout_covariates=w).to_numpy()
    text = m.to_text()
    assert 'model = "bg_nbd_covariates"' in text
    for other in (load_model(text), BetaGeoCovariates.from_text(text), pickle.loads(pickle.dumps(m))):
        assert isinstance(other, BetaGeoCovariates)
        b = other.p_no_purchase(20, s, purchase_covariates=z, dropout_covariates=w).to_numpy()
        assert (a == b).all()
        assert list(other.params_.values()) == list(m.params_.values())
        assert other.fit_report_.status == m.fit_report_.status
        assert list(other.standard_errors_.values()) == list(m.standard_errors_.values())
    assert list(pickle.loads(pickle.dumps(m)).params_) == list(TRUTH)
    with pytest.raises(Error, match="not a BetaGeo"):
        BetaGeo.from_text(text)
    with pytest.raises(Error):
        BetaGeoCovariates.from_text(BetaGeo().fit(s).to_text())
