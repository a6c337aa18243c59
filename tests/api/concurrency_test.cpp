// Many clients at once: 8 threads mixing reads and writes against one server. Every request
// must succeed, and the final state must be exactly the sum of what the threads did, including
// a counter every thread increments through If-Match retries (no lost updates).

#include "api_test.hpp"

#include <mutex>
#include <thread>

namespace impetus::test {
namespace {

constexpr int k_threads = 8;
constexpr int k_spaces_per_thread = 5;
constexpr int k_increments_per_thread = 5;

class ConcurrencyApi : public ApiTest {
protected:
    ConcurrencyApi() {
        create_workspace("lille");
        counter_id =
            create_space("lille", space_body("Shared counter", point_geometry(3.0, 50.0)))
                .at("id")
                .get<std::int64_t>();
        require_status(http.patch(space_path("lille", counter_id), {{"notes", "0"}}), 200);
    }

    std::int64_t counter_id = 0;
};

// One client thread's work; returns what went wrong, nothing when all went right.
std::vector<std::string> client_work(const HttpClient& http, int t, std::int64_t counter_id,
                                     std::vector<std::int64_t>& created) {
    std::vector<std::string> problems;
    auto expect = [&](const HttpResponse& r, int status, const std::string& what) {
        if (r.status != status) {
            problems.push_back("thread " + std::to_string(t) + " " + what + ": HTTP " +
                               std::to_string(r.status) + " " + r.body.substr(0, 300));
            return false;
        }
        return true;
    };
    const std::string spaces = "/api/v1/workspaces/lille/spaces";
    try {
        for (int i = 0; i < k_spaces_per_thread; ++i) {
            const std::string name = "T" + std::to_string(t) + " space " + std::to_string(i);
            auto body = space_body(name, square_geometry(3.0 + t * 0.01, 50.0 + i * 0.01, 0.001));
            auto c = http.post(spaces, body);
            if (!expect(c, 201, "create")) continue;
            const auto id = c.json().at("id").get<std::int64_t>();
            created.push_back(id);
            const std::string path = spaces + "/" + std::to_string(id);

            auto g = http.get(path);
            if (expect(g, 200, "get") && g.json().at("name") != name) {
                problems.push_back("thread " + std::to_string(t) + ": wrong space at " + path);
            }
            auto p = http.patch(path, {{"notes", "thread " + std::to_string(t)}},
                                {{"If-Match", g.header("ETag")}});
            expect(p, 200, "patch");
            expect(http.post(path + "/transitions", {{"to", "verified"}, {"reason", "visit"}}),
                   200, "transition");
            expect(http.get(path + "/history"), 200, "history");
            expect(http.get(spaces + "?kind=building&sort=-area&limit=7"), 200, "list");
            expect(http.get(i % 2 ? spaces + ".geojson" : "/ogc/collections/spaces/items?limit=5"),
                   200, "export");
        }

        // The shared counter: read, increment, write with If-Match; retry on 412.
        for (int k = 0; k < k_increments_per_thread; ++k) {
            const std::string path = spaces + "/" + std::to_string(counter_id);
            bool done = false;
            for (int attempt = 0; attempt < 200 && !done; ++attempt) {
                auto g = http.get(path);
                if (!expect(g, 200, "get counter")) break;
                const int value = std::stoi(g.json().at("notes").get<std::string>());
                auto p = http.patch(path, {{"notes", std::to_string(value + 1)}},
                                    {{"If-Match", g.header("ETag")}});
                if (p.status == 200) {
                    done = true;
                } else if (p.status != 412) {
                    expect(p, 200, "increment");
                    break;
                }
            }
            if (!done) problems.push_back("thread " + std::to_string(t) + ": increment lost");
        }
    } catch (const std::exception& e) {
        problems.push_back("thread " + std::to_string(t) + ": " + e.what());
    }
    return problems;
}

TEST_F(ConcurrencyApi, MixedReadsAndWritesFromEightClients) {
    std::vector<std::vector<std::string>> problems(k_threads);
    std::vector<std::vector<std::int64_t>> created(k_threads);
    std::vector<std::thread> threads;
    for (int t = 0; t < k_threads; ++t) {
        threads.emplace_back([&, t] {
            HttpClient client = server.client();
            problems[t] = client_work(client, t, counter_id, created[t]);
        });
    }
    for (auto& th : threads) th.join();
    for (const auto& list : problems) {
        for (const auto& p : list) ADD_FAILURE() << p;
    }

    // Every thread's spaces exist once, with exactly its changes.
    std::set<std::int64_t> all;
    for (int t = 0; t < k_threads; ++t) {
        EXPECT_EQ(created[t].size(), static_cast<std::size_t>(k_spaces_per_thread)) << t;
        for (auto id : created[t]) {
            EXPECT_TRUE(all.insert(id).second) << "id " << id << " handed out twice";
            auto s = get_space("lille", id);
            EXPECT_EQ(s.at("notes"), "thread " + std::to_string(t));
            EXPECT_EQ(s.at("status"), "verified");
            EXPECT_EQ(s.at("version"), 3);
            EXPECT_EQ(list(space_path("lille", id) + "/history").at("items").size(), 2u);
        }
    }
    EXPECT_EQ(space_count("lille"), 1 + k_threads * k_spaces_per_thread);
    EXPECT_EQ(list(spaces_path("lille") + "?status=verified&limit=1").at("total"),
              k_threads * k_spaces_per_thread);

    auto counter = get_space("lille", counter_id);
    EXPECT_EQ(counter.at("notes"), std::to_string(k_threads * k_increments_per_thread));
    EXPECT_EQ(counter.at("version"), 2 + k_threads * k_increments_per_thread);

    // Lists and exports agree with each other after the storm (no stale cache).
    auto geojson = list(spaces_path("lille") + ".geojson");
    EXPECT_EQ(geojson.at("features").size(), all.size() + 1);
    EXPECT_EQ(list("/ogc/collections/spaces/items?limit=1").at("numberMatched"), all.size() + 1);
    EXPECT_TRUE(server.store().check().ok);
}

} // namespace
} // namespace impetus::test
