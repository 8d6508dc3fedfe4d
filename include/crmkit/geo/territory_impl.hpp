/// @file crmkit/geo/territory_impl.hpp
/// Definitions of crmkit/geo/territory.hpp (compiled once by src/geo/territory.cpp, or
/// inline under CRMKIT_HEADER_ONLY). Include crmkit/geo/territory.hpp instead.
#pragma once

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "crmkit/error.hpp"
#include "crmkit/core/parallel_for.hpp"
#include "crmkit/geo/territory.hpp"

CRMKIT_BEGIN_NAMESPACE
namespace detail {

// "offset 17 (line 1, column 18)": where a parse error is, for humans and editors.
inline std::string geo_text_position(std::string_view text, std::size_t offset) {
  std::size_t line = 1;
  std::size_t column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return fmt::format("offset {} (line {}, column {})", offset, line, column);
}

inline std::string geo_found(std::string_view text, std::size_t offset) {
  if (offset >= text.size()) return "end of input";
  const std::size_t n = std::min<std::size_t>(12, text.size() - offset);
  return fmt::format("'{}'", text.substr(offset, n));
}

// Strict reader shared by the WKT and JSON parsers: whitespace, punctuation, numbers.
class geo_reader {
 public:
  geo_reader(std::string_view text, const char* what) : text_(text), what_(what) {}
  void skip_ws() noexcept {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r'))
      ++pos_;
  }
  [[nodiscard]] bool at_end() noexcept {
    skip_ws();
    return pos_ >= text_.size();
  }
  [[nodiscard]] char peek() noexcept {
    skip_ws();
    return pos_ < text_.size() ? text_[pos_] : '\0';
  }
  bool accept(char c) noexcept {
    if (peek() == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  void expect(char c) {
    if (!accept(c)) fail(fmt::format("expected '{}'", c));
  }
  [[noreturn]] void fail(const std::string& message) const { fail_at(pos_, message); }
  [[noreturn]] void fail_at(std::size_t at, const std::string& message) const {
    throw error(errc::parse_error, fmt::format("{}: {} at {}, found {}", what_, message, geo_text_position(text_, at),
                                               geo_found(text_, at)));
  }
  double number() {
    skip_ws();
    const char* begin = text_.data() + pos_;
    const char* end = text_.data() + text_.size();
    // JSON and WKT numbers: optional '-', digits, fraction, exponent (no '+', no hex, no inf/nan).
    const char* p = begin;
    if (p < end && *p == '-') ++p;
    if (p >= end || !(*p >= '0' && *p <= '9')) fail("expected a number");
    double value = 0.0;
    auto [ptr, ec] = std::from_chars(begin, end, value, std::chars_format::general);
    if (ec != std::errc() || ptr == begin) fail("expected a number");
    pos_ += static_cast<std::size_t>(ptr - begin);
    return value;
  }
  // A keyword of letters (WKT), upper-cased.
  std::string word() {
    skip_ws();
    std::string w;
    while (pos_ < text_.size() && std::isalpha(static_cast<unsigned char>(text_[pos_])))
      w.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(text_[pos_++]))));
    return w;
  }
  [[nodiscard]] std::size_t pos() noexcept {
    skip_ws();
    return pos_;
  }
  [[nodiscard]] std::string_view text() const noexcept { return text_; }

 private:
  friend class geo_json_parser;
  std::string_view text_;
  const char* what_;
  std::size_t pos_ = 0;
};

// ---- WKT ------------------------------------------------------------------------------
inline geo_ring wkt_ring(geo_reader& in) {
  geo_ring ring;
  in.expect('(');
  do {
    const double x = in.number();
    const double y = in.number();
    const char next = in.peek();
    if (next != ',' && next != ')') in.fail("expected ',' or ')' after a 2D position (Z/M coordinates are not supported)");
    ring.push_back({x, y});
  } while (in.accept(','));
  in.expect(')');
  return ring;
}

inline geo_polygon wkt_polygon(geo_reader& in) {
  geo_polygon polygon;
  in.expect('(');
  do {
    polygon.push_back(wkt_ring(in));
  } while (in.accept(','));
  in.expect(')');
  return polygon;
}

