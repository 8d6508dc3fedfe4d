// `crmkit offers`: per-customer top-N offers (ALS, item kNN, association rules or
// popularity) and/or the association rules, from order lines with a product column, as CSV.
#include <cmath>
#include <cstdio>
#include <string>

#include <fmt/format.h>

#include "cli.hpp"
#include "crmkit/offers/association_rules.hpp"
#include "crmkit/offers/baskets.hpp"
#include "crmkit/offers/evaluation.hpp"
#include "crmkit/offers/implicit_als.hpp"
#include "crmkit/offers/item_knn.hpp"

namespace crmkit_cli {

namespace {

// A number as CSV: 17 significant digits; inf as "inf" (a conviction of confidence 1).
std::string number(double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return fmt::format("{:.17g}", v);
}

std::string items_text(const std::vector<std::int32_t>& items, const std::vector<std::string>& names) {
  std::string out;
  for (const std::int32_t i : items) {
    if (!out.empty()) out += ' ';
    out += names[static_cast<std::size_t>(i)];
  }
  return csv_field(out);
}

void emit(const std::string& path, const std::string& text) {
  if (path.empty() || path == "-") {
    if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fflush(stdout) != 0)
      throw cli_error(exit_io, "cannot write to standard output");
  } else {
    write_text_file(path, text);
  }
}

}  // namespace

int run_offers(const offers_args& a, const global_options& g) {
  const messages msg(g);
  if (a.in.columns.order.empty() || a.in.columns.product.empty())
    throw cli_error(exit_bad_arguments, "offers needs order lines: give --order-column and --product-column");
  if (a.method != "als" && a.method != "knn" && a.method != "rules" && a.method != "popularity")
    throw cli_error(exit_bad_arguments,
                    fmt::format("--method {} is not one of als, knn, rules, popularity", a.method));
  if (a.top == 0) throw cli_error(exit_bad_arguments, "--top must be at least 1");
  if (!(a.min_support > 0 && a.min_support <= 1))
    throw cli_error(exit_bad_arguments, fmt::format("--min-support {} is outside (0, 1]", a.min_support));
  crmkit::ingest_report ingest;
  const crmkit::dataset data = load_orders(a.in, ingest, msg);
  msg.progress("building baskets");
  const crmkit::basket_set baskets = crmkit::baskets_from_dataset(data);
  const crmkit::interaction_matrix m = crmkit::customer_product_matrix(
      baskets, a.value == "spend" ? crmkit::interaction_value::spend : crmkit::interaction_value::orders);
  msg.note(fmt::format("{} baskets, {} products, {} customers", baskets.size(), baskets.n_items, baskets.row_ids.size()));

  std::vector<crmkit::association_rule> rules;
  const bool need_rules = a.method == "rules" || !a.rules_out.empty();
  if (need_rules) {
    crmkit::rules_options ro;
    ro.min_support = a.min_support;
    ro.min_threshold = a.min_confidence;
    ro.max_len = a.max_len;
    msg.progress("mining rules (FP-growth)");
    rules = crmkit::association_rules(crmkit::fpgrowth(baskets, ro), ro);
    msg.note(fmt::format("{} rules with support >= {} and confidence >= {}", rules.size(), a.min_support,
                         a.min_confidence));
  }
  if (!a.rules_out.empty()) {
    std::string text = "antecedents,consequents,antecedent_support,consequent_support,support,confidence,lift,"
                       "leverage,conviction,zhangs_metric\n";
    for (const auto& r : rules)
      text += fmt::format("{},{},{},{},{},{},{},{},{},{}\n", items_text(r.antecedent, baskets.item_names),
                          items_text(r.consequent, baskets.item_names), number(r.antecedent_support),
                          number(r.consequent_support), number(r.support), number(r.confidence), number(r.lift),
                          number(r.leverage), number(r.conviction), number(r.zhangs_metric));
    emit(a.rules_out, text);
    if (a.out.empty()) return exit_ok;
  }

  crmkit::offer_table t;
  const bool exclude = !a.include_bought;
  if (a.method == "als") {
    crmkit::als_options o;
    o.factors = a.factors;
    o.alpha = a.alpha;
    o.regularization = a.regularization;
    o.max_iter = a.max_iter;
    o.seed = a.seed;
    o.n_threads = a.threads;
    msg.progress("fitting ALS");
    const auto model = crmkit::als_fit(m, o);
    t = crmkit::als_recommend(model, m, a.top, exclude, a.threads);
  } else if (a.method == "knn") {
    crmkit::item_knn_options o;
    o.neighbours = a.neighbours;
    o.n_threads = a.threads;
    t = crmkit::item_knn_recommend(crmkit::item_knn_fit(m, o), m, a.top, exclude, a.threads);
  } else if (a.method == "rules") {
    t = crmkit::rules_recommend(rules, m, a.top, exclude);
  } else {
    t = crmkit::popularity_recommend(m, a.top, exclude);
  }
  std::size_t cold = 0;
  std::string text = "customer_id,rank,product_id,score,cold_start\n";
  for (std::size_t r = 0; r < t.n_rows; ++r) {
    cold += t.cold_start[r];
    for (std::size_t j = 0; j < t.top_n; ++j) {
      const std::int32_t item = t.item[r * t.top_n + j];
      if (item < 0) break;
      text += fmt::format("{},{},{},{},{}\n", csv_field(baskets.row_ids[r]), j + 1,
                          csv_field(baskets.item_names[static_cast<std::size_t>(item)]),
                          number(t.score[r * t.top_n + j]), static_cast<int>(t.cold_start[r]));
    }
  }
  if (cold > 0)
    msg.note(fmt::format("{} customers got the popularity fallback (cold_start = 1: {})", cold,
                         a.method == "rules" ? "no rule applied" : "no usable history"));
  emit(a.out, text);
  return exit_ok;
}

}  // namespace crmkit_cli
