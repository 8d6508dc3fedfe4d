// Definitions for crmkit/report/html_report.hpp. Included by that header in header-only
// mode and by src/report/html_report.cpp otherwise.
// Deterministic: the same chart data give byte-identical SVG (fixed sizes, fixed number
// formatting, no clock, no randomness), so reports diff and test like any other output.
// IWYU pragma: private, include "crmkit/report/html_report.hpp"
#pragma once

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "crmkit/core/detail/text_fields.hpp"
#include "crmkit/core/time.hpp"
#include "crmkit/error.hpp"
#include "crmkit/report/html_report.hpp"
#include "crmkit/version.h"

CRMKIT_BEGIN_NAMESPACE

namespace detail::html {

inline constexpr double svg_width = 680, svg_height = 350, svg_left = 70, svg_right = 20, svg_top = 34, svg_bottom = 70;
inline constexpr const char* palette[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                                   "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};

inline std::string escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

inline std::string num(double v) {
  if (!std::isfinite(v)) return "";
  const double a = std::fabs(v);
  if (a == std::floor(a) && a < 1e15) return fmt::format("{:.0f}", v);
  if (a >= 1e6) return fmt::format("{:.4g}M", v / 1e6);
  if (a >= 1e4) return fmt::format("{:.0f}", v);
  if (a >= 100) return fmt::format("{:.1f}", v);
  if (a == std::floor(a)) return fmt::format("{:.0f}", v);
  return fmt::format("{:.3g}", v);
}

inline std::string coord(double v) { return fmt::format("{:.1f}", v); }

// A "nice" axis from lo to hi: about five ticks at 1, 2 or 5 times a power of ten.
struct axis {
  double lo = 0, hi = 1, step = 0.2;
  axis(double a, double b) {
    if (!(b > a)) {
      b = a + 1;
      if (a > 0) a = 0;
    }
    const double raw = (b - a) / 5;
    const double p = std::pow(10.0, std::floor(std::log10(raw)));
    const double m = raw / p;
    step = (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
    lo = std::floor(a / step) * step;
    hi = std::ceil(b / step) * step;
  }
  [[nodiscard]] double frac(double v) const { return (v - lo) / (hi - lo); }
};

inline const crmkit::chart_column* col(const crmkit::chart_data& c, const std::string& name) { return c.find(name); }

inline std::string svg_open(const crmkit::chart_data& c) {
  return fmt::format("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"chart-{}\" viewBox=\"0 0 {} {}\" "
                     "width=\"{}\" height=\"{}\" role=\"img\" aria-label=\"{}\">\n",
                     escape(c.name), svg_width, svg_height, svg_width, svg_height, escape(c.title));
}

// Frame, y grid and y tick labels.
inline std::string y_axis(const axis& y) {
  std::string s;
  const double plot_h = svg_height - svg_top - svg_bottom;
  for (double v = y.lo; v <= y.hi + y.step / 2; v += y.step) {
    const double py = svg_top + plot_h * (1 - y.frac(v));
    s += fmt::format("<line x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" stroke=\"#ddd\"/>"
                     "<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\">{}</text>\n",
                     svg_left, svg_width - svg_right, coord(py), coord(py), svg_left - 6, coord(py + 4), num(v));
  }
  s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#888\"/>\n", svg_left, svg_top,
                   svg_width - svg_left - svg_right, plot_h);
  return s;
}

inline std::string x_label(double px, const std::string& text) {
  return fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\" transform=\"rotate(-40 {} {})\">{}</text>\n",
                     coord(px), coord(svg_height - svg_bottom + 14), coord(px), coord(svg_height - svg_bottom + 14), escape(text));
}

inline std::string axis_titles(const std::string& x, const std::string& y) {
  return fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"middle\">{}</text>\n"
                     "<text x=\"14\" y=\"{}\" font-size=\"12\" text-anchor=\"middle\" transform=\"rotate(-90 14 {})\">{}</text>\n",
                     coord(svg_left + (svg_width - svg_left - svg_right) / 2), coord(svg_height - 4), escape(x), coord(svg_top + (svg_height - svg_top - svg_bottom) / 2),
                     coord(svg_top + (svg_height - svg_top - svg_bottom) / 2), escape(y));
}

