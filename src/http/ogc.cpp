// OGC API - Features - Part 1: Core (OGC 17-069r4) over the space inventory, with the GeoJSON
// encoding (RFC 7946) and an OpenAPI 3.0 definition. One collection, `spaces`, spans every
// workspace; `workspace=SLUG` narrows it, and the space properties filter it as query
// parameters (/req/core/fc-filters is left open by the standard; these are listed in the
// OpenAPI document).

#include "core/dates.hpp"
#include "core/error.hpp"
#include "geo/geojson.hpp"
#include "geo/space_json.hpp"
#include "http/query_params.hpp"
#include "http/routes.hpp"

#include <map>

namespace impetus::http {

using nlohmann::json;

namespace {

constexpr const char* k_crs84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";
constexpr const char* k_geojson = "application/geo+json";

json link(const std::string& rel, const std::string& href, const std::string& type,
          const std::string& title = {}) {
    json l{{"rel", rel}, {"href", href}, {"type", type}};
    if (!title.empty()) l["title"] = title;
    return l;
}

// f=json (or a JSON media type) is the only encoding; anything else is refused clearly.
void check_format(QueryParams& params, FieldErrors& errors) {
    if (auto f = params.get("f", errors)) {
        if (*f != "json" && *f != "geojson" && *f != "application/json" && *f != k_geojson) {
            errors.add_parameter("f", "only json is offered");
        }
    }
}

void check_plain(const Request& req) {
    QueryParams params(req.query);
    FieldErrors errors;
    check_format(params, errors);
    reject_unused(params, errors);
    errors.throw_if_any("invalid query");
}

json collection_json(Services& s, const std::string& base) {
    BBox b = s.store.extent(std::nullopt);
    json bbox = b.empty() ? json::array({-180.0, -90.0, 180.0, 90.0})
                          : json::array({b.min_lon, b.min_lat, b.max_lon, b.max_lat});
    const std::string self = base + "/ogc/collections/spaces";
    return json{
        {"id", "spaces"},
        {"title", "Spaces"},
        {"description",
         "Vacant and underused buildings, units, shops, plots and open spaces offered or "
         "considered for temporary use, with their status in the temporary-use lifecycle."},
        {"extent",
         {{"spatial", {{"bbox", json::array({bbox})}, {"crs", k_crs84}}},
          {"temporal",
           {{"interval", json::array({json::array({nullptr, nullptr})})},
            {"trs", "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"}}}}},
        {"itemType", "feature"},
        {"crs", json::array({k_crs84})},
        {"storageCrs", k_crs84},
        {"links", json::array({link("self", self, "application/json", "This collection"),
                               link("items", self + "/items", k_geojson, "The spaces")})}};
}

} // namespace

void add_ogc_routes(Router& router, Services& s) {
    router.add("GET", "/ogc", "getLandingPage", Access::anyone, [&s](Context& ctx) {
        check_plain(ctx.request);
        const auto& b = ctx.request.base_url;
        json j{{"title", s.options.title + " - OGC API Features"},
               {"description", "The space inventory of every workspace of this instance, for "
                               "GIS clients (QGIS, GDAL) through OGC API - Features."},
               {"links",
                json::array({link("self", b + "/ogc", "application/json", "This document"),
                             link("service-desc", b + "/api/v1/openapi.json",
                                  "application/vnd.oai.openapi+json;version=3.0",
                                  "The API definition"),
                             link("conformance", b + "/ogc/conformance", "application/json",
                                  "Conformance classes implemented"),
                             link("data", b + "/ogc/collections", "application/json",
                                  "The collections")})}};
        return json_response(200, j);
    });

    router.add("GET", "/ogc/conformance", "getConformance", Access::anyone, [](Context& ctx) {
        check_plain(ctx.request);
        json j{{"conformsTo",
                json::array({"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
                             "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
                             "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30"})}};
        return json_response(200, j);
    });

    router.add("GET", "/ogc/collections", "getCollections", Access::anyone, [&s](Context& ctx) {
        check_plain(ctx.request);
        const auto& b = ctx.request.base_url;
        json j{{"links", json::array({link("self", b + "/ogc/collections", "application/json",
                                           "The collections")})},
               {"collections", json::array({collection_json(s, b)})}};
        return json_response(200, j);
    });

    router.add("GET", "/ogc/collections/{collectionId}", "describeCollection", Access::anyone, [&s](Context& ctx) {
        check_plain(ctx.request);
        if (ctx.param("collectionId") != "spaces") {
            throw Error(ErrorKind::not_found, "no collection '" + ctx.param("collectionId") + "'",
                        "the collection is 'spaces'");
        }
        return json_response(200, collection_json(s, ctx.request.base_url));
    });

    router.add(
        "GET", "/ogc/collections/{collectionId}/items", "getFeatures", Access::anyone,
        cached(s, [&s](Context& ctx) {
            const auto& req = ctx.request;
            if (ctx.param("collectionId") != "spaces") {
                throw Error(ErrorKind::not_found,
                            "no collection '" + ctx.param("collectionId") + "'");
            }
            QueryParams params(req.query);
            FieldErrors errors;
            check_format(params, errors);
            SpaceQuery q = read_space_query(params, QueryStyle::ogc, errors);
            std::map<Id, std::string> slugs;
            if (auto slug = params.get("workspace", errors)) {
                auto w = s.store.workspace_by_slug(*slug);
                if (!w) {
                    errors.add_parameter("workspace", "no workspace '" + *slug + "'");
                } else {
                    q.workspace_id = w->id;
                }
            }
            reject_unused(params, errors);
            errors.throw_if_any("invalid query");
            const bool internal = sees_internal(ctx, std::nullopt);
            q.search_internal = internal;

            SpacePage page = s.store.list_spaces(q);
            std::string out;
            out.reserve(page.items.size() * 900 + 1024);
            out += "{\"type\":\"FeatureCollection\",\"features\":[";
            for (std::size_t i = 0; i < page.items.size(); ++i) {
                const Space& sp = page.items[i];
                auto it = slugs.find(sp.workspace_id);
                if (it == slugs.end()) {
                    auto w = s.store.workspace_by_id(sp.workspace_id);
                    it = slugs.emplace(sp.workspace_id, w ? w->slug : "").first;
                }
                if (i) out += ',';
                geo::append_space_feature(out, sp, it->second, internal);
            }
            const std::string base = req.base_url + req.path + "?";
            json links = json::array();
            links.push_back(link("self", base + req.query, k_geojson, "This page"));
            if (page.total && q.offset + page.items.size() < *page.total) {
                links.push_back(link(
                    "next", base + with_param(req.query, "offset", std::to_string(q.offset + q.limit)),
                    k_geojson, "Next page"));
            }
            if (q.offset > 0) {
                auto prev = q.offset > q.limit ? q.offset - q.limit : 0;
                links.push_back(link("prev",
                                     base + with_param(req.query, "offset", std::to_string(prev)),
                                     k_geojson, "Previous page"));
            }
            links.push_back(link("collection", req.base_url + "/ogc/collections/spaces",
                                 "application/json", "The collection"));
            out += "],\"numberMatched\":" + std::to_string(page.total.value_or(0));
            out += ",\"numberReturned\":" + std::to_string(page.items.size());
            out += ",\"timeStamp\":\"" + now_utc().substr(0, 19) + "Z\"";
            out += ",\"links\":" + links.dump() + "}";
            return Response::json(200, std::move(out), k_geojson);
        }));

    router.add("GET", "/ogc/collections/{collectionId}/items/{featureId}", "getFeature", Access::anyone,
               [&s](Context& ctx) {
                   check_plain(ctx.request);
                   if (ctx.param("collectionId") != "spaces") {
                       throw Error(ErrorKind::not_found,
                                   "no collection '" + ctx.param("collectionId") + "'");
                   }
                   Id id = path_id(ctx.param("featureId"), "feature");
                   auto sp = s.store.space_any(id);
                   if (!sp) {
                       throw Error(ErrorKind::not_found, "feature " + std::to_string(id) +
                                                             " not found");
                   }
                   auto w = s.store.workspace_by_id(sp->workspace_id);
                   std::string feature;
                   geo::append_space_feature(feature, *sp, w ? w->slug : "",
                                             sees_internal(ctx, sp->workspace_id));
                   json j = json::parse(feature);
                   const auto& b = ctx.request.base_url;
                   j["links"] = json::array(
                       {link("self", b + "/ogc/collections/spaces/items/" + std::to_string(id),
                             k_geojson, "This feature"),
                        link("collection", b + "/ogc/collections/spaces", "application/json",
                             "The collection")});
                   Response r = json_response(200, j, k_geojson);
                   r.headers["ETag"] = version_etag(sp->version);
                   return r;
               });
}

} // namespace impetus::http
