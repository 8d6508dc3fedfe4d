"""Fits that never fail silently (issue 17, item 6): fallback, multi-start, the Hessian's
condition number and the reason standard errors are missing, through crmkit.FitReport."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

import crmkit
from conftest import REPO

SAMPLE = REPO / "examples" / "data" / "cdnow_sample.csv"
PUBLISHED = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}  # Fader, Hardie & Lee 2005


@pytest.fixture(scope="module")
def summary():
    tx = pd.read_csv(SAMPLE, dtype={"customer_id": str}, parse_dates=["date"])
    return crmkit.btyd_summary(tx, "1997-09-30", holdout_end="1998-06-30", time="date")


def _check_published(params):
    for name, value in PUBLISHED.items():
        assert params[name] == pytest.approx(value, rel=2e-3), name


def _total_loglik(params, x, tx, T):
    return float(crmkit.BetaGeo.from_params(**params).log_likelihood(x, tx, T).sum())


def test_hessian_condition_equals_an_independent_finite_difference_hessian(summary):
    model = crmkit.BetaGeo().fit(summary)
    report = model.fit_report_
    assert report.converged and report.standard_errors_note == "" and report.n_starts == 1
    assert not report.fallback_used and report.best_start == 0
    _check_published(model.params_)
    # The parameterisation of the standard errors: the natural parameters (r, alpha, a, b).
    # Central second differences of crmkit's own per-customer log-likelihood, summed here.
    x, tx, T = (summary[c].to_numpy() for c in ("frequency", "recency", "T"))
    names = list(PUBLISHED)
    p0 = np.array([model.params_[n] for n in names])
    h = 1e-4 * p0
    k = len(names)
    H = np.empty((k, k))
    f = lambda p: -_total_loglik(dict(zip(names, p)), x, tx, T)
    for i in range(k):
        for j in range(i, k):
            ei, ej = np.eye(k)[i] * h[i], np.eye(k)[j] * h[j]
            H[i, j] = H[j, i] = (f(p0 + ei + ej) - f(p0 + ei - ej) - f(p0 - ei + ej) + f(p0 - ei - ej)) / (4 * h[i] * h[j])
    assert report.hessian_condition == pytest.approx(np.linalg.cond(H), rel=2e-3)
    # and the inverse of the reported covariance, in the same parameters
    from_covariance = np.linalg.cond(np.linalg.inv(_covariance(model)))
    assert report.hessian_condition == pytest.approx(from_covariance, rel=1e-7)
    se = np.sqrt(np.diag(np.linalg.inv(H)))
    assert np.allclose(se, [report.standard_errors[n] for n in names], rtol=2e-3)


def _covariance(model):
    from ctypes import POINTER, c_double

    k = len(model._param_names)
    out = np.empty(k * k)
    crmkit._lib.check(crmkit._lib.get().crmkit_btyd_covariance(model._handle, out.ctypes.data_as(POINTER(c_double)), out.size))
    return out.reshape(k, k)


MAX_ITER = 20  # BFGS from the default start (1, 1, 1, 1) needs more on CDNOW


def test_fallback_reaches_the_cdnow_optimum_where_bfgs_stops_early(summary):
    with pytest.warns(RuntimeWarning, match="did not converge"):
        plain = crmkit.BetaGeo(max_iter=MAX_ITER, fallback=False).fit(summary)
    assert plain.fit_report_.status == "iteration_limit" and not plain.fit_report_.fallback_used
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # 3 x 20 iterations end at gradient norm ~3e-9, just above tol
        robust = crmkit.BetaGeo(max_iter=MAX_ITER).fit(summary)
    assert robust.fit_report_.fallback_used and robust.fit_report_.gradient_norm < 1e-8
    assert "fallback" in robust.fit_report_.message
    assert robust.fit_report_.objective < plain.fit_report_.objective
    _check_published(robust.params_)


def test_multi_start_is_independent_of_threads_and_kept_in_pickles(summary):
    fits = [crmkit.BetaGeo(n_starts=4, seed=3, n_threads=threads).fit(summary) for threads in (1, 2)]
    a, b = fits
    assert a.fit_report_.n_starts == 4 and a.converged_
    assert "best of 4 starts" in a.fit_report_.message
    assert a.fit_report_.best_start == b.fit_report_.best_start
    assert a.params_ == b.params_ and a.fit_report_.objective == b.fit_report_.objective
    _check_published(a.params_)
    import pickle

    again = pickle.loads(pickle.dumps(a))
    assert again.fit_report_.n_starts == 4 and again.fit_report_.best_start == a.fit_report_.best_start
    assert again.fit_report_.hessian_condition == a.fit_report_.hessian_condition
    assert again.n_starts == 4 and again.seed == 3


def test_no_dropout_is_a_named_boundary_and_the_note_says_why():
    age = 10.0 + np.arange(300) % 40
    with pytest.warns(RuntimeWarning):
        m = crmkit.BetaGeo().fit(age, age, age)
    r = m.fit_report_
    assert r.status == "boundary"
    name = r.message.split()[1]
    assert name in PUBLISHED
    assert r.standard_errors_note.startswith(f"boundary solution: parameter {name} ")
    assert r.hessian_condition is None
    assert all(math.isnan(v) for v in r.standard_errors.values())
    quiet = crmkit.BetaGeo(standard_errors=False)
    with pytest.warns(RuntimeWarning):
        quiet.fit(age, age, age)
    assert quiet.fit_report_.standard_errors_note == "not requested"


def test_retention_reports_condition_and_options():
    m = crmkit.ShiftedBetaGeometric(n_starts=3, seed=1).fit_survivors([1000, 631, 468, 382, 326, 289, 262, 241])
    r = m.fit_report_
    assert r.converged and r.n_starts == 3 and r.standard_errors_note == ""
    assert np.isfinite(r.hessian_condition) and r.hessian_condition > 1
    # Logistic regression and k-means have no Hessian: the fields keep their defaults.
    X = np.random.default_rng(0).normal(size=(200, 2))
    km = crmkit.KMeans(n_clusters=2).fit(X)
    assert km.fit_report_.hessian_condition is None and km.fit_report_.standard_errors_note == ""