inline std::string legend(const std::vector<std::string>& names) {
  std::string s;
  double x = svg_left + 8;
  for (std::size_t i = 0; i < names.size(); ++i) {
    s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"{}\"/><text x=\"{}\" y=\"{}\" font-size=\"11\">{}</text>\n",
                     coord(x), 8, palette[i % std::size(palette)], coord(x + 14), 17, escape(names[i]));
    x += 24 + 7.0 * static_cast<double>(names[i].size());
  }
  return s;
}

inline std::string label_of(const crmkit::chart_column& c, std::size_t i) {
  return c.is_label ? c.labels[i] : num(c.values[i]);
}

inline std::size_t label_stride(std::size_t n) { return std::max<std::size_t>(1, (n + 23) / 24); }

inline std::string render_bar(const crmkit::chart_data& c) {
  const auto* x = col(c, c.x);
  const auto* y = c.y.empty() ? nullptr : col(c, c.y[0]);
  if (!x || !y || y->is_label) return {};
  const std::size_t n = c.rows();
  double hi = 0, lo = 0;
  for (double v : y->values)
    if (std::isfinite(v)) {
      hi = std::max(hi, v);
      lo = std::min(lo, v);
    }
  const axis ay(lo, hi);
  const double plot_w = svg_width - svg_left - svg_right, plot_h = svg_height - svg_top - svg_bottom, slot = plot_w / static_cast<double>(n);
  std::string s = svg_open(c) + y_axis(ay);
  const double zero = svg_top + plot_h * (1 - ay.frac(0));
  for (std::size_t i = 0; i < n; ++i) {
    const double v = y->values[i];
    if (!std::isfinite(v)) continue;
    const double py = svg_top + plot_h * (1 - ay.frac(v));
    s += fmt::format("<rect class=\"mark\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"><title>{}: {}</title></rect>\n",
                     coord(svg_left + slot * static_cast<double>(i) + slot * 0.1), coord(std::min(py, zero)), coord(slot * 0.8),
                     coord(std::max(std::fabs(zero - py), 0.5)), palette[0], escape(label_of(*x, i)), num(v));
  }
  for (std::size_t i = 0; i < n; i += label_stride(n)) s += x_label(svg_left + slot * (static_cast<double>(i) + 0.5), label_of(*x, i));
  return s + axis_titles(c.x, y->name) + "</svg>\n";
}

inline std::string render_stacked(const crmkit::chart_data& c) {
  const auto* x = col(c, c.x);
  if (!x || c.y.empty()) return {};
  const std::size_t n = c.rows();
  std::vector<const crmkit::chart_column*> ys;
  for (const auto& name : c.y)
    if (const auto* y = col(c, name); y && !y->is_label) ys.push_back(y);
  double hi = 0;
  for (std::size_t i = 0; i < n; ++i) {
    double total = 0;
    for (const auto* y : ys)
      if (std::isfinite(y->values[i])) total += y->values[i];
    hi = std::max(hi, total);
  }
  const axis ay(0, hi);
  const double plot_w = svg_width - svg_left - svg_right, plot_h = svg_height - svg_top - svg_bottom, slot = plot_w / static_cast<double>(n);
  std::string s = svg_open(c) + y_axis(ay);
  for (std::size_t i = 0; i < n; ++i) {
    double base = 0;
    for (std::size_t k = 0; k < ys.size(); ++k) {
      const double v = ys[k]->values[i];
      if (!std::isfinite(v) || v <= 0) continue;
      const double y0 = svg_top + plot_h * (1 - ay.frac(base)), y1 = svg_top + plot_h * (1 - ay.frac(base + v));
      s += fmt::format("<rect class=\"mark\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"><title>{} {}: {}</title></rect>\n",
                       coord(svg_left + slot * static_cast<double>(i) + slot * 0.05), coord(y1), coord(slot * 0.9),
                       coord(y0 - y1), palette[k % std::size(palette)], escape(label_of(*x, i)), escape(ys[k]->name), num(v));
      base += v;
    }
  }
  for (std::size_t i = 0; i < n; i += label_stride(n)) s += x_label(svg_left + slot * (static_cast<double>(i) + 0.5), label_of(*x, i));
  std::vector<std::string> names;
  for (const auto* y : ys) names.push_back(y->name);
  return s + legend(names) + axis_titles(c.x, "customers") + "</svg>\n";
}

