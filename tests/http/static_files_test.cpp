// The built interface served as static files (http/static_files.cpp): no path leaves the web
// root however it is spelled, API and OGC paths never fall back to index.html, entity tags
// answer 304, and each file has its content type.

#include "http/app_fixture.hpp"

#include <fstream>

namespace impetus::test {
namespace {

class StaticFiles : public ::testing::Test {
protected:
    StaticFiles() {
        write(root / "index.html", "<!doctype html><title>Impetus</title>");
        write(root / "assets" / "app-1234.js", "console.log(1)");
        write(root / "assets" / "app-1234.css", "body{}");
        write(root / "logo.svg", "<svg/>");
        write(root / "manifest.json", "{}");
        write(root / "font.woff2", "wOF2");
        write(root / "data.bin", "\x01\x02");
        write(dir.path() / "secret.txt", "outside the web root");
        http::AppOptions o = fast_app_options();
        o.web_root = root;
        app = std::make_unique<http::App>(*store, o);
    }

    static void write(const std::filesystem::path& p, const std::string& text) {
        std::filesystem::create_directories(p.parent_path());
        std::ofstream(p, std::ios::binary) << text;
    }

    http::Response get(const std::string& target, http::Headers headers = {}) {
        http::Response r = app->handle(make_request("GET", target, {}, std::move(headers)));
        r.unshare_body();
        return r;
    }

    TempDir dir;
    std::filesystem::path root = dir.path() / "web";
    std::unique_ptr<Store> store = open_test_store(dir.path() / "impetus.db");
    std::unique_ptr<http::App> app;
};

TEST_F(StaticFiles, NoPathLeavesTheWebRoot) {
    for (const std::string target :
         {"/../secret.txt", "/assets/../../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt",
          "/.%2e/secret.txt", "/assets/%2e%2e/%2e%2e/secret.txt", "/..%2fsecret.txt",
          "/..%5csecret.txt", "/..\\secret.txt", "/assets\\..\\..\\secret.txt",
          "/index.html%00.js", "/%00", "/assets/app-1234.js%00"}) {
        SCOPED_TRACE(target);
        const auto r = get(target);
        EXPECT_EQ(r.body.find("outside the web root"), std::string::npos);
        EXPECT_EQ(r.status, 404) << r.body;
    }
}

TEST_F(StaticFiles, ApiAndOgcPathsNeverFallBackToTheInterface) {
    for (const std::string target : {"/api/v1/nothing", "/api/nothing.html", "/api/",
                                     "/ogc/nothing", "/ogc/collections/none/nothing",
                                     // the same paths spelt with percent-encoding
                                     "/%61pi/v1/nothing", "/o%67c/nothing", "/api"}) {
        SCOPED_TRACE(target);
        const auto r = get(target);
        EXPECT_EQ(r.status, 404);
        EXPECT_EQ(r.headers.at("Content-Type"), "application/problem+json");
        EXPECT_EQ(r.body.find("<!doctype html>"), std::string::npos);
    }
    // Page paths do fall back, for the client-side router; missing files do not.
    EXPECT_EQ(get("/w/lille/spaces/3").body.find("<!doctype html>"), 0u);
    EXPECT_EQ(get("/assets/missing-99.js").status, 404);
}

TEST_F(StaticFiles, EntityTagsAnswerNotModified) {
    const auto first = get("/assets/app-1234.js");
    ASSERT_EQ(first.status, 200);
    const std::string etag = first.headers.at("ETag");
    ASSERT_FALSE(etag.empty());
    EXPECT_EQ(first.headers.at("Cache-Control"), "public, max-age=31536000, immutable");
    const auto again = get("/assets/app-1234.js", {{"If-None-Match", etag}});
    EXPECT_EQ(again.status, 304);
    EXPECT_TRUE(again.body.empty());
    EXPECT_EQ(again.headers.at("ETag"), etag);
    EXPECT_EQ(get("/assets/app-1234.js", {{"If-None-Match", "\"other\""}}).status, 200);
    EXPECT_EQ(get("/").headers.at("Cache-Control"), "no-cache");
}

TEST_F(StaticFiles, EachFileHasItsContentType) {
    const std::map<std::string, std::string> expected{
        {"/", "text/html; charset=utf-8"},
        {"/index.html", "text/html; charset=utf-8"},
        {"/some/page", "text/html; charset=utf-8"},
        {"/assets/app-1234.js", "text/javascript; charset=utf-8"},
        {"/assets/app-1234.css", "text/css; charset=utf-8"},
        {"/logo.svg", "image/svg+xml"},
        {"/manifest.json", "application/json"},
        {"/font.woff2", "font/woff2"},
        {"/data.bin", "application/octet-stream"}};
    for (const auto& [target, type] : expected) {
        const auto r = get(target);
        EXPECT_EQ(r.status, 200) << target;
        EXPECT_EQ(r.headers.at("Content-Type"), type) << target;
        EXPECT_EQ(r.headers.at("X-Content-Type-Options"), "nosniff") << target;
    }
}

} // namespace
} // namespace impetus::test
