// The BG/NBD and modified BG/NBD expected purchases of a customer alive at T (FHL 2005 eq. 10
// without P(alive); eq. 9 when x = T = 0), which rest on a Gauss hypergeometric function
// 2F1(r+x, b+x; a+b+x-1; z) with z = t/(alpha+T+t), against the published formula evaluated
// by mpmath at 50 digits (tests/data/btyd/bg_expectation_reference.csv, written by
// make_bg_expectation_reference.py there): t up to 1e8 weeks (z -> 1), x up to 5000, a below
// 1, near 1, above 1 and above r+x+1, and the CDNOW parameters.
#include <doctest/doctest.h>

#include <cmath>

#include "churn_test_util.hpp"
#include "crmkit/churn/bg_nbd.hpp"
#include "crmkit/churn/modified_bg_nbd.hpp"

TEST_CASE("BG/NBD and MBG/NBD expected purchases match mpmath over z -> 1 and large x") {
  const auto ref =
      churn_test::read_numeric_csv(std::string(CRMKIT_SOURCE_DIR) + "/tests/data/btyd/bg_expectation_reference.csv");
  const auto& model = ref.at("model");
  REQUIRE(model.size() > 700);
  double worst = 0;
  for (std::size_t i = 0; i < model.size(); ++i) {
    const crmkit::bg_nbd_params p{ref.at("r")[i], ref.at("alpha")[i], ref.at("a")[i], ref.at("b")[i]};
    const double x = ref.at("x")[i], T = ref.at("T")[i], t = ref.at("t")[i], expected = ref.at("value")[i];
    double got = 0;
    if (model[i] == 0) {
      const crmkit::bg_nbd m(p);
      // tx = T: P(alive) is then a closed form without the 2F1; dividing it out costs one rounding.
      got = m.conditional_expected_purchases(t, x, T, T) / m.p_alive(x, T, T);
      if (x == 0 && T == 0) CHECK(m.expected_purchases(t) == doctest::Approx(expected).epsilon(1e-11));
    } else {
      const crmkit::modified_bg_nbd m(p);
      got = m.conditional_expected_purchases(t, x, T, T) / m.p_alive(x, T, T);
    }
    const double err = std::abs(got - expected) / std::abs(expected);
    INFO("model=" << model[i] << " r=" << p.r << " alpha=" << p.alpha << " a=" << p.a << " b=" << p.b << " x=" << x
                  << " T=" << T << " t=" << t << " got " << got << " expected " << expected << " err " << err);
    CHECK(std::isfinite(got));
    // Including a = 1 + 3e-4, next to the removable singularity of the published form.
    CHECK(err < 1e-13);
    worst = std::max(worst, err);
  }
  MESSAGE("worst relative error of the alive expectation against mpmath: " << worst);
}
