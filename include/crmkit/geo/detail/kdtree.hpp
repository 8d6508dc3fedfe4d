// crmkit::detail::geo_kdtree: the static kd-tree over 3D unit vectors behind
// crmkit::geo_index (crmkit/geo/geo_index.hpp). Internal; not a stable API.
//
// Thread safety: immutable after build(); concurrent const use is safe.
//
// Layout: the points are stored in tree order as contiguous arrays x, y, z (float64) and
// id (int32). The tree is complete and implicit: node i has children 2i+1 and 2i+2, every
// leaf is at the same depth D (the smallest D with ceil(n / 2^D) <= leaf_max, so leaves
// hold 8-16 points), and a node's points are one contiguous range, split at its middle by
// count: the median on the axis where the node's points spread widest. Each node keeps the
// tight bounding box of its points and its range: 64 bytes, one cache line.
//
// Build: nodes of more than sample_select_min points are split level by level (one sweep
// of the array per level, geo_kd_select: sampled two-pivot selection); below that, each
// subtree is built depth-first while its points are in cache (geo_kd_select_small:
// branch-free quickselect). The boxes are filled at the end: each leaf's from its points,
// in the same sweep that lays the points out as arrays, and each inner node's as the
// union of its children's (the same box as a scan of its points would give).
//
// Search: k nearest keeps the k best in a sorted array (a max-heap beyond sorted_k_max),
// descends to the leaf nearest the query pushing each farther child with its box
// distance, computes a leaf's squared distances in one vectorisable loop and only then
// compares them with the k-th; radius counts and visits likewise go down the first child
// without a push and count a leaf in one branch-free loop.
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
// the k smallest (squared chord, id) pairs seen so far and prunes a box only when its
// nearest corner is strictly farther (with the same margin) than the current k-th pair:
// the answer is the brute-force order, ties at the k-th distance going to smaller ids.
//
// Memory: 28 bytes per point (x, y, z, id) plus one 64-byte node per 4-8 points (8-16
// bytes per point; 8.4 for 1,000,000 points); the build uses the caller's 32 bytes per
// point (consumed) and a sample of at most a few thousand doubles.
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

// Selection for the small nodes of the build (they are in cache): quickselect with a
// median-of-3 pivot and a branch-free Lomuto partition, insertion sort below 16 points;
// std::nth_element's contract. Degenerate inputs (many equal coordinates) end in
// std::nth_element after a bounded number of rounds.
template <int Axis>
void geo_kd_select_small(geo_kd_point* first, std::size_t k, std::size_t n) {
  for (int round = 0; n > 16; ++round) {
    if (round == 40) {
      std::nth_element(first, first + static_cast<std::ptrdiff_t>(k), first + static_cast<std::ptrdiff_t>(n),
                       [](const geo_kd_point& a, const geo_kd_point& b) { return geo_kd_coord<Axis>(a) < geo_kd_coord<Axis>(b); });
      return;
    }
    // Median of three as the pivot, moved to the last slot.
    geo_kd_point* a = first;
    geo_kd_point* b = first + n / 2;
    geo_kd_point* c = first + (n - 1);
    if (geo_kd_coord<Axis>(*b) < geo_kd_coord<Axis>(*a)) std::swap(*a, *b);
    if (geo_kd_coord<Axis>(*c) < geo_kd_coord<Axis>(*b)) std::swap(*b, *c);
    if (geo_kd_coord<Axis>(*b) < geo_kd_coord<Axis>(*a)) std::swap(*a, *b);
    std::swap(*b, *c);  // the median is now last
    const double pivot = geo_kd_coord<Axis>(*c);
    geo_kd_point* mid = first;
    for (geo_kd_point* it = first; it < c; ++it) {
      const geo_kd_point v = *it;
      const bool move = geo_kd_coord<Axis>(v) < pivot;
      *it = *mid;
      *mid = v;
      mid += move ? 1 : 0;
    }
    std::swap(*mid, *c);  // the pivot at its sorted place
    const auto m = static_cast<std::size_t>(mid - first);
    if (k == m) return;
    if (k < m) {
      n = m;
    } else {
      first = mid + 1;
      k -= m + 1;
      n -= m + 1;
    }
  }
  for (std::size_t i = 1; i < n; ++i) {  // insertion sort of the last few
    const geo_kd_point v = first[i];
    std::size_t j = i;
    for (; j > 0 && geo_kd_coord<Axis>(v) < geo_kd_coord<Axis>(first[j - 1]); --j) first[j] = first[j - 1];
    first[j] = v;
  }
}

