// The context of a candidate: what is around it in the same extract.
//
// Everything is measured from the candidate's centroid (the representative point, inside the
// polygon): for a brownfield of a few hectares a stop on its edge counts as a hundred metres
// away, which is the walk from the street to the middle of the site.
//
// Indexes are Boost.Geometry R-trees built in one go from the whole collection (the range
// constructor packs them, like the STR bulk loading GEOS uses), in longitude/latitude degrees.
// A query for "within r metres" takes the degree box that surely holds the circle
// (geo::bbox_around) and then measures geodesically, so the box's distortion never changes a
// result, only how many objects are measured.

#include "discovery/context.hpp"

#include "discovery/scores.hpp"
#include "geo/measure.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <chrono>
#include <exception>
#include <mutex>
#include <numbers>
#include <thread>

#include <boost/geometry.hpp>
#include <boost/geometry/geometries/box.hpp>
#include <boost/geometry/geometries/multi_polygon.hpp>
#include <boost/geometry/geometries/point.hpp>
#include <boost/geometry/geometries/point_xy.hpp>
#include <boost/geometry/geometries/polygon.hpp>
#include <boost/geometry/index/rtree.hpp>
#include <boost/iterator/function_output_iterator.hpp>

namespace impetus::discovery::detail {

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;

namespace {

using DegPoint = bg::model::point<double, 2, bg::cs::cartesian>;
using DegBox = bg::model::box<DegPoint>;
using PointValue = std::pair<DegPoint, std::uint32_t>;
using BoxValue = std::pair<DegBox, std::uint32_t>;
using PointTree = bgi::rtree<PointValue, bgi::quadratic<16>>;
using BoxTree = bgi::rtree<BoxValue, bgi::quadratic<16>>;

using XY = bg::model::d2::point_xy<double>;
using PolyXY = bg::model::polygon<XY>; // clockwise, closed
using MultiXY = bg::model::multi_polygon<PolyXY>;

DegBox to_box(const BBox& b) {
    return DegBox(DegPoint(b.min_lon, b.min_lat), DegPoint(b.max_lon, b.max_lat));
}

PointTree make_point_tree(const std::vector<Position>& points) {
    std::vector<PointValue> values;
    values.reserve(points.size());
    for (std::size_t i = 0; i < points.size(); ++i) {
        values.emplace_back(DegPoint(points[i].lon, points[i].lat), std::uint32_t(i));
    }
    return PointTree(values); // the range constructor bulk-loads (packs) the tree
}

BoxTree make_box_tree(const std::vector<GreenArea>& areas) {
    std::vector<BoxValue> values;
    values.reserve(areas.size());
    for (std::size_t i = 0; i < areas.size(); ++i) {
        values.emplace_back(to_box(areas[i].box), std::uint32_t(i));
    }
    return BoxTree(values);
}

// A local metric frame around a centre: east and north metres from longitude and latitude
// differences, scaled by the WGS84 radii of curvature at the centre (prime vertical N for east,
// meridian M for north). Within 300 m of the centre the scale error is |dlat * tan(lat)| in x,
// under 0.01 % below 60 degrees latitude, and lines bend by millimetres: well inside the
// 0.1 % this measurement needs. Polygon parts farther away are clipped off before any area is
// taken, so their larger error does not reach the result.
struct LocalFrame {
    double lon0 = 0.0;
    double lat0 = 0.0;
    double kx = 0.0; // metres per degree of longitude
    double ky = 0.0; // metres per degree of latitude