// ---- JSON (RFC 8259, strict; only what GeoJSON geometries need is interpreted) --------
struct geo_json {
  enum kind_t { null_v, boolean_v, number_v, string_v, array_v, object_v } kind = null_v;
  double number = 0.0;
  std::string string;
  std::vector<geo_json> items;                          // array items, or object values
  std::vector<std::string> keys;                        // object keys (parallel to items)
  std::size_t offset = 0;                               // where the value starts
  [[nodiscard]] const geo_json* member(std::string_view key) const noexcept {
    for (std::size_t i = 0; i < keys.size(); ++i)
      if (keys[i] == key) return &items[i];
    return nullptr;
  }
};

class geo_json_parser {
 public:
  explicit geo_json_parser(std::string_view text) : in_(text, "GeoJSON") {}
  geo_json document() {
    geo_json v = value(0);
    if (!in_.at_end()) in_.fail("expected the end of the document");
    return v;
  }
  [[noreturn]] void fail_at(std::size_t at, const std::string& message) const { in_.fail_at(at, message); }

 private:
  geo_json value(int depth) {
    if (depth > 64) in_.fail("nesting deeper than 64 levels");
    geo_json v;
    v.offset = in_.pos();
    const char c = in_.peek();
    if (c == '{') {
      v.kind = geo_json::object_v;
      ++in_.pos_;
      if (!in_.accept('}')) {
        do {
          if (in_.peek() != '"') in_.fail("expected a string key");
          std::string key = string_value();
          in_.expect(':');
          for (const auto& k : v.keys)
            if (k == key) in_.fail(fmt::format("duplicate key \"{}\"", key));
          v.keys.push_back(std::move(key));
          v.items.push_back(value(depth + 1));
        } while (in_.accept(','));
        in_.expect('}');
      }
    } else if (c == '[') {
      v.kind = geo_json::array_v;
      ++in_.pos_;
      if (!in_.accept(']')) {
        do {
          v.items.push_back(value(depth + 1));
        } while (in_.accept(','));
        in_.expect(']');
      }
    } else if (c == '"') {
      v.kind = geo_json::string_v;
      v.string = string_value();
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      v.kind = geo_json::number_v;
      v.number = in_.number();
    } else if (literal("true")) {
      v.kind = geo_json::boolean_v;
      v.number = 1.0;
    } else if (literal("false")) {
      v.kind = geo_json::boolean_v;
    } else if (literal("null")) {
      v.kind = geo_json::null_v;
    } else {
      in_.fail("expected a JSON value");
    }
    return v;
  }
  bool literal(std::string_view word) {
    if (in_.text_.substr(in_.pos_, word.size()) == word) {
      in_.pos_ += word.size();
      return true;
    }
    return false;
  }
  std::string string_value() {
    in_.expect('"');
    std::string s;
    const std::string_view t = in_.text_;
    while (true) {
      if (in_.pos_ >= t.size()) in_.fail("unterminated string");
      const char ch = t[in_.pos_];
      if (ch == '"') {
        ++in_.pos_;
        return s;
      }
      if (static_cast<unsigned char>(ch) < 0x20) in_.fail("control character in a string");
      if (ch == '\\') {
        if (in_.pos_ + 1 >= t.size()) in_.fail("unterminated escape");
        const char e = t[in_.pos_ + 1];
        switch (e) {
          case '"': s.push_back('"'); break;
          case '\\': s.push_back('\\'); break;
          case '/': s.push_back('/'); break;
          case 'b': s.push_back('\b'); break;
          case 'f': s.push_back('\f'); break;
          case 'n': s.push_back('\n'); break;
          case 'r': s.push_back('\r'); break;
          case 't': s.push_back('\t'); break;
          case 'u': {
            // Keys and type names are ASCII; other escapes are kept as '?'.
            if (in_.pos_ + 6 > t.size()) in_.fail("truncated \\u escape");
            for (std::size_t i = 2; i < 6; ++i)
              if (!std::isxdigit(static_cast<unsigned char>(t[in_.pos_ + i]))) in_.fail("invalid \\u escape");
            s.push_back('?');
            in_.pos_ += 4;
            break;
          }
          default: in_.fail("invalid escape");
        }
        in_.pos_ += 2;
        continue;
      }
      s.push_back(ch);
      ++in_.pos_;
    }
  }
  geo_reader in_;
};

