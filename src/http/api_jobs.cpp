// REST API for OpenStreetMap discovery scans run as background jobs: start one on an uploaded
// extract or on a file in the server's extracts folder, follow its progress, cancel it. The
// candidates it finds are ordinary spaces (source "osm", status reported), reviewed through
// the space routes.

#include "core/dates.hpp"
#include "core/error.hpp"
#include "core/records_json.hpp"
#include "discovery/discovery.hpp"
#include "services/jobs.hpp"
#include "http/query_params.hpp"
#include "http/routes.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <optional>
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

// Keeps the uploaded extract in the upload folder under a name of its own; the job deletes it
// when it ends. The server has streamed the body to a file there already: it is only renamed.
fs::path save_upload(const AppOptions& o, const Request& req) {
    const fs::path& dir = o.upload_dir;
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) {
        throw Error(ErrorKind::io, "cannot create the upload folder: " + ec.message());
    }
    static std::atomic<unsigned> counter{0};
    std::random_device rd;
    const fs::path file = dir / ("upload-" + std::to_string(rd()) + "-" +
                                 std::to_string(counter++) + ".osm.pbf");
    if (!req.body_file.empty()) {
        fs::rename(req.body_file, file, ec);
        if (!ec) return file;
        throw Error(ErrorKind::io, "cannot keep the uploaded file: " + ec.message(),
                    "the server's upload folder must be on one file system");
    }
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(req.body.data(), static_cast<std::streamsize>(req.body.size()));
    out.close();
    if (!out) {
        fs::remove(file, ec);
        throw Error(ErrorKind::io, "cannot store the uploaded file",
                    "the server's disk may be full; try again later");
    }
    return file;
}

// The size of the request body, wherever the server put it.
std::uintmax_t body_size(const Request& req) {
    if (req.body_file.empty()) return req.body.size();
    std::error_code ec;
    const auto n = fs::file_size(req.body_file, ec);
    return ec ? 0 : n;
}

// How many folders below the extracts folder extracts are listed and read.
constexpr std::size_t k_extract_depth = 3;

// The real path of `entry` (every link followed) when it is a regular file inside `root`, itself
// a real path; nothing when it is missing, a folder, a FIFO, a device or socket, a link loop, or
// reached through a link that points out of the folder. A link inside the folder to a file
// inside it is an extract like any other.
std::optional<fs::path> extract_inside(const fs::path& root, const fs::path& entry) {
    std::error_code ec;
    const fs::path real = fs::canonical(entry, ec);
    if (ec) return std::nullopt;
    const auto [end, _] = std::mismatch(root.begin(), root.end(), real.begin(), real.end());
    if (end != root.end()) return std::nullopt;
    const fs::file_status st = fs::status(real, ec);
    if (ec || !fs::is_regular_file(st)) return std::nullopt;
    return real;
}

// The real path of the extract the client names by its path relative to the extracts folder.
// Whatever is not an extract there (absent, outside, not a regular file) gets the same answer,
// so that the answer tells nothing about the rest of the server's disk.
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
    const fs::path normal = rel.lexically_normal();
    const auto parts = static_cast<std::size_t>(std::distance(normal.begin(), normal.end()));
    const auto real = parts <= k_extract_depth + 1 ? extract_inside(root, root / normal)
                                                   : std::nullopt;
    if (!real) {
        errors.add("/path", "not found in the server's extracts folder "
                            "(GET /api/v1/extracts lists the extracts)");
        return {};
    }
    return *real;
}

// The .pbf files of the extracts folder, up to k_extract_depth folders deep, each named by its
// path in the folder (a link by its own name, never by its target).
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
        if (it.depth() > static_cast<int>(k_extract_depth)) {
            it.disable_recursion_pending();
            continue;
        }
        const fs::path& p = it->path();
        const std::string name = p.filename().string();
        if (name.size() < 4 || name.compare(name.size() - 4, 4, ".pbf") != 0) continue;
        const auto real = extract_inside(root, p);
        if (!real) continue;
        std::error_code stat_ec;
        const auto size = fs::file_size(*real, stat_ec);
        const auto mtime = fs::last_write_time(*real, stat_ec);
        if (stat_ec) continue;
        const std::string rel = p.lexically_relative(root).generic_string();
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
        Workspace w = workspace_of(s, ctx);
        QueryParams params(req.query);
        FieldErrors errors;
        services::DiscoveryJobRequest job;
        const std::string mime = media_type(req);
        if (mime == "application/json") {
            reject_unused(params, errors);
            errors.throw_if_any("invalid discovery request");
            if (body_size(req) > s.options.max_json_body) {
                throw Error(ErrorKind::too_large,
                            "a JSON request is at most " +
                                std::to_string(s.options.max_json_body) + " bytes",
                            R"(send {"path": "region.osm.pbf"}, or the extract itself as )"
                            "application/octet-stream");
            }
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
            const auto size = body_size(req);
            if (size == 0) {
                throw Error(ErrorKind::invalid_input, "the uploaded file " + name + " is empty",
                            "send the extract's bytes as the request body");
            }
            job.file = save_upload(s.options, req);
            job.remove_after = true;
            job.display_name = name;
            job.params = {{"source", "upload"}, {"size", size}};
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
    }, BodySpec::in_file(s.options.max_upload_body));

    const std::string jobs = "/api/v1/workspaces/{workspace}/jobs";
    router.add("GET", jobs, "listJobs", Access::staff, [&s](Context& ctx) {
        Workspace w = workspace_of(s, ctx);
        QueryParams params(ctx.request.query);
        FieldErrors errors;
        std::size_t limit = 20;
        if (auto l = params.get("limit", errors)) {
            char* end = nullptr;
            const long v = std::strtol(l->c_str(), &end, 10);
            if (l->empty() || *end != '\0' || v < 1 || v > 100) {
                errors.add_parameter("limit", "must be an integer from 1 to 100");
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
        Workspace w = workspace_of(s, ctx);
        const Id id = path_id(ctx.param("id"), "job");
        auto job = s.store.job(w.id, id);
        if (!job) {
            throw Error(ErrorKind::not_found,
                        "job " + std::to_string(id) + " not found in workspace " + w.slug);
        }
        return json_response(200, job_json(ctx.request, w, *job));
    });
    router.add("POST", jobs + "/{id}/cancel", "cancelJob", Access::staff, [&s](Context& ctx) {
        Workspace w = workspace_of(s, ctx);
        const Id id = path_id(ctx.param("id"), "job");
        return json_response(200, job_json(ctx.request, w, s.jobs.cancel(w.id, id)));
    });
}

} // namespace impetus::http
