// Boost 1.74 with GCC 12: <utility> must come before Asio's awaitable headers.
#include <utility>

#include "support/http_client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <cctype>
#include <stdexcept>

namespace impetus::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

bool NoCase::operator()(std::string_view a, std::string_view b) const noexcept {
    const std::size_t n = std::min(a.size(), b.size());
    for (std::size_t i = 0; i < n; ++i) {
        const int ca = std::tolower(static_cast<unsigned char>(a[i]));
        const int cb = std::tolower(static_cast<unsigned char>(b[i]));
        if (ca != cb) return ca < cb;
    }
    return a.size() < b.size();
}

std::string HttpResponse::header(std::string_view name) const {
    auto it = headers.find(std::string(name));
    return it == headers.end() ? std::string() : it->second;
}

bool HttpResponse::has_header(std::string_view name) const {
    return headers.contains(std::string(name));
}

std::string HttpResponse::media_type() const {
    std::string ct = header("Content-Type");
    ct = ct.substr(0, ct.find(';'));
    while (!ct.empty() && ct.back() == ' ') ct.pop_back();
    for (auto& c : ct) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return ct;
}

nlohmann::json HttpResponse::json() const {
    try {
        return nlohmann::json::parse(body);
    } catch (const nlohmann::json::parse_error& e) {
        throw std::runtime_error("HTTP " + std::to_string(status) + " body is not JSON (" +
                                 e.what() + "): " + body.substr(0, 500));
    }
}

namespace {

tcp::endpoint endpoint_of(const std::string& host, std::uint16_t port) {
    return tcp::endpoint(asio::ip::make_address(host), port);
}

} // namespace

HttpClient::HttpClient(std::string host, std::uint16_t port, std::chrono::milliseconds timeout)
    : m_host(std::move(host)), m_port(port), m_timeout(timeout) {}

std::string HttpClient::base_url() const {
    return "http://" + m_host + ":" + std::to_string(m_port);
}

std::string HttpClient::target_of(const std::string& url) const {
    const std::string base = base_url();
    if (url.rfind(base, 0) != 0 || (url.size() > base.size() && url[base.size()] != '/')) {
        throw std::runtime_error("'" + url + "' is not on " + base);
    }
    std::string target = url.substr(base.size());
    return target.empty() ? "/" : target;
}

HttpResponse HttpClient::send(const HttpRequest& request) const {
    bhttp::request<bhttp::string_body> req;
    req.version(11);
    const auto verb = bhttp::string_to_verb(request.method);
    if (verb == bhttp::verb::unknown) {
        req.method_string(request.method);
    } else {
        req.method(verb);
    }
    req.target(request.target);
    req.set(bhttp::field::host, m_host + ":" + std::to_string(m_port));
    for (const auto& [k, v] : m_defaults) {
        if (!request.headers.contains(k)) req.set(k, v);
    }
    for (const auto& [k, v] : request.headers) req.set(k, v);
    req.keep_alive(false);
    req.body() = request.body;
    if (!request.body.empty() || request.method == "POST" || request.method == "PUT" ||
        request.method == "PATCH") {
        req.prepare_payload();
    }

    asio::io_context ioc;
    beast::tcp_stream stream(ioc);
    beast::flat_buffer buffer;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(boost::none);
    parser.skip(request.method == "HEAD"); // a Content-Length but no body (RFC 9110 9.3.2)
    beast::error_code connect_ec, write_ec, read_ec;
    asio::co_spawn(
        ioc,
        [&]() -> asio::awaitable<void> {
            stream.expires_after(m_timeout);
            co_await stream.async_connect(endpoint_of(m_host, m_port),
                                          asio::redirect_error(asio::use_awaitable, connect_ec));
            if (connect_ec) co_return;
            co_await bhttp::async_write(stream, req,
                                        asio::redirect_error(asio::use_awaitable, write_ec));
            // A server may refuse a body half-way (413) and close: its answer is still worth
            // reading, so a failed write does not stop here.
            co_await bhttp::async_read(stream, buffer, parser,
                                       asio::redirect_error(asio::use_awaitable, read_ec));
        },
        asio::detached);
    ioc.run();
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);

    const std::string what = request.method + " " + request.target;
    if (connect_ec) {
        throw std::runtime_error(what + ": cannot connect: " + connect_ec.message());
    }
    if (read_ec) {
        throw std::runtime_error(what + ": no response: " + read_ec.message() +
                                 (write_ec ? " (after a failed write: " + write_ec.message() + ")"
                                           : std::string()));
    }
    auto msg = parser.release();
    HttpResponse out;
    out.status = static_cast<int>(msg.result_int());
    for (const auto& f : msg) {
        std::string name(f.name_string());
        auto it = out.headers.find(name);
        if (it == out.headers.end()) {
            out.headers.emplace(std::move(name), std::string(f.value()));
        } else {
            it->second += ", " + std::string(f.value());
        }
    }
    out.body = std::move(msg.body());
    return out;
}