inline std::string render_line(const crmkit::chart_data& c) {
  const auto* x = col(c, c.x);
  if (!x || c.y.empty()) return {};
  const std::size_t n = c.rows();
  std::vector<const crmkit::chart_column*> ys;
  for (const auto& name : c.y)
    if (const auto* y = col(c, name); y && !y->is_label) ys.push_back(y);
  double ylo = 0, yhi = 0, xlo = 0, xhi = static_cast<double>(n > 1 ? n - 1 : 1);
  for (const auto* y : ys)
    for (double v : y->values)
      if (std::isfinite(v)) {
        ylo = std::min(ylo, v);
        yhi = std::max(yhi, v);
      }
  if (!x->is_label && n > 0) {
    xlo = *std::min_element(x->values.begin(), x->values.end());
    xhi = *std::max_element(x->values.begin(), x->values.end());
  }
  const axis ay(ylo, yhi);
  const double plot_w = svg_width - svg_left - svg_right, plot_h = svg_height - svg_top - svg_bottom;
  auto px = [&](std::size_t i) {
    const double v = x->is_label ? static_cast<double>(i) : x->values[i];
    return svg_left + plot_w * (xhi > xlo ? (v - xlo) / (xhi - xlo) : 0.5);
  };
  std::string s = svg_open(c) + y_axis(ay);
  for (std::size_t k = 0; k < ys.size(); ++k) {
    std::string points;
    for (std::size_t i = 0; i < n; ++i) {
      const double v = ys[k]->values[i];
      if (!std::isfinite(v)) continue;
      points += fmt::format("{}{},{}", points.empty() ? "" : " ", coord(px(i)), coord(svg_top + plot_h * (1 - ay.frac(v))));
    }
    s += fmt::format("<polyline class=\"mark\" points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{}\"{}/>\n", points,
                     palette[k % std::size(palette)], k == 0 ? 2.5 : 1.5, k == 0 ? "" : " stroke-dasharray=\"4 3\"");
  }
  if (x->is_label) {
    for (std::size_t i = 0; i < n; i += label_stride(n)) s += x_label(px(i), x->labels[i]);
  } else {
    const axis ax(xlo, xhi);
    for (double v = ax.lo; v <= ax.hi + ax.step / 2; v += ax.step)
      s += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\">{}</text>\n",
                       coord(svg_left + plot_w * (xhi > xlo ? (v - xlo) / (xhi - xlo) : 0.5)), coord(svg_height - svg_bottom + 16), num(v));
  }
  std::vector<std::string> names;
  for (const auto* y : ys) names.push_back(y->name);
  return s + legend(names) + axis_titles(c.x, ys.empty() ? "" : ys[0]->name) + "</svg>\n";
}

inline std::string render_scatter(const crmkit::chart_data& c) {
  const auto* x = col(c, c.x);
  const auto* y = c.y.empty() ? nullptr : col(c, c.y[0]);
  if (!x || !y || x->is_label || y->is_label) return {};
  const auto* group = col(c, "territory");
  std::map<std::string, std::size_t> colours;
  double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
  for (std::size_t i = 0; i < c.rows(); ++i) {
    if (!std::isfinite(x->values[i]) || !std::isfinite(y->values[i])) continue;
    xlo = std::min(xlo, x->values[i]);
    xhi = std::max(xhi, x->values[i]);
    ylo = std::min(ylo, y->values[i]);
    yhi = std::max(yhi, y->values[i]);
  }
  if (!(xlo <= xhi)) return {};
  const axis ax(xlo, xhi), ay(ylo, yhi);
  const double plot_w = svg_width - svg_left - svg_right, plot_h = svg_height - svg_top - svg_bottom;
  std::string s = svg_open(c) + y_axis(ay);
  for (std::size_t i = 0; i < c.rows(); ++i) {
    if (!std::isfinite(x->values[i]) || !std::isfinite(y->values[i])) continue;
    std::size_t colour = 0;
    if (group && group->is_label) colour = colours.emplace(group->labels[i], colours.size()).first->second;
    s += fmt::format("<circle class=\"mark\" cx=\"{}\" cy=\"{}\" r=\"2.5\" fill=\"{}\" fill-opacity=\"0.6\"/>\n",
                     coord(svg_left + plot_w * ax.frac(x->values[i])), coord(svg_top + plot_h * (1 - ay.frac(y->values[i]))),
                     palette[colour % std::size(palette)]);
  }
  for (double v = ax.lo; v <= ax.hi + ax.step / 2; v += ax.step)
    s += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\">{}</text>\n",
                     coord(svg_left + plot_w * ax.frac(v)), coord(svg_height - svg_bottom + 16), num(v));
  if (colours.size() > 1) {
    std::vector<std::string> names(colours.size());
    for (const auto& [name, k] : colours) names[k] = name.empty() ? "(none)" : name;
    s += legend(names);
  }
  return s + axis_titles(x->name, y->name) + "</svg>\n";
}

