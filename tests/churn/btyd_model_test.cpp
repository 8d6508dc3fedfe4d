// crmkit::btyd_model: the shared interface over the four BTYD purchase models gives the
// same fits and predictions as the per-model classes, and the factory knows them by kind
// and name.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "churn_test_util.hpp"
#include "crmkit/churn/btyd_model.hpp"

namespace {

struct rows {
  std::vector<double> x, tx, T;
};

// A few CDNOW-like rows (and x = t_x = T = 0, a customer of the calibration end day).
rows some_rows() { return {{0, 1, 2, 7, 0}, {0, 5.5, 30.43, 35, 0}, {38.86, 20, 38.86, 36, 0}}; }

template <class Model>
void check_same(crmkit::btyd_model& generic, Model& direct, const crmkit::btyd_summary& s) {
  const auto a = generic.fit(s);
  const auto b = direct.fit(s);
  CHECK(a.status == b.status);
  CHECK(a.iterations == b.iterations);
  CHECK(a.log_likelihood == b.log_likelihood);
  CHECK(a.objective == -a.log_likelihood);
  REQUIRE(generic.report() != nullptr);
  CHECK(generic.report()->iterations == a.iterations);
  const auto r = some_rows();
  const std::size_t n = r.x.size();
  std::vector<double> g(n), d(n);
  generic.conditional_probability_alive(r.x, r.tx, r.T, g, 2);
  direct.p_alive(r.x, r.tx, r.T, d, 1);
  CHECK(g == d);
  generic.conditional_expected_number_of_purchases_up_to_time(39, r.x, r.tx, r.T, g, 2);
  direct.conditional_expected_purchases(39, r.x, r.tx, r.T, d, 1);
  CHECK(g == d);
  generic.conditional_probability_of_n_purchases_up_to_time(2, 39, r.x, r.tx, r.T, g, 2);
  direct.conditional_probability_of_purchases(2, 39, r.x, r.tx, r.T, d, 1);
  CHECK(g == d);
  generic.conditional_probability_no_purchase(39, r.x, r.tx, r.T, g, 2);
  for (std::size_t i = 0; i < n; ++i) CHECK(g[i] == direct.conditional_probability_no_purchase(39, r.x[i], r.tx[i], r.T[i]));
  generic.log_likelihood(r.x, r.tx, r.T, g, 2);
  for (std::size_t i = 0; i < n; ++i) CHECK(g[i] == direct.log_likelihood(r.x[i], r.tx[i], r.T[i]));
  CHECK(generic.expected_number_of_purchases_up_to_time(10) == direct.conditional_expected_purchases(10, 0, 0, 0));
  CHECK(generic.probability_of_n_purchases(1, 10) == direct.conditional_probability_of_purchases(1, 10, 0, 0, 0));
}

}  // namespace

TEST_CASE("btyd_model: the factory knows every purchase model by kind and name") {
  for (auto kind : {crmkit::btyd_kind::bg_nbd, crmkit::btyd_kind::pareto_nbd, crmkit::btyd_kind::modified_bg_nbd,
                    crmkit::btyd_kind::bg_bb}) {
    const auto by_kind = crmkit::make_btyd_model(kind);
    const auto by_name = crmkit::make_btyd_model(crmkit::to_string(kind));
    CHECK(by_kind->kind() == kind);
    CHECK(by_name->kind() == kind);
    CHECK(std::string(by_kind->name()) == crmkit::to_string(kind));
    CHECK(by_kind->param_names().size() == 4);
    CHECK_FALSE(by_kind->fitted());
    CHECK(by_kind->report() == nullptr);
    CHECK(by_kind->discrete_time() == (kind == crmkit::btyd_kind::bg_bb));
  }
  CHECK(std::strcmp(crmkit::make_btyd_model("pareto_nbd")->param_names()[2], "s") == 0);
  CHECK_THROWS_WITH_AS((void)crmkit::make_btyd_model("bg-nbd"), doctest::Contains("unknown model 'bg-nbd'"),
                       crmkit::error);
  CHECK_THROWS_AS((void)crmkit::make_btyd_model(crmkit::btyd_kind::gamma_gamma), crmkit::error);
  CHECK_THROWS_AS((void)crmkit::make_btyd_model("gamma_gamma"), crmkit::error);
}

