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
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <spdlog/spdlog.h>

#include <sys/resource.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <random>
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
    // Open connections per client address, and in all (under live_mutex).
    std::map<std::string, std::size_t> per_address;
    std::size_t open_total = 0;
    // Bytes of request bodies being read into memory now, over all connections.
    std::atomic<std::size_t> body_memory{0};
    // The accept loop's complaints, at most one line per interval.
    std::chrono::steady_clock::time_point last_accept_log{};
    std::size_t accept_errors_unlogged = 0;

    Impl(const App& a, ServerOptions o) : app(a), options(std::move(o)) {}

    asio::awaitable<void> session(tcp::socket socket, std::string remote);
    asio::awaitable<void> listen();
    // Takes a place for a new connection from `remote`; false when a cap is reached.
    bool open_connection(const std::string& remote);
    void close_connection(const std::string& remote);
};

namespace {

// A reservation of request-body memory, returned when it ends.
class BodyMemory {
public:
    BodyMemory(std::atomic<std::size_t>& used, std::size_t budget, std::size_t bytes)
        : m_used(used), m_bytes(bytes) {
        std::size_t now = m_used.load();
        do {
            if (now + bytes > budget) {
                m_bytes = 0;
                return;
            }
        } while (!m_used.compare_exchange_weak(now, now + bytes));
        m_granted = true;
    }
    ~BodyMemory() {
        if (m_granted) m_used -= m_bytes;
    }
    BodyMemory(const BodyMemory&) = delete;
    BodyMemory& operator=(const BodyMemory&) = delete;
    bool granted() const noexcept { return m_granted; }

private:
    std::atomic<std::size_t>& m_used;
    std::size_t m_bytes;
    bool m_granted = false;
};

// A body streamed to disk: removed when the request is answered, unless the handler moved it.
struct SpoolFile {
    std::filesystem::path path;
    void remove() {
        if (path.empty()) return;
        std::error_code ec;
        std::filesystem::remove(path, ec);
        path.clear();
    }
    ~SpoolFile() { remove(); }
};

std::filesystem::path spool_path(const std::filesystem::path& dir) {
    static std::atomic<unsigned> counter{0};
    static const unsigned seed = std::random_device{}();
    return dir / ("body-" + std::to_string(::getpid()) + "-" + std::to_string(seed) + "-" +
                  std::to_string(counter++) + ".part");
}

} // namespace

bool Server::Impl::open_connection(const std::string& remote) {
    std::lock_guard lock(live_mutex);
    if (open_total >= options.max_connections) return false;
    auto& mine = per_address[remote];
    if (mine >= options.max_connections_per_address) return false;
    ++mine;
    ++open_total;
    return true;
}

void Server::Impl::close_connection(const std::string& remote) {
    std::lock_guard lock(live_mutex);
    auto it = per_address.find(remote);
    if (it == per_address.end()) return;
    --open_total;
    if (--it->second == 0) per_address.erase(it);
}