inline const geo_json& json_member(const geo_json_parser& p, const geo_json& object, std::string_view key,
                                   geo_json::kind_t kind, const char* kind_name) {
  const geo_json* m = object.member(key);
  if (m == nullptr) p.fail_at(object.offset, fmt::format("object has no \"{}\" member", key));
  if (m->kind != kind) p.fail_at(m->offset, fmt::format("\"{}\" must be {}", key, kind_name));
  return *m;
}

inline geo_ring json_ring(const geo_json_parser& p, const geo_json& v) {
  if (v.kind != geo_json::array_v) p.fail_at(v.offset, "a linear ring must be an array of positions");
  geo_ring ring;
  for (const auto& pos : v.items) {
    if (pos.kind != geo_json::array_v || pos.items.size() < 2)
      p.fail_at(pos.offset, "a position must be an array [longitude, latitude]");
    if (pos.items.size() > 2) p.fail_at(pos.offset, "3D positions (altitude) are not supported");
    for (const auto& c : pos.items)
      if (c.kind != geo_json::number_v) p.fail_at(c.offset, "a coordinate must be a number");
    ring.push_back({pos.items[0].number, pos.items[1].number});
  }
  return ring;
}

inline geo_polygon json_polygon(const geo_json_parser& p, const geo_json& v) {
  if (v.kind != geo_json::array_v || v.items.empty())
    p.fail_at(v.offset, "Polygon coordinates must be a non-empty array of linear rings");
  geo_polygon polygon;
  for (const auto& r : v.items) polygon.push_back(json_ring(p, r));
  return polygon;
}

inline void json_geometry(const geo_json_parser& p, const geo_json& v, std::vector<geo_polygon>& out) {
  if (v.kind != geo_json::object_v) p.fail_at(v.offset, "expected a GeoJSON object");
  const std::string& type = json_member(p, v, "type", geo_json::string_v, "a string").string;
  if (type == "Feature") {
    const geo_json* g = v.member("geometry");
    if (g == nullptr || g->kind != geo_json::object_v) p.fail_at(v.offset, "a Feature needs a geometry object");
    json_geometry(p, *g, out);
  } else if (type == "FeatureCollection") {
    const geo_json& features = json_member(p, v, "features", geo_json::array_v, "an array");
    // As WKT's EMPTY: a territory without area would have no bounds and contain nothing.
    if (features.items.empty()) p.fail_at(features.offset, "an empty FeatureCollection is not a territory");
    for (const auto& f : features.items) json_geometry(p, f, out);
  } else if (type == "Polygon") {
    out.push_back(json_polygon(p, json_member(p, v, "coordinates", geo_json::array_v, "an array")));
  } else if (type == "MultiPolygon") {
    const geo_json& c = json_member(p, v, "coordinates", geo_json::array_v, "an array");
    if (c.items.empty()) p.fail_at(c.offset, "an empty MultiPolygon is not a territory");
    for (const auto& poly : c.items) out.push_back(json_polygon(p, poly));
  } else {
    p.fail_at(v.offset, fmt::format("geometry type \"{}\" is not a territory (Polygon, MultiPolygon, Feature or "
                                    "FeatureCollection expected)",
                                    type));
  }
}

// ---- validity -------------------------------------------------------------------------
struct geo_seg {
  double x1, y1, x2, y2;
  std::uint32_t polygon, ring, index;
};

inline double geo_orient(double ax, double ay, double bx, double by, double cx, double cy) noexcept {
  return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}

inline bool geo_on_segment(double ax, double ay, double bx, double by, double px, double py) noexcept {
  return std::min(ax, bx) <= px && px <= std::max(ax, bx) && std::min(ay, by) <= py && py <= std::max(ay, by);
}

