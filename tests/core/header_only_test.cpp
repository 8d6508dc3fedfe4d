// Builds against crmkit::header_only: every definition must be reachable from the headers.
#ifndef CRMKIT_HEADER_ONLY
#  error "this test must be compiled with CRMKIT_HEADER_ONLY (link crmkit::header_only)"
#endif
#include <doctest/doctest.h>

#include "crmkit/crmkit.hpp"

TEST_CASE("header-only mode builds and runs the data model") {
  auto log = crmkit::transaction_log::from_columns(crmkit::column<std::int32_t>::owned({0}),
                                                   crmkit::column<std::int64_t>::owned({0}),
                                                   crmkit::column<double>::owned({1.0}), 1);
  crmkit::dataset data(crmkit::customer_table::with_index_ids(1), log);
  CHECK(data.n_transactions() == 1);
}
