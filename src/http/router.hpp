#pragma once

#include "core/model.hpp"

// Routes: a method, a path pattern with {parameters}, a handler, and the operation's name in
// the OpenAPI document (a test checks that the two agree).

#include "auth/accounts.hpp"
#include "http/message.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace impetus::http {

using PathParams = std::vector<std::pair<std::string, std::string>>;

// Who may use a route. The server enforces it before the handler runs (App installs the
// guard); the permission test walks every route with every role.
enum class Access {
    anyone,          // public reads, sign-up and sign-in
    signed_in,       // any account
    staff,           // officers and administrators of the path's workspace (of any workspace
                     // for routes without one), and instance administrators
    workspace_admin, // administrators of the path's workspace, and instance administrators
    instance_admin,
};

struct Context {
    const Request& request;
    PathParams params;
    const auth::Principal* principal = nullptr; // who sent the request, when known
    // The workspace of the path's {workspace}, once looked up (by the access guard or the
    // first handler that asks: workspace_of in routes.hpp); carried from admission to the
    // handler, so that a request reads it once.
    std::optional<Workspace> workspace;

    const std::string& param(std::string_view name) const;
};

using Handler = std::function<Response(Context&)>;

// What a route reads of a request body. The server knows the route and the caller before it
// reads a byte of the body, and reads no more than this.
struct BodySpec {
    std::size_t limit = 0; // bytes; 0: the JSON limit (AppOptions::max_json_body)
    bool to_file = false;  // streamed to a temporary file (Request::body_file), not memory
    // Runs after the access guard and before the body is read (a report's photo: the report's
    // token must exist); throws to refuse the request.
    std::function<void(Context&)> check;

    static BodySpec in_memory(std::size_t limit) { return with(limit, false); }
    static BodySpec in_file(std::size_t limit) { return with(limit, true); }

private:
    static BodySpec with(std::size_t limit, bool to_file) {
        BodySpec b;
        b.limit = limit;
        b.to_file = to_file;
        return b;
    }
};

struct Route {
    std::string method;
    std::string pattern;       // "/api/v1/workspaces/{workspace}/spaces/{id}"
    std::string operation_id;  // as in the OpenAPI document
    Handler handler;
    std::vector<std::string> segments; // split pattern
    Access access = Access::anyone;
    BodySpec body;
};

// Runs before a route's handler; throws to refuse the request.
using Guard = std::function<void(const Route&, Context&)>;

class Router {
public:
    void add(std::string method, std::string pattern, std::string operation_id, Access access,
             Handler handler, BodySpec body = {});
    void set_guard(Guard guard) { m_guard = std::move(guard); }
    // A handler for paths no route matches (static files); it may return 404 itself.
    void set_fallback(Handler handler) { m_fallback = std::move(handler); }

    // Finds the route, runs it, and turns every exception into an RFC 9457 problem response.
    // Also answers 405 with Allow when the path exists under other methods, HEAD as GET, and
    // OPTIONS with Allow.
    Response dispatch(const Request& request, const auth::Principal* principal = nullptr) const;

    // The same in two steps, for a server that reads the body only once the route and the
    // caller are known: `find` picks the route (null when none: `unmatched` answers then,
    // needing no body), `admit` runs the guard and the route's body check (a problem when
    // refused), `run` the handler.
    const Route* find(const Request& request, PathParams& params) const;
    Response unmatched(const Request& request, const auth::Principal* principal) const;
    std::optional<Response> admit(const Route& route, Context& ctx) const;
    Response run(const Route& route, Context& ctx) const;

    const std::vector<Route>& routes() const noexcept { return m_routes; }

private:
    std::vector<Route> m_routes;
    Handler m_fallback;
    Guard m_guard;
};

} // namespace impetus::http