HttpResponse HttpClient::get(const std::string& target, HeaderMap headers) const {
    return send(HttpRequest{"GET", target, std::move(headers), {}});
}

HttpResponse HttpClient::post(const std::string& target, const nlohmann::json& body,
                              HeaderMap headers) const {
    return send_body("POST", target, body.dump(), "application/json", std::move(headers));
}

HttpResponse HttpClient::patch(const std::string& target, const nlohmann::json& body,
                               HeaderMap headers) const {
    return send_body("PATCH", target, body.dump(), "application/merge-patch+json",
                     std::move(headers));
}

HttpResponse HttpClient::send_body(const std::string& method, const std::string& target,
                                   std::string body, const std::string& content_type,
                                   HeaderMap headers) const {
    if (!content_type.empty()) headers["Content-Type"] = content_type;
    return send(HttpRequest{method, target, std::move(headers), std::move(body)});
}

// ---------------------------------------------------------------------------------------------

struct RawConnection::Impl {
    asio::io_context ioc;
    beast::tcp_stream stream{ioc};

    // Runs one operation to completion (or until its deadline closes the stream).
    template <typename Op> beast::error_code run(std::chrono::milliseconds timeout, Op op) {
        beast::error_code ec;
        stream.expires_after(timeout);
        asio::co_spawn(
            ioc, [&]() -> asio::awaitable<void> { ec = co_await op(); }, asio::detached);
        ioc.restart();
        ioc.run();
        return ec;
    }
};

RawConnection::RawConnection(const std::string& host, std::uint16_t port)
    : m_impl(std::make_unique<Impl>()) {
    auto ep = endpoint_of(host, port);
    auto ec = m_impl->run(std::chrono::seconds(10), [&]() -> asio::awaitable<beast::error_code> {
        beast::error_code e;
        co_await m_impl->stream.async_connect(ep, asio::redirect_error(asio::use_awaitable, e));
        co_return e;
    });
    if (ec) throw std::runtime_error("cannot connect: " + ec.message());
}

RawConnection::~RawConnection() {
    beast::error_code ignored;
    m_impl->stream.socket().close(ignored);
}

void RawConnection::send(std::string_view bytes) {
    auto ec = m_impl->run(std::chrono::seconds(10), [&]() -> asio::awaitable<beast::error_code> {
        beast::error_code e;
        co_await asio::async_write(m_impl->stream, asio::buffer(bytes.data(), bytes.size()),
                                   asio::redirect_error(asio::use_awaitable, e));
        co_return e;
    });
    if (ec) throw std::runtime_error("cannot send: " + ec.message());
}

void RawConnection::shutdown_send() {
    beast::error_code ignored;
    m_impl->stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

RawConnection::ReadResult RawConnection::read_until_closed(std::chrono::milliseconds timeout) {
    ReadResult out;
    auto ec = m_impl->run(timeout, [&]() -> asio::awaitable<beast::error_code> {
        char chunk[4096];
        for (;;) {
            beast::error_code e;
            std::size_t n = co_await m_impl->stream.async_read_some(
                asio::buffer(chunk), asio::redirect_error(asio::use_awaitable, e));
            out.data.append(chunk, n);
            if (e) co_return e;
        }
    });
    // Our own deadline closes the stream with error::timeout; anything else (end of stream, a
    // reset) is the server closing.
    out.closed = ec != beast::error::timeout;
    return out;
}

std::optional<int> raw_status(std::string_view data) {
    // "HTTP/1.1 400 ..."
    if (data.size() < 12 || data.substr(0, 5) != "HTTP/" || data[8] != ' ') return std::nullopt;
    int status = 0;
    for (std::size_t i = 9; i < 12; ++i) {
        if (!std::isdigit(static_cast<unsigned char>(data[i]))) return std::nullopt;
        status = status * 10 + (data[i] - '0');
    }
    return status;
}

} // namespace impetus::test
