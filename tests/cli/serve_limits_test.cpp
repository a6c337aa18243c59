// The real `impetus serve` at the edge of its resources: with every file descriptor of its
// process taken by idle connections, it keeps serving the connections it has, says so in its
// log a few times rather than millions, and takes new ones again once descriptors are free.

#include "support/http_client.hpp"
#include "support/run_command.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <thread>
#include <vector>

namespace impetus::test {
namespace {

using namespace std::chrono_literals;

std::size_t lines_containing(const std::string& text, const std::string& what) {
    std::istringstream in(text);
    std::size_t n = 0;
    for (std::string line; std::getline(in, line);) n += line.find(what) != std::string::npos;
    return n;
}

// Warms the server up (its database connections are opened on first use) with a few requests.
void warm_up(int port) {
    HttpClient client("127.0.0.1", static_cast<std::uint16_t>(port));
    for (int i = 0; i < 8; ++i) ASSERT_EQ(client.get("/api/v1/health").status, 200);
}

// Serves newcomers again within a bounded number of tries.
int health_after_flood(int port) {
    HttpClient client("127.0.0.1", static_cast<std::uint16_t>(port));
    int status = 0;
    for (int attempt = 0; attempt < 400 && status != 200; ++attempt) {
        try {
            status = client.get("/api/v1/health").status;
        } catch (const std::exception&) {
            status = 0;
        }
        if (status != 200) std::this_thread::sleep_for(50ms);
    }
    return status;
}

// A health check on a connection opened before a flood, as its last request.
int health_on(RawConnection& early) {
    early.send("GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    auto got = early.read_until_closed(10s);
    EXPECT_TRUE(got.closed);
    return raw_status(got.data).value_or(0);
}

std::vector<std::unique_ptr<RawConnection>> open_idle(int port, int n) {
    std::vector<std::unique_ptr<RawConnection>> out;
    for (int i = 0; i < n; ++i) {
        out.push_back(
            std::make_unique<RawConnection>("127.0.0.1", static_cast<std::uint16_t>(port)));
    }
    return out;
}

// By default the server keeps descriptors for its database beside its connections: with 128
// files it takes 64 connections and turns the rest away with 503, all the while healthy.
TEST(ServeLimits, ConnectionsAreCappedBelowTheLimitOfOpenFiles) {
    TempDir dir;
    const std::string db = dir.file("impetus.db");
    ASSERT_EQ(run_impetus({"db", "migrate", "--db", db}).exit_code, 0);
    const std::string log = dir.file("serve.log");
    ServeProcess server(db, {}, ServeLaunch{128, log});
    warm_up(server.port());
    RawConnection early("127.0.0.1", static_cast<std::uint16_t>(server.port()));
    auto flood = open_idle(server.port(), 150);
    // The last of them was turned away.
    auto turned = flood.back()->read_until_closed(10s);
    EXPECT_EQ(raw_status(turned.data), 503) << turned.data.substr(0, 300);
    EXPECT_EQ(health_on(early), 200);
    flood.clear();
    EXPECT_EQ(health_after_flood(server.port()), 200);
    EXPECT_EQ(server.stop(), 0);
    const std::string text = read_file(log);
    EXPECT_NE(text.find("at most 64 connections"), std::string::npos) << text.substr(0, 2000);
    EXPECT_EQ(lines_containing(text, "accept:"), 0u) << text.substr(0, 2000);
}

// With a cap set above what the descriptors allow, accepting fails with EMFILE: the server
// pauses and retries instead of spinning, logs it a few times, and keeps serving.
TEST(ServeLimits, OutOfDescriptorsTheServerWaitsInsteadOfSpinning) {
    TempDir dir;
    const std::string db = dir.file("impetus.db");
    ASSERT_EQ(run_impetus({"db", "migrate", "--db", db}).exit_code, 0);
    const std::string log = dir.file("serve.log");
    ServeProcess server(db, {"--max-connections", "1000"}, ServeLaunch{64, log});
    warm_up(server.port());

    // A client connected before the flood, keeping its connection.
    RawConnection early("127.0.0.1", static_cast<std::uint16_t>(server.port()));

    // More idle connections than the server has descriptors: the kernel queues them, the
    // server cannot accept them all.
    auto flood = open_idle(server.port(), 120);
    std::this_thread::sleep_for(3s); // the accept loop meets EMFILE over and over meanwhile

    // The connection it has is served.
    EXPECT_EQ(health_on(early), 200);

    // Once the flood leaves, newcomers are served again.
    flood.clear();
    EXPECT_EQ(health_after_flood(server.port()), 200);
    EXPECT_EQ(server.stop(), 0);

    // The failures were reported, a handful of lines in all.
    const std::string text = read_file(log);
    const std::size_t reports = lines_containing(text, "accept:");
    EXPECT_GE(reports, 1u) << text.substr(0, 2000);
    EXPECT_LE(reports, 5u) << text.substr(0, 2000); // one per 10 s while the flood lasts
    EXPECT_LT(text.size(), 20000u);
}

} // namespace
} // namespace impetus::test
