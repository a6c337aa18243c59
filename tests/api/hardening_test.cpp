// What an attacker sends over HTTP, and what the server must hold against it: documents nested
// to crash a recursive walker, numbers a double cannot hold, bodies sent before anyone knows
// who is sending them, more connections than a server should keep, searches that probe
// internal notes, and protocol versions that do not exist. Each case answers a problem, keeps
// the server up for everybody else and changes nothing.

#include "api_test.hpp"

#include "support/temp_dir.hpp"

#include <cmath>
#include <filesystem>
#include <memory>
#include <thread>
#include <vector>

namespace impetus::test {
namespace {

using namespace std::chrono_literals;

std::string nested(int levels, const std::string& inner = "1") {
    std::string out;
    for (int i = 0; i < levels; ++i) out += "{\"k\":";
    out += inner;
    for (int i = 0; i < levels; ++i) out += '}';
    return out;
}

std::string nested_arrays(int levels) {
    return std::string(static_cast<std::size_t>(levels), '[') +
           std::string(static_cast<std::size_t>(levels), ']');
}

// The problem's `detail`.
std::string detail_of(const HttpResponse& r) {
    auto j = json::parse(r.body, nullptr, false);
    return j.is_object() ? j.value("detail", "") : "";
}

class HardeningApi : public ApiTest {
protected:
    HardeningApi() : HardeningApi(TestServerOptions{}) {}
    explicit HardeningApi(TestServerOptions options) : ApiTest(std::move(options)) {
        create_workspace("lille");
        space = create_space("lille", space_body("Ancienne poste", point_geometry(3.05, 50.63)));
        space_id = space.at("id").get<std::int64_t>();
    }

    // The server still answers and what was stored is as it was.
    void expect_unharmed() {
        auto health = people.get("/api/v1/health");
        ASSERT_EQ(health.status, 200) << health.body;
        EXPECT_EQ(space_count("lille"), 1);
        EXPECT_EQ(get_space("lille", space_id), space);
        auto check = server.store().check();
        EXPECT_TRUE(check.ok) << (check.problems.empty() ? "" : check.problems.front());
    }

    json space;
    std::int64_t space_id = 0;
};

// ---------------------------------------------------------------------------------------------
// JSON documents

TEST_F(HardeningApi, DeeplyNestedJsonIsRefusedOnEveryEntryPoint) {
    const std::string deep = nested(19000);
    const std::string deep_space =
        R"({"name": "Halle", "kind": "building", "geometry": {"type": "Point", "coordinates": [3.06, 50.63]}, "source_attributes": )" +
        nested(19000) + "}";
    struct Case {
        std::string method, target, body, content_type;
    };
    const std::vector<Case> cases{
        {"POST", spaces_path("lille"), deep_space, "application/json"},
        {"PATCH", space_path("lille", space_id), R"({"notes": )" + deep + "}",
         "application/merge-patch+json"},
        {"PATCH", "/api/v1/workspaces/lille", R"({"name": )" + deep + "}",
         "application/merge-patch+json"},
        {"POST", "/api/v1/workspaces", deep, "application/json"},
        {"POST", "/api/v1/auth/login", nested_arrays(100000), "application/json"},
        {"POST", "/api/v1/workspaces/lille/imports?format=geojson",
         R"({"type": "FeatureCollection", "features": [{"type": "Feature", "id": 1, "properties": {"name": )" +
             nested_arrays(19000) + R"(}, "geometry": {"type": "Point", "coordinates": [3, 50]}}]})",
         "application/geo+json"},
    };
    for (const auto& c : cases) {
        auto r = http.send_body(c.method, c.target, c.body, c.content_type);
        ASSERT_TRUE(is_problem(r, 400)) << c.method << " " << c.target;
        EXPECT_NE(detail_of(r).find("deeper than 64 levels"), std::string::npos)
            << c.target << ": " << r.body;
        EXPECT_EQ(error_pointers(r).size(), 1u) << r.body; // the place is named
    }
    expect_unharmed();
}

TEST_F(HardeningApi, NumbersBeyondADoubleAreRefusedWithTheFieldNamed) {
    auto r = http.send_body("POST", spaces_path("lille"),
                            R"({"name": "Halle", "kind": "building", "area_m2": 1e400,
                                "geometry": {"type": "Point", "coordinates": [3.06, 50.63]}})",
                            "application/json");
    ASSERT_TRUE(is_problem(r, 400));
    EXPECT_EQ(error_pointers(r), (std::set<std::string>{"/area_m2"}));
    // Anonymously, on a route that anyone may call.
    r = people.send_body("POST", "/api/v1/auth/login",
                         R"({"email": "a@example.org", "password": -1e999})", "application/json");
    ASSERT_TRUE(is_problem(r, 400));
    EXPECT_EQ(error_pointers(r), (std::set<std::string>{"/password"}));
    r = http.send_body("PATCH", space_path("lille", space_id),
                       R"({"geometry": {"type": "Point", "coordinates": [3.06, 5e500]}})",
                       "application/merge-patch+json");
    ASSERT_TRUE(is_problem(r, 400));
    EXPECT_EQ(error_pointers(r), (std::set<std::string>{"/geometry/coordinates/1"}));
    expect_unharmed();
}

