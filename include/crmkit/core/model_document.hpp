/// @file crmkit/core/model_document.hpp
/// The model document: how every fitted model of crmkit is saved as text and loaded back,
/// in every layer (C++ `to_text` / `load_*`, C `crmkit_<model>_save` / `_load`, Python
/// `to_text` / `from_text` and pickling). It is also what a distributed engine ships to its
/// workers. A loaded model predicts bit-identically to the saved one.
///
/// `#include <crmkit/core/model_document.hpp>`
///
/// Thread safety: stateless; safe.
///
/// @code
/// auto model = crmkit::make_btyd_model("bg_nbd");
/// model->fit(summary);
/// std::string text = model->to_text();               // a TOML document, below
/// std::string kind = crmkit::model_document_kind(text);   // "bg_nbd"
/// auto back = crmkit::load_btyd_model(text);
/// @endcode
///
/// Format (TOML 1.0, UTF-8; read with toml++, the parser of score configs and lifecycle
/// models):
///
///     # crmkit model document
///     model = "bg_nbd"            # the kind: bg_nbd, pareto_nbd, modified_bg_nbd, bg_bb,
///                                 # gamma_gamma, kmeans, logistic_regression,
///                                 # feature_scaler, implicit_als
///     format = 1                  # this layout; a reader refuses formats it does not know
///     crmkit_version = "0.3.0"    # CRMKIT_VERSION_STRING of the writer (informational)
///
///     [params]                    # the fitted parameters, by name
///     r = 0.24259...
///     ...
///
///     [options]                   # the options of the fit that produced them
///     max_iterations = 1000
///     ...
///
///     [fit_report]                # optional: absent for a model given its parameters
///     status = "converged"        # converged, boundary, iteration_limit, numerical_failure
///     iterations = 23
///     objective = 9582.4...
///     gradient_norm = 1.2e-10
///     message = ""
///     ...                         # model-specific extras (log_likelihood, standard_errors)
///
/// Every double is written with 17 significant digits (`{:.17g}`, always with a '.' or an
/// exponent so that -0.0 stays a float; `nan`, `inf`, `-inf` as TOML spells them), which
/// reads back to the same bits. Arrays of doubles are TOML arrays; a matrix (k-means
/// centres) is an array of rows.
///
/// Semantics vs its reference: like scikit-learn's pickles and lifetimes' `save_model`, but
/// text, versioned and readable by any language. A model's [options] are written from its
/// option table (crmkit/core/option_table.hpp) where it has one, so the names are the C++
/// fields, the C constants' suffixes and the Python keywords.
///
/// Loading is a parser of untrusted text: any damage is a crmkit::error (parse_error) whose
/// message names the line, the key and why ("model document: line 7: params.r: expected a
/// number, found a string"); it never crashes (fuzzed: tests/fuzz/fuzz_model_document.cpp).
///
/// Memory: the document text plus the parsed tree while loading.
#pragma once

#include <string>
#include <string_view>

#include "crmkit/config.hpp"

CRMKIT_BEGIN_NAMESPACE

#ifndef CRMKIT_HEADER_ONLY
/// The `model` key of a model document ("bg_nbd", "kmeans", ...), so that a host can
/// dispatch a document to the right loader. Compiled library only.
/// @throws crmkit::error (parse_error) when the text is not a model document.
[[nodiscard]] std::string model_document_kind(std::string_view text);
#endif

CRMKIT_END_NAMESPACE
