#include "geo/crs.hpp"

#include "core/error.hpp"

#include <cmath>

#include <proj.h>

namespace impetus::geo {

struct ToWgs84::Impl {
    PJ_CONTEXT* ctx = nullptr;
    PJ* pj = nullptr;
    ~Impl() {
        if (pj) proj_destroy(pj);
        if (ctx) proj_context_destroy(ctx);
    }
};

ToWgs84::ToWgs84(const std::string& source_crs) : m_impl(std::make_unique<Impl>()) {
    m_impl->ctx = proj_context_create();
    // Never reach for network grids: the closed-network deployment must give the same answer.
    proj_context_set_enable_network(m_impl->ctx, 0);
    PJ* raw = proj_create_crs_to_crs(m_impl->ctx, source_crs.c_str(), "EPSG:4326", nullptr);
    if (!raw) {
        throw Error(ErrorKind::invalid_input, "unknown coordinate reference system " + source_crs,
                    "use an EPSG code such as EPSG:27700");
    }
    // Normalise to longitude/latitude order whatever the CRS's official axis order.
    m_impl->pj = proj_normalize_for_visualization(m_impl->ctx, raw);
    proj_destroy(raw);
    if (!m_impl->pj) {
        throw Error(ErrorKind::internal, "PROJ could not normalise the transform");
    }
}

ToWgs84::~ToWgs84() = default;

Position ToWgs84::transform(double x, double y) const {
    PJ_COORD c = proj_coord(x, y, 0, 0);
    PJ_COORD r = proj_trans(m_impl->pj, PJ_FWD, c);
    if (!std::isfinite(r.lpzt.lam) || !std::isfinite(r.lpzt.phi) || r.xy.x == HUGE_VAL) {
        throw Error(ErrorKind::invalid_input, "coordinates cannot be transformed to WGS84");
    }
    return Position{r.xy.x, r.xy.y};
}

} // namespace impetus::geo
