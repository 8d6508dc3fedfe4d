// The model document of a fitted feature scaler (crmkit/core/model_document.hpp):
// feature_scaler::to_text / from_text. Compiled library only.
#include <cmath>
#include <cstdint>
#include <vector>

#include <fmt/format.h>

#include "crmkit/core/detail/model_document_io.hpp"
#include "crmkit/error.hpp"
#include "crmkit/segmentation/features.hpp"

CRMKIT_BEGIN_NAMESPACE

std::string feature_scaler::to_text() const {
  if (mean_.empty()) throw error(errc::invalid_argument, "feature_scaler::to_text: the scaler is not fitted");
  detail::document_writer w("feature_scaler");
  w.section("params");
  w.integer("n_features", static_cast<std::int64_t>(mean_.size()));
  w.numbers("mean", mean_);
  w.numbers("scale", scale_);
  const std::vector<double> flags(log1p_.begin(), log1p_.end());
  w.numbers("log1p", flags);  // 1 = the column is log1p-transformed before scaling
  return w.str();
}

feature_scaler feature_scaler::from_text(std::string_view text) {
  const detail::document_reader r(text, "feature_scaler");
  const auto d = static_cast<std::size_t>(r.integer("params", "n_features", 1, std::int64_t{1} << 24));
  feature_scaler s;
  s.mean_ = r.numbers("params", "mean", d);
  s.scale_ = r.numbers("params", "scale", d);
  for (std::size_t j = 0; j < d; ++j)
    if (!(s.scale_[j] > 0.0)) r.fail("params", "scale", fmt::format("scale {} is {}; scales must be > 0", j, s.scale_[j]));
  for (const double f : r.numbers("params", "log1p", d)) {
    if (f != 0.0 && f != 1.0) r.fail("params", "log1p", fmt::format("{} is not 0 or 1", f));
    s.log1p_.push_back(f == 1.0);
  }
  return s;
}

CRMKIT_END_NAMESPACE