namespace {

// The request's head as handlers see it; the body is added once read.
Request request_head(const bhttp::request_header<>& msg, const std::string& remote,
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

// Whether a request line names a well-formed version other than HTTP/1.x ("HTTP/2.0",
// "HTTP/7.5"): that is 505, a line without a version or with garbage in it is 400.
bool other_http_version(std::string_view received) {
    const auto eol = received.find("\r\n");
    if (eol == std::string_view::npos) return false;
    const std::string_view line = received.substr(0, eol);
    const auto sp = line.rfind(' ');
    if (sp == std::string_view::npos || line.find(' ') == sp) return false;
    const std::string_view v = line.substr(sp + 1);
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    return v.size() == 8 && v.substr(0, 5) == "HTTP/" && digit(v[5]) && v[6] == '.' &&
           digit(v[7]) && v[5] != '1';
}

// Answers a request that cannot be parsed, then the caller closes the connection.
asio::awaitable<void> refuse(beast::tcp_stream& stream, const beast::error_code& why,
                             std::string_view received) {
    Response r = why == bhttp::error::header_limit
                     ? problem(431, "Request Header Fields Too Large",
                               "the request header is too large")
                 : why == bhttp::error::bad_version && other_http_version(received)
                     ? problem(505, "HTTP Version Not Supported",
                               "this server speaks HTTP/1.0 and HTTP/1.1")
                     : problem(400, "", "the request is not valid HTTP/1.1: " + why.message());
    auto res = to_beast(std::move(r), 11, false, false);
    stream.expires_after(std::chrono::seconds(5));
    beast::error_code ec;
    co_await bhttp::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
}

} // namespace

asio::awaitable<void> Server::Impl::session(tcp::socket socket, std::string remote) {
    beast::tcp_stream stream(std::move(socket));
    {
        std::lock_guard lock(live_mutex);
        live.insert(&stream);
    }
    struct Unregister {
        Impl& impl;
        beast::tcp_stream* stream;
        const std::string& remote;
        ~Unregister() {
            {
                std::lock_guard lock(impl.live_mutex);
                impl.live.erase(stream);
            }
            impl.close_connection(remote);
        }
    } unregister{*this, &stream, remote};
    beast::flat_buffer buffer;
    beast::error_code ec;
    auto local = stream.socket().local_endpoint(ec);
    const std::string fallback_host =
        (local.address().is_v6() ? "[" + local.address().to_string() + "]"
                                 : local.address().to_string()) +
        ":" + std::to_string(local.port());

    for (;;) {
        bhttp::request_parser<bhttp::string_body> parser;
        parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
        // Beast checks a Content-Length against the body limit while it reads the header, with
        // its default of 1 MB: the route's own limit is applied below, once the route and the
        // caller are known. (Not boost::none: Beast 1.74 compares the length with an empty
        // optional and refuses.)
        parser.body_limit(std::numeric_limits<std::uint64_t>::max());
        stream.expires_after(std::chrono::seconds(buffer.size() ? options.read_timeout_s
                                                                : options.idle_timeout_s));
        co_await bhttp::async_read_header(stream, buffer, parser,
                                          asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            // A closed or silent connection gets nothing; bytes that break the HTTP grammar
            // get a 400 before the connection closes (RFC 9112 2.2).
            if (is_malformed(ec)) {
                const auto data = buffer.data();
                co_await refuse(stream, ec,
                                std::string_view(static_cast<const char*>(data.data()),
                                                 data.size()));
            }
            break;
        }

        const auto& hdr = parser.get();
        const unsigned version = hdr.version();
        const bool head = hdr.method() == bhttp::verb::head;
        const bool expects_continue = hdr[bhttp::field::expect] == "100-continue";
        bool keep_alive = hdr.keep_alive();
        const auto declared = parser.content_length();
        const bool has_body = parser.chunked() || (declared && *declared > 0);
        Request req = request_head(hdr, remote, fallback_host);

        // Route, caller and access first: nothing of the body is read for a request that is
        // refused, and what is read is bounded by the route's own limit.
        Admission admission = app.admit(req);
        Response response;
        SpoolFile spool;
        stream.expires_after(std::chrono::seconds(options.read_timeout_s));
        if (version != 10 && version != 11) {
            response = problem(505, "HTTP Version Not Supported",
                               "this server speaks HTTP/1.0 and HTTP/1.1", req.path);
            keep_alive = false;
        } else if (admission.refused()) {
            response = app.respond(admission, req);
            if (has_body) keep_alive = false; // its body is still on the wire, unread
        } else {
            const std::size_t limit = admission.body_limit();
            const bool to_file = admission.body_to_file();
            std::optional<Response> refusal; // when the body is not taken after all
            // Memory is reserved for what the body may hold: its declared length, or the
            // route's limit when it comes in chunks.
            BodyMemory memory(body_memory, options.max_body_memory,
                              to_file || !has_body ? 0
                                                   : static_cast<std::size_t>(
                                                         std::min<std::uint64_t>(
                                                             declared.value_or(limit), limit)));
            if (declared && *declared > limit) {
                ec = bhttp::error::body_limit; // refused before a byte of it is read
            } else if (!memory.granted()) {
                refusal = problem(503, "", "the server is receiving too much data just now",
                                  req.path, "try again in a moment");
                refusal->headers["Retry-After"] = "2";
                keep_alive = false;
            } else {
                if (expects_continue) {
                    bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, version};
                    co_await bhttp::async_write(stream, cont,
                                                asio::redirect_error(asio::use_awaitable, ec));
                    if (ec) break;
                }
                if (to_file) {
                    std::error_code fs_ec;
                    std::filesystem::create_directories(app.upload_dir(), fs_ec);
                    spool.path = spool_path(app.upload_dir());
                    bhttp::request_parser<bhttp::file_body> file_parser{std::move(parser)};
                    file_parser.body_limit(limit);
                    file_parser.get().body().open(spool.path.c_str(), beast::file_mode::write,
                                                  ec);
                    if (ec) {
                        spdlog::error("cannot write a request body to {}: {}",
                                      spool.path.string(), ec.message());
                        spool.path.clear();
                        refusal = problem(507, "Insufficient Storage",
                                          "the server cannot store the upload", req.path,
                                          "try again later");
                        keep_alive = false;
                        ec = {};
                    } else {
                        co_await bhttp::async_read(stream, buffer, file_parser,
                                                   asio::redirect_error(asio::use_awaitable, ec));
                        file_parser.get().body().close();
                        req.body_file = spool.path;
                    }
                } else {
                    parser.body_limit(limit); // enforced on chunked bodies as they arrive
                    co_await bhttp::async_read(stream, buffer, parser,
                                               asio::redirect_error(asio::use_awaitable, ec));
                    req.body = std::move(parser.get().body());
                }
            }
            if (ec == bhttp::error::body_limit) {
                response = problem(413, "", "the request body is larger than " +
                                                std::to_string(limit) + " bytes",
                                   req.path);
                keep_alive = false; // the rest of the body is still on the wire
            } else if (ec) {
                if (is_malformed(ec)) co_await refuse(stream, ec, {}); // a broken chunked body
                break;
            } else if (refusal) {
                response = std::move(*refusal);
            } else {
                auto started = std::chrono::steady_clock::now();
                response = app.respond(admission, req);
                spool.remove(); // before the client hears the answer
                auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                              std::chrono::steady_clock::now() - started)
                              .count();
                spdlog::debug("{} {} {} {}us", req.method, req.target, response.status, us);
            }
        }

