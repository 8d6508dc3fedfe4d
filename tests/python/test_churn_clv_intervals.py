"""crmkit.churn CLV intervals, the refit bootstrap, and covariate-model intervals, CLV and
new-customer forecasts: the delta-method CLV standard error against a direct central-difference
computation in numpy (CLV recomputed at perturbed parameters through crmkit's own CLV, the
gradient and the block-diagonal covariance built here); the interval columns of the customer
table; the refit bootstrap's determinism; bad input errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import crmkit
from crmkit import Error
from crmkit.churn import (BetaGeo, BetaGeoCovariates, GammaGamma, GammaGammaCovariates, clv_intervals,
                          clv_total_interval, customer_lifetime_value, new_customer)
from conftest import REPO

_SUMMARY = None


def cdnow_summary():
    global _SUMMARY
    if _SUMMARY is None:
        tx = pd.read_csv(REPO / "examples" / "data" / "cdnow_sample.csv", dtype={"customer_id": str},
                         parse_dates=["date"])
        _SUMMARY = crmkit.btyd_summary(tx, "1997-09-30", time="date")
    return _SUMMARY


def fitted():
    s = cdnow_summary()
    bg = BetaGeo().fit(s)
    gg = GammaGamma(zero_spend="drop").fit(s[s.frequency > 0])
    return s, bg, gg


def test_delta_method_clv_equals_a_direct_finite_difference_computation():
    s, bg, gg = fitted()
    seg = s.iloc[:60]
    ci = clv_intervals(bg, gg, seg)
    total = clv_total_interval(bg, gg, seg)
    clv = customer_lifetime_value(bg, gg, seg)
    np.testing.assert_allclose(ci["estimate"].to_numpy(), clv.to_numpy(), rtol=1e-12)
    # theta = log of (r, alpha, a, b, p, q, gamma); central differences with step 1e-5 (crmkit uses 1e-4)
    pb = np.array([bg.params_[k] for k in ("r", "alpha", "a", "b")])
    ps = np.array([gg.params_[k] for k in ("p", "q", "gamma")])
    theta = np.log(np.concatenate([pb, ps]))
    h = 1e-5

    def clv_at(th):
        p = np.exp(th)
        b = BetaGeo.from_params(r=p[0], alpha=p[1], a=p[2], b=p[3])
        g = GammaGamma.from_params(p=p[4], q=p[5], gamma=p[6])
        return customer_lifetime_value(b, g, seg, model_period_days=7).to_numpy()

    grad = np.empty((7, len(seg)))
    for j in range(7):
        e = np.zeros(7)
        e[j] = h
        grad[j] = (clv_at(theta + e) - clv_at(theta - e)) / (2 * h)
    cov = np.zeros((7, 7))  # block-diagonal: the two fits are independent
    cov[:4, :4] = bg.covariance_.to_numpy() / np.outer(pb, pb)
    cov[4:, 4:] = gg.covariance_.to_numpy() / np.outer(ps, ps)
    se = np.sqrt(np.einsum("ji,jk,ki->i", grad, cov, grad))
    np.testing.assert_allclose(ci["standard_error"].to_numpy(), se, rtol=1e-5)
    g_total = grad.sum(axis=1)
    assert total["standard_error"] == pytest.approx(float(np.sqrt(g_total @ cov @ g_total)), rel=1e-5)
    assert total["estimate"] == pytest.approx(float(clv.sum()), rel=1e-12)
    z = 1.6448536269514722
    np.testing.assert_allclose(ci["upper"].to_numpy(), clv.to_numpy() + z * se, rtol=1e-5)
    np.testing.assert_allclose(ci["lower"].to_numpy(), np.maximum(0, clv.to_numpy() - z * se), rtol=1e-5, atol=1e-9)
    # the spend block matters: without it the standard error is smaller
    cov_p = cov.copy()
    cov_p[4:, 4:] = 0
    assert np.all(np.sqrt(np.einsum("ji,jk,ki->i", grad, cov_p, grad)) < se)


def test_clv_interval_errors():
    s, bg, gg = fitted()
    with pytest.raises(Error, match="level"):
        clv_intervals(bg, gg, s.iloc[:5], level=1.5)
    given = GammaGamma.from_params(p=6.0, q=4.0, gamma=15.0)
    with pytest.raises(Error, match="no parameter covariance"):
        clv_total_interval(bg, given, s.iloc[:5])
    with pytest.raises(Error, match="covariates given"):
        clv_intervals(bg, gg, s.iloc[:5], purchase_covariates=np.zeros(5))


def test_refit_bootstrap_is_deterministic_and_thread_independent():
    s = cdnow_summary()
    seg = s.iloc[:200]
    one = BetaGeo(n_threads=1).fit(s)
    two = BetaGeo(n_threads=2).fit(s)
    a = one.total_interval("expected_purchases", 39, seg, method="refit", n_draws=20, seed=5, population_T=s["T"])
    b = two.total_interval("expected_purchases", 39, seg, method="refit", n_draws=20, seed=5, population_T=s["T"])
    assert a == b
    assert a["lower"] < a["estimate"] < a["upper"]
    delta = one.total_interval("expected_purchases", 39, seg)
    assert a["estimate"] == delta["estimate"]
    assert a["standard_error"] == pytest.approx(delta["standard_error"], rel=0.5)
    c = one.total_interval("expected_purchases", 39, seg, method="refit", n_draws=20, seed=6, population_T=s["T"])
    assert c["lower"] != a["lower"]
    with pytest.raises(Error, match="method"):
        one.total_interval("expected_purchases", 39, seg, method="jackknife")
    with pytest.raises(Error, match="population_T"):
        one.total_interval("expected_purchases", 39, seg, method="delta", population_T=s["T"])
    with pytest.raises(Error, match="population_T"):
        one.total_interval("expected_purchases", 39, seg, method="refit", n_draws=20, population_T=-s["T"])


def covariate_models():
    s = cdnow_summary()
    rng = np.random.default_rng(3)
    z = pd.DataFrame({"z": rng.normal(size=len(s))}, index=s.index)
    m = BetaGeoCovariates().fit(s, purchase_covariates=z, dropout_covariates=z)
    g = GammaGammaCovariates(zero_spend="drop").fit(s, covariates=z)
    return s, z, m, g


def test_covariate_intervals_clv_and_new_customer():
    s, z, m, g = covariate_models()
    seg, zs = s.iloc[:50], z.iloc[:50]
    ci = m.prediction_interval("p_alive", 0, seg, purchase_covariates=zs, dropout_covariates=zs)
    alive = m.p_alive(seg, purchase_covariates=zs, dropout_covariates=zs)
    np.testing.assert_allclose(ci["estimate"].to_numpy(), alive.to_numpy(), rtol=1e-12)
    assert (ci["lower"] <= ci["estimate"]).all() and (ci["estimate"] <= ci["upper"]).all()
    assert (ci["upper"] <= 1).all()
    tot = m.total_interval("expected_purchases", 39, seg, purchase_covariates=zs, dropout_covariates=zs)
    e = m.conditional_expected_purchases(39, seg, purchase_covariates=zs, dropout_covariates=zs)
    assert tot["estimate"] == pytest.approx(float(e.sum()), rel=1e-12)
    clv = customer_lifetime_value(m, g, seg, purchase_covariates=zs, dropout_covariates=zs, spend_covariates=zs)
    cc = clv_intervals(m, g, seg, purchase_covariates=zs, dropout_covariates=zs, spend_covariates=zs)
    np.testing.assert_allclose(cc["estimate"].to_numpy(), clv.to_numpy(), rtol=1e-12)
    assert (cc["standard_error"] > 0).all()
    ct = clv_total_interval(m, g, seg, purchase_covariates=zs, dropout_covariates=zs, spend_covariates=zs)
    assert ct["estimate"] == pytest.approx(float(clv.sum()), rel=1e-12)
    f = new_customer(m, [13, 52], g, purchase_covariates=[0.5], dropout_covariates=[0.5], spend_covariates=[0.5])
    assert list(f.columns) == ["expected_purchases", "expected_revenue"]
    assert f["expected_purchases"].iloc[1] > f["expected_purchases"].iloc[0] > 0
    with pytest.raises(Error, match="GammaGammaCovariates"):
        clv_intervals(m, GammaGamma(zero_spend="drop").fit(s[s.frequency > 0]), seg, purchase_covariates=zs,
                      dropout_covariates=zs)
    with pytest.raises(Error, match="purchase_covariates"):
        new_customer(m, [13], purchase_covariates=[0.5, 1.0], dropout_covariates=[0.5])


def test_customer_table_interval_columns():
    orders = pd.read_csv(REPO / "examples" / "data" / "cdnow_sample.csv", dtype={"customer_id": str},
                         parse_dates=["date"])
    plain = crmkit.score_customers(orders, "1998-06-30", time="date")
    assert "clv_lower" not in plain.columns
    t = crmkit.score_customers(orders, "1998-06-30", {"intervals": {"level": 0.9}}, time="date")
    extra = [c for c in t.columns if c not in plain.columns]
    assert extra == ["p_alive_lower", "p_alive_upper", "expected_purchases_lower", "expected_purchases_upper",
                     "clv_lower", "clv_upper"]
    ok = t["clv"].notna()
    assert (t.loc[ok, "clv_lower"] <= t.loc[ok, "clv"]).all() and (t.loc[ok, "clv"] <= t.loc[ok, "clv_upper"]).all()
    assert (t["p_alive_upper"].dropna() <= 1).all()
    with pytest.raises(Error, match="intervals.level"):
        crmkit.score_customers(orders, "1998-06-30", {"intervals": {"level": 1.5}}, time="date")