// Sequential colour from light (0) to dark blue (1).
inline std::string heat_colour(double t) {
  t = std::clamp(t, 0.0, 1.0);
  const auto mix = [&](double a, double b) { return static_cast<int>(std::lround(a + (b - a) * t)); };
  return fmt::format("#{:02x}{:02x}{:02x}", mix(0xf7, 0x08), mix(0xfb, 0x30), mix(0xff, 0x6b));
}

inline std::string render_heatmap(const crmkit::chart_data& c) {
  const auto* x = col(c, c.x);
  const auto* y = c.y.empty() ? nullptr : col(c, c.y[0]);
  const auto* v = col(c, c.value);
  if (!x || !y || !v || !x->is_label || !y->is_label || v->is_label) return {};
  std::vector<std::string> xs, ys;
  for (std::size_t i = 0; i < c.rows(); ++i) {
    if (std::find(xs.begin(), xs.end(), x->labels[i]) == xs.end()) xs.push_back(x->labels[i]);
    if (std::find(ys.begin(), ys.end(), y->labels[i]) == ys.end()) ys.push_back(y->labels[i]);
  }
  double lo = INFINITY, hi = -INFINITY;
  for (double value : v->values)
    if (std::isfinite(value)) {
      lo = std::min(lo, value);
      hi = std::max(hi, value);
    }
  const double plot_w = svg_width - svg_left - svg_right, plot_h = svg_height - svg_top - svg_bottom;
  const double cw = plot_w / static_cast<double>(xs.size()), ch = plot_h / static_cast<double>(ys.size());
  std::string s = svg_open(c);
  for (std::size_t i = 0; i < c.rows(); ++i) {
    const auto xi = static_cast<double>(std::find(xs.begin(), xs.end(), x->labels[i]) - xs.begin());
    const auto yi = static_cast<double>(std::find(ys.begin(), ys.end(), y->labels[i]) - ys.begin());
    const double value = v->values[i];
    const bool ok = std::isfinite(value);
    const double t = ok && hi > lo ? (value - lo) / (hi - lo) : 0.5;
    s += fmt::format("<rect class=\"{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" stroke=\"#fff\"><title>{} {}: {}</title></rect>\n",
                     ok ? "mark" : "empty", coord(svg_left + xi * cw), coord(svg_top + yi * ch), coord(cw), coord(ch),
                     ok ? heat_colour(t) : "#eeeeee", escape(x->labels[i]), escape(y->labels[i]), ok ? num(value) : "no customers");
    if (ok && xs.size() * ys.size() <= 120)
      s += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"10\" text-anchor=\"middle\" fill=\"{}\">{}</text>\n",
                       coord(svg_left + (xi + 0.5) * cw), coord(svg_top + (yi + 0.5) * ch + 4), t > 0.55 ? "#fff" : "#222", num(value));
  }
  for (std::size_t i = 0; i < xs.size(); ++i) s += x_label(svg_left + (static_cast<double>(i) + 0.5) * cw, xs[i]);
  for (std::size_t j = 0; j < ys.size(); ++j)
    s += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\">{}</text>\n", svg_left - 6,
                     coord(svg_top + (static_cast<double>(j) + 0.5) * ch + 4), escape(ys[j]));
  return s + axis_titles(x->name, y->name) + "</svg>\n";
}

inline std::string value_of(const crmkit::chart_data& c, const std::string& metric) {
  const auto* m = col(c, "metric");
  const auto* v = col(c, "value");
  if (!m || !v || v->is_label) return "";
  for (std::size_t i = 0; i < c.rows(); ++i)
    if (m->labels[i] == metric) return num(v->values[i]);
  return "";
}

inline const crmkit::chart_data* chart_named(const crmkit::report_data& r, std::string_view name) {
  for (const auto& c : r.charts)
    if (c.name == name) return &c;
  return nullptr;
}

}  // namespace detail::html