// Whether closed segments ab and cd share a point (orientation tests, CLRS 33.1).
inline bool geo_segments_touch(const geo_seg& s, const geo_seg& t) noexcept {
  const double d1 = geo_orient(t.x1, t.y1, t.x2, t.y2, s.x1, s.y1);
  const double d2 = geo_orient(t.x1, t.y1, t.x2, t.y2, s.x2, s.y2);
  const double d3 = geo_orient(s.x1, s.y1, s.x2, s.y2, t.x1, t.y1);
  const double d4 = geo_orient(s.x1, s.y1, s.x2, s.y2, t.x2, t.y2);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true;
  if (d1 == 0 && geo_on_segment(t.x1, t.y1, t.x2, t.y2, s.x1, s.y1)) return true;
  if (d2 == 0 && geo_on_segment(t.x1, t.y1, t.x2, t.y2, s.x2, s.y2)) return true;
  if (d3 == 0 && geo_on_segment(s.x1, s.y1, s.x2, s.y2, t.x1, t.y1)) return true;
  if (d4 == 0 && geo_on_segment(s.x1, s.y1, s.x2, s.y2, t.x2, t.y2)) return true;
  return false;
}

// Adjacent edges of one ring share exactly their common vertex unless they fold back.
inline bool geo_adjacent_overlap(const geo_seg& a, const geo_seg& b) noexcept {
  // a ends where b starts: overlap when b's end lies on a (or a's start on b) collinearly.
  if (geo_orient(a.x1, a.y1, a.x2, a.y2, b.x2, b.y2) != 0) return false;
  return geo_on_segment(a.x1, a.y1, a.x2, a.y2, b.x2, b.y2) || geo_on_segment(b.x1, b.y1, b.x2, b.y2, a.x1, a.y1);
}

