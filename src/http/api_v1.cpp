// REST API under /api/v1: workspaces, organisations, spaces (with status transitions and
// history), exports and imports. Every route is listed in the OpenAPI document (openapi.json);
// a test keeps the two in step.

#include "core/doc_reader.hpp"
#include "core/error.hpp"
#include "core/records_json.hpp"
#include "exports/exports.hpp"
#include "geo/space_json.hpp"
#include "http/query_params.hpp"
#include "http/routes.hpp"
#include "importers/import.hpp"

#include <cmath>
#include <map>
#include <memory>

namespace impetus::http {

using nlohmann::json;

namespace {

json page_links(const Request& req, std::size_t offset, std::size_t limit, std::size_t returned,
                std::optional<std::size_t> total) {
    json links = json::array();
    const std::string base = req.base_url + req.path + "?";
    links.push_back({{"rel", "self"}, {"href", base + req.query}, {"type", "application/json"}});
    bool more = total ? offset + returned < *total : returned == limit;
    if (more) {
        links.push_back({{"rel", "next"},
                         {"href", base + with_param(req.query, "offset",
                                                    std::to_string(offset + limit))},
                         {"type", "application/json"}});
    }
    if (offset > 0) {
        links.push_back(
            {{"rel", "prev"},
             {"href", base + with_param(req.query, "offset",
                                        std::to_string(offset > limit ? offset - limit : 0))},
             {"type", "application/json"}});
    }
    return links;
}

// Reads the filters of a space list; `global` lists accept workspace=SLUG. An export (not
// `paged`) holds every match: limit and offset are refused rather than silently ignored.
SpaceQuery space_query(Services& s, const Request& req, std::optional<Id> workspace_id,
                       bool paged) {
    QueryParams params(req.query);
    FieldErrors errors;
    if (!paged) {
        for (const char* key : {"limit", "offset"}) {
            if (params.has(key))
                errors.add_parameter(key, "does not apply: an export holds every match");
        }
    }
    SpaceQuery q = read_space_query(params, QueryStyle::rest, errors);
    if (!workspace_id) {
        if (auto slug = params.get("workspace", errors)) {
            auto w = s.store.workspace_by_slug(*slug);
            if (!w) {
                errors.add_parameter("workspace", "no workspace '" + *slug + "'");
            } else {
                workspace_id = w->id;
            }
        }
    }
    reject_unused(params, errors);
    errors.throw_if_any("invalid query");
    q.workspace_id = workspace_id;
    return q;
}

// What the public sees of a space: everything but the internal notes.
Space public_view(Space sp) {
    sp.fields.notes.clear();
    return sp;
}

// What a caller sees of an organisation: staff everything; its members also the contact
// details; the public neither contacts nor internal notes.
json organisation_json(const Organisation& o, const Context& ctx) {
    json j = to_json(o);
    if (!sees_internal(ctx, o.workspace_id)) {
        if (!ctx.principal || !ctx.principal->member_of(o.id)) j.erase("contact");
        j.erase("notes");
    }
    return j;
}

Response list_spaces(Services& s, const Context& ctx, std::optional<Id> workspace_id) {
    const Request& req = ctx.request;
    const bool internal = sees_internal(ctx, workspace_id);
    SpaceQuery q = space_query(s, req, workspace_id, true);
    q.search_internal = internal;
    SpacePage page = s.store.list_spaces(q);
    json items = json::array();
    for (std::size_t i = 0; i < page.items.size(); ++i) {
        json j = geo::space_to_json(internal ? page.items[i] : public_view(page.items[i]));
        if (q.near) j["distance_m"] = std::round(page.distances_m[i] * 10.0) / 10.0;
        items.push_back(std::move(j));
    }
    json body{{"items", std::move(items)},
              {"total", page.total ? json(*page.total) : json(nullptr)},
              {"limit", q.limit},
              {"offset", q.offset}};
    body["links"] = page_links(req, q.offset, q.limit, page.items.size(), page.total);
    return json_response(200, body);
}

Response space_response(int status, const Space& sp, const Context& ctx, const Workspace& w) {
    const Request& req = ctx.request;
    Response r = json_response(
        status, geo::space_to_json(sees_internal(ctx, w.id) ? sp : public_view(sp)));
    r.headers["ETag"] = version_etag(sp.version);
    if (status == 201) {
        r.headers["Location"] = req.base_url + "/api/v1/workspaces/" + w.slug + "/spaces/" +
                                std::to_string(sp.id);
    }
    return r;
}

Space require_space(Store& store, const Workspace& w, const std::string& id_text) {
    Id id = path_id(id_text, "space");
    auto sp = store.space(w.id, id);
    if (!sp) {
        throw Error(ErrorKind::not_found,
                    "space " + std::to_string(id) + " not found in workspace " + w.slug);
    }
    return *sp;
}

exports::SlugOf slug_lookup(Store& store) {
    auto cache = std::make_shared<std::map<Id, std::string>>();
    return [&store, cache](Id id) -> std::string {
        auto it = cache->find(id);
        if (it != cache->end()) return it->second;
        auto w = store.workspace_by_id(id);
        return (*cache)[id] = w ? w->slug : std::string();
    };
}

} // namespace

void add_api_v1_routes(Router& router, Services& s) {
    router.add("GET", "/api/v1", "getApiIndex", Access::anyone, [](Context& ctx) {
        const auto& b = ctx.request.base_url;
        json j{{"title", "Impetus API"},
               {"version", "v1"},
               {"links",
                {{{"rel", "service-desc"},
                  {"href", b + "/api/v1/openapi.json"},
                  {"type", "application/vnd.oai.openapi+json;version=3.0"}},
                 {{"rel", "workspaces"}, {"href", b + "/api/v1/workspaces"}},
                 {{"rel", "spaces"}, {"href", b + "/api/v1/spaces"}},
                 {{"rel", "ogc-features"}, {"href", b + "/ogc"}}}}};
        return json_response(200, j);
    });

    router.add("GET", "/api/v1/health", "getHealth", Access::anyone, [&s](Context&) {
        json j{{"status", "ok"}, {"schema_version", s.store.schema_version()}};
        return json_response(200, j);
    });

    // -- workspaces
    router.add("GET", "/api/v1/workspaces", "listWorkspaces", Access::anyone, [&s](Context&) {
        json items = json::array();
        for (const auto& w : s.store.list_workspaces()) items.push_back(to_json(w));
        return json_response(200, json{{"items", items}, {"total", items.size()}});
    });
    router.add("POST", "/api/v1/workspaces", "createWorkspace", Access::instance_admin, [&s](Context& ctx) {
        Workspace w = s.store.create_workspace(read_workspace(read_json_body(ctx.request)));
        Response r = json_response(201, to_json(w));
        r.headers["Location"] = ctx.request.base_url + "/api/v1/workspaces/" + w.slug;
        return r;
    });
    router.add("GET", "/api/v1/workspaces/{workspace}", "getWorkspace", Access::anyone, [&s](Context& ctx) {
        return json_response(200, to_json(workspace_of(s, ctx)));
    });
    router.add("PATCH", "/api/v1/workspaces/{workspace}", "updateWorkspace", Access::workspace_admin, [&s](Context& ctx) {
        Workspace cur = workspace_of(s, ctx);
        json patch = read_json_body(ctx.request);
        Workspace next = read_workspace(merge_patch(writable_json(cur), patch));
        return json_response(200, to_json(s.store.update_workspace(cur.id, next)));
    });

    // -- organisations
    const std::string orgs = "/api/v1/workspaces/{workspace}/organisations";
    router.add("GET", orgs, "listOrganisations", Access::anyone, [&s](Context& ctx) {
        Workspace w = workspace_of(s, ctx);
        QueryParams params(ctx.request.query);
        FieldErrors errors;
        const Paging paging = read_paging(params, errors);
        reject_unused(params, errors);
        errors.throw_if_any("invalid query");
        std::size_t total = 0;
        json items = json::array();
        for (const auto& o :
             s.store.list_organisations(w.id, paging.limit, paging.offset, &total)) {
            items.push_back(organisation_json(o, ctx));
        }
        json body{{"items", items}, {"total", total}, {"limit", paging.limit},
                  {"offset", paging.offset}};
        body["links"] = page_links(ctx.request, paging.offset, paging.limit, items.size(), total);
        return json_response(200, body);
    });
    router.add("POST", orgs, "createOrganisation", Access::staff, [&s](Context& ctx) {
        Workspace w = workspace_of(s, ctx);
        Organisation o = s.store.create_organisation(w.id,
                                                     read_organisation(read_json_body(ctx.request)));
        Response r = json_response(201, to_json(o));
        r.headers["Location"] = ctx.request.base_url + "/api/v1/workspaces/" + w.slug +
                                "/organisations/" + std::to_string(o.id);
        return r;
    });
    auto require_org = [&s](Context& ctx, const Workspace& w) {
        Id id = path_id(ctx.param("id"), "organisation");
        auto o = s.store.organisation(w.id, id);
        if (!o) {
            throw Error(ErrorKind::not_found, "organisation " + std::to_string(id) +
                                                  " not found in workspace " + w.slug);
        }
        return *o;
    };
    router.add("GET", orgs + "/{id}", "getOrganisation", Access::anyone, [&s, require_org](Context& ctx) {
        Workspace w = workspace_of(s, ctx);
        return json_response(200, organisation_json(require_org(ctx, w), ctx));
    });
    router.add("PATCH", orgs + "/{id}", "updateOrganisation", Access::staff, [&s, require_org](Context& ctx) {
        Workspace w = workspace_of(s, ctx);
        Organisation cur = require_org(ctx, w);
        json patch = read_json_body(ctx.request);
        Organisation next = read_organisation(merge_patch(writable_json(cur), patch));
        return json_response(200, to_json(s.store.update_organisation(w.id, cur.id, next)));
    });

    // -- spaces
    router.add("GET", "/api/v1/spaces", "listAllSpaces", Access::anyone,
               cached(s, [&s](Context& ctx) { return list_spaces(s, ctx, std::nullopt); }));

    const std::string spaces = "/api/v1/workspaces/{workspace}/spaces";
    router.add("GET", spaces, "listSpaces", Access::anyone, cached(s, [&s](Context& ctx) {
                   Workspace w = workspace_of(s, ctx);
                   return list_spaces(s, ctx, w.id);
               }));
    router.add("POST", spaces, "createSpace", Access::staff, [&s](Context& ctx) {
        Workspace w = workspace_of(s, ctx);
        json body = read_json_body(ctx.request);
        // The initial status may be given (an officer entering a known vacant space);
        // everything else goes through the lifecycle.
        FieldErrors errors;
        SpaceStatus status = SpaceStatus::reported;
        std::string reason = "created";
        json flat = geo::flatten_feature(body);
        if (flat.is_object()) {
            if (auto it = flat.find("status"); it != flat.end() && !it->is_null()) {
                auto st = it->is_string() ? parse_enum<SpaceStatus>(it->get<std::string>())
                                          : std::nullopt;
                if (!st) {
                    errors.add("/status", "must be one of " + enum_choices<SpaceStatus>());
                } else {
                    status = *st;
                }
            }
            if (auto it = flat.find("status_reason"); it != flat.end() && !it->is_null()) {
                if (!it->is_string()) {
                    errors.add("/status_reason", "must be a string");
                } else {
                    reason = it->get<std::string>();
                }
            }
        }
        SpaceFields f;
        try {
            f = geo::read_space_fields(body, {"status", "status_reason"});
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::invalid_input) throw;
            for (const auto& fe : e.fields()) errors.add(fe);
        }
        errors.throw_if_any("invalid space");
        Space sp = s.spaces.create_space(w, f, status, reason);
        return space_response(201, sp, ctx, w);
    });
    router.add("GET", spaces + "/{id}", "getSpace", Access::anyone, [&s](Context& ctx) {
        Workspace w = workspace_of(s, ctx);
        Space sp = require_space(s.store, w, ctx.param("id"));
        if (auto inm = ctx.request.header("If-None-Match"); inm && *inm == version_etag(sp.version)) {
            Response r;
            r.status = 304;
            r.headers["ETag"] = *inm;
            return r;
        }
        return space_response(200, sp, ctx, w);
    });
    router.add("PATCH", spaces + "/{id}", "updateSpace", Access::staff, [&s](Context& ctx) {
        Workspace w = workspace_of(s, ctx);
        const Id id = path_id(ctx.param("id"), "space");
        const json patch = read_json_body(ctx.request);
        Space sp = s.spaces.update_space(w, id, patch, if_match_version(ctx.request));
        return space_response(200, sp, ctx, w);
    });
    router.add("POST", spaces + "/{id}/transitions", "transitionSpace", Access::staff, [&s](Context& ctx) {
        Workspace w = workspace_of(s, ctx);
        Space cur = require_space(s.store, w, ctx.param("id"));
        json body = read_json_body(ctx.request);
        FieldErrors errors;
        DocReader r(body, "", errors);
        r.reject_unknown({"to", "reason"});
        auto to = r.enumeration<SpaceStatus>("to", true);
        auto reason = r.string("reason", true, 2000);
        errors.throw_if_any("invalid transition");
        Space sp = s.spaces.transition_space(w, cur.id, *to, *reason, if_match_version(ctx.request));
        return space_response(200, sp, ctx, w);
    });
    router.add("GET", spaces + "/{id}/history", "getSpaceHistory", Access::anyone, [&s](Context& ctx) {
        Workspace w = workspace_of(s, ctx);
        Space sp = require_space(s.store, w, ctx.param("id"));
        json items = json::array();
        for (const auto& c : s.store.space_history(w.id, sp.id)) items.push_back(to_json(c));
        return json_response(200, json{{"items", items}, {"total", items.size()}});
    });

