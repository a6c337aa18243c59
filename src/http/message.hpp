#pragma once

// HTTP messages as the handlers see them: independent of the transport (Boost.Beast), so the
// router and handlers can be tested without sockets.

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace impetus::http {

struct CaseLess {
    bool operator()(std::string_view a, std::string_view b) const noexcept;
};

using Headers = std::map<std::string, std::string, CaseLess>;

struct Request {
    std::string method;        // upper case; HEAD is dispatched as GET and its body dropped
    std::string target;        // as received: path and query
    std::string path;          // path without the query, still percent-encoded
    std::string query;         // raw query string without '?'
    Headers headers;
    std::string body;
    // For routes that stream their body to disk (BodySpec::to_file), the file that holds it,
    // and `body` stays empty. The server removes the file after the answer unless the handler
    // has moved it elsewhere.
    std::filesystem::path body_file;
    std::string remote_address;

    std::optional<std::string> header(std::string_view name) const;
    // Scheme, host and port the client used, for absolute links (Host header, or the listen
    // address when absent).
    std::string base_url;
};

struct Response {
    int status = 200;
    Headers headers;
    // Handlers set `body`. A response kept by the ResponseCache carries its body in
    // `shared_body` instead, with `body` empty: one immutable buffer for the entry and every
    // hit, which the server writes to the socket without a copy.
    std::string body;
    std::shared_ptr<const std::string> shared_body;

    std::size_t body_size() const noexcept {
        return shared_body ? shared_body->size() : body.size();
    }
    // Moves `body` into `shared_body` (no copy of the bytes) unless it is shared already.
    void share_body();
    // Back to a plain `body` (a copy): for callers that read or edit `body` itself, as tests do.
    void unshare_body();

    static Response json(int status, std::string body,
                         std::string content_type = "application/json");
    static Response text(int status, std::string body, std::string content_type);
    static Response redirect(int status, const std::string& location);
    static Response no_content();
};

// "%2F" -> "/", and '+' -> ' ' when `plus_is_space` (query strings).
std::string url_decode(std::string_view in, bool plus_is_space);
std::string url_encode(std::string_view in);

} // namespace impetus::http