class geo_kdtree {
 public:
  /// Largest number of points in a leaf.
  static constexpr std::size_t leaf_max = 16;
  /// Relative margins of the box tests (see the file comment).
  static constexpr double margin = 1e-14;
  /// Nodes with more points than this select their median by geo_kd_select (sampled,
  /// level by level over the whole array); smaller ones are built depth-first, the whole
  /// subtree while its points are in cache, with geo_kd_select_small.
  static constexpr std::size_t sample_select_min = 8192;
  /// Up to this k the nearest-neighbour search keeps its k best in a sorted array (an
  /// insertion is a few moves), beyond it in a binary max-heap.
  static constexpr std::size_t sorted_k_max = 32;

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
    // Large nodes, level by level: each level is one sweep over the array.
    std::size_t level_begin = 0;
    for (; level_begin < first_leaf_ && nodes_[level_begin].end - nodes_[level_begin].begin > sample_select_min;
         level_begin = 2 * level_begin + 1) {
      for (std::size_t i = level_begin; i < 2 * level_begin + 1; ++i) split(i, p, sample);
    }
    // Small nodes: each subtree depth-first while its points are in cache.
    if (level_begin < first_leaf_) {
      for (std::size_t i = level_begin; i < 2 * level_begin + 1; ++i) build_subtree(i, p, sample);
    }
    // The points in tree order as arrays, each leaf's box from its points, and the inner
    // nodes' boxes as the union of their children's.
    x_.resize(n);
    y_.resize(n);
    z_.resize(n);
    id_.resize(n);
    for (std::size_t i = first_leaf_; i < n_nodes; ++i) {
      node& nd = nodes_[i];
      for (std::uint32_t j = nd.begin; j < nd.end; ++j) {
        x_[j] = p[j].x;
        y_[j] = p[j].y;
        z_[j] = p[j].z;
        id_[j] = p[j].id;
      }
      set_box(nd, bounds(p + nd.begin, p + nd.end));
    }
    for (std::size_t i = first_leaf_; i-- > 0;) {
      node& nd = nodes_[i];
      const node& l = nodes_[2 * i + 1];
      const node& r = nodes_[2 * i + 2];
      for (int a = 0; a < 3; ++a) {
        nd.lo[a] = std::min(l.lo[a], r.lo[a]);
        nd.hi[a] = std::max(l.hi[a], r.hi[a]);
      }
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
      std::size_t i = stack[--sp];
      for (;;) {
        const node& nd = nodes_[i];
        double mn = 0.0, mx = 0.0;
        box_distances(nd, q, mn, mx);
        if (mn > c2_out) break;
        if (Whole && mx <= c2_in) {
          on_all(ids + nd.begin, ids + nd.end);
          break;
        }
        if (i >= first_leaf_) {
          double d2s[leaf_max];
          const std::uint32_t b = nd.begin, m = nd.end - nd.begin;
          leaf_distances(q, xs + b, ys + b, zs + b, m, d2s);
          for (std::uint32_t j = 0; j < m; ++j)
            if (d2s[j] <= c2) on_point(ids[b + j], d2s[j]);
          break;
        }
        stack[sp++] = 2 * i + 2;
        i = 2 * i + 1;
      }
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
      std::size_t i = stack[--sp];
      for (;;) {
        const node& nd = nodes_[i];
        double mn = 0.0, mx = 0.0;
        box_distances(nd, q, mn, mx);
        if (mn > c2_out) break;
        if (mx <= c2_in) {
          n += nd.end - nd.begin;
          break;
        }
        if (i >= first_leaf_) {
          n += leaf_count(q, xs + nd.begin, ys + nd.begin, zs + nd.begin, nd.end - nd.begin, c2);
          break;
        }
        stack[sp++] = 2 * i + 2;
        i = 2 * i + 1;
      }
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
    const std::size_t hn = k <= sorted_k_max ? nearest_search<true>(q, k, keep, out.data())
                                             : nearest_search<false>(q, k, keep, out.data());
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
      for (int a = 0; a < 3; ++a)
        meets = meets && nd.lo[a] <= b.hi[a] && nd.hi[a] >= b.lo[a];
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
  // A node: the tight box of its points and their range; one cache line.
  struct alignas(64) node {
    double lo[3];
    double hi[3];
    std::uint32_t begin;
    std::uint32_t end;
  };

  static void set_box(node& nd, const geo_box3& b) noexcept {
    for (int a = 0; a < 3; ++a) {
      nd.lo[a] = b.lo[a];
      nd.hi[a] = b.hi[a];
    }
  }

  // Splits node i (its points p[begin, end)) at its middle on its widest axis and sets
  // its children's ranges.
  void split(std::size_t i, geo_kd_point* p, std::vector<double>& sample) {
    node& nd = nodes_[i];
    const geo_box3 b = bounds(p + nd.begin, p + nd.end);
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

  // Splits the inner nodes of the subtree under node i, depth-first.
  void build_subtree(std::size_t i, geo_kd_point* p, std::vector<double>& sample) {
    if (i >= first_leaf_) return;
    split(i, p, sample);
    build_subtree(2 * i + 1, p, sample);
    build_subtree(2 * i + 2, p, sample);
  }

  template <int Axis>
  static void select(geo_kd_point* first, std::size_t k, std::size_t n, std::vector<double>& sample) {
    if (n > sample_select_min) {
      geo_kd_select<Axis>(first, k, n, sample);
    } else {
      geo_kd_select_small<Axis>(first, k, n);
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

  // Squared distances of the m <= leaf_max points of a leaf, in the point expression's
  // order (a loop the compiler vectorises).
  static void leaf_distances(const unit_vector& q, const double* xs, const double* ys, const double* zs, std::uint32_t m,
                             double* d2s) noexcept {
    for (std::uint32_t j = 0; j < m; ++j) {
      const double dx = q.x - xs[j];
      const double dy = q.y - ys[j];
      const double dz = q.z - zs[j];
      d2s[j] = dx * dx + dy * dy + dz * dz;
    }
  }
  static std::size_t leaf_count(const unit_vector& q, const double* xs, const double* ys, const double* zs,
                                std::uint32_t m, double c2) noexcept {
    std::uint64_t c = 0;
    for (std::uint32_t j = 0; j < m; ++j) {
      const double dx = q.x - xs[j];
      const double dy = q.y - ys[j];
      const double dz = q.z - zs[j];
      c += (dx * dx + dy * dy + dz * dz) <= c2 ? 1u : 0u;
    }
    return static_cast<std::size_t>(c);
  }

  // The search behind nearest(): depth-first, closer child first, the farther one on a
  // stack with its box distance. Sorted: the k best in best[0, hn) ascending (insertion);
  // otherwise a max-heap. Returns hn (< k only when fewer points are kept).
  template <bool Sorted, class Keep>
  std::size_t nearest_search(const unit_vector& q, std::size_t k, Keep& keep, std::pair<double, std::int32_t>* best) const {
    std::size_t hn = 0;
    double bound = std::numeric_limits<double>::infinity();  // prune boxes farther than this
    const double* xs = x_.data();
    const double* ys = y_.data();
    const double* zs = z_.data();
    const std::int32_t* ids = id_.data();
    const node* nodes = nodes_.data();
    struct entry {
      std::size_t node;
      double mind2;
    };
    entry stack[128];
    std::size_t sp = 0;
    std::size_t i = 0;
    for (;;) {
      // Down to a leaf, pushing the farther child of each node passed.
      bool reached = true;
      while (i < first_leaf_) {
        const std::size_t l = 2 * i + 1, r = l + 1;
        const double ml = box_min_distance(nodes[l], q);
        const double mr = box_min_distance(nodes[r], q);
        const bool left_first = ml <= mr;
        const std::size_t near = left_first ? l : r, far = left_first ? r : l;
        const double mnear = left_first ? ml : mr, mfar = left_first ? mr : ml;
        if (mfar <= bound) stack[sp++] = {far, mfar};
        if (mnear > bound) {
          reached = false;
          break;
        }
        i = near;
      }
      if (reached) {
        const node& nd = nodes[i];
        double d2s[leaf_max];
        const std::uint32_t b = nd.begin, m = nd.end - nd.begin;
        leaf_distances(q, xs + b, ys + b, zs + b, m, d2s);
        for (std::uint32_t j = 0; j < m; ++j) {
          const double d2 = d2s[j];
          if (d2 > bound) continue;
          const std::int32_t id = ids[b + j];
          if (!keep(id)) continue;
          if constexpr (Sorted) {
            if (hn == k && !pair_less(d2, id, best[k - 1])) continue;
            std::size_t at = hn < k ? hn++ : k - 1;
            for (; at > 0 && pair_less(d2, id, best[at - 1]); --at) best[at] = best[at - 1];
            best[at] = {d2, id};
            if (hn == k) bound = best[k - 1].first * (1.0 + margin);
          } else {
            const std::pair<double, std::int32_t> cand(d2, id);
            if (hn < k) {
              best[hn++] = cand;
              std::push_heap(best, best + hn);
              if (hn == k) bound = best[0].first * (1.0 + margin);
            } else if (cand < best[0]) {
              std::pop_heap(best, best + hn);
              best[hn - 1] = cand;
              std::push_heap(best, best + hn);
              bound = best[0].first * (1.0 + margin);
            }
          }
        }
      }
      // The next pushed node still within the bound.
      for (;;) {
        if (sp == 0) {
          if constexpr (!Sorted) std::sort_heap(best, best + hn);
          return hn;
        }
        const entry e = stack[--sp];
        if (e.mind2 <= bound) {
          i = e.node;
          break;
        }
      }
    }
  }

  static bool pair_less(double d2, std::int32_t id, const std::pair<double, std::int32_t>& b) noexcept {
    return d2 < b.first || (d2 == b.first && id < b.second);
  }

  // Squared distance from q to the nearest point of the box (0 inside), in the order of
  // the point expression.
  static double box_min_distance(const node& b, const unit_vector& q) noexcept {
    const double dx = std::max(0.0, std::max(b.lo[0] - q.x, q.x - b.hi[0]));
    const double dy = std::max(0.0, std::max(b.lo[1] - q.y, q.y - b.hi[1]));
    const double dz = std::max(0.0, std::max(b.lo[2] - q.z, q.z - b.hi[2]));
    return dx * dx + dy * dy + dz * dz;
  }

  // Squared distances from q to the nearest and the farthest point of the box.
  static void box_distances(const node& b, const unit_vector& q, double& mn, double& mx) noexcept {
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
