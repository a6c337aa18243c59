#pragma once

// Hand-made OSM data for the discovery tests, written as OPL (osmium-file-formats(5)): nodes,
// ways and relations added in id order, with ring helpers for axis-aligned rectangles.

#include "discovery/discovery.hpp"

#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <numbers>
#include <string>
#include <utility>
#include <vector>

namespace impetus::test {

using Tags = std::vector<std::pair<std::string, std::string>>;

// OPL escapes space, comma, '=', '@' and '%' (and anything unusual) as %XX%.
inline std::string opl_escape(const std::string& s) {
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == ':' || c == '_' || c == '-' || c == '.' || c == '/' ||
            c >= 0x80) {
            out += static_cast<char>(c);
        } else {
            char buf[8];
            std::snprintf(buf, sizeof buf, "%%%x%%", c);
            out += buf;
        }
    }
    return out;
}

class Opl {
public:
    // A node; returns its id.
    std::int64_t node(double lon, double lat, const Tags& tags = {}) {
        const std::int64_t id = m_next_node++;
        char buf[96];
        std::snprintf(buf, sizeof buf, "n%lld v1 x%.7f y%.7f", static_cast<long long>(id), lon, lat);
        m_nodes += buf;
        m_nodes += tag_text(tags) + "\n";
        return id;
    }

    // An open or closed way through the given nodes.
    void way(std::int64_t id, const std::vector<std::int64_t>& nodes, const Tags& tags = {}) {
        std::string line = "w" + std::to_string(id) + " v1 N";
        for (std::size_t i = 0; i < nodes.size(); ++i) {
            if (i > 0) line += ",";
            line += "n" + std::to_string(nodes[i]);
        }
        m_ways += line + tag_text(tags) + "\n";
    }

    // A closed way around the rectangle (counterclockwise), with new nodes.
    void rect(std::int64_t id, double lon0, double lat0, double lon1, double lat1,
              const Tags& tags = {}) {
        auto a = node(lon0, lat0), b = node(lon1, lat0), c = node(lon1, lat1), d = node(lon0, lat1);
        way(id, {a, b, c, d, a}, tags);
    }

    // members: {"w12", "outer"}
    void relation(std::int64_t id, const std::vector<std::pair<std::string, std::string>>& members,
                  const Tags& tags) {
        std::string line = "r" + std::to_string(id) + " v1 M";
        for (std::size_t i = 0; i < members.size(); ++i) {
            if (i > 0) line += ",";
            line += members[i].first + "@" + opl_escape(members[i].second);
        }
        m_relations += line + tag_text(tags) + "\n";
    }

    std::string text() const { return m_nodes + m_ways + m_relations; }

    discovery::DiscoveryResult discover(const discovery::DiscoverOptions& options = {}) const {
        return discovery::discover_buffer(text(), "opl", options);
    }

private:
    static std::string tag_text(const Tags& tags) {
        std::string out = " T";
        for (std::size_t i = 0; i < tags.size(); ++i) {
            if (i > 0) out += ",";
            out += opl_escape(tags[i].first) + "=" + opl_escape(tags[i].second);
        }
        return out;
    }

    std::int64_t m_next_node = 1;
    std::string m_nodes;
    std::string m_ways;
    std::string m_relations;
};

inline const discovery::Candidate* find(const discovery::DiscoveryResult& r,
                                        const std::string& source_id) {
    for (const auto& c : r.candidates) {
        if (c.source_id() == source_id) return &c;
    }
    return nullptr;
}

// Area of the ellipsoidal quadrangle between two meridians and two parallels, computed outside
// the code under test: A = b^2 * dlon / 2 * [q(lat2) - q(lat1)] with
// q(phi) = sin(phi) / (1 - e^2 sin^2(phi)) + 1/(2e) ln((1 + e sin(phi)) / (1 - e sin(phi)))
// (authalic latitude, Snyder, Map Projections - A Working Manual, eq. 3-12). Geodesic edges
// differ from the parallels by millimetres at the sizes used here.
inline double quadrangle_area(double lon1, double lat1, double lon2, double lat2) {
    constexpr double a = 6378137.0;
    constexpr double f = 1.0 / 298.257223563;
    const double b = a * (1 - f);
    const double e2 = f * (2 - f);
    const double e = std::sqrt(e2);
    auto q = [&](double lat_deg) {
        double s = std::sin(lat_deg * std::numbers::pi / 180.0);
        return s / (1 - e2 * s * s) + 1 / (2 * e) * std::log((1 + e * s) / (1 - e * s));
    };
    return b * b * ((lon2 - lon1) * std::numbers::pi / 180.0) / 2 * (q(lat2) - q(lat1));
}

} // namespace impetus::test
