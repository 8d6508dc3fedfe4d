"""crmkit.churn.new_customer: a new customer's expected purchases under BG/NBD and
Pareto/NBD against numerical integration over the individual-level rates (scipy.integrate),
and the expected revenue through the Gamma-Gamma population mean."""

from __future__ import annotations

import numpy as np
import pytest

from crmkit import Error
from crmkit.churn import BetaGeo, BetaGeoBetaBinom, GammaGamma, ParetoNBD, new_customer

scipy = pytest.importorskip("scipy")
from scipy import integrate, stats  # noqa: E402
from scipy.special import hyp2f1  # noqa: E402


def test_bg_nbd_against_integration_over_the_dropout_probability():
    r, alpha, a, b = 0.243, 4.414, 0.793, 2.426
    m = BetaGeo.from_params(r=r, alpha=alpha, a=a, b=b)
    t = np.array([1.0, 39.0, 78.0, 520.0])
    got = new_customer(m, t)["expected_purchases"].to_numpy()
    for ti, value in zip(t, got):
        # E[X(t) | lambda, p] = (1 - exp(-lambda p t)) / p; integrated over lambda ~ Gamma(r, alpha):
        # (1 - (alpha / (alpha + p t))^r) / p; then over p ~ Beta(a, b).
        f = lambda p: (1 - (alpha / (alpha + p * ti)) ** r) / p * stats.beta.pdf(p, a, b)  # noqa: E731
        ref = integrate.quad(f, 0, 1, epsabs=0, epsrel=1e-12, limit=200)[0]
        assert value == pytest.approx(ref, rel=1e-9)
    # the brief's closed form, where scipy's hyp2f1 converges (a != 1)
    z = 39 / (alpha + 39)
    closed = (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + 39)) ** r * hyp2f1(r, b, a + b - 1, z))
    assert got[1] == pytest.approx(closed, rel=1e-10)
    assert m.expected_number_of_purchases_up_to_time(39.0) == got[1]


def test_pareto_nbd_against_integration_over_the_dropout_rate():
    r, alpha, s, beta = 0.55, 10.58, 0.61, 11.67
    m = ParetoNBD.from_params(r=r, alpha=alpha, s=s, beta=beta)
    for ti in (5.0, 52.0):
        # E[X(t) | lambda, mu] = lambda / mu (1 - exp(-mu t)); E[lambda] = r / alpha.
        f = lambda mu: -np.expm1(-mu * ti) / mu * stats.gamma.pdf(mu, s, scale=1 / beta)  # noqa: E731
        ref = r / alpha * integrate.quad(f, 0, np.inf, epsabs=0, epsrel=1e-12, limit=400)[0]
        assert m.expected_number_of_purchases_up_to_time(ti) == pytest.approx(ref, rel=1e-8)


def test_revenue_is_purchases_times_the_population_mean_spend():
    m = ParetoNBD.from_params(r=0.55, alpha=10.58, s=0.61, beta=11.67)
    gg = GammaGamma.from_params(p=6.25, q=3.74, gamma=15.44)
    df = new_customer(m, [13, 26, 52], spend=gg)
    np.testing.assert_allclose(df["expected_revenue"], df["expected_purchases"] * 6.25 * 15.44 / 2.74, rtol=1e-14)
    assert list(df.index) == [13, 26, 52]
    with pytest.raises(Error, match="horizons\\[1\\]"):
        new_customer(m, [1, -1])
    bb = BetaGeoBetaBinom.from_params(alpha=1.2, beta=0.75, gamma=0.66, delta=2.78)
    with pytest.raises(Error, match="whole number"):
        new_customer(bb, [2.5])
    assert new_customer(bb, [0, 6])["expected_purchases"].iloc[1] > 0