inline bool geo_ring_contains(const geo_ring& ring, double x, double y) noexcept {
  bool inside = false;
  for (std::size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
    const double xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
    if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

inline bool geo_polygon_contains(const geo_polygon& polygon, double x, double y) noexcept {
  if (!geo_ring_contains(polygon[0], x, y)) return false;
  for (std::size_t h = 1; h < polygon.size(); ++h)
    if (geo_ring_contains(polygon[h], x, y)) return false;
  return true;
}

inline std::string geo_ring_name(std::size_t p, std::size_t r) {
  return r == 0 ? fmt::format("polygon {} shell", p) : fmt::format("polygon {} hole {}", p, r);
}

// Territories across the antimeridian (territory.hpp, "Across the antimeridian"): makes
// the longitudes of each ring continuous (every edge the short way round), shifts holes
// next to their shell, picks the window [west, west + 360) whose western edge crosses no
// polygon and moves every polygon into it. Returns west (-180 when nothing crosses).
// Without `allowed`, the first such edge is an error.
inline double geo_unwrap_antimeridian(std::vector<geo_polygon>& polygons, bool allowed) {
  bool crosses = false;
  for (std::size_t p = 0; p < polygons.size() && !crosses; ++p)
    for (std::size_t r = 0; r < polygons[p].size() && !crosses; ++r) {
      const geo_ring& ring = polygons[p][r];
      for (std::size_t i = 0; i + 1 < ring.size() && !crosses; ++i) {
        if (std::fabs(ring[i + 1][0] - ring[i][0]) <= 180.0) continue;
        crosses = true;
        if (!allowed)
          throw error(errc::invalid_argument,
                      fmt::format("{} edge {} spans {} degrees of longitude ({} to {}): a territory crossing the "
                                  "antimeridian must be split there into a MultiPolygon (RFC 7946, 3.1.9), or read "
                                  "with territory_options::wrap_antimeridian",
                                  geo_ring_name(p, r), i, std::fabs(ring[i + 1][0] - ring[i][0]), ring[i][0],
                                  ring[i + 1][0]));
      }
    }
  if (!crosses) return -180.0;
  auto shift = [](geo_ring& ring, double d) {
    for (auto& pt : ring) pt[0] += d;
  };
  std::vector<std::array<double, 2>> ranges(polygons.size());  // x range of each shell
  for (std::size_t p = 0; p < polygons.size(); ++p) {
    for (std::size_t r = 0; r < polygons[p].size(); ++r) {
      geo_ring& ring = polygons[p][r];
      for (std::size_t i = 0; i + 1 < ring.size(); ++i) {
        double dx = ring[i + 1][0] - ring[i][0];
        if (std::fabs(dx) > 180.0) dx -= 360.0 * std::round(dx / 360.0);  // the short way round
        ring[i + 1][0] = ring[i][0] + dx;
      }
      if (std::fabs(ring.back()[0] - ring.front()[0]) > 1e-9)
        throw error(errc::invalid_argument,
                    fmt::format("{} winds around a pole (its edges span {} degrees of longitude); write it with edges "
                                "along the +-180 meridian and the pole's parallel (RFC 7946)",
                                geo_ring_name(p, r), ring.back()[0] - ring.front()[0]));
      ring.back() = ring.front();
      ring.erase(std::unique(ring.begin(), ring.end()), ring.end());  // 180 -> -180 is no edge
      if (ring.size() < 4)
        throw error(errc::invalid_argument, fmt::format("{} has fewer than 3 distinct vertices", geo_ring_name(p, r)));
      double lo = ring[0][0];
      for (const auto& pt : ring) lo = std::min(lo, pt[0]);
      if (r == 0) {
        if (lo < -180.0) shift(ring, 360.0);
        double a = ring[0][0], b = ring[0][0];
        for (const auto& pt : ring) {
          a = std::min(a, pt[0]);
          b = std::max(b, pt[0]);
        }
        ranges[p] = {a, b};
      } else {  // a hole goes where its first vertex falls inside its shell's range
        const double x = ring[0][0];
        const double k = x < ranges[p][0] ? std::ceil((ranges[p][0] - x) / 360.0)
                                          : -std::floor((x - ranges[p][0]) / 360.0);
        shift(ring, 360.0 * k);
      }
    }
  }
  // The window's western edge: -180 or the eastern end of a polygon, whichever first
  // lies strictly inside no polygon's longitude range (taken modulo 360).
  auto inside = [&](double g) {
    for (const auto& [a, b] : ranges) {
      double x = g;
      while (x < a) x += 360.0;
      while (x >= a + 360.0) x -= 360.0;
      if (x > a && x < b) return true;
    }
    return false;
  };
  std::vector<double> candidates = {-180.0};
  for (const auto& [a, b] : ranges) candidates.push_back(b > 180.0 ? b - 360.0 : b);
  double west = std::numeric_limits<double>::quiet_NaN();
  for (double g : candidates)
    if (!inside(g)) {
      west = g;
      break;
    }
  if (std::isnan(west))
    throw error(errc::invalid_argument, "the territory crosses the antimeridian and its polygons cover every longitude; "
                                        "split it at +-180 into a MultiPolygon (RFC 7946, 3.1.9)");
  for (std::size_t p = 0; p < polygons.size(); ++p) {
    double d = 0.0;
    while (ranges[p][0] + d < west) d += 360.0;
    while (ranges[p][0] + d >= west + 360.0) d -= 360.0;
    if (d != 0.0)
      for (auto& ring : polygons[p]) shift(ring, d);
  }
  return west;
}

}  // namespace detail

CRMKIT_FUNC territory territory::from_polygons(std::vector<geo_polygon> polygons, const territory_options& options) {
  using detail::geo_ring_name;
  std::vector<detail::geo_seg> segs;
  std::string zero_area;  // reported after the crossing tests, which explain a bow tie better
  if (polygons.empty())
    throw error(errc::invalid_argument,
                "territory::from_polygons: no polygon given; a territory needs at least one (use territory() for the "
                "empty territory)");
  for (std::size_t p = 0; p < polygons.size(); ++p) {
    if (polygons[p].empty()) throw error(errc::invalid_argument, fmt::format("polygon {} has no ring", p));
    for (std::size_t r = 0; r < polygons[p].size(); ++r) {
      geo_ring& ring = polygons[p][r];
      const std::string name = geo_ring_name(p, r);
      for (std::size_t i = 0; i < ring.size(); ++i) {
        const double x = ring[i][0], y = ring[i][1];
        if (!std::isfinite(x) || !std::isfinite(y))
          throw error(errc::invalid_argument, fmt::format("{} position {}: coordinate is not finite ({}, {})", name, i, x, y));
        if (y < -90.0 || y > 90.0)
          throw error(errc::invalid_argument, fmt::format("{} position {}: latitude {} outside [-90, 90]", name, i, y));
        if (x < -180.0 || x > 180.0)
          throw error(errc::invalid_argument, fmt::format("{} position {}: longitude {} outside [-180, 180]", name, i, x));
      }
      if (ring.size() < 4)
        throw error(errc::invalid_argument,
                    fmt::format("{} has {} positions; a closed ring needs at least 4 (3 distinct vertices)", name, ring.size()));
      if (ring.front() != ring.back())
        throw error(errc::invalid_argument,
                    fmt::format("{} is not closed: first position ({}, {}) differs from last ({}, {})", name, ring.front()[0],
                                ring.front()[1], ring.back()[0], ring.back()[1]));
      ring.erase(std::unique(ring.begin(), ring.end()), ring.end());
      if (ring.size() < 4)
        throw error(errc::invalid_argument, fmt::format("{} has fewer than 3 distinct vertices", name));
    }
  }
  const double west = detail::geo_unwrap_antimeridian(polygons, options.wrap_antimeridian);
  for (std::size_t p = 0; p < polygons.size(); ++p) {
    for (std::size_t r = 0; r < polygons[p].size(); ++r) {
      const geo_ring& ring = polygons[p][r];
      const std::string name = geo_ring_name(p, r);
      double area2 = 0.0;
      for (std::size_t i = 0; i + 1 < ring.size(); ++i) {
        area2 += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
        segs.push_back({ring[i][0], ring[i][1], ring[i + 1][0], ring[i + 1][1], static_cast<std::uint32_t>(p),
                        static_cast<std::uint32_t>(r), static_cast<std::uint32_t>(i)});
      }
      if (area2 == 0.0 && zero_area.empty()) zero_area = name;
    }
  }

  // Pairwise edge test, bucketed by latitude bands so that only edges sharing a band meet.
  if (!segs.empty()) {
    double lo = segs[0].y1, hi = segs[0].y1;
    for (const auto& s : segs) {
      lo = std::min({lo, s.y1, s.y2});
      hi = std::max({hi, s.y1, s.y2});
    }
    const std::size_t n_bands = std::clamp<std::size_t>(segs.size() / 4, 1, 1 << 14);
    const double h = hi > lo ? (hi - lo) / static_cast<double>(n_bands) : 1.0;
    auto band_of = [&](double y) {
      const double b = std::floor((y - lo) / h);
      return static_cast<std::size_t>(std::clamp(b, 0.0, static_cast<double>(n_bands - 1)));
    };
    std::vector<std::vector<std::uint32_t>> bands(n_bands);
    for (std::size_t i = 0; i < segs.size(); ++i) {
      const std::size_t b0 = band_of(std::min(segs[i].y1, segs[i].y2)), b1 = band_of(std::max(segs[i].y1, segs[i].y2));
      for (std::size_t b = b0; b <= b1; ++b) bands[b].push_back(static_cast<std::uint32_t>(i));
    }
    for (std::size_t b = 0; b < n_bands; ++b) {
      const auto& list = bands[b];
      for (std::size_t u = 0; u < list.size(); ++u) {
        const auto& s = segs[list[u]];
        for (std::size_t v = u + 1; v < list.size(); ++v) {
          const auto& t = segs[list[v]];
          // Test each pair once: in the first band both edges occupy.
          if (std::max(band_of(std::min(s.y1, s.y2)), band_of(std::min(t.y1, t.y2))) != b) continue;
          if (std::max(s.x1, s.x2) < std::min(t.x1, t.x2) || std::max(t.x1, t.x2) < std::min(s.x1, s.x2)) continue;
          const bool same_ring = s.polygon == t.polygon && s.ring == t.ring;
          bool bad;
          if (same_ring) {
            const std::size_t m = polygons[s.polygon][s.ring].size() - 1;  // edges in the ring
            const std::size_t i = s.index, j = t.index;
            if ((i + 1) % m == j) {
              bad = detail::geo_adjacent_overlap(s, t);
            } else if ((j + 1) % m == i) {
              bad = detail::geo_adjacent_overlap(t, s);
            } else {
              bad = detail::geo_segments_touch(s, t);
            }
          } else {
            bad = detail::geo_segments_touch(s, t);
          }
          if (bad) {
            const std::string a = geo_ring_name(s.polygon, s.ring), c = geo_ring_name(t.polygon, t.ring);
            throw error(errc::invalid_argument,
                        same_ring ? fmt::format("{} self-intersects: edge {} ({}, {})-({}, {}) meets edge {} ({}, {})-({}, {})",
                                                a, s.index, s.x1, s.y1, s.x2, s.y2, t.index, t.x1, t.y1, t.x2, t.y2)
                                  : fmt::format("{} edge {} meets {} edge {} near ({}, {}): rings must not cross or touch", a,
                                                s.index, c, t.index, s.x1, s.y1));
          }
        }
      }
    }
  }

  if (!zero_area.empty()) throw error(errc::invalid_argument, fmt::format("{} has zero area", zero_area));

  // With no crossings, containment is decided by one vertex per ring.
  for (std::size_t p = 0; p < polygons.size(); ++p) {
    const geo_polygon& poly = polygons[p];
    for (std::size_t r = 1; r < poly.size(); ++r) {
      if (!detail::geo_ring_contains(poly[0], poly[r][0][0], poly[r][0][1]))
        throw error(errc::invalid_argument, fmt::format("polygon {} hole {} lies outside its shell", p, r));
      for (std::size_t o = 1; o < poly.size(); ++o)
        if (o != r && detail::geo_ring_contains(poly[o], poly[r][0][0], poly[r][0][1]))
          throw error(errc::invalid_argument, fmt::format("polygon {} hole {} lies inside hole {}", p, r, o));
    }
    for (std::size_t q = 0; q < polygons.size(); ++q)
      if (q != p && detail::geo_polygon_contains(polygons[q], poly[0][0][0], poly[0][0][1]))
        throw error(errc::invalid_argument,
                    fmt::format("polygon {} lies inside polygon {}: the polygons of a territory must not overlap", p, q));
  }

  territory t;
  t.polygons_ = std::move(polygons);
  t.west_ = west;
  t.build();
  return t;
}

CRMKIT_FUNC void territory::build() {
  std::vector<edge> edges;
  for (const auto& poly : polygons_)
    for (const auto& ring : poly)
      for (std::size_t i = 0; i + 1 < ring.size(); ++i)
        if (ring[i][1] != ring[i + 1][1])  // horizontal edges never flip the crossing parity
          edges.push_back({ring[i][0], ring[i][1], ring[i + 1][0], ring[i + 1][1]});
  if (polygons_.empty()) return;
  double min_x = polygons_[0][0][0][0], max_x = min_x, min_y = polygons_[0][0][0][1], max_y = min_y;
  for (const auto& poly : polygons_)
    for (const auto& pt : poly[0]) {
      min_x = std::min(min_x, pt[0]);
      max_x = std::max(max_x, pt[0]);
      min_y = std::min(min_y, pt[1]);
      max_y = std::max(max_y, pt[1]);
    }
  box_ = {min_x, min_y, max_x, max_y};
  // Public bounds in [-180, 180]: the window's longitudes beyond 180 wrap (a box across
  // the antimeridian then has min_lon > max_lon).
  if (max_x - min_x >= 360.0) {
    bounds_ = {-180.0, min_y, 180.0, max_y};
  } else {
    bounds_ = {min_x > 180.0 ? min_x - 360.0 : min_x, min_y, max_x > 180.0 ? max_x - 360.0 : max_x, max_y};
  }
  const std::size_t n_bands = std::clamp<std::size_t>(edges.size() / 2, 1, 1 << 16);
  band_height_ = max_y > min_y ? (max_y - min_y) / static_cast<double>(n_bands) : 1.0;
  std::vector<std::uint32_t> counts(n_bands + 1, 0);
  auto band_of = [&](double y) {
    const double b = std::floor((y - min_y) / band_height_);
    return static_cast<std::size_t>(std::clamp(b, 0.0, static_cast<double>(n_bands - 1)));
  };
  for (const auto& e : edges)
    for (std::size_t b = band_of(std::min(e.y1, e.y2)), last = band_of(std::max(e.y1, e.y2)); b <= last; ++b) ++counts[b + 1];
  for (std::size_t b = 0; b < n_bands; ++b) counts[b + 1] += counts[b];
  band_start_ = counts;
  band_edges_.resize(counts[n_bands]);
  for (const auto& e : edges)
    for (std::size_t b = band_of(std::min(e.y1, e.y2)), last = band_of(std::max(e.y1, e.y2)); b <= last; ++b)
      band_edges_[counts[b]++] = e;
}

CRMKIT_FUNC bool territory::contains(double lon, double lat) const noexcept {
  if (lon < west_) lon += 360.0;  // into the window (a no-op unless it crosses the antimeridian)
  if (band_start_.size() < 2) return false;  // the empty territory: no bands, contains nothing
  if (!(lon >= box_[0] && lon <= box_[2] && lat >= box_[1] && lat <= box_[3])) return false;  // NaN too
  const std::size_t n_bands = band_start_.size() - 1;
  const double b = std::floor((lat - box_[1]) / band_height_);
  const std::size_t band = static_cast<std::size_t>(std::clamp(b, 0.0, static_cast<double>(n_bands - 1)));
  bool inside = false;
  // PNPOLY's half-open crossing test (W. R. Franklin): each edge counts when the
  // horizontal ray to +longitude crosses it, with its lower end included.
  for (std::uint32_t i = band_start_[band], end = band_start_[band + 1]; i < end; ++i) {
    const edge& e = band_edges_[i];
    if ((e.y1 > lat) != (e.y2 > lat) && lon < (e.x2 - e.x1) * (lat - e.y1) / (e.y2 - e.y1) + e.x1) inside = !inside;
  }
  return inside;
}

CRMKIT_FUNC std::vector<std::uint8_t> territory::contains(std::span<const double> lon, std::span<const double> lat,
                                                         std::size_t n_threads) const {
  if (lon.size() != lat.size())
    throw error(errc::invalid_argument,
                fmt::format("territory::contains: {} longitudes but {} latitudes", lon.size(), lat.size()));
  if (n_threads == 0) throw error(errc::invalid_argument, "territory::contains: n_threads must be at least 1");
  std::vector<std::uint8_t> out(lon.size());
  crmkit::parallel_for(lon.size(), 65536, n_threads, [&](std::size_t, std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) out[i] = contains(lon[i], lat[i]) ? 1 : 0;
  });
  return out;
}

