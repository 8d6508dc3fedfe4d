// Builds the generator against crmkit::header_only: its definitions must all be inline.
#ifndef CRMKIT_HEADER_ONLY
#  error "this test must be compiled with CRMKIT_HEADER_ONLY (link crmkit::header_only)"
#endif
#include <doctest/doctest.h>

#include "crmkit/synth.hpp"

TEST_CASE("header-only mode generates the same data as the compiled library would") {
  crmkit::synth_options options;
  options.n_customers = 50;
  options.n_transactions = 500;
  const auto data = crmkit::generate_transactions(options);
  CHECK(data.n_customers() == 50);
  CHECK(data.n_transactions() == 500);
  CHECK(crmkit::synth_cities().size() == 24);
}