    explicit LocalFrame(const Position& c) : lon0(c.lon), lat0(c.lat) {
        constexpr double a = 6378137.0;
        constexpr double f = 1.0 / 298.257223563;
        constexpr double e2 = f * (2.0 - f);
        const double phi = c.lat * std::numbers::pi / 180.0;
        const double s = std::sin(phi);
        const double w = std::sqrt(1.0 - e2 * s * s);
        const double n = a / w;
        const double m = a * (1.0 - e2) / (w * w * w);
        kx = n * std::cos(phi) * std::numbers::pi / 180.0;
        ky = m * std::numbers::pi / 180.0;
    }
    XY operator()(const Position& p) const { return XY((p.lon - lon0) * kx, (p.lat - lat0) * ky); }
};

// A regular 128-gon with the same area as the circle (its radius scaled by
// sqrt(2 pi / (n sin(2 pi / n)))): the area is exact and the outline within 0.02 % of the
// radius.
PolyXY circle_polygon(double radius_m) {
    constexpr int n = 128;
    const double k = std::sqrt(2.0 * std::numbers::pi / (n * std::sin(2.0 * std::numbers::pi / n)));
    const double r = radius_m * k;
    PolyXY poly;
    for (int i = 0; i <= n; ++i) {
        // clockwise, as Boost.Geometry's default polygon wants it
        const double t = -2.0 * std::numbers::pi * (i % n) / n;
        poly.outer().emplace_back(r * std::cos(t), r * std::sin(t));
    }
    return poly;
}

using RingXY = std::vector<XY>;

// Sutherland-Hodgman clipping of one ring against the square [-h, h]^2 (Sutherland and
// Hodgman, "Reentrant polygon clipping", CACM 17(1), 1974). A forest of thousands of vertices
// keeps only the few inside the square before the exact overlay with the circle, whose cost
// grows with the vertices of both inputs. Where a ring leaves the square and comes back, the
// result runs along the square's edge; the square is 5 % wider than the circle, so those edges
// stay outside it and do not reach the intersection.
RingXY clip_to_square(const RingXY& in, double h) {
    RingXY cur = in;
    if (!cur.empty() && cur.front().x() == cur.back().x() && cur.front().y() == cur.back().y()) {
        cur.pop_back(); // work on the open ring
    }
    // edges: x <= h, x >= -h, y <= h, y >= -h
    for (int edge = 0; edge < 4 && !cur.empty(); ++edge) {
        auto inside = [&](const XY& p) {
            switch (edge) {
            case 0: return p.x() <= h;
            case 1: return p.x() >= -h;
            case 2: return p.y() <= h;
            default: return p.y() >= -h;
            }
        };
        auto cross = [&](const XY& a, const XY& b) {
            const bool vertical = edge < 2;
            const double bound = (edge % 2 == 0) ? h : -h;
            if (vertical) {
                const double t = (bound - a.x()) / (b.x() - a.x());
                return XY(bound, a.y() + t * (b.y() - a.y()));
            }
            const double t = (bound - a.y()) / (b.y() - a.y());
            return XY(a.x() + t * (b.x() - a.x()), bound);
        };
        RingXY out;
        out.reserve(cur.size() + 4);
        for (std::size_t i = 0; i < cur.size(); ++i) {
            const XY& a = cur[(i + cur.size() - 1) % cur.size()];
            const XY& b = cur[i];
            const bool ain = inside(a), bin = inside(b);
            if (bin) {
                if (!ain) out.push_back(cross(a, b));
                out.push_back(b);
            } else if (ain) {
                out.push_back(cross(a, b));
            }
        }
        cur = std::move(out);
    }
    if (cur.size() < 3) return {};
    cur.push_back(cur.front());
    return cur;
}

constexpr std::size_t k_clip_above = 32; // vertices; smaller rings go to the overlay as they are

// Projects a polygon into the frame, clipped to the square of half-side `h` around its centre.
void project_into(const Polygon& p, const LocalFrame& frame, double h, MultiXY& out) {
    PolyXY poly;
    for (std::size_t r = 0; r < p.rings.size(); ++r) {
        RingXY ring;
        ring.reserve(p.rings[r].size());
        for (const auto& pos : p.rings[r]) ring.push_back(frame(pos));
        if (ring.size() > k_clip_above) ring = clip_to_square(ring, h);
        if (ring.size() < 4) {
            if (r == 0) return; // nothing of the exterior near the centre
            continue;
        }
        auto& target = r == 0 ? poly.outer() : poly.inners().emplace_back();
        target.assign(ring.begin(), ring.end());
    }
    bg::correct(poly);
    out.push_back(std::move(poly));
}

MultiXY project(const Geometry& g, const LocalFrame& frame, double h) {
    MultiXY out;
    if (const auto* p = std::get_if<Polygon>(&g)) {
        project_into(*p, frame, h, out);
    } else if (const auto* mp = std::get_if<MultiPolygon>(&g)) {
        for (const auto& p : mp->polygons) project_into(p, frame, h, out);
    }
    return out;
}

// OGC validity of a polygon built straight from a way's ring (libosmium's assembler would have
// dropped a self-intersecting one). Degrees serve as plane coordinates: validity is topology.
bool ring_polygon_valid(const Geometry& g) {
    const auto* p = std::get_if<Polygon>(&g);
    if (!p) return true;
    bg::model::polygon<XY> poly;
    for (const auto& pos : p->rings.front()) poly.outer().emplace_back(pos.lon, pos.lat);
    bg::correct(poly);
    return bg::is_valid(poly);
}

template <typename Query>
std::optional<double> nearest(const Position& p, Query&& query_within) {
    // Widen the search until the nearest object found lies within the searched radius: every
    // object nearer than that radius is inside the box, so the minimum is exact.
    for (double r = 250.0;; r *= 4.0) {
        std::optional<double> best = query_within(geo::bbox_around(p, r));
        if (best && *best <= r) return best;
        if (r > 2.1e7) return best; // the box covers the earth: whatever was found is nearest
    }
}

} // namespace

struct ContextIndex::Impl {
    ContextData data;
    // validity of unchecked green areas: 0 not known yet, 1 valid, 2 invalid (computed once,
    // by whichever thread needs it first; the result is the same whoever computes it)
    std::unique_ptr<std::atomic<std::uint8_t>[]> green_validity;