CRMKIT_FUNC territory territory::from_wkt(std::string_view text, const territory_options& options) {
  detail::geo_reader in(text, "WKT");
  const std::size_t at = in.pos();
  const std::string kind = in.word();
  std::vector<geo_polygon> polygons;
  if (kind == "POLYGON" || kind == "MULTIPOLYGON") {
    const std::size_t after = in.pos();
    const std::string modifier = in.word();
    if (modifier == "EMPTY") in.fail_at(after, "an EMPTY geometry is not a territory");
    if (!modifier.empty()) in.fail_at(after, "Z/M geometries are not supported (2D longitude latitude expected)");
    if (kind == "POLYGON") {
      polygons.push_back(detail::wkt_polygon(in));
    } else {
      in.expect('(');
      do {
        polygons.push_back(detail::wkt_polygon(in));
      } while (in.accept(','));
      in.expect(')');
    }
  } else {
    in.fail_at(at, "expected POLYGON or MULTIPOLYGON");
  }
  if (!in.at_end()) in.fail("expected the end of the WKT text");
  return from_polygons(std::move(polygons), options);
}

CRMKIT_FUNC territory territory::from_geojson(std::string_view text, const territory_options& options) {
  detail::geo_json_parser parser(text);
  const detail::geo_json doc = parser.document();
  std::vector<geo_polygon> polygons;
  detail::json_geometry(parser, doc, polygons);
  return from_polygons(std::move(polygons), options);
}

CRMKIT_FUNC territory territory::parse(std::string_view text, const territory_options& options) {
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    return c == '{' ? from_geojson(text, options) : from_wkt(text, options);
  }
  throw error(errc::parse_error, "territory text is empty (expected WKT or GeoJSON)");
}

CRMKIT_END_NAMESPACE
