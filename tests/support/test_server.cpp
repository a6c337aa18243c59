// Boost 1.74 with GCC 12: <utility> must come before Asio's awaitable headers.
#include <utility>

#include "support/test_server.hpp"

#include "auth/secrets.hpp"

#include <stdexcept>

#include <gtest/gtest.h>

namespace impetus::test {

TestServer::TestServer(TestServerOptions options) {
    StoreOptions so;
    so.location = (m_dir.path() / "impetus.db").string();
    m_store = open_store(so);
    {
        const User admin = m_store->create_user("admin@impetus.test", "Test administrator", "",
                                                true);
        m_admin_token = "imp_test_administrator_token";
        m_store->create_api_token(admin.id, "tests", auth::sha256_hex(m_admin_token),
                                  {"read", "write"});
    }
    if (options.app.upload_dir.empty()) options.app.upload_dir = m_dir.path() / "uploads";
    m_app = std::make_unique<http::App>(*m_store, std::move(options.app));
    http::ServerOptions server_options = std::move(options.server);
    server_options.host = "127.0.0.1";
    server_options.port = 0;
    m_server = std::make_unique<http::Server>(*m_app, std::move(server_options));
    // start() binds and listens before returning: connections made from here on queue in the
    // backlog even if the thread below has not reached run() yet.
    m_server->start();
    m_port = m_server->port();
    if (m_port == 0) {
        throw std::runtime_error("the test server did not report its port");
    }
    m_thread = std::thread([this] {
        try {
            m_server->run(false);
        } catch (...) {
            m_failure = std::current_exception();
        }
    });
}

TestServer::~TestServer() {
    // A destructor must not throw: what made the server's thread fail fails the test instead
    // (stop() rethrows it once, so a test that called stop() itself has seen it already).
    try {
        stop();
    } catch (const std::exception& e) {
        ADD_FAILURE() << "the test server failed: " << e.what();
    } catch (...) {
        ADD_FAILURE() << "the test server failed with an unknown exception";
    }
}

std::string TestServer::base_url() const { return "http://127.0.0.1:" + std::to_string(m_port); }

void TestServer::stop() {
    if (m_thread.joinable()) {
        m_server->stop();
        m_thread.join();
    }
    if (m_failure) {
        auto f = std::exchange(m_failure, nullptr);
        std::rethrow_exception(f);
    }
}

} // namespace impetus::test
