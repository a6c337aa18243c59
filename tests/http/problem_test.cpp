// RFC 9457 problem details: the JSON shape, the status of each error kind, and what a client
// is (not) told about internal failures.

#include "http/problem.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace impetus::test {
namespace {

using nlohmann::json;

TEST(Problem, HasTheRfc9457Members) {
    auto r = http::problem(404, "", "space 9 not found", "/api/v1/workspaces/lille/spaces/9");
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.headers["Content-Type"], "application/problem+json");
    const json j = json::parse(r.body);
    EXPECT_EQ(j["type"], "about:blank");
    EXPECT_EQ(j["title"], "Not Found");
    EXPECT_EQ(j["status"], 404);
    EXPECT_EQ(j["detail"], "space 9 not found");
    EXPECT_EQ(j["instance"], "/api/v1/workspaces/lille/spaces/9");
    // Members without a value are left out rather than sent empty.
    EXPECT_FALSE(j.contains("hint"));
    EXPECT_FALSE(j.contains("errors"));
}

TEST(Problem, LeavesOutAnEmptyInstance) {
    const json j = json::parse(http::problem(400, "", "bad").body);
    EXPECT_FALSE(j.contains("instance"));
    EXPECT_EQ(j.size(), 4u); // type, title, status, detail
}

TEST(Problem, TitleDefaultsToTheStatusPhraseUnlessGiven) {
    const std::pair<int, const char*> phrases[] = {
        {400, "Bad Request"},          {403, "Forbidden"},
        {404, "Not Found"},            {405, "Method Not Allowed"},
        {406, "Not Acceptable"},       {409, "Conflict"},
        {412, "Precondition Failed"},  {413, "Content Too Large"},
        {415, "Unsupported Media Type"}, {422, "Unprocessable Content"},
        {500, "Internal Server Error"}, {503, "Service Unavailable"}};
    for (const auto& [status, title] : phrases) {
        SCOPED_TRACE(status);
        EXPECT_EQ(json::parse(http::problem(status, "", "x").body)["title"], title);
    }
    EXPECT_EQ(json::parse(http::problem(400, "Invalid space", "x").body)["title"],
              "Invalid space");
}

TEST(Problem, EachErrorSaysWhichKindOfPlaceItNames) {
    auto r = http::problem(400, "", "invalid", "/x", "correct the fields",
                           {{"/name", "is required"},
                            {"/utilities/water", "must be true, false or null"},
                            {"", "must be a JSON object"},
                            FieldError::parameter("bbox", "must be four numbers"),
                            FieldError::parameter("bbox-crs", "only CRS84"),
                            FieldError::header("If-Match", "names no version"),
                            FieldError::at_line(12, "BADXY: GeoY is not a number"),
                            FieldError::at_line(1, "is missing", "GeoX")});
    const json j = json::parse(r.body);
    EXPECT_EQ(j["hint"], "correct the fields");
    const json expected = json::parse(R"([
        {"pointer": "/name", "detail": "is required"},
        {"pointer": "/utilities/water", "detail": "must be true, false or null"},
        {"pointer": "", "detail": "must be a JSON object"},
        {"parameter": "bbox", "detail": "must be four numbers"},
        {"parameter": "bbox-crs", "detail": "only CRS84"},
        {"header": "If-Match", "detail": "names no version"},
        {"line": 12, "detail": "BADXY: GeoY is not a number"},
        {"line": 1, "column": "GeoX", "detail": "is missing"}])");
    EXPECT_EQ(j["errors"], expected);
}

