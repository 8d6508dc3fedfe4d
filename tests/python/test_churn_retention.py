"""crmkit.churn's retention models (ShiftedBetaGeometric, BetaDiscreteWeibull) against
independent references: Fader & Hardie's (2007) published sBG fits, the 2F1 closed form of
DERL against scipy.special.hyp2f1 and a direct sum, and the BdW fit against
scipy.optimize.minimize on the same likelihood written here from the paper."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest

from crmkit import Error
from crmkit.churn import BetaDiscreteWeibull, ShiftedBetaGeometric

scipy = pytest.importorskip("scipy")
from scipy.optimize import minimize  # noqa: E402
from scipy.special import betaln, hyp2f1  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "data" / "retention" / "fader_hardie_2007_cohorts.csv"


def cohort(name: str) -> np.ndarray:
    table = np.genfromtxt(DATA, delimiter=",", names=True)
    return np.asarray(table[name], dtype=float)


@pytest.mark.parametrize("name, alpha, beta", [("high_end", 0.668, 3.806), ("regular", 0.704, 1.182)])
def test_published_sbg_fits(name, alpha, beta):
    m = ShiftedBetaGeometric().fit_survivors(cohort(name))
    assert m.converged_
    assert round(m.params_["alpha"], 3) == alpha
    assert round(m.params_["beta"], 3) == beta
    assert all(v > 0 for v in m.standard_errors_.values())


def test_sbg_standard_errors_match_the_inverse_of_scipys_numerical_hessian():
    s = cohort("regular")
    d = s[:-1] - s[1:]
    t = np.arange(1, s.size)

    def nll(p):
        a, b = p
        return -(d @ (betaln(a + 1, b + t - 1) - betaln(a, b)) + s[-1] * (betaln(a, b + t[-1]) - betaln(a, b)))

    m = ShiftedBetaGeometric().fit_survivors(s)
    p = np.array([m.params_["alpha"], m.params_["beta"]])
    h = np.empty((2, 2))
    eps = 1e-4
    for i in range(2):
        for j in range(2):
            ei, ej = np.eye(2)[i] * eps, np.eye(2)[j] * eps
            h[i, j] = (nll(p + ei + ej) - nll(p + ei - ej) - nll(p - ei + ej) + nll(p - ei - ej)) / (4 * eps * eps)
    se = np.sqrt(np.diag(np.linalg.inv(h)))
    assert m.standard_errors_["alpha"] == pytest.approx(se[0], rel=1e-4)
    assert m.standard_errors_["beta"] == pytest.approx(se[1], rel=1e-4)


def test_derl_equals_the_hypergeometric_closed_form_and_the_direct_sum():
    m = ShiftedBetaGeometric.from_params(alpha=0.704, beta=1.182)
    a, b = 0.704, 1.182
    tenure = np.array([0, 1, 4, 12])
    for d in (0.1, 0.25):
        got = m.derl(d, tenure)
        n = tenure + 1  # Fader & Hardie 2010: n - 1 renewals
        closed = (b + n - 1) / (a + b + n - 1) * hyp2f1(1, b + n, a + b + n, 1 / (1 + d))
        np.testing.assert_allclose(got, closed, rtol=1e-12)
        j = np.arange(1, 5000)
        for k, value in zip(tenure, got):
            ratio = np.exp(betaln(a, b + k + j) - betaln(a, b + k))
            assert value == pytest.approx(np.sum(ratio * (1 + d) ** -(j - 1.0)), rel=1e-10)
    wide = ShiftedBetaGeometric.from_params(alpha=3.0, beta=2.0)
    np.testing.assert_allclose(wide.expected_residual_lifetime([0, 5]), [(2 + 0) / 2.0, (2 + 5) / 2.0], rtol=1e-14)
    assert np.isinf(m.expected_residual_lifetime(2))


def test_survival_and_retention_rate_closed_forms():
    m = ShiftedBetaGeometric.from_params(alpha=0.668, beta=3.806)
    t = np.arange(0, 15)
    np.testing.assert_allclose(m.survival(t), np.exp(betaln(0.668, 3.806 + t) - betaln(0.668, 3.806)), rtol=1e-12)
    np.testing.assert_allclose(m.retention_rate(t[1:]), (3.806 + t[1:] - 1) / (0.668 + 3.806 + t[1:] - 1), rtol=1e-14)
    assert m.conditional_survival(2, 3) == pytest.approx(m.survival(5) / m.survival(3), rel=1e-12)


def bdw_rows():
    rng = np.random.default_rng(7)
    theta = rng.beta(1.4, 3.0, 5000)
    c = 0.6
    u = rng.random(5000)
    horizon = 10
    periods, churned = np.full(5000, horizon, float), np.zeros(5000)
    for t in range(horizon, 0, -1):  # the first t with S(t | theta) <= u
        dead = (1 - theta) ** (t ** c) <= u
        periods[dead] = t
        churned[dead] = 1
    return periods, churned


def test_bdw_fit_matches_scipy_on_the_same_likelihood():
    periods, churned = bdw_rows()
    m = BetaDiscreteWeibull().fit(periods, churned)
    assert m.converged_

    def log_s(a, b, c, t):
        return np.where(t == 0, 0.0, betaln(a, b + np.asarray(t, float) ** c) - betaln(a, b))

    def nll(theta):
        a, b, c = np.exp(theta)
        ls_t = log_s(a, b, c, periods)
        ls_prev = log_s(a, b, c, periods - 1)
        lp = ls_prev + np.log1p(-np.exp(ls_t - ls_prev))
        return -np.sum(np.where(churned == 1, lp, ls_t))

    ref = minimize(nll, np.zeros(3), method="Nelder-Mead", options=dict(xatol=1e-10, fatol=1e-10, maxiter=20000))
    got = np.array([m.params_[k] for k in ("alpha", "beta", "c")])
    np.testing.assert_allclose(got, np.exp(ref.x), rtol=2e-5)
    assert m.log_likelihood_ == pytest.approx(-ref.fun, rel=1e-9)
    # the generating parameters within 4 standard errors
    for name, truth in (("alpha", 1.4), ("beta", 3.0), ("c", 0.6)):
        assert abs(m.params_[name] - truth) < 4 * m.standard_errors_[name]


def test_documents_and_pickles_predict_the_same_bits():
    m = BetaDiscreteWeibull(n_threads=2).fit_survivors(cohort("high_end"))
    back = BetaDiscreteWeibull.from_text(m.to_text())
    tenure = np.arange(0, 8)
    np.testing.assert_array_equal(back.derl(0.1, tenure), m.derl(0.1, tenure))
    assert back.fit_report_ == m.fit_report_
    again = pickle.loads(pickle.dumps(m))
    np.testing.assert_array_equal(again.survival(tenure), m.survival(tenure))
    assert again.params_ == m.params_
    with pytest.raises(Error, match="not a ShiftedBetaGeometric"):
        ShiftedBetaGeometric.from_text(m.to_text())
    unfitted = pickle.loads(pickle.dumps(ShiftedBetaGeometric()))
    assert unfitted.fit_survivors(cohort("regular")).converged_


def test_bad_input_is_named():
    with pytest.raises(Error, match="survivors\\[2\\]"):
        ShiftedBetaGeometric().fit_survivors([100, 90, 95])
    with pytest.raises(Error, match="row 1"):
        ShiftedBetaGeometric().fit([3, 0], [0, 1])
    with pytest.raises(Error, match="CRMKIT_RETENTION_TOL"):
        ShiftedBetaGeometric(tol=0.0).fit_survivors([100, 50, 30])
    with pytest.raises(Error, match="row 0"):
        ShiftedBetaGeometric.from_params(alpha=1, beta=1).retention_rate([0, 1])
    with pytest.warns(RuntimeWarning, match="no customer cancelled"):
        ShiftedBetaGeometric().fit([4, 4], [0, 0])