        auto res = to_beast(std::move(response), version, keep_alive, head);
        stream.expires_after(std::chrono::seconds(options.write_timeout_s));
        co_await bhttp::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
        if (ec || !keep_alive) break;
    }
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
}

namespace {

// The answer to a connection over a cap, written without waiting: the socket is new, its
// send buffer empty.
void turn_away(tcp::socket& socket) {
    static const std::string busy =
        "HTTP/1.1 503 Service Unavailable\r\nServer: Impetus\r\n"
        "Content-Type: application/problem+json\r\nRetry-After: 5\r\nConnection: close\r\n"
        "Content-Length: 128\r\n\r\n";
    static const std::string body = [] {
        std::string b = R"({"type":"about:blank","title":"Service Unavailable","status":503,)"
                        R"("detail":"too many open connections; try again later"})";
        b.resize(128, ' ');
        return b;
    }();
    beast::error_code ec;
    socket.non_blocking(true, ec);
    const std::array<asio::const_buffer, 2> parts{asio::buffer(busy), asio::buffer(body)};
    socket.write_some(parts, ec);
    socket.shutdown(tcp::socket::shutdown_both, ec);
    socket.close(ec);
}

} // namespace

asio::awaitable<void> Server::Impl::listen() {
    using namespace std::chrono_literals;
    asio::steady_timer pause(ioc);
    auto backoff = 10ms;
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
            // Out of descriptors (EMFILE, ENFILE) or memory: the waiting connection stays in
            // the backlog and accept would fail again at once. Pause, longer each time, and
            // say so once in a while; the open connections are served meanwhile.
            ++accept_errors_unlogged;
            const auto now = std::chrono::steady_clock::now();
            if (now - last_accept_log >= 10s) {
                spdlog::warn("accept: {} ({} times since the last report; new connections "
                             "wait)",
                             ec.message(), accept_errors_unlogged);
                accept_errors_unlogged = 0;
                last_accept_log = now;
            }
            pause.expires_after(backoff);
            co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            if (!acceptor.is_open()) co_return;
            backoff = std::min<std::chrono::milliseconds>(backoff * 2, 1000ms);
            continue;
        }
        backoff = 10ms;
        std::string remote;
        {
            auto ep = socket.remote_endpoint(ec);
            if (!ec) remote = ep.address().to_string();
        }
        if (!open_connection(remote)) {
            turn_away(socket);
            continue;
        }
        socket.set_option(tcp::no_delay(true), ec);
        auto strand = socket.get_executor();
        asio::co_spawn(strand, session(std::move(socket), std::move(remote)), asio::detached);
    }
}

Server::Server(const App& app, ServerOptions options)
    : m_impl(std::make_unique<Impl>(app, std::move(options))) {}

Server::~Server() { stop(); }

void Server::start() {
    // Each connection is a descriptor: take all the system allows this process.
    rlimit lim{};
    if (::getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
        lim.rlim_cur = lim.rlim_max;
        if (::setrlimit(RLIMIT_NOFILE, &lim) != 0) {
            spdlog::warn("cannot raise the limit of open files: {}", std::strerror(errno));
            ::getrlimit(RLIMIT_NOFILE, &lim);
        }
    }
    if (m_impl->options.max_connections == 0) {
        constexpr std::size_t reserve = 64;
        const auto files = static_cast<std::size_t>(
            std::min<rlim_t>(lim.rlim_cur, std::numeric_limits<std::uint32_t>::max()));
        m_impl->options.max_connections =
            std::min<std::size_t>(1024, files > 2 * reserve ? files - reserve : files / 2);
        if (m_impl->options.max_connections < 1024) {
            spdlog::warn("at most {} connections at once: the process may open {} files",
                         m_impl->options.max_connections, files);
        }
    }
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
