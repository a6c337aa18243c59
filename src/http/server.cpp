// Boost 1.74 with GCC 12: <utility> must come before Asio's awaitable headers.
#include <utility>

#include "http/server.hpp"

#include "core/error.hpp"
#include "http/problem.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <spdlog/spdlog.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <set>
#include <chrono>
#include <limits>
#include <thread>
#include <vector>

namespace impetus::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

std::pair<std::string, std::uint16_t> parse_listen(const std::string& text) {
    std::string host;
    std::string port;
    if (!text.empty() && text.front() == '[') {
        auto close = text.find(']');
        if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
            throw Error(ErrorKind::invalid_input, "cannot read listen address '" + text + "'",
                        "write HOST:PORT, for example 127.0.0.1:8080 or [::1]:8080");
        }
        host = text.substr(1, close - 1);
        port = text.substr(close + 2);
    } else {
        auto colon = text.rfind(':');
        if (colon == std::string::npos) {
            throw Error(ErrorKind::invalid_input, "cannot read listen address '" + text + "'",
                        "write HOST:PORT, for example 127.0.0.1:8080");
        }
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
    }
    int p = -1;
    try {
        std::size_t pos = 0;
        p = std::stoi(port, &pos);
        if (pos != port.size()) p = -1;
    } catch (const std::exception&) {
        p = -1;
    }
    if (host.empty() || p < 0 || p > 65535) {
        throw Error(ErrorKind::invalid_input, "cannot read listen address '" + text + "'",
                    "write HOST:PORT with a port from 0 to 65535");
    }
    return {host, static_cast<std::uint16_t>(p)};
}

struct Server::Impl {
    const App& app;
    ServerOptions options;
    asio::io_context ioc;
    tcp::acceptor acceptor{ioc};
    std::atomic<std::uint16_t> bound_port{0};
    std::vector<std::thread> threads;
    // Open connections, closed at shutdown so that their coroutines end while the io_context
    // still runs: destroying it with suspended sessions would free strands under them.
    std::mutex live_mutex;
    std::set<beast::tcp_stream*> live;

    Impl(const App& a, ServerOptions o) : app(a), options(std::move(o)) {}

    asio::awaitable<void> session(tcp::socket socket);
    asio::awaitable<void> listen();
};

namespace {

Request to_request(bhttp::request<bhttp::string_body>& msg, const std::string& remote,
                   const std::string& fallback_host) {
    Request r;
    r.method = std::string(msg.method_string());
    r.target = std::string(msg.target());
    auto q = r.target.find('?');
    r.path = r.target.substr(0, q);
    if (q != std::string::npos) r.query = r.target.substr(q + 1);
    for (const auto& f : msg) {
        auto name = std::string(f.name_string());
        auto it = r.headers.find(name);
        if (it == r.headers.end()) {
            r.headers.emplace(std::move(name), std::string(f.value()));
        } else {
            it->second += ", " + std::string(f.value());
        }
    }
    r.body = std::move(msg.body());
    r.remote_address = remote;
    auto host = r.header("Host").value_or(fallback_host);
    // A Host header is a host and an optional port; anything else falls back to the listener.
    bool sane = !host.empty() && host.size() < 256 &&
                host.find_first_of("/\\ \"<>@") == std::string::npos;
    r.base_url = "http://" + (sane ? host : fallback_host);
    return r;
}

// A Beast body (the Body concept) over an immutable string shared with whoever else holds it,
// the response cache above all: the writer hands the string's bytes to the socket as they are,
// and the message keeps the string alive until the write is done.
struct SharedStringBody {
    using value_type = std::shared_ptr<const std::string>;

    static std::uint64_t size(const value_type& body) { return body ? body->size() : 0; }

    class writer {
    public:
        using const_buffers_type = asio::const_buffer;

        template <bool isRequest, class Fields>
        writer(const bhttp::header<isRequest, Fields>&, const value_type& body) : m_body(body) {}

        void init(beast::error_code& ec) { ec = {}; }

        boost::optional<std::pair<const_buffers_type, bool>> get(beast::error_code& ec) {
            ec = {};
            if (!m_body || m_body->empty()) return boost::none;
            return {{const_buffers_type(m_body->data(), m_body->size()), false}};
        }

