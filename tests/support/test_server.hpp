#pragma once

// The real server for the API tests: a fresh SQLite database in a temporary directory, the
// application over it and the HTTP server listening on 127.0.0.1 at a port the system picks,
// run on a background thread. The destructor stops the server and joins the thread, so every
// test gets its own server and leaves nothing behind.

#include "http/app.hpp"
#include "http/server.hpp"
#include "store/store.hpp"
#include "support/http_client.hpp"
#include "support/temp_dir.hpp"

#include <cstdint>
#include <exception>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

namespace impetus::test {

struct TestServerOptions {
    // Argon2id with small parameters, so that signing in is quick in tests, and a public URL
    // for the links in mails (a server without one sends no account mail).
    http::AppOptions app = [] {
        http::AppOptions o;
        o.auth.password = auth::PasswordParams{1024, 1, 1};
        o.auth.public_url = "http://impetus.test";
        o.report_form_min_age = std::chrono::seconds(0); // reports_test checks the wait on a clock of its own
        return o;
    }();
    // host and port are always 127.0.0.1 and 0; the rest (threads, timeouts) is passed on.
    http::ServerOptions server = [] {
        http::ServerOptions o;
        o.threads = 4;
        return o;
    }();
};

class TestServer {
public:
    TestServer() : TestServer(TestServerOptions{}) {}
    explicit TestServer(TestServerOptions options);
    ~TestServer();
    TestServer(const TestServer&) = delete;
    TestServer& operator=(const TestServer&) = delete;

    std::uint16_t port() const noexcept { return m_port; }
    std::string host() const { return "127.0.0.1"; }
    std::string base_url() const;
    // A client of the instance administrator the server starts with (an API token that reads
    // and writes): the API tests exercise what the routes do; tests/api/permissions_test.cpp
    // checks who may call them.
    HttpClient client() const {
        HttpClient c(host(), m_port);
        c.set_default_header("Authorization", "Bearer " + m_admin_token);
        return c;
    }
    // A client without credentials: the public.
    HttpClient anonymous_client() const { return HttpClient(host(), m_port); }
    const std::string& admin_token() const noexcept { return m_admin_token; }
    // The application, for its route table (the permission test walks it).
    const http::App& app() const noexcept { return *m_app; }

    // The store behind the server, for checks the API cannot make (integrity), never to
    // arrange or inspect what a test is about.
    Store& store() noexcept { return *m_store; }
    const std::filesystem::path& dir() const noexcept { return m_dir.path(); }

    // Stops the server and waits for its threads; rethrows what made run() fail, if anything.
    // Called by the destructor; safe to call more than once.
    void stop();

private:
    TempDir m_dir;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<http::App> m_app;
    std::unique_ptr<http::Server> m_server;
    std::uint16_t m_port = 0;
    std::string m_admin_token;
    std::thread m_thread;
    std::exception_ptr m_failure;
};

} // namespace impetus::test
