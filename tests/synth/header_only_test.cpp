// Builds the generator against crmkit::header_only: its definitions must all be inline.
#ifndef CRMKIT_HEADER_ONLY
#  error "this test must be compiled with CRMKIT_HEADER_ONLY (link crmkit::header_only)"
#endif
#include <doctest/doctest.h>

#include "crmkit/synth.hpp"
#include "fingerprint.hpp"

TEST_CASE("header-only mode generates the same data as the compiled library") {
  auto options = pinned_options();
  const auto daily = crmkit::generate_transactions(options);
  options.with_time_of_day = true;
  const auto timed = crmkit::generate_transactions(options);
  CHECK(daily.n_transactions() == options.n_transactions);
  CHECK(fingerprint_of(daily) == pinned_fingerprint_daily);
  CHECK(fingerprint_of(timed) == pinned_fingerprint_timed);
  CHECK(crmkit::synth_cities().size() == 24);
}