// ---------------------------------------------------------------------------------------------
// Bodies: the route and the caller first, then at most the route's own limit

// Sends a request head announcing `length` bytes of body and none of them; returns the status
// the server answers with before the body.
std::optional<int> status_before_body(std::uint16_t port, const std::string& method,
                                      const std::string& target, std::uint64_t length,
                                      const std::string& extra_headers = {}) {
    RawConnection c("127.0.0.1", port);
    c.send(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra_headers +
           "Content-Type: application/octet-stream\r\nContent-Length: " +
           std::to_string(length) + "\r\n\r\n");
    auto got = c.read_until_closed(5s);
    return raw_status(got.data);
}

TEST_F(HardeningApi, AnonymousBodiesAreRefusedBeforeAByteIsRead) {
    const std::uint16_t port = server.port();
    const std::uint64_t huge = 300ull << 20;
    // The upload routes answer the anonymous at once: sign in first.
    EXPECT_EQ(status_before_body(port, "POST", "/api/v1/workspaces/lille/discoveries", huge), 401);
    EXPECT_EQ(status_before_body(port, "POST", "/api/v1/workspaces/lille/imports", huge), 401);
    // Paths that only end like an upload route are nothing at all.
    EXPECT_EQ(status_before_body(port, "POST", "/no/such/discoveries", huge), 404);
    EXPECT_EQ(status_before_body(port, "POST", "/api/v1/workspaces/lille/spaces/discoveries",
                                 huge),
              405);
    // A JSON route takes at most its own 1 MiB, whoever asks.
    EXPECT_EQ(status_before_body(port, "POST", "/api/v1/auth/register", huge), 413);
    EXPECT_EQ(status_before_body(port, "POST", spaces_path("lille"), 2u << 20,
                                 "Authorization: Bearer " + server.admin_token() + "\r\n"),
              413);
    // A report photo needs a report to follow.
    EXPECT_EQ(status_before_body(port, "POST", "/api/v1/reports/not-a-token/photos", 5u << 20),
              404);
    expect_unharmed();
}

TEST_F(HardeningApi, ImportsAreStreamedToAFileThatIsRemovedAfterwards) {
    const std::filesystem::path dir = server.app().upload_dir();
    const std::string file = R"({"type": "FeatureCollection", "features": [{"type": "Feature",
        "id": "a1", "properties": {"name": "Entrepot"},
        "geometry": {"type": "Point", "coordinates": [3.07, 50.64]}}]})";
    auto r = http.send_body("POST", "/api/v1/workspaces/lille/imports?format=geojson", file,
                            "application/geo+json");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json().at("created"), 1) << r.body;
    std::size_t left = 0;
    std::error_code ec;
    for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        left += it->path().extension() == ".part";
    }
    EXPECT_EQ(left, 0u) << "bodies left in " << dir;
}

