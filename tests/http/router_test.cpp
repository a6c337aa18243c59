// The router: pattern matching with decoded path parameters, 404 and 405 with Allow, HEAD
// answered as GET, OPTIONS, the fallback, and exceptions turned into problem responses.

#include "core/error.hpp"
#include "http/app_fixture.hpp"
#include "http/router.hpp"

#include <nlohmann/json.hpp>

namespace impetus::test {
namespace {

using http::Context;
using http::Response;
using nlohmann::json;

Response text(const std::string& body) { return Response::text(200, body, "text/plain"); }

// Echoes the route's name and its parameters: "name a=1 b=2".
http::Handler echo(const std::string& name) {
    return [name](Context& ctx) {
        std::string out = name;
        for (const auto& [k, v] : ctx.params) out += " " + k + "=" + v;
        return text(out);
    };
}

class RouterTest : public ::testing::Test {
protected:
    RouterTest() {
        router.add("GET", "/things", "listThings", http::Access::anyone, echo("list"));
        router.add("POST", "/things", "createThing", http::Access::anyone, echo("create"));
        router.add("GET", "/things/{id}", "getThing", http::Access::anyone, echo("get"));
        router.add("PATCH", "/things/{id}", "updateThing", http::Access::anyone, echo("update"));
        router.add("GET", "/things/{id}/parts/{part}", "getPart", http::Access::anyone, echo("part"));
        router.add("GET", "/things.csv", "exportThings", http::Access::anyone, echo("csv"));
    }

    Response dispatch(const std::string& method, const std::string& target) const {
        return router.dispatch(make_request(method, target));
    }

