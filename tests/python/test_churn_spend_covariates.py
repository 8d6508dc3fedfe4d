"""crmkit.churn.GammaGammaCovariates (spend covariates: nu_i ~ Gamma(q, gamma0 e^{delta's_i})):
without covariates it is GammaGamma's fit bit for bit; on generated data with known
parameters it recovers them within their standard errors; an independent scipy
implementation of the likelihood reaches the same optimum; expected spend follows the
documented formula; save/load and pickle."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

import crmkit
from crmkit.churn import GammaGamma, GammaGammaCovariates, load_model

scipy = pytest.importorskip("scipy")
pd = pytest.importorskip("pandas")
from scipy.optimize import minimize  # noqa: E402
from scipy.special import gammaln  # noqa: E402

from conftest import REPO  # noqa: E402

TRUTH = {"p": 6.0, "q": 4.0, "gamma0": 15.0, "spend:s": 0.3}


def generated(n=4000, seed=5):
    rng = np.random.default_rng(seed)
    s = rng.normal(size=n)
    x = rng.integers(0, 8, n).astype(float)
    nu = rng.gamma(TRUTH["q"], 1.0 / (TRUTH["gamma0"] * np.exp(TRUTH["spend:s"] * s)))
    zbar = np.where(x > 0, rng.gamma(TRUTH["p"] * np.maximum(x, 1), 1.0 / (np.maximum(x, 1) * nu)), 0.0)
    ids = pd.Index([f"S{i:05d}" for i in range(n)], name="customer_id")
    return pd.DataFrame({"frequency": x, "monetary_value": zbar}, index=ids), pd.DataFrame({"s": s}, index=ids)


def neg_penalised_ll(theta, x, m, s, l2):
    p, q, g0 = np.exp(theta[:3])
    g = g0 * np.exp(theta[3] * s)
    keep = x > 0
    x, m, g = x[keep], m[keep], g[keep]
    ll = (gammaln(p * x + q) - gammaln(p * x) - gammaln(q) + q * np.log(g) + (p * x - 1) * np.log(m)
          + p * x * np.log(x) - (p * x + q) * np.log(g + x * m))
    return -np.sum(ll) + 0.5 * l2 * theta[3] ** 2


@pytest.fixture(scope="module")
def data():
    return generated()


@pytest.mark.reference_fit
@pytest.mark.parametrize("l2", [0.0, 100.0])
def test_same_optimum_as_an_independent_scipy_fit(data, l2):
    summary, cov = data
    m = GammaGammaCovariates(l2=l2).fit(summary, covariates=cov)
    assert m.converged_
    args = (summary["frequency"].to_numpy(), summary["monetary_value"].to_numpy(), cov["s"].to_numpy(), l2)
    ours = np.array([m.params_[k] for k in TRUTH])
    theta = np.concatenate([np.log(ours[:3]), ours[3:]])
    f_ours = neg_penalised_ll(theta, *args)
    assert m.fit_report_.objective == pytest.approx(f_ours, rel=1e-10)
    ref = minimize(neg_penalised_ll, np.zeros(4), args=args, method="BFGS", options={"gtol": 1e-8, "maxiter": 5000})
    ref = minimize(neg_penalised_ll, ref.x, args=args, method="Nelder-Mead",
                   options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20000, "maxfev": 40000})
    assert f_ours <= ref.fun * (1 + 1e-9)
    assert f_ours == pytest.approx(ref.fun, rel=1e-6)
    np.testing.assert_allclose(ours, np.concatenate([np.exp(ref.x[:3]), ref.x[3:]]), rtol=5e-3, atol=2e-3)


def test_recovers_known_parameters_and_predicts_the_formula(data):
    summary, cov = data
    m = GammaGammaCovariates(n_threads=2).fit(summary, covariates=cov)
    assert list(m.params_) == list(TRUTH)
    for k, truth in TRUTH.items():
        se = m.standard_errors_[k]
        assert np.isfinite(se) and se > 0, k
        assert abs(m.params_[k] - truth) < 3.5 * se, (k, m.params_[k], truth, se)
    e = m.conditional_expected_spend(summary, covariates=cov)
    p, q, g0, d = (m.params_[k] for k in TRUTH)
    g = g0 * np.exp(d * cov["s"].to_numpy())
    x, zbar = summary["frequency"].to_numpy(), summary["monetary_value"].to_numpy()
    np.testing.assert_allclose(e.to_numpy(), p * (g + x * zbar) / (p * x + q - 1), rtol=1e-13)
    assert list(e.index) == list(summary.index)


def test_without_covariates_it_is_gammagamma_bit_for_bit():
    tx = pd.read_csv(REPO / "examples" / "data" / "cdnow_sample.csv", dtype={"customer_id": str}, parse_dates=["date"])
    s = crmkit.btyd_summary(tx, "1997-09-30", time="date")
    plain = GammaGamma().fit(s)
    cov = GammaGammaCovariates().fit(s)
    assert [cov.params_[k] for k in ("p", "q", "gamma0")] == [plain.params_[k] for k in ("p", "q", "gamma")]
    assert list(cov.standard_errors_.values()) == list(plain.standard_errors_.values())
    assert (cov.conditional_expected_spend(s).to_numpy() == plain.conditional_expected_spend(s).to_numpy()).all()


def test_save_load_and_pickle(data):
    summary, cov = data
    m = GammaGammaCovariates(l2=1.0, zero_spend="drop").fit(summary, covariates=cov)
    a = m.conditional_expected_spend(summary, covariates=cov).to_numpy()
    text = m.to_text()
    assert 'model = "gamma_gamma_covariates"' in text
    for other in (load_model(text), GammaGammaCovariates.from_text(text), pickle.loads(pickle.dumps(m))):
        assert isinstance(other, GammaGammaCovariates)
        assert (other.conditional_expected_spend(summary, covariates=cov).to_numpy() == a).all()
        assert list(other.standard_errors_.values()) == list(m.standard_errors_.values())
    with pytest.raises(crmkit.Error):
        GammaGamma.from_text(text)