TEST_CASE("btyd_model: fits and predictions equal those of the per-model classes") {
  const auto s = churn_test::cdnow_summary();
  {
    auto g = crmkit::make_btyd_model("bg_nbd");
    crmkit::bg_nbd d;
    check_same(*g, d, s);
  }
  {
    auto g = crmkit::make_btyd_model("pareto_nbd");
    crmkit::pareto_nbd d;
    check_same(*g, d, s);
  }
  {
    auto g = crmkit::make_btyd_model("modified_bg_nbd");
    crmkit::modified_bg_nbd d;
    check_same(*g, d, s);
  }
}

TEST_CASE("btyd_model: BG/BB through the interface") {
  const auto d = churn_test::read_numeric_csv(churn_test::fixture("donations.csv"));
  auto g = crmkit::make_btyd_model(crmkit::btyd_kind::bg_bb);
  CHECK_THROWS_AS((void)g->fit(churn_test::cdnow_summary()), crmkit::error);
  const auto report = g->fit(d.at("frequency"), d.at("recency"), d.at("periods"), d.at("weights"));
  REQUIRE(report.converged());
  crmkit::bg_bb direct;
  (void)direct.fit(d.at("frequency"), d.at("recency"), d.at("periods"), d.at("weights"));
  const auto p = g->params();
  CHECK(p == std::vector<double>{direct.params().alpha, direct.params().beta, direct.params().gamma,
                                 direct.params().delta});
  std::vector<double> x{3, 0, 6}, tx{4, 0, 6}, n{6, 6, 6}, out(3);
  g->conditional_probability_alive(x, tx, n, out, 2);
  for (std::size_t i = 0; i < 3; ++i) CHECK(out[i] == direct.p_alive(x[i], tx[i], n[i]));
  g->conditional_probability_no_purchase(5, x, tx, n, out, 2);
  for (std::size_t i = 0; i < 3; ++i) CHECK(out[i] == direct.conditional_probability_no_purchase(5, x[i], tx[i], n[i]));
  // a horizon that is not a whole number of opportunities, and a bad pattern, are errors
  CHECK_THROWS_WITH_AS(g->conditional_probability_no_purchase(2.5, x, tx, n, out), doctest::Contains("whole number"),
                       crmkit::error);
  std::vector<double> bad_tx{7, 0, 6};
  CHECK_THROWS_AS(g->conditional_probability_alive(x, bad_tx, n, out), crmkit::error);
}

TEST_CASE("btyd_model: set_params, clone and not_fitted") {
  auto g = crmkit::make_btyd_model("bg_nbd");
  std::vector<double> out(1);
  const double one[1] = {1}, two[1] = {2};
  try {
    g->conditional_probability_alive(one, one, two, out);
    FAIL("expected not_fitted");
  } catch (const crmkit::error& e) {
    CHECK(e.code() == crmkit::errc::not_fitted);
  }
  const std::vector<double> p{0.243, 4.414, 0.793, 2.426};
  g->set_params(p);
  CHECK(g->fitted());
  CHECK(g->report() == nullptr);
  CHECK(g->params() == p);
  CHECK_THROWS_AS(g->set_params(std::vector<double>{1, 2, 3}), crmkit::error);
  CHECK_THROWS_AS(g->set_params(std::vector<double>{1, 2, 3, -1}), crmkit::error);
  const auto copy = g->clone();
  CHECK(copy->params() == p);
  CHECK(copy->kind() == crmkit::btyd_kind::bg_nbd);
}

#include <bit>
#include <cstdint>

#include "crmkit/core/model_document.hpp"

namespace {
bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::bit_cast<std::uint64_t>(a[i]) != std::bit_cast<std::uint64_t>(b[i])) return false;
  return true;
}
}  // namespace