    http::Router router;
};

TEST_F(RouterTest, MatchesLiteralAndParameterSegments) {
    EXPECT_EQ(dispatch("GET", "/things").body, "list");
    EXPECT_EQ(dispatch("POST", "/things").body, "create");
    EXPECT_EQ(dispatch("GET", "/things/7").body, "get id=7");
    EXPECT_EQ(dispatch("PATCH", "/things/7").body, "update id=7");
    EXPECT_EQ(dispatch("GET", "/things/7/parts/wheel").body, "part id=7 part=wheel");
    EXPECT_EQ(dispatch("GET", "/things.csv").body, "csv");
}

TEST_F(RouterTest, QueryIsNotPartOfThePath) {
    EXPECT_EQ(dispatch("GET", "/things/7?x=1").body, "get id=7");
}

TEST_F(RouterTest, PathParametersArePercentDecoded) {
    EXPECT_EQ(dispatch("GET", "/things/a%20b").body, "get id=a b");
    // An encoded slash stays inside its segment.
    EXPECT_EQ(dispatch("GET", "/things/a%2Fb/parts/c").body, "part id=a/b part=c");
    // '+' is a plus in a path (it means a space only in query strings).
    EXPECT_EQ(dispatch("GET", "/things/a+b").body, "get id=a+b");
    EXPECT_EQ(dispatch("GET", "/things/%C3%A9t%C3%A9").body, "get id=\xC3\xA9t\xC3\xA9");
}

TEST_F(RouterTest, ContextParamThrowsForAMissingName) {
    router.add("GET", "/bad/{x}", "bad", http::Access::anyone, [](Context& ctx) { return text(ctx.param("y")); });
    auto r = dispatch("GET", "/bad/1");
    EXPECT_EQ(r.status, 500);
}

TEST_F(RouterTest, UnknownPathsAre404Problems) {
    for (const char* target : {"/nothing", "/things/7/parts", "/things/", "/things//parts/x",
                               "/things/7/parts/wheel/more", "/"}) {
        SCOPED_TRACE(target);
        auto r = dispatch("GET", target);
        EXPECT_EQ(r.status, 404);
        EXPECT_EQ(r.headers["Content-Type"], "application/problem+json");
        EXPECT_EQ(json::parse(r.body)["status"], 404);
    }
}

TEST_F(RouterTest, OtherMethodIs405WithAllow) {
    auto r = dispatch("DELETE", "/things");
    EXPECT_EQ(r.status, 405);
    EXPECT_EQ(r.headers["Allow"], "GET, POST, HEAD");
    EXPECT_EQ(r.headers["Content-Type"], "application/problem+json");
    const json p = json::parse(r.body);
    EXPECT_EQ(p["status"], 405);
    EXPECT_EQ(p["title"], "Method Not Allowed");
    EXPECT_EQ(p["instance"], "/things");

    r = dispatch("POST", "/things/7");
    EXPECT_EQ(r.status, 405);
    EXPECT_EQ(r.headers["Allow"], "GET, PATCH, HEAD");

    r = dispatch("POST", "/things.csv");
    EXPECT_EQ(r.headers["Allow"], "GET, HEAD");
}

TEST_F(RouterTest, PostOnlyPathHasNoHeadInAllow) {
    router.add("POST", "/jobs", "createJob", http::Access::anyone, echo("job"));
    auto r = dispatch("GET", "/jobs");
    EXPECT_EQ(r.status, 405);
    EXPECT_EQ(r.headers["Allow"], "POST");
}

TEST_F(RouterTest, HeadIsAnsweredAsGet) {
    auto r = dispatch("HEAD", "/things/7");
    EXPECT_EQ(r.status, 200);
    // The transport drops the body of a HEAD response; the router hands over what GET makes.
    EXPECT_EQ(r.body, "get id=7");
    EXPECT_EQ(dispatch("HEAD", "/things").body, "list");
}

TEST_F(RouterTest, OptionsAnswersAllow) {
    auto r = dispatch("OPTIONS", "/things");
    EXPECT_EQ(r.status, 204);
    EXPECT_EQ(r.headers["Allow"], "GET, POST, HEAD, OPTIONS");
    EXPECT_TRUE(r.body.empty());

    r = dispatch("OPTIONS", "/things/1/parts/2");
    EXPECT_EQ(r.headers["Allow"], "GET, HEAD, OPTIONS");

    EXPECT_EQ(dispatch("OPTIONS", "/nothing").status, 404);
}

TEST_F(RouterTest, FallbackTakesUnmatchedPaths) {
    router.set_fallback([](Context& ctx) { return text("static " + ctx.request.path); });
    EXPECT_EQ(dispatch("GET", "/index.html").body, "static /index.html");
    // A path that exists under other methods is still a 405, not the fallback.
    EXPECT_EQ(dispatch("PUT", "/things").status, 405);
}

TEST_F(RouterTest, FallbackErrorsBecomeProblems) {
    router.set_fallback([](Context&) -> Response {
        throw Error(ErrorKind::not_found, "no file here");
    });
    auto r = dispatch("GET", "/missing.png");
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(json::parse(r.body)["detail"], "no file here");
}

TEST_F(RouterTest, ErrorsBecomeProblemsWithTheirStatus) {
    router.add("GET", "/fail/conflict", "c", http::Access::anyone, [](Context&) -> Response {
        throw Error(ErrorKind::conflict, "already there", "use another name",
                    {{"/name", "is taken"}});
    });
    router.add("GET", "/fail/internal", "i", http::Access::anyone, [](Context&) -> Response {
        throw Error(ErrorKind::internal, "secret detail of the bug");
    });
    router.add("GET", "/fail/std", "s", http::Access::anyone, [](Context&) -> Response {
        throw std::runtime_error("secret library message");
    });

    auto r = dispatch("GET", "/fail/conflict");
    EXPECT_EQ(r.status, 409);
    json p = json::parse(r.body);
    EXPECT_EQ(p["detail"], "already there");
    EXPECT_EQ(p["hint"], "use another name");
    EXPECT_EQ(p["instance"], "/fail/conflict");
    EXPECT_EQ(p["errors"][0]["pointer"], "/name");

    for (const char* target : {"/fail/internal", "/fail/std"}) {
        SCOPED_TRACE(target);
        r = dispatch("GET", target);
        EXPECT_EQ(r.status, 500);
        EXPECT_EQ(r.body.find("secret"), std::string::npos) << r.body;
        EXPECT_EQ(json::parse(r.body)["detail"], "the server could not complete the request");
    }
}

TEST_F(RouterTest, RoutesKeepTheirOperationIds) {
    const auto& routes = router.routes();
    ASSERT_EQ(routes.size(), 6u);
    EXPECT_EQ(routes[2].method, "GET");
    EXPECT_EQ(routes[2].pattern, "/things/{id}");
    EXPECT_EQ(routes[2].operation_id, "getThing");
}

} // namespace
} // namespace impetus::test
