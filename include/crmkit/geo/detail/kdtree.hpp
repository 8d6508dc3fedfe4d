// crmkit::detail::geo_kdtree: the static kd-tree over 3D unit vectors behind
// crmkit::geo_index (crmkit/geo/geo_index.hpp). Internal; not a stable API.
//
// Thread safety: immutable after build(); concurrent const use is safe.
//
// Layout: the points are stored in tree order as contiguous arrays x, y, z (float64) and
// id (int32). The tree is complete and implicit: node i has children 2i+1 and 2i+2, every
// leaf is at the same depth D (the smallest D with ceil(n / 2^D) <= leaf_max, so leaves
// hold 8-16 points), and a node's points are one contiguous range, split at its middle by
// count: the median on the axis where the node's points spread widest (geo_kd_select for
// large nodes, std::nth_element for small ones). Each node keeps the tight bounding box of
// its points and its range: 64 bytes, one cache line.
//
// Exactness: a point is within squared chord c2 of the query q when
// (q.x - x)^2 + (q.y - y)^2 + (q.z - z)^2 <= c2, evaluated in this order in doubles (the
// expression of crmkit::chord2). Rounding is monotone, so for a point inside a box that
// expression lies between the same expression at the box's nearest and farthest corners
// (per axis: fl(q - p) lies between fl(q - lo) and fl(q - hi)). The tree prunes a box only
// when its nearest corner is farther than c2 (1 + 1e-14) and counts a whole box without
// visiting its points only when its farthest corner is within c2 (1 - 1e-14); the margins
// (many ulps) keep this true even if a compiler contracts one of the expressions into
// fused multiply-adds and not the other. Everything else is decided per point by the
// exact expression, so results equal a scan over all points. The k-nearest search keeps
// the k smallest (squared chord, id) pairs in a max-heap and prunes a box only when its
// nearest corner is strictly farther (with the same margin) than the current k-th pair:
// the answer is the brute-force order, ties at the k-th distance going to smaller ids.
//
// Memory: 28 bytes per point (x, y, z, id) plus one 64-byte node per 4-8 points (8-16
// bytes per point; 8.4 for 1,000,000 points); the build uses a temporary 32 bytes per point.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "crmkit/config.hpp"
#include "crmkit/geo/sphere.hpp"

