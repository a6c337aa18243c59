#include "http/router.hpp"

#include "core/error.hpp"
#include "http/problem.hpp"

#include <spdlog/spdlog.h>

namespace impetus::http {

namespace {

std::vector<std::string> split_path(std::string_view path) {
    std::vector<std::string> out;
    std::size_t start = 0;
    if (!path.empty() && path.front() == '/') start = 1;
    while (start <= path.size()) {
        auto slash = path.find('/', start);
        if (slash == std::string_view::npos) {
            out.emplace_back(path.substr(start));
            break;
        }
        out.emplace_back(path.substr(start, slash - start));
        start = slash + 1;
    }
    return out;
}

bool match(const Route& r, const std::vector<std::string>& segs, PathParams& params) {
    if (r.segments.size() != segs.size()) return false;
    params.clear();
    for (std::size_t i = 0; i < segs.size(); ++i) {
        const auto& p = r.segments[i];
        if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
            if (segs[i].empty()) return false;
            params.emplace_back(p.substr(1, p.size() - 2), url_decode(segs[i], false));
        } else if (p != segs[i]) {
            return false;
        }
    }
    return true;
}

} // namespace

const std::string& Context::param(std::string_view name) const {
    for (const auto& [k, v] : params) {
        if (k == name) return v;
    }
    throw Error(ErrorKind::internal, "route has no parameter " + std::string(name));
}

void Router::add(std::string method, std::string pattern, std::string operation_id,
                 Access access, Handler handler, BodySpec body) {
    Route r{std::move(method), std::move(pattern), std::move(operation_id), std::move(handler), {},
            access, std::move(body)};
    r.segments = split_path(r.pattern);
    m_routes.push_back(std::move(r));
}

namespace {

// Turns what a guard or handler threw into its problem response.
template <typename F> Response answering(const Request& request, F&& f) {
    try {
        return f();
    } catch (const Error& e) {
        // A refusal for want of capacity (503) is expected under load: not an error.
        if (e.kind() == ErrorKind::unavailable) {
            spdlog::info("{} {}: {}", request.method, request.target, e.what());
        } else if (status_for(e.kind()) >= 500) {
            spdlog::error("{} {}: {}", request.method, request.target, e.what());
        }
        return problem(e, request.path);
    } catch (const std::exception& e) {
        spdlog::error("{} {}: {}", request.method, request.target, e.what());
        return problem(500, "", "the server could not complete the request", request.path);
    }
}

} // namespace

const Route* Router::find(const Request& request, PathParams& params) const {
    const auto segs = split_path(request.path);
    const std::string method = request.method == "HEAD" ? "GET" : request.method;
    for (const auto& r : m_routes) {
        if (r.method == method && match(r, segs, params)) return &r;
    }
    params.clear();
    return nullptr;
}

Response Router::unmatched(const Request& request, const auth::Principal* principal) const {
    const auto segs = split_path(request.path);
    const std::string method = request.method == "HEAD" ? "GET" : request.method;
    PathParams params;
    std::string allow;
    for (const auto& r : m_routes) {
        if (!match(r, segs, params)) continue;
        if (allow.find(r.method) == std::string::npos) {
            allow += (allow.empty() ? "" : ", ") + r.method;
        }
    }
    if (!allow.empty()) {
        if (allow.find("GET") != std::string::npos) allow += ", HEAD";
        if (method == "OPTIONS") {
            Response r = Response::no_content();
            r.headers["Allow"] = allow + ", OPTIONS";
            return r;
        }
        Response r = problem(405, "", "this resource does not accept " + request.method,
                             request.path, "allowed: " + allow);
        r.headers["Allow"] = allow;
        return r;
    }
    if (m_fallback) {
        Context ctx{request, {}, principal};
        return answering(request, [&] { return m_fallback(ctx); });
    }
    return problem(404, "", "no resource at " + request.path, request.path);
}

std::optional<Response> Router::admit(const Route& route, Context& ctx) const {
    try {
        if (m_guard) m_guard(route, ctx);
        if (route.body.check) route.body.check(ctx);
        return std::nullopt;
    } catch (...) {
        return answering(ctx.request, [] () -> Response { throw; });
    }
}

Response Router::run(const Route& route, Context& ctx) const {
    return answering(ctx.request, [&] { return route.handler(ctx); });
}

Response Router::dispatch(const Request& request, const auth::Principal* principal) const {
    PathParams params;
    const Route* route = find(request, params);
    if (!route) return unmatched(request, principal);
    Context ctx{request, std::move(params), principal};
    if (auto refused = admit(*route, ctx)) return std::move(*refused);
    return run(*route, ctx);
}

} // namespace impetus::http