class LimitedServer : public HardeningApi {
protected:
    static TestServerOptions limited() {
        TestServerOptions o;
        o.server.max_connections_per_address = 6;
        o.server.max_connections = 8;
        o.server.max_body_memory = 512u << 10;
        return o;
    }
    LimitedServer() : HardeningApi(limited()) {}
};

TEST_F(LimitedServer, ConnectionsOverTheCapAreTurnedAwayAtOnce) {
    // Six connections that say nothing yet: the server accepts them in order and counts them.
    std::vector<std::unique_ptr<RawConnection>> held;
    for (int i = 0; i < 6; ++i) {
        held.push_back(std::make_unique<RawConnection>("127.0.0.1", server.port()));
    }
    // A seventh from the same address is answered 503 and closed.
    RawConnection extra("127.0.0.1", server.port());
    auto got = extra.read_until_closed(5s);
    EXPECT_EQ(raw_status(got.data), 503) << got.data;
    EXPECT_TRUE(got.closed);
    EXPECT_NE(got.data.find("Retry-After"), std::string::npos);
    // When one leaves, another may come.
    held.pop_back();
    int status = 0;
    for (int attempt = 0; attempt < 100 && status != 200; ++attempt) {
        status = people.get("/api/v1/health").status;
        if (status != 200) std::this_thread::sleep_for(20ms);
    }
    EXPECT_EQ(status, 200);
}

TEST_F(LimitedServer, BodiesInMemoryShareOneBudget) {
    // The budget for bodies in memory is 512 KiB: a request announcing more is refused before
    // its body is read, though it is within its route's own limit of 1 MiB.
    RawConnection c("127.0.0.1", server.port());
    c.send("POST /api/v1/auth/register HTTP/1.1\r\nHost: x\r\nContent-Type: "
           "application/json\r\nContent-Length: 600000\r\n\r\n{\"email\": ");
    auto got = c.read_until_closed(5s);
    EXPECT_EQ(raw_status(got.data), 503) << got.data;
    EXPECT_NE(got.data.find("Retry-After"), std::string::npos);
    // Smaller bodies pass.
    auto r = people.post("/api/v1/auth/login", {{"email", "a@example.org"}, {"password", "x"}});
    EXPECT_EQ(r.status, 401) << r.body;
    expect_unharmed();
}

// ---------------------------------------------------------------------------------------------
// Geometry size

// A valid polygon of `n` distinct vertices on a small circle around (lon, lat).
json circle_polygon(double lon, double lat, int n) {
    json ring = json::array();
    for (int i = 0; i < n; ++i) {
        const double a = 2 * 3.14159265358979 * i / n;
        ring.push_back({lon + 0.001 * std::cos(a), lat + 0.001 * std::sin(a)});
    }
    ring.push_back(ring[0]);
    return json{{"type", "Polygon"}, {"coordinates", json::array({ring})}};
}