CRMKIT_BEGIN_NAMESPACE
namespace detail {

/// An axis-aligned 3D box (inclusive bounds).
struct geo_box3 {
  double lo[3];
  double hi[3];
};

/// A point of the tree before the build: unit vector and row id.
struct geo_kd_point {
  double x;
  double y;
  double z;
  std::int32_t id;
};

// Selection on one axis of a range of points (std::nth_element's contract: afterwards
// first[k] is the element a sort by that coordinate would put there, none before it is
// greater and none after it smaller). Floyd and Rivest's scheme (CACM 18(3), 1975): two
// pivots from a sample bracket the k-th value closely, one partition pass moves the
// points below the lower pivot to the front and a second, over the rest, those above the
// upper one to the back, and the search continues in the narrow middle. The partitions are
// branch-free Lomuto passes (every step swaps, the boundary advances by the comparison), so
// random coordinates cost no branch mispredictions; this is about twice as fast as
// std::nth_element on 32-byte points. Degenerate inputs (many equal coordinates) end in
// std::nth_element after a bounded number of rounds.
template <int Axis>
inline double geo_kd_coord(const geo_kd_point& p) noexcept {
  if constexpr (Axis == 0) return p.x;
  else if constexpr (Axis == 1) return p.y;
  else return p.z;
}

template <int Axis>
void geo_kd_select(geo_kd_point* first, std::size_t k, std::size_t n, std::vector<double>& sample) {
  auto less = [](const geo_kd_point& a, const geo_kd_point& b) { return geo_kd_coord<Axis>(a) < geo_kd_coord<Axis>(b); };
  // Moves the points with pred(coordinate) true to the front of [lo, hi); returns the boundary.
  auto partition = [](geo_kd_point* lo, geo_kd_point* hi, auto pred) {
    geo_kd_point* mid = lo;
    for (geo_kd_point* it = lo; it < hi; ++it) {
      const geo_kd_point v = *it;
      const bool move = pred(geo_kd_coord<Axis>(v));
      *it = *mid;
      *mid = v;
      mid += move ? 1 : 0;
    }
    return mid;
  };
  for (int round = 0; n > 256; ++round) {
    if (round == 12) break;  // degenerate (many equal coordinates): std::nth_element finishes
    // A sample of s points at a fixed stride; its ranks around k's relative rank give the
    // pivots (s ~ n^(2/3) / 2, gap ~ sqrt(s log n), as Floyd and Rivest).
    const double nd = static_cast<double>(n);
    const auto s = static_cast<std::size_t>(std::max(64.0, 0.5 * std::pow(nd, 2.0 / 3.0)));
    const double gap = 0.5 * std::sqrt(std::log(nd) * static_cast<double>(s)) + 2.0;
    sample.resize(s);
    for (std::size_t i = 0; i < s; ++i) sample[i] = geo_kd_coord<Axis>(first[i * n / s]);
    const double at = (static_cast<double>(k) + 0.5) * static_cast<double>(s) / nd;
    const auto r1 = static_cast<std::size_t>(std::clamp(at - gap, 0.0, static_cast<double>(s - 1)));
    const auto r2 = static_cast<std::size_t>(std::clamp(at + gap, 0.0, static_cast<double>(s - 1)));
    std::nth_element(sample.begin(), sample.begin() + static_cast<std::ptrdiff_t>(r1), sample.end());
    const double t1 = sample[r1];
    std::nth_element(sample.begin() + static_cast<std::ptrdiff_t>(r1), sample.begin() + static_cast<std::ptrdiff_t>(r2),
                     sample.end());
    const double t2 = sample[r2];
    // [first, a): < t1;  [a, b): t1 <= v <= t2;  [b, first + n): > t2.
    geo_kd_point* a = partition(first, first + n, [t1](double v) { return v < t1; });
    const auto na = static_cast<std::size_t>(a - first);
    if (k < na) {
      n = na;
      continue;
    }
    geo_kd_point* b = partition(a, first + n, [t2](double v) { return v <= t2; });
    const auto nb = static_cast<std::size_t>(b - first);
    if (k >= nb) {
      first = b;
      k -= nb;
      n -= nb;
      continue;
    }
    if (t1 == t2) return;  // the middle is one value: any of its points is the k-th
    first = a;
    k -= na;
    n = nb - na;
  }
  std::nth_element(first, first + static_cast<std::ptrdiff_t>(k), first + static_cast<std::ptrdiff_t>(n), less);
}

class geo_kdtree {
 public:
  /// Largest number of points in a leaf.
  static constexpr std::size_t leaf_max = 16;
  /// Relative margins of the box tests (see the file comment).
  static constexpr double margin = 1e-14;
  /// Nodes with more points than this select their median by geo_kd_select, smaller ones
  /// by std::nth_element (they are in cache, and the sampling would not pay).
  static constexpr std::size_t sample_select_min = 4096;