    // -- exports (the same filters as the list, every match)
    router.add("GET", spaces + ".geojson", "exportSpacesGeoJson", Access::anyone, cached(s, [&s](Context& ctx) {
                   Workspace w = workspace_of(s, ctx);
                   SpaceQuery q = space_query(s, ctx.request, w.id, false);
                   q.search_internal = sees_internal(ctx, w.id);
                   std::string out;
                   exports::write_geojson(s.store, q, slug_lookup(s.store), out, q.search_internal);
                   Response r = Response::json(200, std::move(out), "application/geo+json");
                   r.headers["Content-Disposition"] =
                       "attachment; filename=\"" + w.slug + "-spaces.geojson\"";
                   return r;
               }));
    router.add("GET", spaces + ".csv", "exportSpacesCsv", Access::anyone, cached(s, [&s](Context& ctx) {
                   Workspace w = workspace_of(s, ctx);
                   SpaceQuery q = space_query(s, ctx.request, w.id, false);
                   q.search_internal = sees_internal(ctx, w.id);
                   std::string out;
                   exports::write_csv(s.store, q, slug_lookup(s.store), out, q.search_internal);
                   Response r = Response::text(200, std::move(out), "text/csv; charset=utf-8");
                   r.headers["Content-Disposition"] =
                       "attachment; filename=\"" + w.slug + "-spaces.csv\"";
                   return r;
               }));

