"""crmkit's buy-till-you-die models from Python, against the published CDNOW/donations
results, the independent reference predictions (tests/data/cdnow), scipy (a maximum-likelihood
BG/NBD fit written here) and scikit-learn (ROC AUC)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import crmkit
from conftest import REPO

DATA = REPO / "tests" / "data" / "cdnow"
SAMPLE = REPO / "examples" / "data" / "cdnow_sample.csv"


@pytest.fixture(scope="module")
def summary():
    tx = pd.read_csv(SAMPLE, dtype={"customer_id": str}, parse_dates=["date"])
    return crmkit.btyd_summary(tx, "1997-09-30", holdout_end="1998-06-30", time="date")


@pytest.fixture(scope="module")
def reference():
    return pd.read_csv(DATA / "reference_cdnow_sample_predictions.csv")


def test_summary_matches_the_published_cdnow_summary(summary):
    published = pd.read_csv(DATA / "cdnow_customers_summary_with_transactions.csv")
    assert len(summary) == 2357
    assert summary.attrs["duration_holdout"] == pytest.approx(39.0)
    np.testing.assert_array_equal(summary["frequency"].to_numpy(), published["x"].to_numpy())
    np.testing.assert_array_equal(summary["recency"].round(2).to_numpy(), published["t_x"].to_numpy())
    np.testing.assert_array_equal(summary["T"].round(2).to_numpy(), published["T"].to_numpy())
    assert np.abs(summary["monetary_value"].to_numpy() - published["zbar"].to_numpy()).max() <= 0.01 + 1e-9
    # the same from a crmkit.Dataset
    ds = crmkit.Dataset.from_csv(SAMPLE, time_column="date")
    again = crmkit.btyd_summary(ds, "1997-09-30")
    np.testing.assert_array_equal(again["frequency"].to_numpy(), summary["frequency"].to_numpy())
    assert "frequency_holdout" not in again.columns


def _scipy_bgnbd_fit(x, tx, T):
    """An independent maximum-likelihood BG/NBD fit (FHL 2005 eq. 6) with scipy."""
    from scipy.optimize import minimize
    from scipy.special import betaln, gammaln

    def nll(theta):
        r, alpha, a, b = np.exp(theta)
        a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
        a2 = betaln(a, b + x) - betaln(a, b)
        a3 = -(r + x) * np.log(alpha + T)
        a4 = np.where(x > 0, np.log(a) - np.log(np.maximum(b + x - 1, 1e-300)) - (r + x) * np.log(alpha + tx), -np.inf)
        return -np.sum(a1 + a2 + np.logaddexp(a3, a4))

    res = minimize(nll, np.zeros(4), method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-10, "maxiter": 20000})
    res = minimize(nll, res.x, method="BFGS", options={"gtol": 1e-8})
    return np.exp(res.x), -res.fun


def test_beta_geo_matches_published_values_and_scipy(summary, reference):
    bg = crmkit.BetaGeo().fit(summary)
    assert bg.converged_ and bg.status_ == "converged"
    p = bg.params_
    assert [round(p[k], 3) for k in ("r", "alpha", "a", "b")] == [0.243, 4.414, 0.793, 2.426]
    assert round(bg.log_likelihood_, 1) == -9582.4
    assert all(v > 0 for v in bg.standard_errors_.values())
    params, ll = _scipy_bgnbd_fit(summary["frequency"].to_numpy(), summary["recency"].to_numpy(), summary["T"].to_numpy())
    np.testing.assert_allclose([p["r"], p["alpha"], p["a"], p["b"]], params, rtol=1e-5)
    assert bg.log_likelihood_ == pytest.approx(ll, abs=1e-6)
    # predictions against the reference file (index-aligned by row order)
    alive = bg.p_alive(summary)
    assert isinstance(alive, pd.Series)
    np.testing.assert_allclose(alive.to_numpy(), reference["bgnbd_p_alive"], atol=2e-8)
    np.testing.assert_allclose(
        bg.conditional_expected_purchases(39, summary).to_numpy(), reference["bgnbd_exp_39"], rtol=2e-8, atol=2e-8
    )
    np.testing.assert_allclose(
        bg.conditional_probability_no_purchase(39, summary).to_numpy(), reference["bgnbd_p_no_purchase_39"], atol=2e-8
    )
    published = crmkit.BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
    assert round(float(published.conditional_expected_purchases(39, [2], [30.43], [38.86])[0]), 3) == 1.226


def test_pareto_gamma_gamma_and_clv(summary, reference):
    pn = crmkit.ParetoNBD().fit(summary["frequency"], summary["recency"], summary["T"])
    assert pn.converged_
    assert [round(pn.params_[k], 3) for k in ("r", "alpha", "s", "beta")] == [0.553, 10.578, 0.606, 11.669]
    np.testing.assert_allclose(pn.p_alive(summary).to_numpy(), reference["pnbd_p_alive"], atol=1e-5)
    gg = crmkit.GammaGamma().fit(summary)
    assert [round(gg.params_[k], 2) for k in ("p", "q", "gamma")] == [6.25, 3.74, 15.44]
    np.testing.assert_allclose(
        gg.conditional_expected_spend(reference["x"], reference["zbar"]), reference["gg_exp_spend"], rtol=1e-6
    )
    bg = crmkit.BetaGeo().fit(summary)
    clv = crmkit.customer_lifetime_value(bg, gg, summary)
    np.testing.assert_allclose(clv.to_numpy(), reference["clv_12m_1pct"], rtol=1e-6)


def test_holdout_validation_auc_equals_scikit_learn(summary):
    from sklearn.metrics import roc_auc_score

    bg = crmkit.BetaGeo().fit(summary)
    t = summary.attrs["duration_holdout"]
    expected = bg.conditional_expected_purchases(t, summary)
    score = bg.conditional_probability_no_purchase(t, summary)
    check = crmkit.validate_holdout(summary["frequency"], expected, summary["frequency_holdout"], score)
    silent = (summary["frequency_holdout"] == 0).astype(int)
    assert check["auc"] == pytest.approx(roc_auc_score(silent, score), abs=1e-12)
    assert 0.75 < check["auc"] < 0.77
    assert check["actual_total"] == summary["frequency_holdout"].sum()
    assert check["predicted_total"] == pytest.approx(expected.sum())
    table = check["by_frequency"]
    assert table["customers"].sum() == len(summary)
    by_x = summary.assign(e=expected).groupby(np.minimum(summary["frequency"], 7))
    np.testing.assert_allclose(table["actual_mean"].to_numpy(), by_x["frequency_holdout"].mean().to_numpy())
    np.testing.assert_allclose(table["predicted_mean"].to_numpy(), by_x["e"].mean().to_numpy())
    # 1 - P(alive) is worse than chance (one-time buyers have P(alive) = 1 under BG/NBD)
    dead = 1 - bg.p_alive(summary)
    assert roc_auc_score(silent, dead) < 0.5


def test_modified_beta_geo_and_bg_bb():
    s = pd.read_csv(DATA / "cdnow_customers_summary.csv")
    mbg = crmkit.ModifiedBetaGeo().fit(s["frequency"], s["recency"], s["T"])
    assert [round(mbg.params_[k], 3) for k in ("r", "alpha", "a", "b")] == [0.525, 6.183, 0.891, 1.614]
    d = pd.read_csv(DATA / "donations.csv")
    bb = crmkit.BetaGeoBetaBinom().fit(d)
    assert [round(bb.params_[k], 3) for k in ("alpha", "beta", "gamma", "delta")] == [1.204, 0.750, 0.657, 2.783]
    alive = bb.p_alive(d)
    assert ((alive > 0) & (alive <= 1)).all()


def test_errors_and_convergence_reporting(summary):
    with pytest.raises(crmkit.Error) as info:
        crmkit.BetaGeo().p_alive([1.0], [1.0], [2.0])
    assert info.value.code == -5  # not fitted
    with pytest.raises(crmkit.InvalidArgumentError, match=r"T \(1\) < recency \(2\)"):
        crmkit.BetaGeo().fit([1.0, 2.0], [2.0, 1.0], [1.0, 3.0])
    with pytest.raises(crmkit.InvalidArgumentError, match="every frequency is 0"):
        crmkit.BetaGeo().fit([0.0, 0.0], [0.0, 0.0], [1.0, 3.0])
    with pytest.raises(crmkit.InvalidArgumentError, match="zero mean spend"):
        crmkit.GammaGamma().fit([1.0, 2.0, 1.0], [0.0, 3.0, 4.0])
    m = summary["monetary_value"].to_numpy().copy()
    m[np.flatnonzero(summary["frequency"].to_numpy() > 0)[0]] = 0.0  # one repeat buyer with zero spend
    dropped = crmkit.GammaGamma(zero_spend="drop").fit(summary["frequency"], m)
    assert dropped.converged_ and abs(dropped.params_["p"] - 6.25) < 0.1
    with pytest.raises(crmkit.InvalidArgumentError, match="before the first purchase"):
        crmkit.btyd_summary(crmkit.Dataset.from_csv(SAMPLE, time_column="date"), "1996-12-31")
    with pytest.warns(RuntimeWarning, match="did not converge"):
        bg = crmkit.BetaGeo(max_iter=2).fit(summary)
    assert not bg.converged_ and bg.status_ == "iteration_limit"
    assert bg.fit_report_.status == "iteration_limit" and "iteration limit" in bg.fit_report_.message
    assert all(np.isfinite(v) for v in bg.params_.values())