  /// Builds the tree over `points` (consumed; their order is lost).
  void build(std::vector<geo_kd_point> points) {
    const std::size_t n = points.size();
    x_.clear();
    y_.clear();
    z_.clear();
    id_.clear();
    nodes_.clear();
    if (n == 0) return;
    std::size_t depth = 0;
    while (((n + (std::size_t{1} << depth) - 1) >> depth) > leaf_max) ++depth;
    const std::size_t n_nodes = (std::size_t{2} << depth) - 1;
    first_leaf_ = (std::size_t{1} << depth) - 1;
    nodes_.resize(n_nodes);
    nodes_[0].begin = 0;
    nodes_[0].end = static_cast<std::uint32_t>(n);
    std::vector<double> sample;
    geo_kd_point* p = points.data();
    for (std::size_t i = 0; i < n_nodes; ++i) {
      node& nd = nodes_[i];
      const geo_box3 b = bounds(p + nd.begin, p + nd.end);
      nd.box = b;
      if (i >= first_leaf_) continue;
      const double w0 = b.hi[0] - b.lo[0], w1 = b.hi[1] - b.lo[1], w2 = b.hi[2] - b.lo[2];
      const int axis = (w0 >= w1 && w0 >= w2) ? 0 : (w1 >= w2 ? 1 : 2);
      const std::size_t count = nd.end - nd.begin;
      const std::uint32_t mid = nd.begin + static_cast<std::uint32_t>(count / 2);
      if (axis == 0) {
        select<0>(p + nd.begin, count / 2, count, sample);
      } else if (axis == 1) {
        select<1>(p + nd.begin, count / 2, count, sample);
      } else {
        select<2>(p + nd.begin, count / 2, count, sample);
      }
      nodes_[2 * i + 1].begin = nd.begin;
      nodes_[2 * i + 1].end = mid;
      nodes_[2 * i + 2].begin = mid;
      nodes_[2 * i + 2].end = nd.end;
    }
    x_.resize(n);
    y_.resize(n);
    z_.resize(n);
    id_.resize(n);
    for (std::size_t j = 0; j < n; ++j) {
      x_[j] = p[j].x;
      y_[j] = p[j].y;
      z_[j] = p[j].z;
      id_[j] = p[j].id;
    }
  }

  /// Number of points.
  [[nodiscard]] std::size_t size() const noexcept { return id_.size(); }

  /// Calls on_point(id, d2) for every point with squared chord d2 <= c2 to q, and, when
  /// Whole is true, on_all(first, last) with the ids of a whole subtree inside the ball
  /// instead of calling on_point for them (their d2 unknown).
  template <bool Whole, class OnPoint, class OnAll>
  void visit_within(const unit_vector& q, double c2, OnPoint&& on_point, OnAll&& on_all) const {
    if (nodes_.empty()) return;
    const double c2_out = c2 * (1.0 + margin);
    const double c2_in = c2 * (1.0 - margin);
    const double* xs = x_.data();
    const double* ys = y_.data();
    const double* zs = z_.data();
    const std::int32_t* ids = id_.data();
    std::size_t stack[128];
    std::size_t sp = 0;
    stack[sp++] = 0;
    while (sp > 0) {
      const std::size_t i = stack[--sp];
      const node& nd = nodes_[i];
      double mn = 0.0, mx = 0.0;
      box_distances(nd.box, q, mn, mx);
      if (mn > c2_out) continue;
      if (Whole && mx <= c2_in) {
        on_all(ids + nd.begin, ids + nd.end);
        continue;
      }
      if (i >= first_leaf_) {
        for (std::uint32_t j = nd.begin; j < nd.end; ++j) {
          const double dx = q.x - xs[j];
          const double dy = q.y - ys[j];
          const double dz = q.z - zs[j];
          const double d2 = dx * dx + dy * dy + dz * dz;
          if (d2 <= c2) on_point(ids[j], d2);
        }
        continue;
      }
      stack[sp++] = 2 * i + 2;
      stack[sp++] = 2 * i + 1;
    }
  }