CRMKIT_FUNC std::string chart_svg(const chart_data& chart) {
  using namespace detail::html;
  if (chart.rows() == 0) return {};
  if (chart.kind == "bar") return render_bar(chart);
  if (chart.kind == "stacked") return render_stacked(chart);
  if (chart.kind == "line") return render_line(chart);
  if (chart.kind == "scatter") return render_scatter(chart);
  if (chart.kind == "heatmap") return render_heatmap(chart);
  return {};
}

CRMKIT_FUNC std::string chart_html_table(const chart_data& chart, std::size_t max_rows) {
  using detail::html::escape;
  using detail::html::num;
  std::string s = "<div class=\"scroll\"><table><thead><tr>";
  for (const auto& c : chart.columns) s += "<th>" + escape(c.name) + "</th>";
  s += "</tr></thead><tbody>\n";
  for (std::size_t i = 0; i < std::min(chart.rows(), max_rows); ++i) {
    s += "<tr>";
    for (const auto& c : chart.columns)
      s += c.is_label ? "<td>" + escape(c.labels[i]) + "</td>" : "<td class=\"n\">" + num(c.values[i]) + "</td>";
    s += "</tr>\n";
  }
  s += "</tbody></table></div>\n";
  if (chart.rows() > max_rows) s += fmt::format("<p class=\"note\">{} more rows in the data files.</p>\n", chart.rows() - max_rows);
  return s;
}

CRMKIT_FUNC std::string report_html(const report_data& report, const html_report_options& options) {
  using namespace detail::html;
  const std::string& title = options.title;
  const std::string& source = options.source;
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  h += "<title>" + escape(title) + "</title>\n<style>\n"
       "body{font-family:system-ui,sans-serif;max-width:760px;margin:2em auto;color:#222;padding:0 1em}\n"
       "h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}\n"
       "figure{margin:1.2em 0}figcaption{font-weight:600;margin-bottom:.3em}\n"
       "table{border-collapse:collapse;font-size:.9em;margin:.5em 0}td,th{border:1px solid #ddd;padding:2px 8px}\n"
       "td.n{text-align:right;font-variant-numeric:tabular-nums}.note,.files{color:#666;font-size:.85em}\n"
       ".kpi{display:flex;gap:1.5em;flex-wrap:wrap}.kpi div{background:#f4f6fa;padding:.5em 1em;border-radius:6px}\n"
       ".kpi b{display:block;font-size:1.3em}.scroll{overflow-x:auto}svg{max-width:100%;height:auto;font-family:system-ui,sans-serif}\n"
       "</style>\n</head>\n<body>\n";
  h += "<h1>" + escape(title) + "</h1>\n";
  h += fmt::format("<p class=\"note\">Source: {} &middot; as of {} &middot; crmkit {} &middot; every chart is drawn by crmkit "
                   "as inline SVG; its data is in <code>data/</code> as CSV and JSON.</p>\n",
                   escape(source), crmkit::format_iso8601(report.as_of), CRMKIT_VERSION_STRING);
  if (const auto* o = chart_named(report, "overview")) {
    h += "<div class=\"kpi\">";
    for (auto [metric, label] : {std::pair{"customers", "customers"}, {"active_customers", "active"}, {"orders", "orders"},
                                 {"revenue", "revenue"}, {"rows_dropped", "rows dropped"}})
      if (const std::string v = value_of(*o, metric); !v.empty()) h += fmt::format("<div><b>{}</b>{}</div>", v, label);
    h += "</div>\n";
  }
  if (const auto* v = chart_named(report, "value_concentration")) {
    h += fmt::format("<p>Gini {} &middot; the top 20% of customers make {} of revenue &middot; {} of customers make 80%.</p>\n",
                     value_of(*v, "gini"), value_of(*v, "top_20pct_share"), value_of(*v, "customers_for_80pct_share"));
  }
  static constexpr std::pair<const char*, const char*> sections[] = {
      {"overview", "Overview"}, {"value", "Value (80/20)"}, {"rfm", "RFM"},           {"clusters", "Clusters"},
      {"churn", "Churn"},       {"lifecycle", "Lifecycle"}, {"geo", "Geography"}};
  for (const auto& [key, heading] : sections) {
    bool any = false;
    for (const auto& c : report.charts) {
      if (c.section != key) continue;
      if (!any) h += fmt::format("<section id=\"{}\">\n<h2>{}</h2>\n", key, heading);
      any = true;
      h += fmt::format("<figure id=\"figure-{}\">\n<figcaption>{}</figcaption>\n", escape(c.name), escape(c.title));
      const std::string svg = chart_svg(c);
      if (!svg.empty()) h += svg;
      else if (c.rows() == 0) h += "<p class=\"note\">No data.</p>\n";
      if (c.kind == "table" || svg.empty() || (c.kind == "bar" && c.rows() <= 30)) h += chart_html_table(c);
      h += fmt::format("<p class=\"files\">Data: <a href=\"data/{0}.csv\">{0}.csv</a>, <a href=\"data/{0}.json\">{0}.json</a></p>\n",
                       escape(c.name));
      h += "</figure>\n";
    }
    if (any) h += "</section>\n";
  }
  h += "</body>\n</html>\n";
  return h;
}

