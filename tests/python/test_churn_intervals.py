"""crmkit.churn intervals: the BG/NBD covariance on CDNOW against the inverse of a
numerical Hessian of an independent scipy log-likelihood (lifetimes' formula), delta-method
intervals against a direct numpy computation, and the bootstrap's determinism."""

from __future__ import annotations

import numpy as np
import pytest

from crmkit import Error
from crmkit.churn import BetaGeo

scipy = pytest.importorskip("scipy")
from scipy.special import gammaln  # noqa: E402

import crmkit  # noqa: E402
from conftest import REPO  # noqa: E402

_SUMMARY = None


def cdnow_summary():
    """The bundled CDNOW sample's calibration summary (weeks, to 1997-09-30), as test_churn.py."""
    global _SUMMARY
    if _SUMMARY is None:
        import pandas as pd

        tx = pd.read_csv(REPO / "examples" / "data" / "cdnow_sample.csv", dtype={"customer_id": str},
                         parse_dates=["date"])
        _SUMMARY = crmkit.btyd_summary(tx, "1997-09-30", time="date")
    return _SUMMARY


def bg_nbd_ll(params, x, tx, T):
    r, alpha, a, b = params
    A1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    A2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    A3 = -(r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore"):
        A4 = np.where(x > 0, np.log(a) - np.log(np.maximum(b + x - 1, 1e-300)) - (r + x) * np.log(alpha + tx), -np.inf)
    return np.sum(A1 + A2 + np.logaddexp(A3, A4))


def test_covariance_equals_the_inverse_numerical_hessian_of_an_independent_likelihood():
    s = cdnow_summary()
    m = BetaGeo().fit(s)
    p = np.array([m.params_[k] for k in ("r", "alpha", "a", "b")])
    x, tx, T = (s[c].to_numpy() for c in ("frequency", "recency", "T"))
    h = np.empty((4, 4))
    step = 1e-4 * p
    for i in range(4):
        for j in range(4):
            ei, ej = np.eye(4)[i] * step[i], np.eye(4)[j] * step[j]
            h[i, j] = -(bg_nbd_ll(p + ei + ej, x, tx, T) - bg_nbd_ll(p + ei - ej, x, tx, T)
                        - bg_nbd_ll(p - ei + ej, x, tx, T) + bg_nbd_ll(p - ei - ej, x, tx, T)) / (4 * step[i] * step[j])
    cov = np.linalg.inv(h)
    np.testing.assert_allclose(m.covariance_.to_numpy(), cov, rtol=1e-3, atol=1e-12 * np.abs(cov).max())
    np.testing.assert_allclose(np.sqrt(np.diag(cov)), [m.standard_errors_[k] for k in ("r", "alpha", "a", "b")],
                               rtol=1e-3)
    ci = m.param_intervals(0.9)
    assert (ci["lower"] < ci["estimate"]).all() and (ci["estimate"] < ci["upper"]).all()


def test_delta_method_matches_a_direct_computation():
    s = cdnow_summary().iloc[:200]
    m = BetaGeo().fit(cdnow_summary())
    got = m.prediction_interval("p_alive", 0, s, level=0.95)
    assert list(got.index) == list(s.index)
    p = np.array([m.params_[k] for k in ("r", "alpha", "a", "b")])
    cov = m.covariance_.to_numpy()
    x, tx, T = (s[c].to_numpy() for c in ("frequency", "recency", "T"))

    def p_alive(q):
        r, alpha, a, b = q
        odds = np.where(x > 0, a / np.maximum(b + x - 1, 1e-300) * ((alpha + T) / (alpha + tx)) ** (r + x), 0.0)
        return 1 / (1 + odds)

    grad = np.empty((4, x.size))
    for j in range(4):
        e = np.eye(4)[j] * 1e-6 * p[j]
        grad[j] = (p_alive(p + e) - p_alive(p - e)) / (2e-6 * p[j])
    se = np.sqrt(np.einsum("in,ij,jn->n", grad, cov, grad))
    np.testing.assert_allclose(got["estimate"], p_alive(p), rtol=1e-12)
    np.testing.assert_allclose(got["standard_error"], se, rtol=1e-5, atol=1e-12)
    np.testing.assert_allclose(got["upper"], np.minimum(1, p_alive(p) + 1.959963984540054 * se), rtol=1e-5, atol=1e-12)


def test_segment_totals_and_bootstrap_determinism():
    s = cdnow_summary()
    m = BetaGeo(n_threads=1).fit(s)
    seg = s.iloc[:500]
    delta = m.total_interval("expected_purchases", 39, seg)
    assert delta["estimate"] == pytest.approx(m.conditional_expected_purchases(39, seg).sum(), rel=1e-12)
    one = m.total_interval("expected_purchases", 39, seg, method="bootstrap", n_draws=300, seed=5)
    m.n_threads = 2
    m._apply_settings()
    two = m.total_interval("expected_purchases", 39, seg, method="bootstrap", n_draws=300, seed=5)
    assert one == two
    assert one["lower"] < one["estimate"] < one["upper"]
    assert one["standard_error"] == pytest.approx(delta["standard_error"], rel=0.2)
    with pytest.raises(Error, match="n_draws"):
        m.total_interval("expected_purchases", 39, seg, method="bootstrap", n_draws=3)
    with pytest.raises(Error, match="no parameter covariance"):
        BetaGeo.from_params(**m.params_).prediction_interval("p_alive", 0, seg)
