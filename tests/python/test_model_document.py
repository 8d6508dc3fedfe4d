"""Model documents: every fitted model saves to text and loads back (to_text / from_text),
pickles through it, and the loaded model predicts the same bits; FitReport is the same
type on every model."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

import crmkit
from crmkit import churn


@pytest.fixture(scope="module")
def rows():
    rng = np.random.default_rng(3)
    n = 400
    T = rng.uniform(20, 40, n)
    x = rng.poisson(2.0, n).astype(float)
    tx = np.where(x > 0, T * rng.uniform(0.2, 1.0, n), 0.0)
    m = np.where(x > 0, rng.gamma(4.0, 10.0, n), 0.0)
    return x, tx, T, m


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("cls", [crmkit.BetaGeo, crmkit.ParetoNBD, crmkit.ModifiedBetaGeo])
def test_purchase_models_round_trip_bit_for_bit(cls, rows):
    x, tx, T, _ = rows
    model = cls(n_threads=2).fit(x, tx, T)
    assert isinstance(model.fit_report_, crmkit.FitReport)
    assert model.fit_report_.log_likelihood == pytest.approx(-model.fit_report_.objective)
    text = model.to_text()
    assert text.startswith("# crmkit model document")
    back = cls.from_text(text)
    assert type(back) is cls
    assert back.params_ == model.params_
    assert repr(back.fit_report_) == repr(model.fit_report_)  # NaN standard errors at a boundary compare by text
    p0 = model.conditional_probability_no_purchase(10, x, tx, T)
    assert back.conditional_probability_no_purchase(10, x, tx, T).tobytes() == p0.tobytes()
    again = pickle.loads(pickle.dumps(model))
    assert type(again) is cls and again.n_threads == 2
    assert again.conditional_probability_no_purchase(10, x, tx, T).tobytes() == p0.tobytes()
    assert churn.load_model(text).params_ == model.params_


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_gamma_gamma_and_bgbb_round_trip(rows):
    x, _, _, m = rows
    gg = crmkit.GammaGamma().fit(x, m)
    back = pickle.loads(pickle.dumps(gg))
    assert back.params_ == gg.params_
    e0 = gg.conditional_expected_average_profit(x, m) if hasattr(gg, "conditional_expected_average_profit") else None
    if e0 is not None:
        assert back.conditional_expected_average_profit(x, m).tobytes() == e0.tobytes()
    assert type(churn.load_model(gg.to_text())) is crmkit.GammaGamma
    bb = crmkit.BetaGeoBetaBinom.from_params(alpha=1.204, beta=0.75, gamma=0.657, delta=2.783)
    text = bb.to_text()
    assert "[fit_report]" not in text
    back_bb = crmkit.BetaGeoBetaBinom.from_text(text)
    assert back_bb.params_ == bb.params_
    with pytest.raises(crmkit.Error) as info:
        crmkit.BetaGeo.from_text(text)
    assert "BetaGeoBetaBinom" in str(info.value)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_damaged_document_is_a_parse_error(rows):
    x, tx, T, _ = rows
    text = crmkit.BetaGeo().fit(x, tx, T).to_text()
    with pytest.raises(crmkit.Error) as info:
        crmkit.BetaGeo.from_text(text.replace("alpha = ", "alpha = \"oops\" #"))
    assert info.value.status == "CRMKIT_E_PARSE" and "params.alpha" in info.value.message


def test_kmeans_round_trips_and_reports(rows):
    x, tx, T, _ = rows
    X = np.column_stack([x, tx, T])
    km = crmkit.KMeans(n_clusters=3, random_state=1).fit(X)
    assert isinstance(km.fit_report_, crmkit.FitReport)
    assert km.fit_report_.objective == km.inertia_
    assert km.fit_report_.status in ("converged", "iteration_limit")
    back = crmkit.KMeans.from_text(km.to_text())
    assert back.cluster_centers_.tobytes() == km.cluster_centers_.tobytes()
    assert back.fit_report_ == km.fit_report_
    assert np.array_equal(back.predict(X), km.predict(X))
    again = pickle.loads(pickle.dumps(km))
    assert np.array_equal(again.predict(X), km.predict(X))
    assert again.labels_.tobytes() == km.labels_.tobytes()


def test_logistic_reports_through_fit_report(rows):
    x, tx, T, _ = rows
    X = np.column_stack([x, tx, T])
    y = (x > 1).astype(float)
    model = crmkit.LogisticChurn(max_iter=1).fit(X, y)
    assert model.fit_report_.status == "iteration_limit"
    assert "iteration limit" in model.fit_report_.message
    again = pickle.loads(pickle.dumps(model))
    assert again.fit_report_ == model.fit_report_
