// REST API for OpenStreetMap discovery scans run as background jobs: start one on an uploaded
// extract or on a file in the server's extracts folder, follow its progress, cancel it. The
// candidates it finds are ordinary spaces (source "osm", status reported), reviewed through
// the space routes.

#include "core/dates.hpp"
#include "core/error.hpp"
#include "core/records_json.hpp"
#include "discovery/discovery.hpp"
#include "http/jobs.hpp"
#include "http/query_params.hpp"
#include "http/routes.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <random>

namespace impetus::http {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::string media_type(const Request& req) {
    std::string ct = req.header("Content-Type").value_or("");
    ct = ct.substr(0, ct.find(';'));
    while (!ct.empty() && ct.back() == ' ') ct.pop_back();
    for (auto& c : ct) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return ct;
}

json job_json(const Request& req, const Workspace& w, const Job& job) {
    json j = to_json(job);
    j.erase("workspace_id");
    j["workspace"] = w.slug;
    const std::string self =
        req.base_url + "/api/v1/workspaces/" + w.slug + "/jobs/" + std::to_string(job.id);
    j["links"] = json::array({{{"rel", "self"}, {"href", self}, {"type", "application/json"}}});
    if (job.status == JobStatus::queued || job.status == JobStatus::running) {
        j["links"].push_back({{"rel", "cancel"}, {"href", self + "/cancel"}, {"method", "POST"}});
    }
    return j;
}

fs::path upload_dir(const AppOptions& o) {
    if (!o.upload_dir.empty()) return o.upload_dir;
    return fs::temp_directory_path() / ("impetus-uploads-" + std::to_string(::getpid()));
}

// Writes the body to a new file in the upload folder; the job deletes it when it ends.
fs::path save_upload(const AppOptions& o, const std::string& body) {
    const fs::path dir = upload_dir(o);
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) {
        throw Error(ErrorKind::io, "cannot create the upload folder: " + ec.message());
    }
    static std::atomic<unsigned> counter{0};
    std::random_device rd;
    const fs::path file = dir / ("upload-" + std::to_string(rd()) + "-" +
                                 std::to_string(counter++) + ".osm.pbf");
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(body.data(), static_cast<std::streamsize>(body.size()));
    out.close();
    if (!out) {
        fs::remove(file, ec);
        throw Error(ErrorKind::io, "cannot store the uploaded file",
                    "the server's disk may be full; try again later");
    }
    return file;
}

// A path inside the extracts folder, from a relative path the client names. Anything that
// would leave the folder (absolute paths, "..", links pointing out) is refused.
fs::path server_extract(const AppOptions& o, const std::string& relative, FieldErrors& errors) {
    if (o.extracts_dir.empty()) {
        throw Error(ErrorKind::forbidden, "this server reads no extracts from its own disk",
                    "upload the file instead, or start the server with --extracts-dir DIR");
    }
    const fs::path rel(relative);
    bool bad = relative.empty() || rel.is_absolute() || rel.has_root_name();
    for (const auto& part : rel) {
        if (part == "..") bad = true;
    }
    if (bad) {
        errors.add("/path", "must be a path relative to the server's extracts folder, without ..");
        return {};
    }
    std::error_code ec;
    const fs::path root = fs::canonical(o.extracts_dir, ec);
    if (ec) {
        throw Error(ErrorKind::io, "the server's extracts folder cannot be read: " + ec.message());
    }
    const fs::path full = fs::weakly_canonical(root / rel, ec);
    const auto [end, _] = std::mismatch(root.begin(), root.end(), full.begin(), full.end());
    if (ec || end != root.end()) {
        errors.add("/path", "is outside the server's extracts folder");
        return {};
    }
    if (!fs::is_regular_file(full, ec)) {
        errors.add("/path", "no extract '" + relative + "' in the server's extracts folder "
                            "(GET /api/v1/extracts lists them)");
        return {};
    }
    return full;
}

json list_extracts(const AppOptions& o) {
    json items = json::array();
    if (o.extracts_dir.empty()) return json{{"enabled", false}, {"items", items}};
    std::error_code ec;
    const fs::path root = fs::canonical(o.extracts_dir, ec);
    if (ec) return json{{"enabled", true}, {"items", items}};
    std::vector<std::pair<std::string, json>> found;
    for (fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied,
                                             ec),
         end;
         !ec && it != end; it.increment(ec)) {
        if (it.depth() > 3) {
            it.disable_recursion_pending();
            continue;
        }
        const auto& p = it->path();
        const std::string name = p.filename().string();
        if (!it->is_regular_file(ec) || name.size() < 4 ||
            name.compare(name.size() - 4, 4, ".pbf") != 0) {
            continue;
        }
        const std::string rel = fs::relative(p, root, ec).generic_string();
        const auto size = fs::file_size(p, ec);
        const auto mtime = fs::last_write_time(p, ec);
        const auto sys = std::chrono::time_point_cast<std::chrono::system_clock::duration>(
            std::chrono::file_clock::to_sys(mtime));
        found.emplace_back(rel, json{{"path", rel},
                                     {"size", size},
                                     {"modified", format_utc(sys)}});
    }
    std::sort(found.begin(), found.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& [_, j] : found) items.push_back(std::move(j));
    return json{{"enabled", true}, {"items", std::move(items)}};
}

} // namespace

