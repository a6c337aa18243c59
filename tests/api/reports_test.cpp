// Citizens' reports over HTTP: anyone reports a vacant place (with the form token, the
// honeypot and the limit per address against robots), adds photos checked by content, and
// follows the report through a private link; officers see the queue with the spaces nearby and
// accept, merge or reject; the reporter's contact stays with the officers.

#include "api_test.hpp"

#include <cstdlib>

#include <atomic>
#include <chrono>
#include <memory>
#include <fstream>
#include <sstream>

namespace impetus::test {
namespace {

std::string fixture(const std::string& name) {
    std::ifstream in(std::string(IMPETUS_TEST_DATA) + "/reports/" + name, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

class ReportsApi : public ApiTest {
protected:
    ReportsApi() {
        create_workspace("lille");
        mill = create_space("lille", space_body("Old mill", point_geometry(3.0600, 50.6300)))["id"];
    }

    std::string form_token(const std::string& ws = "lille") {
        return require_status(anonymous.get("/api/v1/workspaces/" + ws + "/reports/form"), 200)
            .json()["form_token"];
    }

    json report_body(double lon = 3.0601, double lat = 50.6301) {
        return {{"lon", lon},
                {"lat", lat},
                {"kind", "shop"},
                {"description", "Shutters down since last winter"},
                {"vacant_for", "6_to_12_months"},
                {"contact_name", "Zoé"},
                {"contact_email", "zoe@example.org"},
                {"form_token", form_token()}};
    }

    json report(const json& body = nullptr) {
        return require_status(anonymous.post("/api/v1/workspaces/lille/reports",
                                             body.is_null() ? report_body() : body),
                              201, "report")
            .json();
    }

    HttpResponse add_photo(const std::string& token, const std::string& bytes,
                           const std::string& type = "image/png") {
        return anonymous.send_body("POST", "/api/v1/reports/" + token + "/photos", bytes, type);
    }

    HttpClient anonymous = server.anonymous_client();
    Id mill = 0;
};

TEST_F(ReportsApi, AnyoneReportsAndFollowsThroughThePrivateLink) {
    const json r = report();
    EXPECT_EQ(r["status"], "pending");
    EXPECT_FALSE(r.contains("contact_email")) << "the reporter's answer holds no contact";
    const std::string token = r["follow_token"];
    EXPECT_EQ(r["follow_href"], server.base_url() + "/report/" + token);

    auto follow = require_status(anonymous.get("/api/v1/reports/" + token), 200).json();
    EXPECT_EQ(follow["description"], "Shutters down since last winter");
    EXPECT_FALSE(follow.contains("contact_email"));
    EXPECT_TRUE(is_problem(anonymous.get("/api/v1/reports/not-a-token"), 404));

    // Photos: checked by content, three at most, re-encoded as JPEG.
    auto p = add_photo(token, fixture("one-pixel.png"), "image/jpeg"); // the type said is ignored
    ASSERT_EQ(p.status, 201) << p.body;
    EXPECT_EQ(p.json()["width"], 1);
    EXPECT_TRUE(is_problem(add_photo(token, "GIF89a... not really", "image/gif"), 415));
    EXPECT_TRUE(is_problem(add_photo(token, "<svg xmlns='http://www.w3.org/2000/svg'/>", "image/png"), 415));
    EXPECT_TRUE(is_problem(add_photo(token, std::string(13u << 20, 'x')), 413));
    EXPECT_EQ(add_photo(token, fixture("one-pixel.png")).status, 201);
    EXPECT_EQ(add_photo(token, fixture("one-pixel.png")).status, 201);
    EXPECT_TRUE(is_problem(add_photo(token, fixture("one-pixel.png")), 409)) << "three at most";
    EXPECT_EQ(anonymous.get("/api/v1/reports/" + token).json()["photo_count"], 3);
}

TEST_F(ReportsApi, OfficersSeeTheQueueWithNearbySpacesAndAcceptAReport) {
    const json r = report();
    auto queue = list("/api/v1/workspaces/lille/reports?status=pending");
    ASSERT_EQ(queue["items"].size(), 1u);
    const Id id = queue["items"][0]["id"];
    EXPECT_EQ(queue["items"][0]["contact_email"], "zoe@example.org") << "officers see the contact";
    add_photo(r["follow_token"], fixture("one-pixel.png"));

    const json detail = list("/api/v1/workspaces/lille/reports/" + std::to_string(id));
    ASSERT_EQ(detail["nearby_spaces"].size(), 1u) << "the mill is about 13 m away";
    EXPECT_EQ(detail["nearby_spaces"][0]["id"], mill);
    EXPECT_LT(detail["nearby_spaces"][0]["distance_m"].get<double>(), 50.0);
    ASSERT_EQ(detail["photos"].size(), 1u);
    auto photo = http.get(http.target_of(detail["photos"][0]["thumbnail_href"]));
    ASSERT_EQ(photo.status, 200);
    EXPECT_EQ(photo.header("Content-Type"), "image/jpeg");
    EXPECT_EQ(photo.body.substr(0, 3), std::string("\xFF\xD8\xFF"));
    EXPECT_TRUE(is_problem(anonymous.get(http.target_of(detail["photos"][0]["href"])), 401))
        << "photos are for officers";

    auto accepted = http.post("/api/v1/workspaces/lille/reports/" + std::to_string(id) + "/accept",
                              {{"name", "Former shoe shop"}, {"status", "verified"}});
    ASSERT_EQ(accepted.status, 201) << accepted.body;
    const json space = accepted.json();
    EXPECT_EQ(space["status"], "verified");
    EXPECT_EQ(space["source"], "report");
    EXPECT_EQ(space["kind"], "shop");
    EXPECT_EQ(space["geometry"]["coordinates"][0], 3.0601);

    const json follow = anonymous.get("/api/v1/reports/" + r["follow_token"].get<std::string>()).json();
    EXPECT_EQ(follow["status"], "accepted");
    EXPECT_EQ(follow["space"]["id"], space["id"]);
    // The reporter is told (the outbox, delivered when a mail server is set).
    bool told = false;
    for (const auto& m : server.store().pending_mail(10)) told |= m.to == "zoe@example.org";
    EXPECT_TRUE(told);
    // Decided once.
    EXPECT_TRUE(is_problem(http.post("/api/v1/workspaces/lille/reports/" + std::to_string(id) +
                                         "/reject",
                                     {{"reason", "changed my mind"}}),
                           409));
    EXPECT_TRUE(is_problem(add_photo(r["follow_token"], fixture("one-pixel.png")), 409));
}

TEST_F(ReportsApi, MergeIntoAKnownSpaceOrRejectWithAReason) {
    report();
    report(report_body(3.07, 50.64));
    auto q = list("/api/v1/workspaces/lille/reports?status=pending")["items"];
    ASSERT_EQ(q.size(), 2u);
    const std::string first = "/api/v1/workspaces/lille/reports/" + std::to_string(q[0]["id"].get<Id>());
    const std::string second = "/api/v1/workspaces/lille/reports/" + std::to_string(q[1]["id"].get<Id>());

    auto merged = http.post(first + "/merge", {{"space_id", mill}, {"reason", "the same building"}});
    ASSERT_EQ(merged.status, 200) << merged.body;
    EXPECT_EQ(merged.json()["status"], "merged");
    EXPECT_EQ(merged.json()["space_id"], mill);

    EXPECT_TRUE(is_problem(http.post(second + "/reject", json::object()), 400)) << "a reason is required";
    auto rejected = http.post(second + "/reject", {{"reason", "a bakery opened there in May"}});
    ASSERT_EQ(rejected.status, 200);
    EXPECT_EQ(rejected.json()["decision_reason"], "a bakery opened there in May");
    EXPECT_EQ(list("/api/v1/workspaces/lille/reports?status=pending")["items"].size(), 0u);
    EXPECT_TRUE(is_problem(http.get("/api/v1/workspaces/lille/reports?status=lost"), 400));
}

TEST_F(ReportsApi, RobotsAreKeptOut) {
    json body = report_body();
    body["website"] = "http://spam.example";
    EXPECT_TRUE(is_problem(anonymous.post("/api/v1/workspaces/lille/reports", body), 400));
    body = report_body();
    body["form_token"] = "123.forged";
    auto r = anonymous.post("/api/v1/workspaces/lille/reports", body);
    EXPECT_TRUE(is_problem(r, 400));
    EXPECT_EQ(error_pointers(r), std::set<std::string>{"/form_token"});
    body = report_body();
    body["lat"] = 123;
    EXPECT_TRUE(is_problem(anonymous.post("/api/v1/workspaces/lille/reports", body), 400));
    // Ten an hour from one address, then refused.
    for (int i = 0; i < 10; ++i) report();
    auto refused = anonymous.post("/api/v1/workspaces/lille/reports", report_body());
    EXPECT_TRUE(is_problem(refused, 429));
    const int wait = std::atoi(refused.header("Retry-After").c_str());
    EXPECT_GT(wait, 0) << "Retry-After: '" << refused.header("Retry-After") << "'";
    EXPECT_LE(wait, 3600);
    EXPECT_EQ(list("/api/v1/workspaces/lille/reports")["total"], 10);
}

// The forms' age on a clock the test moves by hand: no sleeping, and no second boundary to
// fall across (the age is counted in milliseconds).
class ReportsApiFormClock : public ApiTest {
protected:
    ReportsApiFormClock() : ReportsApiFormClock(std::make_shared<std::atomic<std::int64_t>>(0)) {}
    explicit ReportsApiFormClock(std::shared_ptr<std::atomic<std::int64_t>> offset_ms)
        : ApiTest([offset_ms] {
              TestServerOptions o;
              o.app.report_form_min_age = std::chrono::seconds(1);
              const auto start = std::chrono::system_clock::now();
              o.app.report_clock = [offset_ms, start] {
                  return start + std::chrono::milliseconds(offset_ms->load());
              };
              return o;
          }()),
          offset(std::move(offset_ms)) {
        create_workspace("lille");
    }

    // The clock at `ms` milliseconds after the test's start.
    void at(std::int64_t ms) { offset->store(ms); }

    std::string form_token() {
        return require_status(anonymous.get("/api/v1/workspaces/lille/reports/form"), 200)
            .json()["form_token"];
    }

    HttpResponse send(const std::string& token) {
        return anonymous.post("/api/v1/workspaces/lille/reports",
                              {{"lon", 3.06}, {"lat", 50.63}, {"kind", "plot"}, {"form_token", token}});
    }

    std::shared_ptr<std::atomic<std::int64_t>> offset;
    HttpClient anonymous = server.anonymous_client();
};

TEST_F(ReportsApiFormClock, AFormSentTooQuicklyIsRefused) {
    at(400); // within a second: whole seconds would count it 0 or 1 second old
    const std::string token = form_token();
    EXPECT_EQ(anonymous.get("/api/v1/workspaces/lille/reports/form").json()["min_seconds"], 1);
    for (const std::int64_t later : {400, 401, 999, 1399}) {
        at(later);
        auto r = send(token);
        EXPECT_TRUE(is_problem(r, 400)) << "sent at " << later << " ms";
        EXPECT_NE(r.body.find("too quickly"), std::string::npos) << r.body;
        EXPECT_EQ(error_pointers(r), std::set<std::string>{"/form_token"});
    }
    at(1400); // one second after the form was issued
    EXPECT_EQ(send(token).status, 201);
}

TEST_F(ReportsApiFormClock, AFormOlderThanTwoHoursHasExpired) {
    const std::string token = form_token();
    const std::int64_t two_hours = 2 * 3600 * 1000;
    at(two_hours);
    EXPECT_EQ(send(token).status, 201) << "two hours old: still accepted";
    at(two_hours + 1);
    auto r = send(token);
    EXPECT_TRUE(is_problem(r, 400));
    EXPECT_NE(r.body.find("expired"), std::string::npos) << r.body;
}

} // namespace
} // namespace impetus::test