    // -- imports: the file is the raw request body
    router.add("POST", "/api/v1/workspaces/{workspace}/imports", "importSpaces", Access::staff, [&s](Context& ctx) {
        Workspace w = workspace_of(s, ctx);
        QueryParams params(ctx.request.query);
        FieldErrors errors;
        importers::ImportOptions opt;
        if (auto f = params.get("format", errors)) {
            opt.format = parse_enum<importers::ImportFormat>(*f);
            if (!opt.format) {
                errors.add_parameter("format",
                                     "must be one of " + enum_choices<importers::ImportFormat>());
            }
        }
        opt.strict = read_flag(params, "strict", errors);
        opt.dry_run = read_flag(params, "dry_run", errors);
        opt.source = params.get("source", errors);
        opt.file_name = params.get("file_name", errors).value_or("upload");
        reject_unused(params, errors);
        errors.throw_if_any("invalid import request");
        const std::string file = body_text(ctx.request);
        if (file.empty()) {
            throw Error(ErrorKind::invalid_input, "the request body is empty",
                        "send the file's bytes as the body");
        }
        auto report = importers::run_import(s.store, w.id, file, opt);
        return json_response(200, importers::to_json(report));
    }, BodySpec::in_file(s.options.max_import_body));
}

} // namespace impetus::http