void add_job_routes(Router& router, Services& s) {
    router.add("GET", "/api/v1/extracts", "listExtracts", Access::staff, [&s](Context& ctx) {
        QueryParams params(ctx.request.query);
        FieldErrors errors;
        reject_unused(params, errors);
        errors.throw_if_any("invalid query");
        return json_response(200, list_extracts(s.options));
    });

    router.add("POST", "/api/v1/workspaces/{workspace}/discoveries", "startDiscovery", Access::staff,
               [&s](Context& ctx) {
        const auto& req = ctx.request;
        Workspace w = require_workspace(s.store, ctx.param("workspace"));
        QueryParams params(req.query);
        FieldErrors errors;
        DiscoveryJobRequest job;
        const std::string mime = media_type(req);
        if (mime == "application/json") {
            reject_unused(params, errors);
            errors.throw_if_any("invalid discovery request");
            json body = read_json_body(req);
            if (!body.is_object()) {
                throw Error(ErrorKind::invalid_input, "the body must be a JSON object",
                            R"(send {"path": "region.osm.pbf"})");
            }
            for (const auto& [key, _] : body.items()) {
                if (key != "path" && key != "dry_run") errors.add("/" + key, "is not a field here");
            }
            std::string path;
            if (!body.contains("path") || !body["path"].is_string()) {
                errors.add("/path", "is required: a path relative to the server's extracts folder");
            } else {
                path = body["path"].get<std::string>();
            }
            if (body.contains("dry_run")) {
                if (body["dry_run"].is_boolean()) {
                    job.dry_run = body["dry_run"].get<bool>();
                } else {
                    errors.add("/dry_run", "must be true or false");
                }
            }
            errors.throw_if_any("invalid discovery request");
            job.file = server_extract(s.options, path, errors);
            errors.throw_if_any("invalid discovery request");
            job.display_name = path;
            job.params = {{"source", "server"}, {"path", path}};
            discovery::check_extract(job.file.string(), path);
        } else if (mime == "application/octet-stream" || mime == "application/x-protobuf" ||
                   mime == "application/vnd.openstreetmap.data+pbf") {
            const std::string name =
                clean_name(params.get("file_name", errors).value_or(""), 200, "upload.osm.pbf");
            job.dry_run = read_flag(params, "dry_run", errors);
            reject_unused(params, errors);
            errors.throw_if_any("invalid discovery request");
            if (req.body.empty()) {
                throw Error(ErrorKind::invalid_input, "the uploaded file " + name + " is empty",
                            "send the extract's bytes as the request body");
            }
            job.file = save_upload(s.options, req.body);
            job.remove_after = true;
            job.display_name = name;
            job.params = {{"source", "upload"}, {"size", req.body.size()}};
            try {
                discovery::check_extract(job.file.string(), "the uploaded file " + name);
            } catch (...) {
                std::error_code ec;
                fs::remove(job.file, ec);
                throw;
            }
        } else {
            throw Error(ErrorKind::unsupported_media,
                        mime.empty() ? "the request has no Content-Type"
                                     : "'" + mime + "' is not accepted here",
                        "upload the extract as application/octet-stream, or send "
                        R"({"path": "..."} as application/json)");
        }
        Job started = s.jobs.submit_discovery(w.id, std::move(job));
        Response r = json_response(202, job_json(req, w, started));
        r.headers["Location"] = req.base_url + "/api/v1/workspaces/" + w.slug + "/jobs/" +
                                std::to_string(started.id);
        return r;
    });

    const std::string jobs = "/api/v1/workspaces/{workspace}/jobs";
    router.add("GET", jobs, "listJobs", Access::staff, [&s](Context& ctx) {
        Workspace w = require_workspace(s.store, ctx.param("workspace"));
        QueryParams params(ctx.request.query);
        FieldErrors errors;
        std::size_t limit = 20;
        if (auto l = params.get("limit", errors)) {
            char* end = nullptr;
            const long v = std::strtol(l->c_str(), &end, 10);
            if (l->empty() || *end != '\0' || v < 1 || v > 100) {
                errors.add("limit", "must be an integer from 1 to 100");
            } else {
                limit = static_cast<std::size_t>(v);
            }
        }
        reject_unused(params, errors);
        errors.throw_if_any("invalid query");
        json items = json::array();
        for (const auto& j : s.store.list_jobs(w.id, limit)) {
            items.push_back(job_json(ctx.request, w, j));
        }
        return json_response(200, json{{"items", std::move(items)}});
    });
    router.add("GET", jobs + "/{id}", "getJob", Access::staff, [&s](Context& ctx) {
        Workspace w = require_workspace(s.store, ctx.param("workspace"));
        const Id id = path_id(ctx.param("id"), "job");
        auto job = s.store.job(w.id, id);
        if (!job) {
            throw Error(ErrorKind::not_found,
                        "job " + std::to_string(id) + " not found in workspace " + w.slug);
        }
        return json_response(200, job_json(ctx.request, w, *job));
    });
    router.add("POST", jobs + "/{id}/cancel", "cancelJob", Access::staff, [&s](Context& ctx) {
        Workspace w = require_workspace(s.store, ctx.param("workspace"));
        const Id id = path_id(ctx.param("id"), "job");
        return json_response(200, job_json(ctx.request, w, s.jobs.cancel(w.id, id)));
    });
}

} // namespace impetus::http
