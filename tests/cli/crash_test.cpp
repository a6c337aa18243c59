// What a crash may take: the real `impetus serve`, on a database file of its own, is killed
// with SIGKILL in the middle of a write load, five times over. Every write it acknowledged
// (2xx) must be in the file afterwards, the file must pass SQLite's integrity check, and the
// restarted server must serve every acknowledged write. Loopback only; the loops are bounded
// in requests, nothing waits on a clock.

#include "support/http_client.hpp"
#include "support/raw_sqlite.hpp"
#include "support/run_command.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <condition_variable>
#include <cstdlib>
#include <map>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

namespace impetus::test {
namespace {

using nlohmann::json;

constexpr int k_cycles = 5;
constexpr int k_writers = 4;
constexpr int k_writes_per_writer = 40; // per cycle: the load ends by itself if no kill comes

// The acknowledged writes of every cycle: space id -> name.
using Acknowledged = std::map<std::int64_t, std::string>;

class CrashDurability : public ::testing::Test {
protected:
    CrashDurability() {
        auto r = run_impetus({"workspace", "create", "lille", "--name", "Lille", "--db", db});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        r = run_impetus({"user", "create", "admin@example.org", "--admin", "--password-stdin",
                         "--db", db},
                        "a long enough password\n");
        EXPECT_EQ(r.exit_code, 0) << r.err;
    }

    static HttpClient client_of(const ServeProcess& server) {
        return HttpClient("127.0.0.1", static_cast<std::uint16_t>(server.port()));
    }

    // A personal API token that writes, made once through the API; kept in the database, it
    // works across restarts.
    std::string make_token(const ServeProcess& server) {
        const HttpClient http = client_of(server);
        auto r = http.post("/api/v1/auth/login",
                           {{"email", "admin@example.org"}, {"password", "a long enough password"}});
        EXPECT_EQ(r.status, 200) << r.body;
        const std::string cookie =
            r.header("Set-Cookie").substr(0, r.header("Set-Cookie").find(';'));
        const std::string csrf = r.json().value("csrf_token", "");
        r = http.post("/api/v1/me/tokens", {{"name", "load"}, {"scopes", {"read", "write"}}},
                      {{"Cookie", cookie}, {"X-CSRF-Token", csrf}});
        EXPECT_EQ(r.status, 201) << r.body;
        return r.json().value("secret", "");
    }

    // Runs the write load against `server` and kills it once `kill_after` writes of this cycle
    // have been acknowledged (or when the load has ended by itself); returns what was
    // acknowledged in this cycle.
    Acknowledged load_and_kill(ServeProcess& server, int cycle, std::size_t kill_after) {
        Acknowledged acked;
        std::mutex m;
        std::condition_variable cv;
        int writers_done = 0;
        std::vector<std::thread> writers;
        for (int w = 0; w < k_writers; ++w) {
            writers.emplace_back([&, w] {
                HttpClient http = client_of(server);
                http.set_default_header("Authorization", "Bearer " + token);
                for (int i = 0; i < k_writes_per_writer; ++i) {
                    const std::string name = "c" + std::to_string(cycle) + "-w" +
                                             std::to_string(w) + "-" + std::to_string(i);
                    const json body{
                        {"name", name},
                        {"kind", "building"},
                        {"notes", "written under load, cycle " + std::to_string(cycle)},
                        {"geometry",
                         {{"type", "Point"}, {"coordinates", {3.0 + 0.001 * i, 50.6 + 0.01 * w}}}}};
                    HttpResponse r;
                    try {
                        r = http.post("/api/v1/workspaces/lille/spaces", body);
                    } catch (const std::exception&) {
                        break; // the server is gone: this write was never acknowledged
                    }
                    if (r.status < 200 || r.status > 299) break;
                    const auto id = r.json().at("id").get<std::int64_t>();
                    std::lock_guard lock(m);
                    acked.emplace(id, name);
                    cv.notify_all();
                }
                std::lock_guard lock(m);
                ++writers_done;
                cv.notify_all();
            });
        }
        {
            std::unique_lock lock(m);
            cv.wait(lock, [&] { return acked.size() >= kill_after || writers_done == k_writers; });
        }
        server.kill_now();
        for (auto& t : writers) t.join();
        return acked;
    }