    private:
        const value_type& m_body;
    };
};

using Reply = bhttp::response<SharedStringBody>;

Reply to_beast(Response&& r, unsigned version, bool keep_alive, bool head) {
    Reply res{static_cast<bhttp::status>(r.status), version};
    res.set(bhttp::field::server, "Impetus");
    for (auto& [k, v] : r.headers) res.set(k, v);
    if (head) {
        res.content_length(r.body_size());
    } else {
        if (r.body_size() > 0) {
            r.share_body(); // moves a handler's string, copies nothing
            res.body() = std::move(r.shared_body);
        }
        res.prepare_payload();
    }
    res.keep_alive(keep_alive);
    return res;
}

// An error of the HTTP parser for bytes that are not HTTP, as opposed to a connection that
// closed early (partial_message, end_of_stream) or a socket error.
bool is_malformed(const beast::error_code& ec) {
    return ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
           ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message &&
           ec != bhttp::error::need_more && ec != bhttp::error::body_limit;
}

// Answers a request that cannot be parsed, then the caller closes the connection.
asio::awaitable<void> refuse(beast::tcp_stream& stream, const beast::error_code& why) {
    const bool too_big = why == bhttp::error::header_limit;
    Response r = too_big ? problem(431, "Request Header Fields Too Large",
                                   "the request header is too large")
                         : problem(400, "", "the request is not valid HTTP/1.1: " + why.message());
    auto res = to_beast(std::move(r), 11, false, false);
    stream.expires_after(std::chrono::seconds(5));
    beast::error_code ec;
    co_await bhttp::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
}

} // namespace

asio::awaitable<void> Server::Impl::session(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    {
        std::lock_guard lock(live_mutex);
        live.insert(&stream);
    }
    struct Unregister {
        Impl& impl;
        beast::tcp_stream* stream;
        ~Unregister() {
            std::lock_guard lock(impl.live_mutex);
            impl.live.erase(stream);
        }
    } unregister{*this, &stream};
    beast::flat_buffer buffer;
    beast::error_code ec;
    std::string remote;
    {
        auto ep = stream.socket().remote_endpoint(ec);
        if (!ec) remote = ep.address().to_string();
    }
    auto local = stream.socket().local_endpoint(ec);
    const std::string fallback_host =
        (local.address().is_v6() ? "[" + local.address().to_string() + "]"
                                 : local.address().to_string()) +
        ":" + std::to_string(local.port());

    for (;;) {
        bhttp::request_parser<bhttp::string_body> parser;
        parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
        // Beast checks a Content-Length against the body limit while it reads the header, with
        // its default of 1 MB: the route's own limit is applied below, once the target is known.
        // (Not boost::none: Beast 1.74 compares the length with an empty optional and refuses.)
        parser.body_limit(std::numeric_limits<std::uint64_t>::max());
        stream.expires_after(std::chrono::seconds(buffer.size() ? options.read_timeout_s
                                                                : options.idle_timeout_s));
        co_await bhttp::async_read_header(stream, buffer, parser,
                                          asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            // A closed or silent connection gets nothing; bytes that break the HTTP grammar
            // get a 400 before the connection closes (RFC 9112 2.2).
            if (is_malformed(ec)) co_await refuse(stream, ec);
            break;
        }

        auto& hdr = parser.get();
        const std::size_t limit = app.body_limit(std::string(hdr.method_string()),
                                                 std::string(hdr.target()));
        parser.body_limit(limit); // enforced on chunked bodies as they arrive
        const unsigned version = hdr.version();
        const bool head = hdr.method() == bhttp::verb::head;
        const auto declared = parser.content_length();

        Response response;
        bool keep_alive = true;
        stream.expires_after(std::chrono::seconds(options.read_timeout_s));
        if (declared && *declared > limit) {
            ec = bhttp::error::body_limit; // refused before a byte of it is read
        } else {
            if (hdr[bhttp::field::expect] == "100-continue") {
                bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, version};
                co_await bhttp::async_write(stream, cont,
                                            asio::redirect_error(asio::use_awaitable, ec));
                if (ec) break;
            }
            co_await bhttp::async_read(stream, buffer, parser,
                                       asio::redirect_error(asio::use_awaitable, ec));
        }
        if (ec == bhttp::error::body_limit) {
            response = problem(413, "", "the request body is larger than " +
                                            std::to_string(limit) + " bytes",
                               std::string(hdr.target()));
            keep_alive = false; // the rest of the body is still on the wire
        } else if (ec) {
            if (is_malformed(ec)) co_await refuse(stream, ec); // a broken chunked body
            break;
        } else {
            auto msg = parser.release();
            keep_alive = msg.keep_alive();
            Request req = to_request(msg, remote, fallback_host);
            auto started = std::chrono::steady_clock::now();
            response = app.handle(req);
            auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::steady_clock::now() - started)
                          .count();
            spdlog::debug("{} {} {} {}us", req.method, req.target, response.status, us);
        }

        auto res = to_beast(std::move(response), version, keep_alive, head);
        stream.expires_after(std::chrono::seconds(options.write_timeout_s));
        co_await bhttp::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
        if (ec || !keep_alive) break;
    }
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
}