TEST_CASE("model document: every BTYD model round-trips bit for bit") {
  const auto s = churn_test::cdnow_summary();
  const auto r = some_rows();
  for (const char* name : {"bg_nbd", "pareto_nbd", "modified_bg_nbd"}) {
    CAPTURE(name);
    auto m = crmkit::make_btyd_model(name);
    crmkit::fit_options o;
    o.n_threads = 2;
    o.initial_params = {0.5, 3, 0.7, 2};
    REQUIRE(m->fit(s, o).converged());
    const std::string text = m->to_text();
    CHECK(crmkit::model_document_kind(text) == name);
    CHECK(text.find("crmkit_version = \"" CRMKIT_VERSION_STRING "\"") != std::string::npos);
    const auto back = crmkit::load_btyd_model(text);
    CHECK(back->kind() == m->kind());
    CHECK(same_bits(back->params(), m->params()));
    CHECK(back->to_text() == text);
    REQUIRE(back->report() != nullptr);
    CHECK(back->report()->status == crmkit::fit_status::converged);
    CHECK(back->report()->iterations == m->report()->iterations);
    CHECK(back->report()->log_likelihood == m->report()->log_likelihood);
    CHECK(same_bits(back->report()->standard_errors, m->report()->standard_errors));
    CHECK(back->options().n_threads == 2);
    CHECK(back->options().initial_params == o.initial_params);
    std::vector<double> a(r.x.size()), b(r.x.size());
    m->conditional_probability_no_purchase(39, r.x, r.tx, r.T, a);
    back->conditional_probability_no_purchase(39, r.x, r.tx, r.T, b);
    CHECK(same_bits(a, b));
    m->conditional_expected_number_of_purchases_up_to_time(39, r.x, r.tx, r.T, a);
    back->conditional_expected_number_of_purchases_up_to_time(39, r.x, r.tx, r.T, b);
    CHECK(same_bits(a, b));
  }
  // a model given its parameters has no report in its document
  auto given = crmkit::make_btyd_model(crmkit::btyd_kind::bg_bb);
  given->set_params(std::vector<double>{1.204, 0.750, 0.657, 2.783});
  const auto text = given->to_text();
  CHECK(text.find("[fit_report]") == std::string::npos);
  const auto back = crmkit::load_btyd_model(text);
  CHECK(back->report() == nullptr);
  CHECK(back->params() == given->params());
  CHECK_THROWS_AS((void)crmkit::make_btyd_model("bg_nbd")->to_text(), crmkit::error);
}

TEST_CASE("model document: Gamma-Gamma round-trips bit for bit") {
  const auto s = churn_test::cdnow_summary();
  crmkit::gamma_gamma gg;
  crmkit::fit_options o;
  o.standard_errors = false;
  o.zero_spend = crmkit::zero_spend_policy::drop;
  REQUIRE(gg.fit(s.frequency, s.monetary_value, {}, o).converged());
  const auto text = gg.to_text();
  const auto back = crmkit::gamma_gamma::from_text(text);
  CHECK(back.to_text() == text);
  CHECK(back.options().zero_spend == crmkit::zero_spend_policy::drop);
  CHECK(std::bit_cast<std::uint64_t>(back.params().q) == std::bit_cast<std::uint64_t>(gg.params().q));
  CHECK(back.conditional_expected_spend(2, 22.35) == gg.conditional_expected_spend(2, 22.35));
  CHECK_THROWS_AS((void)crmkit::load_btyd_model(text), crmkit::error);  // a spend model, not a purchase model
}

TEST_CASE("model document: damaged documents are parse errors naming line, key and why") {
  auto m = crmkit::make_btyd_model("bg_nbd");
  m->set_params(std::vector<double>{0.243, 4.414, 0.793, 2.426});
  const std::string text = m->to_text();
  auto message = [](const std::string& doc) {
    try {
      (void)crmkit::load_btyd_model(doc);
    } catch (const crmkit::error& e) {
      CHECK(e.code() == crmkit::errc::parse_error);
      return std::string(e.what());
    }
    return std::string("no error");
  };
  auto replaced = [&](const std::string& from, const std::string& to) {
    auto doc = text;
    const auto at = doc.find(from);
    REQUIRE(at != std::string::npos);
    doc.replace(at, from.size(), to);
    return doc;
  };
  CHECK(message(replaced("r = ", "r = \"x\" #")).find("params.r: expected a number, found a string") != std::string::npos);
  CHECK(message(replaced("alpha = ", "alpha = -")).find("params.alpha") != std::string::npos);
  CHECK(message(replaced("b = ", "bb = ")).find("params.b: the key is missing") != std::string::npos);
  CHECK(message(replaced("format = 1", "format = 7")).find("line 3: format: format 7 is not supported") !=
        std::string::npos);
  CHECK(message(replaced("\"bg_nbd\"", "\"cox\"")).find("'cox' is not a BTYD purchase model") != std::string::npos);
  CHECK(message(replaced("max_iter = 1000", "max_iter = 1.5")).find("options.max_iter") != std::string::npos);
  CHECK(message(text.substr(0, text.size() / 2)).find("model document") != std::string::npos);
  CHECK(message("").find("model document") != std::string::npos);
  CHECK(message("[[[").find("model document") != std::string::npos);
}
