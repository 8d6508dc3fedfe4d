/// @file crmkit/synth.hpp
/// Module header for crmkit's synthetic data: a deterministic generator of realistic
/// customers and purchase logs (Pareto/NBD-style purchasing and dropout, Gamma-Gamma-like
/// spend, products, channels, city-clustered locations) and fast CSV writers for it.
///
/// `#include <crmkit/synth.hpp>`
///
/// Thread safety: stateless; safe.
///
/// @code
/// crmkit::synth_options options;
/// options.n_customers = 1000;
/// options.n_transactions = 20000;
/// auto data = crmkit::generate_transactions(options);
/// crmkit::write_transactions_csv(data, "transactions.csv", /*with_time_of_day=*/false);
/// @endcode
#pragma once

#include "crmkit/synth/generator.hpp"
