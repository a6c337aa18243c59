#pragma once

// A small synchronous HTTP/1.1 client for the API tests (Boost.Beast underneath, kept out of
// this header so that test files compile quickly), and a raw TCP connection for sending bytes
// that no well-behaved client would send. Every call has a deadline: a server that hangs fails
// the test instead of hanging the suite.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace impetus::test {

struct NoCase {
    bool operator()(std::string_view a, std::string_view b) const noexcept;
};

// Header names compare without regard to case (RFC 9110 5.1); repeated fields are joined
// with ", ".
using HeaderMap = std::map<std::string, std::string, NoCase>;

struct HttpResponse {
    int status = 0;
    HeaderMap headers;
    std::string body;

    // The field's value, or "" when absent.
    std::string header(std::string_view name) const;
    bool has_header(std::string_view name) const;
    // The media type of Content-Type without parameters ("application/json").
    std::string media_type() const;
    // The body parsed as JSON; a body that does not parse fails with the body in the message.
    nlohmann::json json() const;
};

struct HttpRequest {
    std::string method = "GET";
    std::string target = "/";
    HeaderMap headers;
    std::string body;
};

class HttpClient {
public:
    HttpClient(std::string host, std::uint16_t port,
               std::chrono::milliseconds timeout = std::chrono::seconds(20));

    // One request on a new connection (Connection: close). Throws std::runtime_error when the
    // server cannot be reached, does not answer before the deadline, or sends no valid response.
    HttpResponse send(const HttpRequest& request) const;

    HttpResponse get(const std::string& target, HeaderMap headers = {}) const;
    // A JSON body with Content-Type: application/json.
    HttpResponse post(const std::string& target, const nlohmann::json& body,
                      HeaderMap headers = {}) const;
    // A JSON merge patch (RFC 7396) with Content-Type: application/merge-patch+json.
    HttpResponse patch(const std::string& target, const nlohmann::json& body,
                       HeaderMap headers = {}) const;
    // Any bytes with any content type (empty: no Content-Type field at all).
    HttpResponse send_body(const std::string& method, const std::string& target,
                           std::string body, const std::string& content_type,
                           HeaderMap headers = {}) const;

    // Headers sent with every request unless the request sets them itself (credentials).
    void set_default_header(const std::string& name, const std::string& value) {
        m_defaults[name] = value;
    }

    const std::string& host() const noexcept { return m_host; }
    std::uint16_t port() const noexcept { return m_port; }
    // "http://127.0.0.1:PORT"
    std::string base_url() const;
    // The path and query of an absolute URL on this server ("http://h:p/a?b" -> "/a?b"); fails
    // the call with std::runtime_error when the URL points elsewhere.
    std::string target_of(const std::string& url) const;

private:
    std::string m_host;
    std::uint16_t m_port;
    std::chrono::milliseconds m_timeout;
    HeaderMap m_defaults;
};

// A plain TCP connection: send any bytes, read whatever comes back.
class RawConnection {
public:
    RawConnection(const std::string& host, std::uint16_t port);
    ~RawConnection();
    RawConnection(const RawConnection&) = delete;
    RawConnection& operator=(const RawConnection&) = delete;

    // Writes every byte (throws std::runtime_error when the connection fails).
    void send(std::string_view bytes);
    // Half-closes: the server reads end-of-stream, the connection can still receive.
    void shutdown_send();

    struct ReadResult {
        std::string data;    // everything received
        bool closed = false; // the server closed (or reset) the connection
    };
    // Reads until the server closes the connection or `timeout` passes.
    ReadResult read_until_closed(std::chrono::milliseconds timeout);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// The status code of the first response line in raw bytes ("HTTP/1.1 400 Bad Request"), or
// nothing when the bytes do not start with one.
std::optional<int> raw_status(std::string_view data);

} // namespace impetus::test