    // Every acknowledged write is in the file, and the file is sound; read with SQLite itself
    // while no server runs.
    void check_file(const Acknowledged& acked) {
        RawSqlite raw(db);
        EXPECT_EQ(raw.query_text("PRAGMA integrity_check"), "ok");
        EXPECT_EQ(raw.query_int("SELECT count(*) FROM pragma_foreign_key_check"), 0);
        for (const auto& [id, name] : acked) {
            EXPECT_EQ(raw.query_text("SELECT name FROM space WHERE id = " + std::to_string(id)),
                      name)
                << "acknowledged space " << id << " lost";
            EXPECT_EQ(raw.query_int("SELECT count(*) FROM audit WHERE entity = 'space' AND "
                                    "entity_id = " + std::to_string(id)),
                      1)
                << "the audit entry of space " << id;
        }
    }

    // The restarted server serves every acknowledged write.
    void check_served(const ServeProcess& server, const Acknowledged& acked) {
        HttpClient http = client_of(server);
        http.set_default_header("Authorization", "Bearer " + token);
        for (const auto& [id, name] : acked) {
            const auto r = http.get("/api/v1/workspaces/lille/spaces/" + std::to_string(id));
            ASSERT_EQ(r.status, 200) << "space " << id << ": " << r.body;
            EXPECT_EQ(r.json().value("name", ""), name);
        }
    }

    TempDir dir;
    std::string db = dir.file("crash.db");
    std::string token;
};

TEST_F(CrashDurability, AcknowledgedWritesSurviveKillNine) {
    const unsigned seed = std::random_device{}();
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937 random(seed);
    // Between the first write and most of the cycle's load.
    std::uniform_int_distribution<std::size_t> moment(1, k_writers * k_writes_per_writer * 3 / 4);

    // Whatever happens, the tests after this one run without the setting.
    struct Unset {
        ~Unset() { ::unsetenv("IMPETUS_SYNCHRONOUS"); }
    } unset_at_end;

    Acknowledged all;
    for (int cycle = 0; cycle < k_cycles; ++cycle) {
        SCOPED_TRACE("cycle " + std::to_string(cycle));
        // A crash of the process loses nothing with either setting of IMPETUS_SYNCHRONOUS
        // (what NORMAL risks is a crash of the whole machine): odd cycles run with NORMAL.
        // Set before the server starts, while this process runs no other thread.
        if (cycle % 2 == 1) {
            ::setenv("IMPETUS_SYNCHRONOUS", "normal", 1);
        } else {
            ::unsetenv("IMPETUS_SYNCHRONOUS");
        }
        ServeProcess server(db, {"--log-level", "error"});
        if (token.empty()) token = make_token(server);
        ASSERT_FALSE(token.empty());
        check_served(server, all);
        const Acknowledged acked = load_and_kill(server, cycle, moment(random));
        EXPECT_FALSE(acked.empty());
        all.insert(acked.begin(), acked.end());
        check_file(all);
        if (HasFailure()) return;
    }
    ::unsetenv("IMPETUS_SYNCHRONOUS");
    ServeProcess server(db, {"--log-level", "error"});
    check_served(server, all);
    EXPECT_EQ(server.stop(), 0);
    check_file(all);
}

TEST(Durability, TheSettingIsFullOrNormal) {
    TempDir dir;
    const std::string db = dir.file("setting.db");
    for (const std::string value : {"", "full", "normal"}) {
        const auto r = run_command({"env", "IMPETUS_SYNCHRONOUS=" + value, IMPETUS_BINARY,
                                    "workspace", "create", "w" + std::to_string(value.size()),
                                    "--name", "W", "--db", db});
        EXPECT_EQ(r.exit_code, 0) << value << ": " << r.err;
    }
    const auto r = run_command({"env", "IMPETUS_SYNCHRONOUS=off", IMPETUS_BINARY, "workspace",
                                "list", "--db", db});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("IMPETUS_SYNCHRONOUS"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("hint:"), std::string::npos) << r.err;
}

} // namespace
} // namespace impetus::test