  /// Number of points within squared chord c2 of q (no filter): whole subtrees inside the
  /// ball are counted without visiting their points.
  [[nodiscard]] std::size_t count_within(const unit_vector& q, double c2) const {
    if (nodes_.empty()) return 0;
    const double c2_out = c2 * (1.0 + margin);
    const double c2_in = c2 * (1.0 - margin);
    const double* xs = x_.data();
    const double* ys = y_.data();
    const double* zs = z_.data();
    std::size_t stack[128];
    std::size_t sp = 0;
    stack[sp++] = 0;
    std::size_t n = 0;
    while (sp > 0) {
      const std::size_t i = stack[--sp];
      const node& nd = nodes_[i];
      double mn = 0.0, mx = 0.0;
      box_distances(nd.box, q, mn, mx);
      if (mn > c2_out) continue;
      if (mx <= c2_in) {
        n += nd.end - nd.begin;
        continue;
      }
      if (i >= first_leaf_) {
        std::size_t c = 0;
        for (std::uint32_t j = nd.begin; j < nd.end; ++j) {
          const double dx = q.x - xs[j];
          const double dy = q.y - ys[j];
          const double dz = q.z - zs[j];
          c += (dx * dx + dy * dy + dz * dz) <= c2 ? 1 : 0;
        }
        n += c;
        continue;
      }
      stack[sp++] = 2 * i + 2;
      stack[sp++] = 2 * i + 1;
    }
    return n;
  }

  /// The k smallest (squared chord, id) pairs among the points with keep(id), ascending,
  /// into out. k >= 1.
  template <class Keep>
  void nearest(const unit_vector& q, std::size_t k, Keep&& keep, std::vector<std::pair<double, std::int32_t>>& out) const {
    out.clear();
    if (nodes_.empty()) return;
    k = std::min(k, id_.size());
    out.resize(k);
    std::pair<double, std::int32_t>* heap = out.data();  // a max-heap of hn pairs
    std::size_t hn = 0;
    double bound = std::numeric_limits<double>::infinity();  // prune boxes farther than this
    const double* xs = x_.data();
    const double* ys = y_.data();
    const double* zs = z_.data();
    const std::int32_t* ids = id_.data();
    struct entry {
      std::size_t node;
      double mind2;
    };
    entry stack[128];
    std::size_t sp = 0;
    stack[sp++] = {0, 0.0};
    while (sp > 0) {
      const entry e = stack[--sp];
      if (e.mind2 > bound) continue;
      const node& nd = nodes_[e.node];
      if (e.node >= first_leaf_) {
        for (std::uint32_t j = nd.begin; j < nd.end; ++j) {
          const double dx = q.x - xs[j];
          const double dy = q.y - ys[j];
          const double dz = q.z - zs[j];
          const double d2 = dx * dx + dy * dy + dz * dz;
          if (d2 > bound) continue;
          const std::int32_t id = ids[j];
          if (!keep(id)) continue;
          const std::pair<double, std::int32_t> cand(d2, id);
          if (hn < k) {
            heap[hn++] = cand;
            std::push_heap(heap, heap + hn);
            if (hn == k) bound = heap[0].first * (1.0 + margin);
          } else if (cand < heap[0]) {
            std::pop_heap(heap, heap + hn);
            heap[hn - 1] = cand;
            std::push_heap(heap, heap + hn);
            bound = heap[0].first * (1.0 + margin);
          }
        }
        continue;
      }
      const std::size_t l = 2 * e.node + 1, r = l + 1;
      const double ml = box_min_distance(nodes_[l].box, q);
      const double mr = box_min_distance(nodes_[r].box, q);
      // Push the farther child first so that the closer one is searched first.
      if (ml <= mr) {
        if (mr <= bound) stack[sp++] = {r, mr};
        if (ml <= bound) stack[sp++] = {l, ml};
      } else {
        if (ml <= bound) stack[sp++] = {l, ml};
        if (mr <= bound) stack[sp++] = {r, mr};
      }
    }
    std::sort_heap(heap, heap + hn);
    out.resize(hn);
  }

  /// Calls f(id) for every point whose unit vector lies in the box b (bounds included).
  template <class F>
  void for_each_in_box(const geo_box3& b, F&& f) const {
    if (nodes_.empty()) return;
    std::size_t stack[128];
    std::size_t sp = 0;
    stack[sp++] = 0;
    while (sp > 0) {
      const std::size_t i = stack[--sp];
      const node& nd = nodes_[i];
      bool meets = true;
      for (int a = 0; a < 3; ++a) meets = meets && nd.box.lo[a] <= b.hi[a] && nd.box.hi[a] >= b.lo[a];
      if (!meets) continue;
      if (i >= first_leaf_) {
        for (std::uint32_t j = nd.begin; j < nd.end; ++j)
          if (x_[j] >= b.lo[0] && x_[j] <= b.hi[0] && y_[j] >= b.lo[1] && y_[j] <= b.hi[1] && z_[j] >= b.lo[2] &&
              z_[j] <= b.hi[2])
            f(id_[j]);
        continue;
      }
      stack[sp++] = 2 * i + 2;
      stack[sp++] = 2 * i + 1;
    }
  }

