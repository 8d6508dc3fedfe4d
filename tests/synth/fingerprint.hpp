// A fingerprint of a whole dataset and the pinned output of the generator, shared by the
// compiled-mode and header-only tests.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "crmkit/synth.hpp"

namespace {

// The options whose output is pinned: a change of model or samplers changes these
// fingerprints (update them deliberately); a platform or compiler that gives other
// values has broken determinism.
inline crmkit::synth_options pinned_options() {
  crmkit::synth_options o;
  o.seed = 2024;
  o.n_customers = 300;
  o.n_transactions = 5000;
  return o;
}
constexpr std::uint64_t pinned_fingerprint_daily = 8112063832927839509ull;
constexpr std::uint64_t pinned_fingerprint_timed = 12717341145394744481ull;

// FNV-1a over the bytes of every column, level and attribute.
struct fingerprint {
  std::uint64_t h = 1469598103934665603ull;
  void bytes(const void* data, std::size_t size) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < size; ++i) h = (h ^ p[i]) * 1099511628211ull;
  }
  template <class T>
  void add(std::span<const T> values) {
    bytes(values.data(), values.size_bytes());
  }
  void add(const crmkit::string_dictionary& dict) {
    for (std::size_t i = 0; i < dict.size(); ++i) {
      const auto s = dict.at(static_cast<std::int32_t>(i));
      bytes(s.data(), s.size());
      bytes("", 1);
    }
  }
};

std::uint64_t fingerprint_of(const crmkit::dataset& data) {
  fingerprint f;
  const auto& log = data.transactions();
  f.add(log.customer());
  f.add(log.time());
  f.add(log.amount());
  f.add(log.product()->codes.view());
  f.add(*log.product()->levels);
  f.add(log.channel()->codes.view());
  f.add(*log.channel()->levels);
  const auto& table = data.customers();
  f.add(table.ids());
  f.add(table.longitude());
  f.add(table.latitude());
  for (const auto& name : table.attribute_names()) {
    f.bytes(name.data(), name.size());
    f.add(table.attribute(name));
  }
  return f.h;
}

}  // namespace