asio::awaitable<void> Server::Impl::listen() {
    for (;;) {
        beast::error_code ec;
        // Each connection gets its own strand: Beast's timeout handler closes the socket on
        // the stream's executor, which must never run beside the session on another thread.
        tcp::socket socket = co_await acceptor.async_accept(
            asio::make_strand(ioc), asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            // stop() closes the acceptor on another thread, which may still be inside close()
            // when this resumes: the cancellation itself is the signal, not is_open().
            if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
            spdlog::warn("accept: {}", ec.message());
            continue;
        }
        socket.set_option(tcp::no_delay(true), ec);
        auto strand = socket.get_executor();
        asio::co_spawn(strand, session(std::move(socket)), asio::detached);
    }
}

Server::Server(const App& app, ServerOptions options)
    : m_impl(std::make_unique<Impl>(app, std::move(options))) {}

Server::~Server() { stop(); }

void Server::start() {
    beast::error_code ec;
    auto address = asio::ip::make_address(m_impl->options.host, ec);
    if (ec) {
        tcp::resolver resolver(m_impl->ioc);
        auto results = resolver.resolve(m_impl->options.host, "", ec);
        if (ec || results.empty()) {
            throw Error(ErrorKind::invalid_input,
                        "cannot resolve listen host '" + m_impl->options.host + "'",
                        "use an IP address such as 127.0.0.1 or 0.0.0.0");
        }
        address = results.begin()->endpoint().address();
    }
    tcp::endpoint ep(address, m_impl->options.port);
    auto& acc = m_impl->acceptor;
    acc.open(ep.protocol(), ec);
    if (!ec) acc.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acc.bind(ep, ec);
    if (!ec) acc.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
        throw Error(ErrorKind::io,
                    "cannot listen on " + m_impl->options.host + ":" +
                        std::to_string(m_impl->options.port) + ": " + ec.message(),
                    "choose another port with --listen HOST:PORT");
    }
    m_impl->bound_port = acc.local_endpoint().port();
    asio::co_spawn(m_impl->ioc, m_impl->listen(), asio::detached);
}

void Server::run(bool handle_signals) {
    auto& impl = *m_impl;
    std::unique_ptr<asio::signal_set> signals;
    if (handle_signals) {
        signals = std::make_unique<asio::signal_set>(impl.ioc, SIGINT, SIGTERM);
        signals->async_wait([this](const beast::error_code& ec, int) {
            if (!ec) stop();
        });
    }
    unsigned n = impl.options.threads;
    if (n == 0) n = std::max(4u, 2 * std::thread::hardware_concurrency());
    for (unsigned i = 1; i < n; ++i) {
        impl.threads.emplace_back([&impl] { impl.ioc.run(); });
    }
    impl.ioc.run();
    for (auto& t : impl.threads) {
        if (t.joinable()) t.join();
    }
    impl.threads.clear();
    // Drain, on this thread alone: close what is still open and let every coroutine finish.
    beast::error_code ec;
    if (signals) signals->cancel(ec);
    impl.acceptor.close(ec);
    {
        std::lock_guard lock(impl.live_mutex);
        for (auto* s : impl.live) {
            s->socket().shutdown(tcp::socket::shutdown_both, ec);
            s->socket().close(ec);
        }
    }
    impl.ioc.restart();
    impl.ioc.run();
}

void Server::stop() {
    if (!m_impl) return;
    asio::post(m_impl->ioc, [impl = m_impl.get()] {
        beast::error_code ec;
        impl->acceptor.close(ec);
        impl->ioc.stop();
    });
}

std::uint16_t Server::port() const noexcept { return m_impl->bound_port; }

} // namespace impetus::http
