#pragma once

// The HTTP/1.1 server: Boost.Beast over Asio with C++20 coroutines, a pool of threads running
// one io_context. Handlers run on those threads (the store's calls are short and bounded).

#include "http/app.hpp"

#include <cstdint>
#include <memory>
#include <string>

namespace impetus::http {

struct ServerOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8080; // 0: any free port (see Server::port())
    unsigned threads = 0;      // 0: twice the hardware threads, at least 4
    unsigned read_timeout_s = 30;
    unsigned write_timeout_s = 60;
    unsigned idle_timeout_s = 60; // keep-alive
    std::size_t max_header_bytes = 16 * 1024;
    // Open connections, in all and from one client address (behind a reverse proxy every
    // client has the proxy's address: raise it there). Over either, a connection is answered
    // 503 and closed at once. 0 in all: 1024, or fewer when the process's limit of open files
    // leaves less than that beside 64 descriptors for the database, uploads and logs.
    std::size_t max_connections = 0;
    std::size_t max_connections_per_address = 128;
    // Request bodies held in memory at once, over all connections (each within its route's
    // own limit); a request that would pass it gets 503 before its body is read.
    std::size_t max_body_memory = 256u << 20;
};

class Server {
public:
    Server(const App& app, ServerOptions options);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Binds and listens; throws Error(io) when the address is taken or invalid. Raises the
    // process's soft limit of open files to its hard limit.
    void start();
    // Blocks until stop() is called (or SIGINT/SIGTERM when `handle_signals`).
    void run(bool handle_signals);
    void stop();

    std::uint16_t port() const noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// Parses "HOST:PORT" ("[::1]:8080" for IPv6); throws Error(invalid_input).
std::pair<std::string, std::uint16_t> parse_listen(const std::string& text);

} // namespace impetus::http