  /// Bytes held by the tree (points and nodes).
  [[nodiscard]] std::size_t memory_bytes() const noexcept {
    return size() * (3 * sizeof(double) + sizeof(std::int32_t)) + nodes_.size() * sizeof(node);
  }

 private:
  struct alignas(64) node {
    geo_box3 box;
    std::uint32_t begin;
    std::uint32_t end;
  };

  template <int Axis>
  static void select(geo_kd_point* first, std::size_t k, std::size_t n, std::vector<double>& sample) {
    if (n > sample_select_min) {
      geo_kd_select<Axis>(first, k, n, sample);
    } else {
      std::nth_element(first, first + static_cast<std::ptrdiff_t>(k), first + static_cast<std::ptrdiff_t>(n),
                       [](const geo_kd_point& a, const geo_kd_point& b) {
                         return geo_kd_coord<Axis>(a) < geo_kd_coord<Axis>(b);
                       });
    }
  }

  static geo_box3 bounds(const geo_kd_point* first, const geo_kd_point* last) noexcept {
    geo_box3 b{{first->x, first->y, first->z}, {first->x, first->y, first->z}};
    for (const geo_kd_point* p = first + 1; p < last; ++p) {
      b.lo[0] = std::min(b.lo[0], p->x);
      b.hi[0] = std::max(b.hi[0], p->x);
      b.lo[1] = std::min(b.lo[1], p->y);
      b.hi[1] = std::max(b.hi[1], p->y);
      b.lo[2] = std::min(b.lo[2], p->z);
      b.hi[2] = std::max(b.hi[2], p->z);
    }
    return b;
  }

  // Squared distance from q to the nearest point of the box (0 inside), in the order of
  // the point expression.
  static double box_min_distance(const geo_box3& b, const unit_vector& q) noexcept {
    const double dx = std::max(0.0, std::max(b.lo[0] - q.x, q.x - b.hi[0]));
    const double dy = std::max(0.0, std::max(b.lo[1] - q.y, q.y - b.hi[1]));
    const double dz = std::max(0.0, std::max(b.lo[2] - q.z, q.z - b.hi[2]));
    return dx * dx + dy * dy + dz * dz;
  }

  // Squared distances from q to the nearest and the farthest point of the box.
  static void box_distances(const geo_box3& b, const unit_vector& q, double& mn, double& mx) noexcept {
    const double ax = q.x - b.lo[0], bx = q.x - b.hi[0];
    const double ay = q.y - b.lo[1], by = q.y - b.hi[1];
    const double az = q.z - b.lo[2], bz = q.z - b.hi[2];
    const double nx = std::max(0.0, std::max(-ax, bx));
    const double ny = std::max(0.0, std::max(-ay, by));
    const double nz = std::max(0.0, std::max(-az, bz));
    const double fx = std::max(std::fabs(ax), std::fabs(bx));
    const double fy = std::max(std::fabs(ay), std::fabs(by));
    const double fz = std::max(std::fabs(az), std::fabs(bz));
    mn = nx * nx + ny * ny + nz * nz;
    mx = fx * fx + fy * fy + fz * fz;
  }

  std::vector<double> x_, y_, z_;  // unit vectors in tree order
  std::vector<std::int32_t> id_;   // their rows
  std::vector<node> nodes_;        // node i: children 2i+1, 2i+2; node 0 is the root
  std::size_t first_leaf_ = 0;
};

}  // namespace detail
CRMKIT_END_NAMESPACE
