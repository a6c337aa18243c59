#pragma once

// The web application over a SQLite store in a fresh temporary file, driven without sockets:
// requests are built as http::Request values and handed to App::handle.

#include "auth/secrets.hpp"
#include "http/app.hpp"
#include "http/message.hpp"
#include "store/store.hpp"
#include "support/temp_dir.hpp"

#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace impetus::test {

// A request as the server would hand it over: `target` is split into path and query.
inline http::Request make_request(std::string method, std::string target, std::string body = {},
                                  http::Headers headers = {}) {
    http::Request r;
    r.method = std::move(method);
    r.target = std::move(target);
    const auto q = r.target.find('?');
    r.path = r.target.substr(0, q);
    if (q != std::string::npos) r.query = r.target.substr(q + 1);
    r.headers = std::move(headers);
    r.body = std::move(body);
    r.remote_address = "127.0.0.1";
    r.base_url = "http://test";
    return r;
}

inline std::unique_ptr<Store> open_test_store(const std::filesystem::path& file) {
    StoreOptions options;
    options.location = file.string();
    return open_store(options);
}

// One workspace, "lille", with an organisation and a space in it.
// Application options for tests: Argon2id with small parameters, so that signing in is quick
// (the production default costs 64 MiB and about a tenth of a second per hash).
inline http::AppOptions fast_app_options() {
    http::AppOptions o;
    o.auth.password = auth::PasswordParams{1024, 1, 1};
    o.auth.public_url = "http://test"; // mails with links need it
    o.report_form_min_age = std::chrono::seconds(0);
    return o;
}

class AppTest : public ::testing::Test {
protected:
    AppTest()
        : store(open_test_store(dir / "impetus.db")), app(*store, fast_app_options()) {
        Workspace w;
        w.slug = "lille";
        w.name = "Lille";
        w.country = "FR";
        w.languages = {"fr", "en"};
        ws = store->create_workspace(w);

        Organisation o;
        o.name = "City of Lille";
        o.type = OrganisationType::public_authority;
        org = store->create_organisation(ws.id, o);

        SpaceFields f;
        f.name = "Old post office";
        f.kind = SpaceKind::building;
        f.geometry = Point{{3.06, 50.63}};
        f.owner_organisation_id = org.id;
        space = store->create_space(ws.id, f, SpaceStatus::reported, "test");

        // An instance administrator with an API token: requests made through call() carry it
        // unless they bring credentials of their own (call_anonymously() sends none).
        const User admin = store->create_user("admin@impetus.test", "Administrator", "", true);
        store->create_api_token(admin.id, "tests", auth::sha256_hex(k_admin_token),
                                {"read", "write"});
    }

    static constexpr const char* k_admin_token = "imp_test_administrator_token";

    // The request as the administrator sends it, unless it carries credentials already.
    static http::Request as_admin(http::Request r) {
        if (!r.headers.contains("Authorization") && !r.headers.contains("Cookie")) {
            r.headers["Authorization"] = std::string("Bearer ") + k_admin_token;
        }
        return r;
    }

    // The response with its body in `body`, also when it comes from the response cache.
    http::Response call(const http::Request& r) const {
        http::Response response = app.handle(as_admin(r));
        response.unshare_body();
        return response;
    }

    http::Response call_anonymously(const http::Request& r) const {
        http::Response response = app.handle(r);
        response.unshare_body();
        return response;
    }

    http::Response get(const std::string& target, http::Headers headers = {}) const {
        return call(make_request("GET", target, {}, std::move(headers)));
    }

    // A request with a body and its Content-Type.
    http::Response send(const std::string& method, const std::string& target,
                        const std::string& body,
                        const std::string& content_type = "application/json",
                        http::Headers headers = {}) const {
        headers["Content-Type"] = content_type;
        return call(make_request(method, target, body, std::move(headers)));
    }

    static nlohmann::json body_of(const http::Response& r) {
        return nlohmann::json::parse(r.body);
    }

    TempDir dir;
    std::unique_ptr<Store> store;
    http::App app;
    Workspace ws;
    Organisation org;
    Space space;
};

} // namespace impetus::test
