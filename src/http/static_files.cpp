// The built user interface (web/dist) as static files: hashed assets cached for a year, the
// HTML revalidated every time, unknown page paths answered with index.html so that the
// client-side router can show them.

#include "core/error.hpp"
#include "http/problem.hpp"
#include "http/routes.hpp"

#include <fstream>
#include <sstream>

namespace impetus::http {

namespace fs = std::filesystem;

namespace {

std::string content_type(const fs::path& p) {
    static const std::map<std::string, std::string> types{
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".jpg", "image/jpeg"},
        {".jpeg", "image/jpeg"},
        {".webp", "image/webp"},
        {".ico", "image/x-icon"},
        {".woff2", "font/woff2"},
        {".txt", "text/plain; charset=utf-8"},
        {".map", "application/json"},
    };
    auto it = types.find(p.extension().string());
    return it == types.end() ? "application/octet-stream" : it->second;
}

std::optional<std::string> read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

} // namespace

Handler static_files_handler(Services& s) {
    return [&s](Context& ctx) -> Response {
        const auto& req = ctx.request;
        // The API's paths never fall back to the interface, however they are spelt
        // (/%61pi/... decodes to /api/...).
        const std::string decoded = url_decode(req.path, false);
        const bool api = decoded.rfind("/api/", 0) == 0 || decoded.rfind("/ogc/", 0) == 0 ||
                         decoded == "/api" || decoded == "/ogc";
        const fs::path root = s.options.web_root;
        const bool have_ui = !root.empty() && fs::exists(root / "index.html");
        if (api || (req.method != "GET" && req.method != "HEAD")) {
            return problem(404, "", "no resource at " + req.path, req.path);
        }
        if (!have_ui) {
            if (req.path == "/") return Response::redirect(302, "/ogc");
            return problem(404, "", "no resource at " + req.path, req.path);
        }
        const std::string& rel = decoded;
        if (rel.find("..") != std::string::npos || rel.find('\0') != std::string::npos) {
            return problem(404, "", "no resource at " + req.path, req.path);
        }
        fs::path file = root / fs::path(rel).relative_path();
        std::error_code ec;
        if (rel == "/" || !fs::is_regular_file(file, ec)) {
            // Page paths without a file extension belong to the client-side router.
            if (rel != "/" && fs::path(rel).has_extension()) {
                return problem(404, "", "no file at " + req.path, req.path);
            }
            file = root / "index.html";
        }
        auto body = read_file(file);
        if (!body) {
            return problem(404, "", "no file at " + req.path, req.path);
        }
        auto size = fs::file_size(file, ec);
        auto mtime = fs::last_write_time(file, ec).time_since_epoch().count();
        std::string etag = "\"" + std::to_string(size) + "-" + std::to_string(mtime) + "\"";
        Response r;
        if (req.header("If-None-Match").value_or("") == etag) {
            r.status = 304;
        } else {
            r = Response::text(200, std::move(*body), content_type(file));
        }
        r.headers["ETag"] = etag;
        const bool hashed = rel.rfind("/assets/", 0) == 0;
        r.headers["Cache-Control"] = hashed ? "public, max-age=31536000, immutable" : "no-cache";
        return r;
    };
}

} // namespace impetus::http
