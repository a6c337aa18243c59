// Citizens' reports of vacant spaces over HTTP. Anyone may report (a form token that must be a
// few seconds old, a honeypot field and a limit per address keep robots out without a
// third-party service); the reporter adds photos and follows the report through a private
// link; the workspace's officers moderate: accept (a new space), merge into a space nearby, or
// reject with a reason. Photos are checked by content and re-encoded without metadata
// (media/photo.hpp); contacts are shown to officers only.

#include "auth/accounts.hpp"
#include "auth/secrets.hpp"
#include "core/dates.hpp"
#include "core/doc_reader.hpp"
#include "core/error.hpp"
#include "geo/space_json.hpp"
#include "http/query_params.hpp"
#include "http/routes.hpp"
#include "media/photo.hpp"

#include <chrono>
#include <cstdint>
#include <cmath>
#include <deque>
#include <map>
#include <mutex>

namespace impetus::http {

using nlohmann::json;

namespace {

constexpr int k_max_photos = 3;
constexpr std::chrono::hours k_form_max_age{2};

// Now, in milliseconds since the epoch, on the clock of the report forms (the system clock
// unless AppOptions::report_clock says otherwise). Milliseconds, not seconds: a form sent a
// moment after it was issued must not count a whole second older because a second began.
std::int64_t form_clock_ms(const Services& s) {
    const auto now = s.options.report_clock ? s.options.report_clock()
                                            : std::chrono::system_clock::now();
    return std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
}

// A form token: the time it was issued (milliseconds) and a MAC over it and the workspace.
std::string form_token(Services& s, Id workspace_id) {
    const auto now = form_clock_ms(s);
    const std::string payload = std::to_string(workspace_id) + ":" + std::to_string(now);
    return std::to_string(now) + "." + auth::hmac_sha256_hex(s.reports.form_key, payload);
}

void check_form_token(Services& s, Id workspace_id, const std::string& token) {
    const auto dot = token.find('.');
    const std::string issued = token.substr(0, dot);
    bool ok = dot != std::string::npos && !issued.empty() &&
              issued.find_first_not_of("0123456789") == std::string::npos && issued.size() < 15;
    if (ok) {
        const std::string payload = std::to_string(workspace_id) + ":" + issued;
        ok = auth::constant_time_equal(token.substr(dot + 1),
                                       auth::hmac_sha256_hex(s.reports.form_key, payload));
    }
    if (!ok) {
        throw Error(ErrorKind::invalid_input, "the form has expired or was not made here",
                    "reload the form and send it again", {{"/form_token", "is not valid"}});
    }
    const std::int64_t age = form_clock_ms(s) - std::stoll(issued);
    if (age < std::chrono::duration_cast<std::chrono::milliseconds>(s.reports.form_min_age).count()) {
        throw Error(ErrorKind::invalid_input, "the form was sent too quickly",
                    "take a moment to check what you wrote, then send it again",
                    {{"/form_token", "is too recent"}});
    }
    if (age > std::chrono::duration_cast<std::chrono::milliseconds>(k_form_max_age).count()) {
        throw Error(ErrorKind::invalid_input, "the form has expired",
                    "reload the form and send it again", {{"/form_token", "has expired"}});
    }
}

Report require_report(Services& s, const Workspace& w, const std::string& id_text) {
    const Id id = path_id(id_text, "report");
    auto r = s.store.report(w.id, id);
    if (!r) throw Error(ErrorKind::not_found, "report " + std::to_string(id) + " not found");
    return *r;
}

Report require_followed(Services& s, const std::string& token) {
    auto r = token.size() > 200 ? std::nullopt : s.store.report_by_follow_hash(auth::sha256_hex(token));
    if (!r) throw Error(ErrorKind::not_found, "no report behind this link");
    return *r;
}

// What the reporter and the public may see of a report.
json public_report_json(Services& s, const Request& req, const Report& r) {
    json j{{"status", enum_name(r.status)},
           {"kind", enum_name(r.kind)},
           {"description", r.description},
           {"vacant_for", enum_name(r.vacant_for)},
           {"lon", r.position.lon},
           {"lat", r.position.lat},
           {"created_at", r.created_at},
           {"decided_at", r.decided_at.empty() ? json(nullptr) : json(r.decided_at)},
           {"decision_reason", r.decision_reason},
           {"photo_count", r.photo_count},
           {"space", nullptr}};
    if (r.space_id) {
        auto w = s.store.workspace_by_id(r.workspace_id);
        j["space"] = {{"id", *r.space_id},
                      {"href", req.base_url + "/w/" + (w ? w->slug : "") + "/spaces/" +
                                   std::to_string(*r.space_id)}};
    }
    return j;
}

// What officers see: everything, with the photos' addresses.
json report_json(const Request& req, const Workspace& w, const Report& r,
                 const std::vector<ReportPhoto>& photos) {
    json ph = json::array();
    const std::string base = req.base_url + "/api/v1/workspaces/" + w.slug + "/reports/" +
                             std::to_string(r.id) + "/photos/";
    for (const auto& p : photos) {
        ph.push_back({{"id", p.id},
                      {"width", p.width},
                      {"height", p.height},
                      {"href", base + std::to_string(p.id)},
                      {"thumbnail_href", base + std::to_string(p.id) + "?size=thumbnail"}});
    }
    return {{"id", r.id},
            {"workspace", w.slug},
            {"status", enum_name(r.status)},
            {"kind", enum_name(r.kind)},
            {"description", r.description},
            {"vacant_for", enum_name(r.vacant_for)},
            {"lon", r.position.lon},
            {"lat", r.position.lat},
            {"contact_name", r.contact_name},
            {"contact_email", r.contact_email},
            {"reporter_user_id", r.reporter_user_id ? json(*r.reporter_user_id) : json(nullptr)},
            {"decision_reason", r.decision_reason},
            {"space_id", r.space_id ? json(*r.space_id) : json(nullptr)},
            {"created_at", r.created_at},
            {"decided_at", r.decided_at.empty() ? json(nullptr) : json(r.decided_at)},
            {"photos", ph}};
}

} // namespace

void add_report_routes(Router& router, Services& s) {
    const std::string reports = "/api/v1/workspaces/{workspace}/reports";

    router.add("GET", reports + "/form", "getReportForm", Access::anyone, [&s](Context& ctx) {
        Workspace w = workspace_of(s, ctx);
        QueryParams params(ctx.request.query);
        FieldErrors errors;
        reject_unused(params, errors);
        errors.throw_if_any("invalid query");
        return json_response(200, json{{"form_token", form_token(s, w.id)},
                                       {"min_seconds", s.reports.form_min_age.count()},
                                       {"kinds", enum_name_list<SpaceKind>()},
                                       {"vacant_for", enum_name_list<VacantFor>()}});
    });

    router.add("POST", reports, "createReport", Access::anyone, [&s](Context& ctx) {
        Workspace w = workspace_of(s, ctx);
        const json body = read_json_body(ctx.request);
        FieldErrors errors;
        DocReader r(body, "", errors);
        r.reject_unknown({"lon", "lat", "kind", "description", "vacant_for", "contact_name",
                          "contact_email", "form_token", "website"});
        const auto lon = r.number("lon", -180, 180, true);
        const auto lat = r.number("lat", -90, 90, true);
        const auto kind = r.enumeration<SpaceKind>("kind", true);
        const auto description = r.string("description", false, 2000);
        const auto vacant_for = r.enumeration<VacantFor>("vacant_for", false);
        const auto contact_name = r.string("contact_name", false, 200);
        const auto contact_email = r.string("contact_email", false, 254);
        const auto token = r.string("form_token", true, 200);
        const auto honeypot = r.string("website", false, 2000);
        if (contact_email && !contact_email->empty() && !auth::plausible_email(*contact_email)) {
            errors.add("/contact_email", "is not an e-mail address");
        }
        errors.throw_if_any("invalid report");
        // Robots fill every field; people do not see this one.
        if (honeypot && !honeypot->empty()) {
            throw Error(ErrorKind::invalid_input, "the report was refused",
                        "leave the hidden 'website' field empty");
        }
        check_form_token(s, w.id, *token);
        if (!s.reports.allow(ctx.request.remote_address)) {
            throw Error(ErrorKind::rate_limited, "too many reports from this address",
                        "try again in an hour")
                .with_retry_after(s.reports.retry_after(ctx.request.remote_address));
        }
        Report rep;
        rep.workspace_id = w.id;
        rep.position = Position{*lon, *lat};
        rep.kind = *kind;
        rep.description = description.value_or("");
        rep.vacant_for = vacant_for.value_or(VacantFor::unknown);
        rep.contact_name = contact_name.value_or("");
        rep.contact_email = contact_email.value_or("");
        if (ctx.principal) rep.reporter_user_id = ctx.principal->user.id;
        const std::string follow = auth::random_token();
        rep = s.store.create_report(rep, auth::sha256_hex(follow));
        json out = public_report_json(s, ctx.request, rep);
        out["follow_token"] = follow;
        out["follow_href"] = ctx.request.base_url + "/report/" + follow;
        out["photos_href"] = ctx.request.base_url + "/api/v1/reports/" + follow + "/photos";
        out["max_photos"] = k_max_photos;
        return json_response(201, out);
    });

    router.add("GET", "/api/v1/reports/{token}", "followReport", Access::anyone, [&s](Context& ctx) {
        const Report r = require_followed(s, ctx.param("token"));
        return json_response(200, public_report_json(s, ctx.request, r));
    });

    // The report is checked before the photo's bytes are read: without a followed, pending
    // report with room for a photo, nobody sends 12 MiB.
    auto photo_report = [&s](const Context& ctx) {
        const Report r = require_followed(s, ctx.param("token"));
        if (r.status != ReportStatus::pending) {
            throw Error(ErrorKind::conflict, "the report has been decided",
                        "photos are added while it waits for an officer");
        }
        if (r.photo_count >= k_max_photos) {
            throw Error(ErrorKind::conflict,
                        "a report holds at most " + std::to_string(k_max_photos) + " photos");
        }
        return r;
    };
    router.add(
        "POST", "/api/v1/reports/{token}/photos", "addReportPhoto", Access::anyone,
        [&s, photo_report](Context& ctx) {
            const Report r = photo_report(ctx);
            const media::Photo p = media::process_photo(ctx.request.body, media::PhotoLimits{});
            ReportPhoto photo;
            photo.width = p.width;
            photo.height = p.height;
            photo.jpeg = p.jpeg;
            photo.thumbnail = p.thumbnail_jpeg;
            photo = s.store.add_report_photo(r.id, photo);
            return json_response(201, json{{"id", photo.id},
                                           {"width", photo.width},
                                           {"height", photo.height},
                                           {"bytes", p.jpeg.size()}});
        },
        [&s, photo_report] {
            BodySpec body = BodySpec::in_memory(s.options.max_photo_body);
            body.check = [photo_report](Context& ctx) { photo_report(ctx); };
            return body;
        }());

    router.add("GET", reports, "listReports", Access::staff, [&s](Context& ctx) {
        Workspace w = workspace_of(s, ctx);
        QueryParams params(ctx.request.query);
        FieldErrors errors;
        std::optional<ReportStatus> status;
        if (auto st = params.get("status", errors)) {
            status = parse_enum<ReportStatus>(*st);
            if (!status)
                errors.add_parameter("status", "must be one of " + enum_choices<ReportStatus>());
        }
        const Paging paging = read_paging(params, errors);
        reject_unused(params, errors);
        errors.throw_if_any("invalid query");
        std::size_t total = 0;
        json items = json::array();
        for (const auto& r :
             s.store.list_reports(w.id, status, paging.limit, paging.offset, &total)) {
            items.push_back(report_json(ctx.request, w, r, s.store.report_photos(r.id)));
        }
        return json_response(200, json{{"items", items},
                                       {"total", total},
                                       {"limit", paging.limit},
                                       {"offset", paging.offset}});
    });

    router.add("GET", reports + "/{id}", "getReport", Access::staff, [&s](Context& ctx) {
        Workspace w = workspace_of(s, ctx);
        const Report r = require_report(s, w, ctx.param("id"));
        json out = report_json(ctx.request, w, r, s.store.report_photos(r.id));
        // Spaces already known within 50 m: perhaps the same place.
        SpaceQuery q;
        q.workspace_id = w.id;
        q.near = NearFilter{r.position, 50.0};
        q.sort = SpaceSort::distance;
        q.limit = 10;
        const SpacePage page = s.store.list_spaces(q);
        json nearby = json::array();
        for (std::size_t i = 0; i < page.items.size(); ++i) {
            const Space& sp = page.items[i];
            nearby.push_back({{"id", sp.id},
                              {"name", sp.fields.name},
                              {"kind", enum_name(sp.fields.kind)},
                              {"status", enum_name(sp.status)},
                              {"distance_m", std::round(page.distances_m[i] * 10.0) / 10.0}});
        }
        out["nearby_spaces"] = nearby;
        return json_response(200, out);
    });

    router.add("GET", reports + "/{id}/photos/{photo}", "getReportPhoto", Access::staff,
               [&s](Context& ctx) {
        Workspace w = workspace_of(s, ctx);
        const Report r = require_report(s, w, ctx.param("id"));
        QueryParams params(ctx.request.query);
        FieldErrors errors;
        const std::string size = params.get("size", errors).value_or("full");
        if (size != "full" && size != "thumbnail")
            errors.add_parameter("size", "must be full or thumbnail");
        reject_unused(params, errors);
        errors.throw_if_any("invalid query");
        auto p = s.store.report_photo(r.id, path_id(ctx.param("photo"), "photo"));
        if (!p) throw Error(ErrorKind::not_found, "no such photo in this report");
        Response resp = Response::text(200, size == "full" ? p->jpeg : p->thumbnail, "image/jpeg");
        resp.headers["Cache-Control"] = "private, max-age=3600";
        return resp;
    });

    auto decision_reason = [](const json& body, FieldErrors& errors, bool required) {
        DocReader rd(body, "", errors);
        return rd.string("reason", required, 2000).value_or("");
    };

    router.add("POST", reports + "/{id}/accept", "acceptReport", Access::staff,
               [&s, decision_reason](Context& ctx) {
        Workspace w = workspace_of(s, ctx);
        const Report r = require_report(s, w, ctx.param("id"));
        const json body = read_json_body(ctx.request);
        FieldErrors errors;
        DocReader rd(body, "", errors);
        rd.reject_unknown({"name", "kind", "status", "reason"});
        const auto name = rd.string("name", true, 300);
        const auto kind = rd.enumeration<SpaceKind>("kind", false);
        const auto status = rd.enumeration<SpaceStatus>("status", false);
        const std::string reason = decision_reason(body, errors, false);
        if (status && *status != SpaceStatus::reported && *status != SpaceStatus::verified) {
            errors.add("/status", "must be reported or verified");
        }
        errors.throw_if_any("invalid decision");
        SpaceFields f;
        f.name = *name;
        f.kind = kind.value_or(r.kind);
        f.geometry = Point{r.position};
        f.notes = r.description;
        f.source = "report";
        f.source_id = std::to_string(r.id);
        const Space sp = s.report_decisions.accept(
            w, r.id, f, status.value_or(SpaceStatus::reported),
            reason.empty() ? "reported by a citizen (report " + std::to_string(r.id) + ")" : reason);
        Response resp = json_response(201, geo::space_to_json(sp));
        resp.headers["Location"] = ctx.request.base_url + "/api/v1/workspaces/" + w.slug +
                                   "/spaces/" + std::to_string(sp.id);
        return resp;
    });

    router.add("POST", reports + "/{id}/merge", "mergeReport", Access::staff,
               [&s, decision_reason](Context& ctx) {
        Workspace w = workspace_of(s, ctx);
        const Report r = require_report(s, w, ctx.param("id"));
        const json body = read_json_body(ctx.request);
        FieldErrors errors;
        DocReader rd(body, "", errors);
        rd.reject_unknown({"space_id", "reason"});
        const auto space_id = rd.integer("space_id", 1, INT64_MAX, true);
        const std::string reason = decision_reason(body, errors, false);
        errors.throw_if_any("invalid decision");
        const Report out = s.report_decisions.merge(w, r.id, *space_id, reason);
        return json_response(200, report_json(ctx.request, w, out, s.store.report_photos(out.id)));
    });

    router.add("POST", reports + "/{id}/reject", "rejectReport", Access::staff,
               [&s, decision_reason](Context& ctx) {
        Workspace w = workspace_of(s, ctx);
        const Report r = require_report(s, w, ctx.param("id"));
        const json body = read_json_body(ctx.request);
        FieldErrors errors;
        DocReader rd(body, "", errors);
        rd.reject_unknown({"reason"});
        const std::string reason = decision_reason(body, errors, true);
        errors.throw_if_any("invalid decision");
        const Report out = s.report_decisions.reject(w, r.id, reason);
        return json_response(200, report_json(ctx.request, w, out, s.store.report_photos(out.id)));
    });
}

} // namespace impetus::http