TEST_F(HardeningApi, GeometriesLargerThanTheWorkspaceTakesAreRefused) {
    // The defaults, shown on the workspace.
    auto w = list("/api/v1/workspaces/lille");
    EXPECT_EQ(w.at("geometry_limits"), (json{{"max_vertices", 20000}, {"max_rings", 500}}));
    // Over the default: the API and the import both refuse, naming the geometry.
    auto r = http.post(spaces_path("lille"), space_body("Friche", circle_polygon(3.06, 50.63, 25000)));
    ASSERT_TRUE(is_problem(r, 400));
    EXPECT_EQ(error_pointers(r), (std::set<std::string>{"/geometry"}));
    EXPECT_NE(r.body.find("25001 vertices"), std::string::npos) << r.body.substr(0, 500);

    // A workspace sets its own limit, within the ceiling.
    r = http.patch("/api/v1/workspaces/lille", {{"geometry_limits", {{"max_vertices", 64}}}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json().at("geometry_limits").at("max_vertices"), 64);
    r = http.patch("/api/v1/workspaces/lille", {{"geometry_limits", {{"max_vertices", 10000000}}}});
    ASSERT_TRUE(is_problem(r, 400));
    EXPECT_EQ(error_pointers(r), (std::set<std::string>{"/geometry_limits/max_vertices"}));

    r = http.post(spaces_path("lille"), space_body("Friche", circle_polygon(3.06, 50.63, 100)));
    ASSERT_TRUE(is_problem(r, 400));
    EXPECT_EQ(error_pointers(r), (std::set<std::string>{"/geometry"}));
    r = http.patch(space_path("lille", space_id), {{"geometry", circle_polygon(3.05, 50.63, 100)}});
    ASSERT_TRUE(is_problem(r, 400));
    EXPECT_EQ(error_pointers(r), (std::set<std::string>{"/geometry"}));
    auto small = http.post(spaces_path("lille"), space_body("Kiosque", circle_polygon(3.07, 50.63, 40)));
    ASSERT_EQ(small.status, 201) << small.body;

    json file{{"type", "FeatureCollection"},
              {"features",
               {{{"type", "Feature"},
                 {"id", "big"},
                 {"properties", {{"name", "Grande friche"}}},
                 {"geometry", circle_polygon(3.08, 50.64, 100)}},
                {{"type", "Feature"},
                 {"id", "ok"},
                 {"properties", {{"name", "Petit terrain"}}},
                 {"geometry", circle_polygon(3.09, 50.64, 20)}}}}};
    r = http.send_body("POST", "/api/v1/workspaces/lille/imports?format=geojson", file.dump(),
                       "application/geo+json");
    ASSERT_EQ(r.status, 200) << r.body;
    const json report = r.json();
    EXPECT_EQ(report.at("created"), 1);
    ASSERT_EQ(report.at("rejected").size(), 1u) << report.dump();
    EXPECT_EQ(report.at("rejected")[0].at("reference"), "big");
    EXPECT_NE(report.at("rejected")[0].at("reason").get<std::string>().find("101 vertices"),
              std::string::npos)
        << report.dump();
    EXPECT_EQ(space_count("lille"), 3);
}

// ---------------------------------------------------------------------------------------------
// Searching does not reveal what the viewer may not read

TEST_F(HardeningApi, TextSearchLeavesInternalNotesOutForThePublic) {
    auto r = http.patch(space_path("lille", space_id),
                        json{{"notes", "Owner's mobile 0612345678, key at the bakery"}});
    ASSERT_EQ(r.status, 200) << r.body;
    space = r.json();
    const std::vector<std::string> searches{
        spaces_path("lille") + "?q=0612",
        spaces_path("lille") + ".geojson?q=0612",
        spaces_path("lille") + ".csv?q=0612",
        "/api/v1/spaces?q=bakery",
        "/ogc/collections/spaces/items?q=bakery",
    };
    for (const auto& target : searches) {
        auto pub = people.get(target);
        ASSERT_EQ(pub.status, 200) << target << ": " << pub.body;
        EXPECT_EQ(pub.body.find("Ancienne poste"), std::string::npos)
            << target << " answers the public by the notes";
        auto staff = http.get(target);
        ASSERT_EQ(staff.status, 200) << target;
        EXPECT_NE(staff.body.find("Ancienne poste"), std::string::npos)
            << target << " does not search the notes for staff";
    }
    // The public columns stay searchable for everyone.
    EXPECT_EQ(list(spaces_path("lille") + "?q=poste").at("total"), 1);
    EXPECT_EQ(people.get(spaces_path("lille") + "?q=ancienne").json().at("total"), 1);
    // Text without a word matches nothing rather than everything.
    EXPECT_EQ(people.get(spaces_path("lille") + "?q=%2A%2A").json().at("total"), 0);
}

// ---------------------------------------------------------------------------------------------
// Protocol

TEST_F(HardeningApi, UnknownHttpVersionsAreRefused) {
    RawConnection c("127.0.0.1", server.port());
    c.send("GET /api/v1/health HTTP/7.5\r\nHost: x\r\n\r\n");
    auto got = c.read_until_closed(5s);
    EXPECT_EQ(raw_status(got.data), 505) << got.data;
    expect_unharmed();
}

} // namespace
} // namespace impetus::test
