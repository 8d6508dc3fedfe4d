// The Gauss hypergeometric function of the Pareto/NBD likelihood and the BG/BB DERT,
// ln 2F1(1, b; c; z), against mpmath at 50 digits (tests/data/btyd/hyp2f1_reference.csv,
// written by make_hyp2f1_reference.py there): z up to 1 - 1e-12, b and c into the thousands,
// c - b - 1 negative, zero, integer and not. Also its derivatives (dual numbers) against
// central differences, since the fits use them.
#include <doctest/doctest.h>

#include <cmath>

#include "churn_test_util.hpp"
#include "crmkit/churn/detail/hyp2f1.hpp"

TEST_CASE("log_hyp2f1_1bc matches mpmath near z = 1 and for large parameters") {
  const auto ref = churn_test::read_numeric_csv(std::string(CRMKIT_SOURCE_DIR) + "/tests/data/btyd/hyp2f1_reference.csv");
  const auto& b = ref.at("b");
  REQUIRE(b.size() > 300);
  double worst = 0;
  for (std::size_t i = 0; i < b.size(); ++i) {
    const double c = ref.at("c")[i], w = ref.at("w")[i], expected = ref.at("log_f")[i];
    const double got = crmkit::detail::log_hyp2f1_1bc(b[i], c, 1.0 - w, w);
    REQUIRE(std::isfinite(got));
    // ln F: absolute error relative to max(1, |ln F|), i.e. a relative error of F
    const double err = std::abs(got - expected) / std::max(1.0, std::abs(expected));
    worst = std::max(worst, err);
    INFO("b=" << b[i] << " c=" << c << " w=" << w << " got " << got << " expected " << expected);
    CHECK(err < 2e-12 * std::max(1.0, b[i] / 1000));  // c = b + 1 + m rounds by ~b 1e-16
  }
  MESSAGE("worst error of ln 2F1 against mpmath: " << worst);
}

TEST_CASE("log_hyp2f1_1bc: dual-number derivatives match central differences on both methods") {
  using D = crmkit::detail::dual<3>;
  for (double w : {0.5, 0.02, 1e-3, 1e-7}) {
    for (double b : {0.8, 40.5, 900.2}) {
      for (double m : {-0.4, 0.0, 0.7}) {
        const double c = b + 1 + m;
        const D bd = D::variable(b, 0), cd = D::variable(c, 1), wd = D::variable(w, 2);
        const D zd = 1.0 - wd;
        const D f = crmkit::detail::log_hyp2f1_1bc(bd, cd, zd, wd);
        auto F = [](double bb, double cc, double ww) { return crmkit::detail::log_hyp2f1_1bc(bb, cc, 1.0 - ww, ww); };
        CHECK(f.v == doctest::Approx(F(b, c, w)).epsilon(1e-14));
        const double hb = 1e-6 * b, hc = 1e-6 * c, hw = 1e-6 * w;
        const double db = (F(b + hb, c, w) - F(b - hb, c, w)) / (2 * hb);
        const double dc = (F(b, c + hc, w) - F(b, c - hc, w)) / (2 * hc);
        const double dw = (F(b, c, w + hw) - F(b, c, w - hw)) / (2 * hw);
        INFO("b=" << b << " c=" << c << " w=" << w);
        CHECK(f.d[0] == doctest::Approx(db).epsilon(1e-6).scale(1.0));
        CHECK(f.d[1] == doctest::Approx(dc).epsilon(1e-6).scale(1.0));
        CHECK(f.d[2] == doctest::Approx(dw).epsilon(1e-6).scale(1.0 / w));
      }
    }
  }
}