    bool usable(std::size_t i) const {
        const auto& g = data.greens[i];
        if (!g.unchecked) return true;
        auto v = green_validity[i].load(std::memory_order_relaxed);
        if (v == 0) {
            v = ring_polygon_valid(g.geometry) ? 1 : 2;
            green_validity[i].store(v, std::memory_order_relaxed);
        }
        return v == 1;
    }
    PointTree stops;
    PointTree amenities;
    PointTree shops;
    PointTree park_points;
    BoxTree greens;
    BoxTree parks;
};

ContextIndex::ContextIndex(ContextData data) : m_impl(std::make_unique<Impl>()) {
    m_impl->data = std::move(data);
    const auto& d = m_impl->data;
    m_impl->stops = make_point_tree(d.stops);
    m_impl->amenities = make_point_tree(d.amenities);
    m_impl->shops = make_point_tree(d.shops);
    m_impl->park_points = make_point_tree(d.park_points);
    m_impl->greens = make_box_tree(d.greens);
    m_impl->green_validity = std::make_unique<std::atomic<std::uint8_t>[]>(d.greens.size());
    m_impl->parks = make_box_tree(d.parks);
}

ContextIndex::~ContextIndex() = default;

double ContextIndex::green_area_within(const Position& p, double radius_m) const {
    std::vector<BoxValue> hits;
    m_impl->greens.query(bgi::intersects(to_box(geo::bbox_around(p, radius_m))),
                         std::back_inserter(hits));
    if (hits.empty()) return 0.0;
    // The same order whatever the tree's internal order: the union is then the same too.
    std::sort(hits.begin(), hits.end(),
              [](const BoxValue& a, const BoxValue& b) { return a.second < b.second; });
    const LocalFrame frame(p);
    const PolyXY circle = circle_polygon(radius_m);
    const double circle_area = bg::area(circle);
    // Overlapping green areas (grass inside a park, a wood across a meadow) are counted once:
    // each is clipped to the circle, then the pieces are merged pairwise into one union (a
    // balanced merge, so that the growing union is not processed again for every piece).
    const double half_side = radius_m * 1.05;
    std::vector<MultiXY> pieces;
    for (const auto& h : hits) {
        if (!m_impl->usable(h.second)) continue;
        try {
            MultiXY green = project(m_impl->data.greens[h.second].geometry, frame, half_side);
            MultiXY piece;
            bg::intersection(green, circle, piece);
            if (piece.empty()) continue;
            if (bg::area(piece) >= circle_area * (1.0 - 1e-9)) return circle_area; // all green
            pieces.push_back(std::move(piece));
        } catch (const bg::exception&) {
            // Boost.Geometry refuses some invalid rings. Green areas are valid here (assembled
            // by libosmium or checked above), so this is rare; the area is left out rather
            // than guessed.
        }
    }
    while (pieces.size() > 1) {
        std::vector<MultiXY> merged;
        merged.reserve((pieces.size() + 1) / 2);
        for (std::size_t i = 0; i + 1 < pieces.size(); i += 2) {
            MultiXY u;
            try {
                bg::union_(pieces[i], pieces[i + 1], u);
            } catch (const bg::exception&) {
                u = pieces[i].size() >= pieces[i + 1].size() ? pieces[i] : pieces[i + 1];
            }
            merged.push_back(std::move(u));
        }
        if (pieces.size() % 2 == 1) merged.push_back(std::move(pieces.back()));
        pieces = std::move(merged);
    }
    if (pieces.empty()) return 0.0;
    return std::clamp(bg::area(pieces.front()), 0.0, circle_area);
}

Context ContextIndex::context_at(const Position& p) const {
    const auto& d = m_impl->data;
    Context c;

    c.nearest_stop_m = d.stops.empty() ? std::nullopt : nearest(p, [&](const BBox& box) {
        std::optional<double> best;
        m_impl->stops.query(bgi::intersects(to_box(box)),
                            boost::make_function_output_iterator([&](const PointValue& v) {
                                const double dist = geo::distance_m(p, d.stops[v.second]);
                                if (!best || dist < *best) best = dist;
                            }));
        return best;
    });

    if (!d.parks.empty() || !d.park_points.empty()) {
        c.nearest_park_m = nearest(p, [&](const BBox& box) {
            std::optional<double> best;
            auto consider = [&](double dist) {
                if (!best || dist < *best) best = dist;
            };
            m_impl->parks.query(bgi::intersects(to_box(box)),
                                boost::make_function_output_iterator([&](const BoxValue& v) {
                                    consider(geo::distance_to_m(d.parks[v.second].geometry, p));
                                }));
            m_impl->park_points.query(
                bgi::intersects(to_box(box)),
                boost::make_function_output_iterator([&](const PointValue& v) {
                    consider(geo::distance_m(p, d.park_points[v.second]));
                }));
            return best;
        });
    }

    auto count_within = [&](const PointTree& tree, const std::vector<Position>& pts, double r) {
        int n = 0;
        tree.query(bgi::intersects(to_box(geo::bbox_around(p, r))),
                   boost::make_function_output_iterator([&](const PointValue& v) {
                       if (geo::distance_m(p, pts[v.second]) <= r) ++n;
                   }));
        return n;
    };
    c.amenities_500m = count_within(m_impl->amenities, d.amenities, 500.0);
    c.shops_500m = count_within(m_impl->shops, d.shops, 500.0);
    c.green_area_300m_m2 = green_area_within(p, 300.0);
    return c;
}

void compute_context(std::vector<Candidate>& candidates, const ContextIndex& index,
                     const Weights& weights, unsigned threads,
                     const std::function<void(std::size_t)>& tick) {
    std::atomic<std::size_t> next{0};
    std::atomic<std::size_t> done{0};
    std::atomic<bool> stop{false};
    std::exception_ptr failure;
    std::mutex failure_mutex;
    auto fail = [&] {
        std::lock_guard lock(failure_mutex);
        if (!failure) failure = std::current_exception();
        stop = true;
    };
    // Candidates are independent: each thread takes the next one until none is left.
    auto work = [&](bool reporter) {
        auto last = std::chrono::steady_clock::now();
        for (std::size_t i = next++; i < candidates.size() && !stop; i = next++) {
            try {
                auto& c = candidates[i];
                c.context = index.context_at(c.centroid);
                c.suitability = suitability(c, weights);
                c.greening = greening(c, weights);
                ++done;
                if (reporter && tick) {
                    auto now = std::chrono::steady_clock::now();
                    if (now - last > std::chrono::milliseconds(200)) {
                        last = now;
                        tick(done.load());
                    }
                }
            } catch (...) {
                fail();
            }
        }
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < std::max(1U, threads); ++t) pool.emplace_back(work, false);
    work(true); // the calling thread works too, and is the one that reports progress
    for (auto& t : pool) t.join();
    if (failure) std::rethrow_exception(failure);
    if (tick) tick(done.load());
}

} // namespace impetus::discovery::detail