TEST(Problem, StatusForEveryErrorKind) {
    EXPECT_EQ(http::status_for(ErrorKind::invalid_input), 400);
    EXPECT_EQ(http::status_for(ErrorKind::forbidden), 403);
    EXPECT_EQ(http::status_for(ErrorKind::not_found), 404);
    EXPECT_EQ(http::status_for(ErrorKind::conflict), 409);
    EXPECT_EQ(http::status_for(ErrorKind::precondition), 412);
    EXPECT_EQ(http::status_for(ErrorKind::too_large), 413);
    EXPECT_EQ(http::status_for(ErrorKind::unsupported_media), 415);
    EXPECT_EQ(http::status_for(ErrorKind::io), 500);
    EXPECT_EQ(http::status_for(ErrorKind::internal), 500);
    EXPECT_EQ(http::status_for(ErrorKind::storage), 503);
    EXPECT_EQ(http::status_for(ErrorKind::rate_limited), 429);
    EXPECT_EQ(http::status_for(ErrorKind::unavailable), 503);
}

TEST(Problem, FromAnErrorKeepsMessageHintAndFields) {
    const Error e(ErrorKind::invalid_input, "invalid space: 2 invalid fields",
                  "correct the fields listed and try again",
                  {{"/kind", "'castle' is not one of building, unit, shop, plot or open_space"},
                   FieldError::parameter("limit", "must be a positive integer")});
    auto r = http::problem(e, "/api/v1/workspaces/lille/spaces");
    EXPECT_EQ(r.status, 400);
    const json j = json::parse(r.body);
    EXPECT_EQ(j["detail"], "invalid space: 2 invalid fields");
    EXPECT_EQ(j["hint"], "correct the fields listed and try again");
    EXPECT_EQ(j["instance"], "/api/v1/workspaces/lille/spaces");
    ASSERT_EQ(j["errors"].size(), 2u);
    EXPECT_EQ(j["errors"][0]["pointer"], "/kind");
    EXPECT_EQ(j["errors"][1]["parameter"], "limit");
}

TEST(Problem, InternalFailuresHideTheirDetails) {
    for (auto kind : {ErrorKind::internal, ErrorKind::io}) {
        const Error e(kind, "open /var/lib/secret: permission denied", "look at the disk",
                      {{"/x", "y"}});
        auto r = http::problem(e, "/p");
        EXPECT_EQ(r.status, 500);
        const json j = json::parse(r.body);
        EXPECT_EQ(j["detail"], "the server could not complete the request");
        EXPECT_FALSE(j.contains("hint"));
        EXPECT_FALSE(j.contains("errors"));
        EXPECT_EQ(r.body.find("secret"), std::string::npos);
    }
}

TEST(Problem, StorageFailuresSayWhatHappened) {
    // 503: the database is busy or unavailable; the message helps the client decide to retry.
    const Error e(ErrorKind::storage, "the database is locked", "retry in a moment");
    auto r = http::problem(e, "/p");
    EXPECT_EQ(r.status, 503);
    const json j = json::parse(r.body);
    EXPECT_EQ(j["detail"], "the database is locked");
    EXPECT_EQ(j["hint"], "retry in a moment");
}

TEST(Problem, RefusalsForNowSayWhatAndWhenToTryAgain) {
    auto r = http::problem(Error(ErrorKind::unavailable, "the server is busy checking passwords",
                                 "try again in a moment")
                               .with_retry_after(std::chrono::seconds(3)),
                           "/p");
    EXPECT_EQ(r.status, 503);
    EXPECT_EQ(json::parse(r.body)["detail"], "the server is busy checking passwords");
    EXPECT_EQ(r.headers["Retry-After"], "3");
    r = http::problem(Error(ErrorKind::rate_limited, "too many sign-ups")
                          .with_retry_after(std::chrono::seconds(1200)),
                      "/p");
    EXPECT_EQ(r.status, 429);
    EXPECT_EQ(r.headers["Retry-After"], "1200");
    r = http::problem(Error(ErrorKind::rate_limited, "locked"), "/p");
    EXPECT_FALSE(r.headers.contains("Retry-After")) << "only when known";
}

TEST(Problem, InvalidUtf8IsReplacedNotThrown) {
    auto r = http::problem(400, "", std::string("bad byte \xff here"));
    const json j = json::parse(r.body);
    EXPECT_EQ(j["detail"], "bad byte \xEF\xBF\xBD here");
}

} // namespace
} // namespace impetus::test