namespace detail::html {

// The CSV text of column c at row i (missing: empty).
inline std::string csv_cell(const table_column& c, std::size_t i) {
  switch (c.type) {
    case column_type::float64: {
      const double v = c.float64[i];
      return std::isfinite(v) ? fmt::format("{}", v) : std::string();
    }
    case column_type::int64: {
      const std::int64_t v = c.int64[i];
      return v == missing_int64 ? std::string() : fmt::format("{}", v);
    }
    case column_type::time: {
      const std::int64_t v = c.int64[i];
      return v == missing_int64 ? std::string() : format_iso8601(v);
    }
    case column_type::category: {
      const std::int32_t code = c.category.codes[i];
      return code < 0 ? std::string() : detail::csv_field(c.category.levels->at(code));
    }
  }
  return {};
}

inline void write_file(const std::filesystem::path& path, std::string_view text) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) {
    const std::error_code ec(errno, std::generic_category());
    throw error(errc::io_error, fmt::format("write_report: cannot open '{}' for writing: {}", path.string(), ec.message()));
  }
  f.write(text.data(), static_cast<std::streamsize>(text.size()));
  f.close();
  if (!f) throw error(errc::io_error, fmt::format("write_report: cannot write '{}' (disk full?)", path.string()));
}

}  // namespace detail::html

CRMKIT_FUNC std::string customer_table_csv(const customer_table& table) {
  using detail::csv_field;
  std::string out = "customer_id";
  if (table.has_locations()) out += ",longitude,latitude";
  for (const auto& c : table.columns()) out += "," + csv_field(c.name);
  out += '\n';
  for (std::size_t i = 0; i < table.size(); ++i) {
    out += csv_field(table.id(static_cast<std::int32_t>(i)));
    if (table.has_locations()) {
      const double lon = table.longitude()[i], lat = table.latitude()[i];
      out += std::isfinite(lon) ? fmt::format(",{},{}", lon, lat) : std::string(",,");
    }
    for (const auto& c : table.columns()) {
      out += ',';
      out += detail::html::csv_cell(c, i);
    }
    out += '\n';
  }
  return out;
}

CRMKIT_FUNC std::string write_report(const report_data& report, const std::string& dir,
                                     const html_report_options& options) {
  if (dir.empty()) throw error(errc::invalid_argument, "write_report: the report folder 'dir' is empty");
  std::set<std::string_view> names;
  for (const auto& chart : report.charts) {
    if (chart.name.empty() || chart.name == "customers" || !names.insert(chart.name).second)
      throw error(errc::invalid_argument,
                  fmt::format("write_report: chart name '{}' is empty, repeated or 'customers' (the table's file)", chart.name));
    if (chart.name.find_first_of("/\\") != std::string::npos || chart.name == "." || chart.name == "..")
      throw error(errc::invalid_argument, fmt::format("write_report: chart name '{}' is not a file name", chart.name));
  }
  const std::filesystem::path root(dir), data = root / "data";
  std::error_code ec;
  std::filesystem::create_directories(data, ec);
  if (ec) throw error(errc::io_error, fmt::format("write_report: cannot create directory '{}': {}", data.string(), ec.message()));
  for (const auto& chart : report.charts) {
    detail::html::write_file(data / (chart.name + ".csv"), to_csv(chart));
    detail::html::write_file(data / (chart.name + ".json"), to_json(chart));
  }
  detail::html::write_file(data / "customers.csv", customer_table_csv(report.table));
  const std::filesystem::path page = root / "report.html";
  detail::html::write_file(page, report_html(report, options));
  return page.string();
}

CRMKIT_END_NAMESPACE
