// The OpenAPI document (src/http/openapi.json) against the application it describes: every route
// has its operation and every operation its route; the query parameters each handler accepts
// are the ones declared; and real responses conform to the documented schemas.

#include "auth/passwords.hpp"
#include "core/dates.hpp"
#include "auth/secrets.hpp"
#include "http/app_fixture.hpp"
#include "http/routes.hpp"
#include "support/json_schema.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <fstream>
#include <iterator>
#include <thread>
#include <functional>
#include <map>
#include <regex>
#include <set>

namespace impetus::test {
namespace {

using nlohmann::json;

const json& doc() { return http::openapi_document(); }

const std::vector<std::string> k_methods{"get", "put", "post", "delete", "options", "head",
                                         "patch", "trace"};

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::vector<std::string> split_path(const std::string& path) {
    std::vector<std::string> out;
    std::size_t start = 1;
    while (start <= path.size()) {
        auto slash = path.find('/', start);
        if (slash == std::string::npos) slash = path.size();
        out.push_back(path.substr(start, slash - start));
        start = slash + 1;
    }
    return out;
}

std::set<std::string> template_names(const std::string& path) {
    std::set<std::string> out;
    for (const auto& seg : split_path(path)) {
        if (seg.size() > 2 && seg.front() == '{' && seg.back() == '}') {
            out.insert(seg.substr(1, seg.size() - 2));
        }
    }
    return out;
}

struct Operation {
    std::string path;
    std::string method; // lower case
    const json* op;
};

std::map<std::string, Operation> operations_by_id() {
    std::map<std::string, Operation> out;
    for (const auto& [path, item] : doc()["paths"].items()) {
        for (const auto& m : k_methods) {
            if (item.contains(m)) {
                out[item[m].value("operationId", "")] = {path, m, &item[m]};
            }
        }
    }
    return out;
}

const Operation& operation(const std::string& id) {
    static const auto ops = operations_by_id();
    auto it = ops.find(id);
    if (it == ops.end()) throw std::runtime_error("no operation " + id);
    return it->second;
}

// The operation's parameters (path-level ones first), references resolved.
std::vector<json> parameters_of(const Operation& o) {
    SchemaChecker c(doc());
    std::vector<json> out;
    const json& item = doc()["paths"][o.path];
    for (const auto* list : {&item, o.op}) {
        if (auto p = list->find("parameters"); p != list->end()) {
            for (const auto& param : *p) out.push_back(c.resolve(param));
        }
    }
    return out;
}

std::vector<json> query_parameters_of(const std::string& id) {
    std::vector<json> out;
    for (auto& p : parameters_of(operation(id))) {
        if (p["in"] == "query") out.push_back(std::move(p));
    }
    return out;
}

// Every query parameter name the document declares anywhere, with a declaration of it.
std::map<std::string, json> all_query_parameters() {
    std::map<std::string, json> out;
    for (const auto& [id, o] : operations_by_id()) {
        for (auto& p : query_parameters_of(id)) out.emplace(p["name"].get<std::string>(), p);
    }
    return out;
}

// A parameter's example as it goes into a query string: arrays comma-separated (form style,
// explode false), values percent-encoded.
std::string query_value(const json& param) {
    if (!param.contains("example")) {
        throw std::runtime_error("query parameter " + param["name"].get<std::string>() +
                                 " has no example");
    }
    auto text = [](const json& v) {
        return http::url_encode(v.is_string() ? v.get<std::string>() : v.dump());
    };
    const json& ex = param["example"];
    if (!ex.is_array()) return text(ex);
    std::string out;
    for (const auto& v : ex) out += (out.empty() ? "" : ",") + text(v);
    return out;
}

void walk(const json& node, const std::string& at,
          const std::function<void(const json&, const std::string&)>& fn) {
    fn(node, at);
    if (node.is_object()) {
        for (const auto& [k, v] : node.items()) walk(v, at + "/" + k, fn);
    } else if (node.is_array()) {
        for (std::size_t i = 0; i < node.size(); ++i) {
            walk(node[i], at + "/" + std::to_string(i), fn);
        }
    }
}

// Does a problem response name `param` in its errors, and (when `detail` is not empty) with a
// detail containing it?
bool names_parameter(const http::Response& r, const std::string& param,
                     const std::string& detail = {}) {
    if (r.status != 400) return false;
    const json j = json::parse(r.body);
    for (const auto& e : j.value("errors", json::array())) {
        if (e.value("parameter", "") == param &&
            (detail.empty() || e.value("detail", "").find(detail) != std::string::npos)) {
            return true;
        }
    }
    return false;
}

const char* const k_unknown = "is not a known parameter";

// ---------------------------------------------------------------------------------------------
// Routes and operations

class OpenApiTest : public AppTest {
protected:
    // The operation's path with its parameters filled in for the fixture's records.
    std::string concrete_path(const std::string& path) const {
        std::string out;
        for (const auto& seg : split_path(path)) {
            out += '/';
            if (seg == "{workspace}") {
                out += ws.slug;
            } else if (seg == "{collectionId}") {
                out += "spaces";
            } else if (seg == "{id}" && path.find("/organisations/") != std::string::npos) {
                out += std::to_string(org.id);
            } else if (seg == "{id}" || seg == "{featureId}") {
                out += std::to_string(space.id);
            } else {
                out += seg;
            }
        }
        return out;
    }

    // Calls operation `id` with `query`; an import sends a small GeoJSON file.
    http::Response call_operation(const std::string& id, const std::string& query) const {
        const Operation& o = operation(id);
        std::string target = concrete_path(o.path) + (query.empty() ? "" : "?" + query);
        if (o.method == "post") {
            return send("POST", target, k_import_file, "application/geo+json");
        }
        return get(target);
    }

    static constexpr const char* k_import_file = R"({"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": "S-1",
         "geometry": {"type": "Point", "coordinates": [3.07, 50.64]},
         "properties": {"name": "Former school", "kind": "building"}}]})";
};

TEST_F(OpenApiTest, EveryRouteHasItsOperation) {
    for (const auto& r : app.router().routes()) {
        SCOPED_TRACE(r.method + " " + r.pattern);
        ASSERT_TRUE(doc()["paths"].contains(r.pattern)) << "path missing from the document";
        const json& item = doc()["paths"][r.pattern];
        ASSERT_TRUE(item.contains(lower(r.method))) << "method missing from the document";
        EXPECT_EQ(item[lower(r.method)].value("operationId", ""), r.operation_id);
    }
}

TEST_F(OpenApiTest, EveryOperationHasItsRoute) {
    const auto& routes = app.router().routes();
    std::size_t operations = 0;
    for (const auto& [path, item] : doc()["paths"].items()) {
        for (const auto& m : k_methods) {
            if (!item.contains(m)) continue;
            ++operations;
            const std::string id = item[m].value("operationId", "");
            auto it = std::find_if(routes.begin(), routes.end(), [&](const http::Route& r) {
                return r.pattern == path && lower(r.method) == m;
            });
            ASSERT_NE(it, routes.end()) << m << " " << path << " (" << id << ") has no route";
            EXPECT_EQ(it->operation_id, id);
        }
    }
    EXPECT_EQ(operations, routes.size());
}

TEST_F(OpenApiTest, PathParametersAreDeclared) {
    for (const auto& [id, o] : operations_by_id()) {
        SCOPED_TRACE(id);
        std::set<std::string> declared;
        for (const auto& p : parameters_of(o)) {
            if (p["in"] != "path") continue;
            EXPECT_TRUE(p.value("required", false)) << p["name"] << " must be required";
            declared.insert(p["name"].get<std::string>());
        }
        EXPECT_EQ(declared, template_names(o.path));
    }
}

// ---------------------------------------------------------------------------------------------
// The document's structure (OpenAPI 3.0.3)

TEST_F(OpenApiTest, IsStructurallyValidOpenApi30) {
    const json& d = doc();
    ASSERT_TRUE(d.is_object());
    ASSERT_TRUE(d.contains("openapi"));
    EXPECT_EQ(d["openapi"].get<std::string>().rfind("3.0.", 0), 0u);
    ASSERT_TRUE(d.contains("info") && d["info"].is_object());
    EXPECT_EQ(d["info"].value("title", ""), "Impetus API");
    EXPECT_TRUE(d["info"].contains("version") && d["info"]["version"].is_string());
    EXPECT_FALSE(d["info"].value("description", "").empty());
    ASSERT_TRUE(d.contains("paths") && d["paths"].is_object());
    for (const auto& [k, v] : d.items()) {
        const std::set<std::string> allowed{"openapi", "info",     "servers",     "paths",
                                            "components", "security", "tags", "externalDocs"};
        EXPECT_TRUE(allowed.contains(k) || k.rfind("x-", 0) == 0) << "unknown member " << k;
    }

    std::set<std::string> tags;
    for (const auto& t : d.value("tags", json::array())) tags.insert(t["name"].get<std::string>());
    const std::set<std::string> expected_tags{"Workspaces", "Organisations", "Spaces",
                                              "Imports and exports", "Discovery",
                                              "OGC API Features", "Service", "Accounts",
                                              "Administration", "Reports", "Calls"};
    EXPECT_EQ(tags, expected_tags);

    std::set<std::string> ids;
    for (const auto& [path, item] : d["paths"].items()) {
        EXPECT_EQ(path.rfind('/', 0), 0u) << path;
        for (const auto& [m, op] : item.items()) {
            SCOPED_TRACE(m + " " + path);
            if (m == "parameters" || m == "summary" || m == "description" || m == "servers") {
                continue;
            }
            ASSERT_NE(std::find(k_methods.begin(), k_methods.end(), m), k_methods.end());
            const std::string id = op.value("operationId", "");
            EXPECT_FALSE(id.empty());
            EXPECT_TRUE(ids.insert(id).second) << "duplicate operationId " << id;
            ASSERT_TRUE(op.contains("responses") && op["responses"].is_object());
            EXPECT_FALSE(op["responses"].empty());
            for (const auto& [code, resp] : op["responses"].items()) {
                EXPECT_TRUE(code == "default" ||
                            (code.size() == 3 && code[0] >= '1' && code[0] <= '5'))
                    << code;
                const json& r = SchemaChecker(d).resolve(resp);
                EXPECT_TRUE(r.contains("description")) << code;
            }
            for (const auto& t : op.value("tags", json::array())) {
                EXPECT_TRUE(tags.contains(t.get<std::string>())) << t;
            }
            EXPECT_EQ(op.value("tags", json::array()).size(), 1u);
            std::set<std::pair<std::string, std::string>> seen;
            for (const auto& p : parameters_of({path, m, &op})) {
                ASSERT_TRUE(p.contains("name") && p.contains("in")) << p;
                EXPECT_TRUE(p.contains("schema")) << p["name"];
                const std::string in = p["in"];
                EXPECT_TRUE(in == "path" || in == "query" || in == "header" || in == "cookie");
                EXPECT_TRUE(seen.emplace(in, p["name"]).second) << "duplicate " << p["name"];
            }
            if (op.contains("requestBody")) {
                const json& body = SchemaChecker(d).resolve(op["requestBody"]);
                ASSERT_TRUE(body.contains("content") && !body["content"].empty());
            }
        }
    }
}

TEST_F(OpenApiTest, EveryReferenceResolves) {
    SchemaChecker c(doc());
    std::size_t refs = 0;
    walk(doc(), "", [&](const json& node, const std::string& at) {
        if (!node.is_object() || !node.contains("$ref")) return;
        ++refs;
        const std::string ref = node["$ref"];
        EXPECT_EQ(ref.rfind("#/components/", 0), 0u) << at << ": " << ref;
        EXPECT_NO_THROW(c.resolve_ref(ref)) << at << ": " << ref;
        EXPECT_EQ(node.size(), 1u) << at << ": members beside $ref are ignored in OpenAPI 3.0";
    });
    EXPECT_GT(refs, 50u);
}

TEST_F(OpenApiTest, EveryComponentIsUsed) {
    std::set<std::string> used;
    walk(doc(), "", [&](const json& node, const std::string&) {
        if (node.is_object() && node.contains("$ref")) used.insert(node["$ref"].get<std::string>());
    });
    // Security schemes are named by the operations' security requirements, not referred to.
    for (const auto& [id, o] : operations_by_id()) {
        for (const auto& requirement : o.op->value("security", json::array())) {
            for (const auto& [scheme, scopes] : requirement.items()) {
                used.insert("#/components/securitySchemes/" + scheme);
            }
        }
    }
    for (const auto& [kind, members] : doc()["components"].items()) {
        for (const auto& [name, v] : members.items()) {
            EXPECT_TRUE(used.contains("#/components/" + kind + "/" + name))
                << kind << "/" << name << " is never referred to";
        }
    }
}

// The schema checker must understand every keyword the document's schemas use; otherwise the
// response tests below would pass on what they silently skip.
TEST_F(OpenApiTest, SchemasUseOnlyKeywordsTheCheckerKnows) {
    const auto& known = SchemaChecker::known_keywords();
    std::function<void(const json&, const std::string&)> schema = [&](const json& s,
                                                                        const std::string& at) {
        ASSERT_TRUE(s.is_object()) << at;
        for (const auto& [k, v] : s.items()) {
            EXPECT_TRUE(known.contains(k)) << at << ": " << k;
            if (k == "properties") {
                for (const auto& [name, sub] : v.items()) schema(sub, at + "/properties/" + name);
            } else if (k == "items" || (k == "additionalProperties" && v.is_object())) {
                schema(v, at + "/" + k);
            } else if (k == "allOf" || k == "anyOf" || k == "oneOf") {
                for (std::size_t i = 0; i < v.size(); ++i) {
                    schema(v[i], at + "/" + k + "/" + std::to_string(i));
                }
            } else if (k == "nullable" && v.get<bool>()) {
                EXPECT_TRUE(s.contains("type")) << at << ": nullable needs a type beside it";
                if (s.contains("enum")) {
                    EXPECT_NE(std::find(s["enum"].begin(), s["enum"].end(), json(nullptr)),
                              s["enum"].end())
                        << at << ": a nullable enum lists null";
                }
            }
        }
    };
    for (const auto& [name, s] : doc()["components"]["schemas"].items()) {
        schema(s, "#/components/schemas/" + name);
    }
    walk(doc()["paths"], "#/paths", [&](const json& node, const std::string& at) {
        if (node.is_object() && node.contains("schema") && node["schema"].is_object()) {
            schema(node["schema"], at + "/schema");
        }
    });
    for (const auto& [name, p] : doc()["components"]["parameters"].items()) {
        schema(p["schema"], "#/components/parameters/" + name + "/schema");
    }
}

// The enums of the document are the model's names (core/model.hpp EnumNames tables).
TEST_F(OpenApiTest, EnumsSpellTheModelsNames) {
    const json& s = doc()["components"]["schemas"];
    auto names = [](const json& schema) {
        std::vector<std::string> out;
        for (const auto& v : schema["enum"]) {
            if (!v.is_null()) out.push_back(v);
        }
        return out;
    };
    EXPECT_EQ(names(s["SpaceKind"]), enum_name_list<SpaceKind>());
    EXPECT_EQ(names(s["SpaceStatus"]), enum_name_list<SpaceStatus>());
    EXPECT_EQ(names(s["OwnerType"]), enum_name_list<OwnerType>());
    EXPECT_EQ(names(s["Condition"]), enum_name_list<Condition>());
    EXPECT_EQ(names(s["Vacancy"]), enum_name_list<VacancyDegree>());
    EXPECT_EQ(names(s["BuildingType"]), enum_name_list<BuildingType>());
    EXPECT_EQ(names(s["OrganisationType"]), enum_name_list<OrganisationType>());
}

// ---------------------------------------------------------------------------------------------
// Who may call what: each operation's security and role against its route's Access.

std::string access_name(http::Access a) {
    switch (a) {
    case http::Access::anyone: return "anyone";
    case http::Access::signed_in: return "signed_in";
    case http::Access::staff: return "staff";
    case http::Access::workspace_admin: return "workspace_admin";
    case http::Access::instance_admin: return "instance_admin";
    }
    return "?";
}

// The sentence of the operation's description that names who may call it.
std::string access_sentence(http::Access a, bool has_workspace) {
    switch (a) {
    case http::Access::anyone: return "Access: anyone, signed in or not";
    case http::Access::signed_in: return "Access: any signed-in account.";
    case http::Access::staff:
        return has_workspace
                   ? "Access: the workspace's officers and administrators, and instance "
                     "administrators."
                   : "Access: officers and administrators of any workspace, and instance "
                     "administrators.";
    case http::Access::workspace_admin:
        return "Access: the workspace's administrators, and instance administrators.";
    case http::Access::instance_admin: return "Access: instance administrators.";
    }
    return "?";
}

// A security requirement as the set of scheme names it needs together.
using Requirement = std::set<std::string>;

std::set<Requirement> requirements_of(const json& op) {
    std::set<Requirement> out;
    for (const auto& r : op.value("security", json::array())) {
        Requirement names;
        for (const auto& [scheme, scopes] : r.items()) {
            names.insert(scheme);
            EXPECT_TRUE(scopes.is_array() && scopes.empty()) << scheme << ": no scopes here";
        }
        out.insert(names);
    }
    return out;
}

bool allows_anonymous(const json& op) { return requirements_of(op).contains(Requirement{}); }

TEST_F(OpenApiTest, SecuritySchemesAreTheServersCredentials) {
    const json& schemes = doc()["components"]["securitySchemes"];
    ASSERT_EQ(schemes.size(), 3u) << schemes;
    EXPECT_EQ(schemes["session"]["type"], "apiKey");
    EXPECT_EQ(schemes["session"]["in"], "cookie");
    EXPECT_EQ(schemes["csrf"]["type"], "apiKey");
    EXPECT_EQ(schemes["csrf"]["in"], "header");
    EXPECT_EQ(schemes["bearer"]["type"], "http");
    EXPECT_EQ(lower(schemes["bearer"]["scheme"].get<std::string>()), "bearer");
    for (const auto& [name, s] : schemes.items()) {
        EXPECT_FALSE(s.value("description", "").empty()) << name;
    }

    // Sign in; the session travels in the cookie the document names, and writes need the
    // header it names beside it.
    const std::string cookie_name = schemes["session"]["name"];
    const std::string csrf_header = schemes["csrf"]["name"];
    const User u = store->create_user("ana@example.org", "Ana",
                                      auth::hash_password("a long passphrase", {1024, 1, 1}),
                                      false);
    store->set_email_verified(u.id);
    auto in = call_anonymously(make_request(
        "POST", "/api/v1/auth/login",
        R"({"email": "ana@example.org", "password": "a long passphrase"})",
        {{"Content-Type", "application/json"}}));
    ASSERT_EQ(in.status, 200) << in.body;
    const std::string set_cookie = in.headers["Set-Cookie"];
    ASSERT_EQ(set_cookie.rfind(cookie_name + "=", 0), 0u) << set_cookie;
    const http::Headers session{{"Cookie", set_cookie.substr(0, set_cookie.find(';'))}};
    const std::string csrf = body_of(in)["csrf_token"];
    EXPECT_EQ(call_anonymously(make_request("GET", "/api/v1/me", {}, session)).status, 200);

    const std::string token_body = R"({"name": "QGIS", "scopes": ["read"]})";
    http::Headers without = session;
    without["Content-Type"] = "application/json";
    EXPECT_EQ(call_anonymously(make_request("POST", "/api/v1/me/tokens", token_body, without))
                  .status,
              403);
    http::Headers with = without;
    with[csrf_header] = csrf;
    auto created =
        call_anonymously(make_request("POST", "/api/v1/me/tokens", token_body, with));
    ASSERT_EQ(created.status, 201) << created.body;

    // The token as a bearer credential.
    const std::string secret = body_of(created)["secret"];
    EXPECT_EQ(call_anonymously(make_request("GET", "/api/v1/me", {},
                                            {{"Authorization", "Bearer " + secret}}))
                  .status,
              200);
}

// Every route's Access is the one its operation declares: as x-impetus-access, in a sentence
// of its description, and as its security requirements (none for public routes, optionally a
// session or a token where a signed-in caller may see more; otherwise a session, with the CSRF
// token for writes, or a bearer token). The guard's refusals are documented: 401 wherever
// credentials are needed, 403 where a role or a write may be refused.
TEST_F(OpenApiTest, EveryOperationDeclaresItsRoutesAccess) {
    const json& schemes = doc()["components"]["securitySchemes"];
    const Requirement session{"session"}, session_csrf{"session", "csrf"}, bearer{"bearer"};
    for (const auto& r : app.router().routes()) {
        SCOPED_TRACE(r.operation_id + ": " + r.method + " " + r.pattern);
        const json& op = doc()["paths"][r.pattern][lower(r.method)];
        ASSERT_TRUE(op.contains("security")) << "no security";
        ASSERT_TRUE(op["security"].is_array() && !op["security"].empty()) << op["security"];
        EXPECT_EQ(op.value("x-impetus-access", ""), access_name(r.access));
        const bool has_workspace = r.pattern.find("{workspace}") != std::string::npos;
        EXPECT_NE(op.value("description", "").find(access_sentence(r.access, has_workspace)),
                  std::string::npos)
            << "the description does not say \"" << access_sentence(r.access, has_workspace)
            << "\"";

        const auto requirements = requirements_of(op);
        for (const auto& req : requirements) {
            for (const auto& name : req) EXPECT_TRUE(schemes.contains(name)) << name;
        }
        const bool read = r.method == "GET" || r.method == "HEAD" || r.method == "OPTIONS";
        const auto& responses = op["responses"];
        if (r.access == http::Access::anyone) {
            // The guard lets everyone through; credentials only change what is seen, and no
            // CSRF token is asked for.
            EXPECT_TRUE(requirements.contains(Requirement{})) << "a public route";
            for (const auto& req : requirements) {
                EXPECT_TRUE(req.empty() || req == session || req == bearer) << *req.begin();
            }
        } else {
            const std::set<Requirement> expected{read ? session : session_csrf, bearer};
            EXPECT_EQ(requirements, expected) << op["security"];
            EXPECT_TRUE(responses.contains("401")) << "401 not documented";
            if (r.access != http::Access::signed_in || !read) {
                EXPECT_TRUE(responses.contains("403")) << "403 not documented";
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Closed response schemas: a member the server leaks fails the response tests below.

// Every schema a response uses, by name, and the responses' own inline schemas.
void response_schemas(std::set<std::string>& names, std::vector<const json*>& inline_schemas) {
    const json& schemas = doc()["components"]["schemas"];
    std::function<void(const json&)> visit = [&](const json& node) {
        if (node.is_object()) {
            if (auto ref = node.find("$ref"); ref != node.end()) {
                const std::string r = *ref;
                const std::string prefix = "#/components/schemas/";
                if (r.rfind(prefix, 0) == 0) {
                    const std::string name = r.substr(prefix.size());
                    if (names.insert(name).second) visit(schemas[name]);
                } else {
                    visit(SchemaChecker(doc()).resolve(node));
                }
                return;
            }
            for (const auto& [k, v] : node.items()) visit(v);
        } else if (node.is_array()) {
            for (const auto& v : node) visit(v);
        }
    };
    for (const auto& [id, o] : operations_by_id()) {
        visit((*o.op)["responses"]);
        for (const auto& [code, r] : (*o.op)["responses"].items()) {
            const json& resp = SchemaChecker(doc()).resolve(r);
            if (!resp.contains("content")) continue;
            for (const auto& [media, m] : resp["content"].items()) {
                if (m.contains("schema") && !m["schema"].contains("$ref")) {
                    inline_schemas.push_back(&m["schema"]);
                }
            }
        }
    }
}

// An object schema with members lists them all (additionalProperties false); one without is a
// map or a free-form document, which says so (additionalProperties given) and why (description).
TEST_F(OpenApiTest, ResponseObjectSchemasAreClosed) {
    std::set<std::string> names;
    std::vector<const json*> inline_schemas;
    response_schemas(names, inline_schemas);
    EXPECT_GT(names.size(), 50u);
    std::function<void(const json&, const std::string&)> check = [&](const json& s,
                                                                     const std::string& at) {
        if (!s.is_object() || s.contains("$ref")) return;
        if (s.contains("properties")) {
            EXPECT_EQ(s.value("additionalProperties", json(true)), json(false))
                << at << ": an object with members that admits others";
            for (const auto& [name, sub] : s["properties"].items()) {
                check(sub, at + "/properties/" + name);
            }
        } else if (s.value("type", "") == "object" && !s.contains("allOf") &&
                   !s.contains("anyOf") && !s.contains("oneOf")) {
            EXPECT_TRUE(s.contains("additionalProperties"))
                << at << ": an object without members must say it is a map or free-form";
            EXPECT_FALSE(s.value("description", "").empty()) << at << ": say why it is open";
        }
        if (auto a = s.find("additionalProperties"); a != s.end() && a->is_object()) {
            check(*a, at + "/additionalProperties");
        }
        if (auto i = s.find("items"); i != s.end()) check(*i, at + "/items");
        for (const char* k : {"allOf", "anyOf", "oneOf"}) {
            if (auto list = s.find(k); list != s.end()) {
                for (std::size_t i = 0; i < list->size(); ++i) {
                    check((*list)[i], at + "/" + k + "/" + std::to_string(i));
                }
            }
        }
    };
    for (const auto& name : names) {
        check(doc()["components"]["schemas"][name], "#/components/schemas/" + name);
    }
    for (const json* s : inline_schemas) check(*s, "an inline response schema");
}

// Closed schemas cannot extend each other with allOf (each would refuse the other's members),
// so the ones that share members repeat them: they must not drift apart.
TEST_F(OpenApiTest, SchemasThatShareMembersAgree) {
    const json& s = doc()["components"]["schemas"];
    auto expect_extends = [&](const std::string& derived, const std::string& base,
                              const std::set<std::string>& only_base,
                              const std::set<std::string>& only_derived) {
        SCOPED_TRACE(derived + " and " + base);
        const json& d = s[derived];
        const json& b = s[base];
        std::set<std::string> dk, bk;
        for (const auto& [k, v] : d["properties"].items()) dk.insert(k);
        for (const auto& [k, v] : b["properties"].items()) bk.insert(k);
        for (const auto& k : bk) {
            if (only_base.contains(k)) continue;
            ASSERT_TRUE(dk.contains(k)) << derived << " lacks " << k;
            EXPECT_EQ(d["properties"][k], b["properties"][k]) << k;
        }
        for (const auto& k : dk) {
            EXPECT_TRUE(bk.contains(k) || only_derived.contains(k)) << derived << " adds " << k;
        }
        std::set<std::string> dr, br;
        for (const auto& r : d.value("required", json::array())) dr.insert(r);
        for (const auto& r : b.value("required", json::array())) br.insert(r);
        for (const auto& r : br) {
            EXPECT_TRUE(only_base.contains(r) || dr.contains(r)) << r << " not required";
        }
    };
    expect_extends("Space", "SpaceProperties", {"workspace"}, {"id", "geometry", "distance_m"});
    expect_extends("OfferedSpace", "SpaceProperties", {"workspace"}, {"id", "geometry", "call"});
    expect_extends("ApiTokenCreated", "ApiToken", {}, {"secret"});
    expect_extends("CreatedReport", "FollowedReport", {},
                   {"follow_token", "follow_href", "photos_href", "max_photos"});
}

// ---------------------------------------------------------------------------------------------
// Query parameters: the document declares exactly what each handler accepts.

const std::vector<std::string> k_checked_operations{
    "listSpaces",         "listAllSpaces",   "getFeatures",    "exportSpacesGeoJson",
    "exportSpacesCsv",    "listOrganisations", "importSpaces", "getLandingPage",
    "getConformance",     "getCollections",  "describeCollection", "getFeature"};

TEST_F(OpenApiTest, TheListedOperationsDeclareTheExpectedParameters) {
    auto names = [](const std::string& id) {
        std::set<std::string> out;
        for (const auto& p : query_parameters_of(id)) out.insert(p["name"].get<std::string>());
        return out;
    };
    const std::set<std::string> filters{
        "status", "kind", "owner_type", "min_area", "max_area", "q", "bbox", "near", "radius",
        "available_from", "available_to", "parent_id", "owner_organisation_id", "source",
        "source_id", "step_free_access", "water", "electricity", "heating", "internet", "sort", "id"};
    auto with = [](std::set<std::string> s, std::initializer_list<const char*> add,
                   std::initializer_list<const char*> remove = {}) {
        for (const char* a : add) s.insert(a);
        for (const char* r : remove) s.erase(r);
        return s;
    };
    EXPECT_EQ(names("listSpaces"), with(filters, {"limit", "offset"}));
    EXPECT_EQ(names("listAllSpaces"), with(filters, {"limit", "offset", "workspace"}));
    EXPECT_EQ(names("getFeatures"),
              with(filters, {"limit", "offset", "workspace", "datetime", "f", "bbox-crs"},
                   {"available_from", "available_to"}));
    EXPECT_EQ(names("exportSpacesGeoJson"), filters);
    EXPECT_EQ(names("exportSpacesCsv"), filters);
    EXPECT_EQ(names("listOrganisations"), (std::set<std::string>{"limit", "offset"}));
    EXPECT_EQ(names("importSpaces"),
              (std::set<std::string>{"format", "strict", "dry_run", "source", "file_name"}));
}

TEST_F(OpenApiTest, EveryDeclaredQueryParameterIsAccepted) {
    for (const auto& id : k_checked_operations) {
        for (const auto& p : query_parameters_of(id)) {
            const std::string name = p["name"];
            const std::string query = http::url_encode(name) + "=" + query_value(p);
            SCOPED_TRACE(id + " ?" + query);
            auto r = call_operation(id, query);
            EXPECT_FALSE(names_parameter(r, name, k_unknown)) << r.body;
        }
    }
}

// All the examples together make a valid request: the examples are plausible values, and the
// handler reads every parameter without tripping over the others.
TEST_F(OpenApiTest, TheExamplesTogetherAreAValidRequest) {
    for (const auto& id : k_checked_operations) {
        std::string query;
        for (const auto& p : query_parameters_of(id)) {
            const std::string name = p["name"];
            query += (query.empty() ? "" : "&") + http::url_encode(name) + "=" + query_value(p);
        }
        SCOPED_TRACE(id + " ?" + query);
        auto r = call_operation(id, query);
        EXPECT_EQ(r.status, 200) << r.body;
    }
}

TEST_F(OpenApiTest, AnUndeclaredQueryParameterIsRefused) {
    const auto everywhere = all_query_parameters();
    for (const auto& id : k_checked_operations) {
        std::set<std::string> declared;
        for (const auto& p : query_parameters_of(id)) declared.insert(p["name"]);
        {
            SCOPED_TRACE(id + " ?bogus=1");
            auto r = call_operation(id, "bogus=1");
            EXPECT_EQ(r.status, 400);
            EXPECT_TRUE(names_parameter(r, "bogus", k_unknown)) << r.body;
        }
        // A parameter another operation declares is no more welcome here.
        for (const auto& [name, p] : everywhere) {
            if (declared.contains(name)) continue;
            const std::string query = http::url_encode(name) + "=" + query_value(p);
            SCOPED_TRACE(id + " ?" + query);
            auto r = call_operation(id, query);
            EXPECT_TRUE(names_parameter(r, name)) << r.status << " " << r.body;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Responses against the document's schemas

std::string media_type(const std::string& content_type) {
    std::string m = content_type.substr(0, content_type.find(';'));
    while (!m.empty() && m.back() == ' ') m.pop_back();
    return lower(m);
}

bool is_json(const std::string& media) {
    return media == "application/json" || media.ends_with("+json");
}

// Does a concrete request path match a path template of the document?
bool path_matches(const std::string& templ, const std::string& path) {
    auto t = split_path(templ);
    auto p = split_path(path);
    if (t.size() != p.size()) return false;
    for (std::size_t i = 0; i < t.size(); ++i) {
        const bool param = t[i].size() > 2 && t[i].front() == '{' && t[i].back() == '}';
        if (param ? p[i].empty() : t[i] != p[i]) return false;
    }
    return true;
}

class ResponsesTest : public AppTest {
protected:
    ResponsesTest() : checker(doc()) {}

    // Sends `request` as operation `id` and checks the exchange against the document: the
    // request body against the request schema, the status among the documented ones, the
    // content type and body against the response schema, the documented headers present.
    // Returns the response for further checks.
    // `anonymous`: sent without the administrator's credentials (see AppTest::call).
    http::Response exchange(const std::string& id, const http::Request& request,
                            int expected_status, bool anonymous = false) {
        SCOPED_TRACE(id + ": " + request.method + " " + request.target);
        covered.insert(id);
        const Operation& o = operation(id);
        EXPECT_EQ(lower(request.method), o.method);
        EXPECT_TRUE(path_matches(o.path, request.path)) << o.path;

        // A body the server is meant to accept must be one the document describes; the ones
        // sent to provoke an error are not.
        if (!request.body.empty() && expected_status < 300) {
            const json& body = checker.resolve((*o.op)["requestBody"]);
            const std::string media = media_type(request.header("Content-Type").value_or(""));
            const auto& content = body["content"];
            EXPECT_TRUE(content.contains(media)) << media << " is not a documented body type";
            if (content.contains(media) && is_json(media)) {
                expect_conforms(content[media]["schema"], json::parse(request.body),
                                "request body");
            }
        }

        http::Response r = anonymous ? call_anonymously(request) : call(request);
        EXPECT_EQ(r.status, expected_status) << r.body;
        // An operation whose security asks for credentials refuses a caller without any.
        const bool credentials =
            request.headers.contains("Cookie") || request.headers.contains("Authorization");
        if (anonymous && !credentials && !allows_anonymous(*o.op)) {
            EXPECT_EQ(r.status, 401) << "the document asks for credentials";
        }
        const auto& responses = (*o.op)["responses"];
        const std::string code = std::to_string(r.status);
        if (!responses.contains(code)) {
            ADD_FAILURE() << "status " << code << " is not documented";
            return r;
        }
        const json& documented = checker.resolve(responses[code]);
        const json headers = documented.value("headers", json::object());
        for (const auto& [name, h] : headers.items()) {
            EXPECT_TRUE(r.headers.contains(name)) << "header " << name << " missing";
        }
        if (!documented.contains("content")) {
            EXPECT_TRUE(r.body.empty()) << "undocumented body: " << r.body;
            return r;
        }
        const std::string ct = r.headers.contains("Content-Type") ? r.headers["Content-Type"] : "";
        const auto& content = documented["content"];
        const json* media = nullptr;
        for (const auto& [k, v] : content.items()) {
            if (k == ct || media_type(k) == media_type(ct)) media = &v;
        }
        if (!media) {
            ADD_FAILURE() << "content type " << ct << " is not documented for " << code;
            return r;
        }
        if (is_json(media_type(ct))) {
            json body;
            try {
                body = json::parse(r.body);
            } catch (const json::exception& e) {
                ADD_FAILURE() << "the body is not JSON: " << e.what();
                return r;
            }
            expect_conforms((*media)["schema"], body, "response " + code);
        }
        return r;
    }

    void expect_conforms(const json& schema, const json& value, const std::string& what) {
        const auto failures = checker.check(schema, value);
        std::string text;
        for (const auto& f : failures) text += "\n  " + f;
        EXPECT_TRUE(failures.empty()) << what << " does not conform:" << text << "\n"
                                      << value.dump(2).substr(0, 2000);
    }

    http::Request json_request(const std::string& method, const std::string& target,
                               const json& body,
                               const std::string& content_type = "application/json",
                               http::Headers headers = {}) {
        headers["Content-Type"] = content_type;
        return make_request(method, target, body.dump(), std::move(headers));
    }

    // A call from draft to decision: an applicant of an organisation and a juror with tokens
    // of their own, everything else as the administrator.
    void exercise_calls() {
        auto person = [&](const std::string& name, Role role) {
            const User u = store->create_user(name + "@example.org", name, "", false);
            store->set_email_verified(u.id);
            store->set_role(u.id, ws.id, role);
            const std::string secret = "imp_calls_" + name;
            store->create_api_token(u.id, "tests", auth::sha256_hex(secret), {"read", "write"});
            return std::pair{u.id, http::Headers{{"Authorization", "Bearer " + secret}}};
        };
        const auto [applicant_id, applicant] = person("applicant", Role::applicant);
        const auto [juror_id, juror] = person("juror", Role::citizen);
        Organisation coop;
        coop.name = "Coop";
        coop.type = OrganisationType::cooperative;
        coop = store->create_organisation(ws.id, coop);
        store->set_organisation_member(ws.id, coop.id, applicant_id, true);

        const std::string calls = "/api/v1/workspaces/lille/calls";
        const auto now = std::chrono::system_clock::now();
        const json draft{{"title", "Meanwhile 2027"},
                         {"spaces", {{{"space_id", space.id},
                                      {"available_from", "2027-01-01"},
                                      {"available_to", "2028-01-01"},
                                      {"capacity", 2}}}},
                         {"criteria", {{{"key", "fit"}, {"label", "Fit"}, {"weight", 1}}}},
                         {"opens_at", format_utc(now - std::chrono::hours(1))},
                         {"closes_at", format_utc(now + std::chrono::hours(1))}};
        auto r = exchange("createCall", json_request("POST", calls, draft), 201);
        const std::string one = calls + "/" + std::to_string(body_of(r)["id"].get<Id>());
        exchange("createCall", json_request("POST", calls, {{"description", "no title"}}), 400);
        exchange("listCalls", make_request("GET", calls), 200, true);
        exchange("listCalls", make_request("GET", calls + "?state=soon"), 400);
        exchange("getCall", make_request("GET", one), 404, true);
        exchange("updateCall",
                 json_request("PATCH", one, {{"description", "A year of uses."}},
                              "application/merge-patch+json"),
                 200);
        exchange("transitionCall", json_request("POST", one + "/transitions", {{"to", "open"}}), 200);
        exchange("transitionCall", json_request("POST", one + "/transitions", {{"to", "decided"}}),
                 409);
        exchange("getCall", make_request("GET", one), 200, true);

        const json application{{"organisation_id", coop.id},
                               {"title", "Workshop"},
                               {"description", "Making things."},
                               {"category", "culture"},
                               {"period", {{"start", "2027-03-01"}, {"end", "2027-06-01"}}}};
        r = exchange("createApplication",
                     json_request("POST", one + "/applications", application, "application/json",
                                  applicant),
                     201);
        const std::string app = "/api/v1/workspaces/lille/applications/" +
                                std::to_string(body_of(r)["id"].get<Id>());
        exchange("createApplication", json_request("POST", one + "/applications", application),
                 403);
        exchange("createApplication",
                 json_request("POST", one + "/applications", {{"organisation_id", coop.id}},
                              "application/json", applicant),
                 400);
        exchange("updateApplication",
                 json_request("PATCH", app, {{"team", "Two carpenters"}},
                              "application/merge-patch+json", applicant),
                 200);
        const std::string pdf = "%PDF-1.4\n%%EOF\n";
        r = exchange("addAttachment",
                     make_request("POST", app + "/attachments?name=budget&file_name=budget.pdf", pdf,
                                  {{"Content-Type", "application/octet-stream"},
                                   {"Authorization", applicant.at("Authorization")}}),
                     201);
        const std::string attachment = app + "/attachments/" +
                                       std::to_string(body_of(r)["id"].get<Id>());
        exchange("addAttachment",
                 make_request("POST", app + "/attachments?name=budget", "plain words",
                              {{"Content-Type", "application/octet-stream"},
                               {"Authorization", applicant.at("Authorization")}}),
                 415);
        exchange("getAttachment", make_request("GET", attachment, {}, applicant), 200);
        exchange("removeAttachment", make_request("DELETE", attachment, {}, applicant), 204);
        exchange("removeAttachment", make_request("DELETE", attachment, {}, applicant), 404);
        exchange("submitApplication", make_request("POST", app + "/submit", {}, applicant), 200);
        exchange("submitApplication", make_request("POST", app + "/submit", {}, applicant), 409);
        r = call(json_request("POST", one + "/applications", application, "application/json",
                              applicant));
        const std::string second = "/api/v1/workspaces/lille/applications/" +
                                   std::to_string(body_of(r)["id"].get<Id>());
        exchange("withdrawApplication", make_request("POST", second + "/withdraw", {}, applicant),
                 200);
        exchange("withdrawApplication", make_request("POST", second + "/withdraw", {}, applicant),
                 409);
        exchange("listApplications", make_request("GET", one + "/applications"), 200);
        exchange("listMyApplications", make_request("GET", "/api/v1/me/applications", {}, applicant),
                 200);
        exchange("getApplication", make_request("GET", app, {}, applicant), 200);
        exchange("getApplication", make_request("GET", app + "999"), 404);

        exchange("transitionCall", json_request("POST", one + "/transitions", {{"to", "closed"}}),
                 200);
        exchange("setEligibility",
                 json_request("PUT", app + "/eligibility", {{"status", "eligible"}, {"note", "ok"}}),
                 200);
        exchange("setEligibility", json_request("PUT", app + "/eligibility", {{"status", "maybe"}}),
                 400);
        exchange("updateCall",
                 json_request("PATCH", one, {{"evaluators", {juror_id}}}, "application/json"), 200);
        exchange("transitionCall",
                 json_request("POST", one + "/transitions", {{"to", "evaluating"}}), 200);
        exchange("myEvaluationQueue", make_request("GET", one + "/evaluation", {}, juror), 200);
        exchange("myEvaluationQueue", make_request("GET", one + "/evaluation", {}, applicant), 403);
        const json sheet{{"scores", {{"fit", {{"value", 7}, {"comment", "good"}}}}}, {"submit", true}};
        exchange("saveEvaluation",
                 json_request("PUT", app + "/evaluation", sheet, "application/json", juror), 200);
        exchange("saveEvaluation",
                 json_request("PUT", app + "/evaluation", sheet, "application/json", juror), 409);
        exchange("listEvaluations", make_request("GET", app + "/evaluations", {}, juror), 200);
        exchange("getRanking", make_request("GET", one + "/ranking"), 200);
        exchange("setShortlisted", json_request("PUT", app + "/shortlist", {{"shortlisted", true}}),
                 200);
        exchange("getMatching", make_request("GET", one + "/matching"), 404);
        exchange("runMatching", json_request("POST", one + "/matching", {{"solver", "magic"}}), 400);
        exchange("runMatching", json_request("POST", one + "/matching", json::object()), 200);
        exchange("setAdjustments",
                 json_request("PUT", one + "/adjustments", {{"items", json::array()}}), 200);
        exchange("setAdjustments", json_request("PUT", one + "/adjustments", json::object()), 400);
        exchange("getMatching", make_request("GET", one + "/matching"), 200);
        exchange("publishDecisions", json_request("POST", one + "/publish", json::object()), 200);
        exchange("publishDecisions", json_request("POST", one + "/publish", json::object()), 409);
    }

    SchemaChecker checker;
    std::set<std::string> covered;
};

TEST_F(ResponsesTest, GetSpace) {
    const std::string target = "/api/v1/workspaces/lille/spaces/" + std::to_string(space.id);
    auto r = exchange("getSpace", make_request("GET", target), 200);
    EXPECT_EQ(r.headers["ETag"], "\"1\"");
    exchange("getSpace", make_request("GET", target, {}, {{"If-None-Match", "\"1\""}}), 304);
    exchange("getSpace", make_request("GET", "/api/v1/workspaces/lille/spaces/999"), 404);
    exchange("getSpace", make_request("GET", "/api/v1/workspaces/nowhere/spaces/1"), 404);
}

// The public views: what a caller without credentials gets of the routes that show signed-in
// callers more (the other tests call as an instance administrator, who sees everything).
TEST_F(ResponsesTest, PublicViewsAnswerAsDocumented) {
    Organisation coop;
    coop.name = "Coop";
    coop.type = OrganisationType::cooperative;
    coop.contact.email = "hello@coop.example";
    coop.notes = "staff only";
    coop = store->create_organisation(ws.id, coop);
    const std::string lille = "/api/v1/workspaces/lille";
    const std::string sp = lille + "/spaces/" + std::to_string(space.id);
    auto r = exchange("getOrganisation",
                      make_request("GET", lille + "/organisations/" + std::to_string(coop.id)), 200,
                      true);
    EXPECT_FALSE(body_of(r).contains("contact"));
    EXPECT_FALSE(body_of(r).contains("notes"));
    exchange("listOrganisations", make_request("GET", lille + "/organisations"), 200, true);
    exchange("getSpace", make_request("GET", sp), 200, true);
    exchange("getSpaceHistory", make_request("GET", sp + "/history"), 200, true);
    exchange("listSpaces", make_request("GET", lille + "/spaces?near=3.06,50.63"), 200, true);
    exchange("listAllSpaces", make_request("GET", "/api/v1/spaces"), 200, true);
    exchange("exportSpacesGeoJson", make_request("GET", lille + "/spaces.geojson"), 200, true);
    exchange("getFeatures", make_request("GET", "/ogc/collections/spaces/items"), 200, true);
    exchange("getFeature",
             make_request("GET", "/ogc/collections/spaces/items/" + std::to_string(space.id)), 200,
             true);
    exchange("listWorkspaces", make_request("GET", "/api/v1/workspaces"), 200, true);
    exchange("getWorkspace", make_request("GET", lille), 200, true);
    exchange("listCalls", make_request("GET", lille + "/calls"), 200, true);
    exchange("getSpace", make_request("GET", sp, {}, {{"Authorization", "Bearer wrong"}}), 200,
             true);
}

TEST_F(ResponsesTest, ListSpaces) {
    auto r = exchange("listSpaces", make_request("GET", "/api/v1/workspaces/lille/spaces"), 200);
    EXPECT_EQ(body_of(r)["items"].size(), 1u);
    r = exchange("listSpaces",
                 make_request("GET", "/api/v1/workspaces/lille/spaces?near=3.06,50.63&limit=1"),
                 200);
    EXPECT_TRUE(body_of(r)["items"][0].contains("distance_m"));
    r = exchange("listSpaces",
                 make_request("GET", "/api/v1/workspaces/lille/spaces?bbox=1,2,3&radius=-1"),
                 400);
    EXPECT_TRUE(names_parameter(r, "bbox"));
    EXPECT_TRUE(names_parameter(r, "radius"));
}

TEST_F(ResponsesTest, CreateSpaceErrorIsAProblem) {
    // Validates as JSON but not as a space: the handler lists every failing field.
    const json bad{{"name", ""}, {"kind", "castle"}, {"floors", -1}};
    auto r = exchange("createSpace",
                      json_request("POST", "/api/v1/workspaces/lille/spaces", bad), 400);
    EXPECT_EQ(r.headers["Content-Type"], "application/problem+json");
    const json p = body_of(r);
    std::set<std::string> pointers;
    for (const auto& e : p["errors"]) pointers.insert(e.value("pointer", ""));
    EXPECT_TRUE(pointers.contains("/kind"));
    EXPECT_TRUE(pointers.contains("/geometry"));
    EXPECT_TRUE(pointers.contains("/floors"));
    EXPECT_TRUE(pointers.contains("/name"));

    r = exchange("createSpace",
                 make_request("POST", "/api/v1/workspaces/lille/spaces", "name=x",
                              {{"Content-Type", "application/x-www-form-urlencoded"}}),
                 415);
}

TEST_F(ResponsesTest, GetFeatures) {
    auto r = exchange("getFeatures",
                      make_request("GET", "/ogc/collections/spaces/items?limit=1&offset=0"), 200);
    const json fc = body_of(r);
    EXPECT_EQ(fc["numberMatched"], 1);
    EXPECT_EQ(fc["numberReturned"], 1);
    EXPECT_EQ(fc["features"][0]["properties"]["workspace"], "lille");
    exchange("getFeatures", make_request("GET", "/ogc/collections/other/items"), 404);
    exchange("getFeatures", make_request("GET", "/ogc/collections/spaces/items?datetime=soon"),
             400);
}

TEST_F(ResponsesTest, OgcLandingConformanceCollections) {
    auto r = exchange("getLandingPage", make_request("GET", "/ogc"), 200);
    const json landing = body_of(r);
    std::set<std::string> rels;
    for (const auto& l : landing["links"]) rels.insert(l["rel"].get<std::string>());
    EXPECT_TRUE(rels.contains("service-desc"));
    EXPECT_TRUE(rels.contains("conformance"));
    EXPECT_TRUE(rels.contains("data"));
    exchange("getLandingPage", make_request("GET", "/ogc?f=xml"), 400);
    exchange("getConformance", make_request("GET", "/ogc/conformance?f=json"), 200);
    exchange("getCollections", make_request("GET", "/ogc/collections"), 200);
}

TEST_F(ResponsesTest, ImportSpaces) {
    const std::string file = R"({"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": "A-1",
         "geometry": {"type": "Point", "coordinates": [3.05, 50.62]},
         "properties": {"name": "Shop on the square", "kind": "shop", "floors": 1}},
        {"type": "Feature", "id": "A-2",
         "geometry": {"type": "Polygon", "coordinates": [[[3.0, 50.6], [3.001, 50.6],
                                                          [3.001, 50.601], [3.0, 50.6]]]},
         "properties": {"name": "Yard", "color": "green"}},
        {"type": "Feature", "geometry": null, "properties": {"name": "No id"}}]})";
    auto r = exchange("importSpaces",
                      make_request("POST", "/api/v1/workspaces/lille/imports?file_name=a.geojson",
                                   file, {{"Content-Type", "application/geo+json"}}),
                      200);
    const json report = body_of(r);
    EXPECT_EQ(report["created"], 2);
    EXPECT_EQ(report["rejected"].size(), 1u);

    exchange("importSpaces",
             make_request("POST", "/api/v1/workspaces/lille/imports?strict=true", file,
                          {{"Content-Type", "application/geo+json"}}),
             400);
    exchange("importSpaces",
             make_request("POST", "/api/v1/workspaces/lille/imports", "hello\nworld\n",
                          {{"Content-Type", "text/csv"}}),
             415);
}

// Every operation of the document, exercised once or more; the last check makes sure none was
// left out.
TEST_F(ResponsesTest, EveryOperationAnswersAsDocumented) {
    const std::string lille = "/api/v1/workspaces/lille";
    const std::string sp = lille + "/spaces/" + std::to_string(space.id);

    exchange("getApiIndex", make_request("GET", "/api/v1"), 200);
    exchange("getHealth", make_request("GET", "/api/v1/health"), 200);
    auto r = exchange("getOpenApi", make_request("GET", "/api/v1/openapi.json"), 200);
    EXPECT_EQ(body_of(r)["servers"][0]["url"], "http://test");

    // workspaces
    const json paris{{"slug", "paris"},
                     {"name", "Paris"},
                     {"country", "fr"},
                     {"languages", {"fr", "en"}},
                     {"map_view", {{"lon", 2.35}, {"lat", 48.85}}}};
    r = exchange("createWorkspace", json_request("POST", "/api/v1/workspaces", paris), 201);
    EXPECT_EQ(r.headers["Location"], "http://test/api/v1/workspaces/paris");
    exchange("createWorkspace", json_request("POST", "/api/v1/workspaces", paris), 409);
    exchange("createWorkspace", json_request("POST", "/api/v1/workspaces", {{"slug", "X"}}), 400);
    exchange("createWorkspace",
             make_request("POST", "/api/v1/workspaces", "{}", {{"Content-Type", "text/plain"}}),
             415);
    exchange("listWorkspaces", make_request("GET", "/api/v1/workspaces"), 200);
    exchange("getWorkspace", make_request("GET", "/api/v1/workspaces/paris"), 200);
    exchange("getWorkspace", make_request("GET", "/api/v1/workspaces/rome"), 404);
    exchange("updateWorkspace",
             json_request("PATCH", "/api/v1/workspaces/paris",
                          {{"name", "Paris (FR)"}, {"map_view", nullptr}},
                          "application/merge-patch+json"),
             200);
    exchange("updateWorkspace",
             json_request("PATCH", "/api/v1/workspaces/paris", {{"slug", "lille"}}), 409);

    // organisations
    const json coop{{"name", "Friches Coop"},
                    {"type", "cooperative"},
                    {"contact",
                     {{"email", "hello@friches.example"}, {"website", "https://x.example"}}}};
    r = exchange("createOrganisation", json_request("POST", lille + "/organisations", coop), 201);
    const auto coop_id = body_of(r)["id"].get<Id>();
    exchange("createOrganisation",
             json_request("POST", lille + "/organisations", {{"name", "No type"}}), 400);
    exchange("listOrganisations", make_request("GET", lille + "/organisations?limit=1"), 200);
    exchange("listOrganisations", make_request("GET", lille + "/organisations?status=available"),
             400);
    exchange("getOrganisation",
             make_request("GET", lille + "/organisations/" + std::to_string(coop_id)), 200);
    exchange("getOrganisation", make_request("GET", lille + "/organisations/999"), 404);
    exchange("updateOrganisation",
             json_request("PATCH", lille + "/organisations/" + std::to_string(coop_id),
                          {{"notes", "runs two sites"}, {"contact", {{"phone", "+33 3 20"}}}},
                          "application/merge-patch+json"),
             200);

    // spaces
    const json flat{{"name", "Corner shop"},
                    {"kind", "shop"},
                    {"geometry", {{"type", "Point"}, {"coordinates", {3.062, 50.633}}}},
                    {"owner_type", "private"},
                    {"condition", "needs_repair"},
                    {"utilities", {{"water", true}, {"electricity", nullptr}}},
                    {"available_from", "2025-06-01"},
                    {"source", "survey"},
                    {"source_id", "7"}};
    r = exchange("createSpace", json_request("POST", lille + "/spaces", flat), 201);
    const auto shop = body_of(r)["id"].get<Id>();
    EXPECT_EQ(r.headers["Location"], "http://test" + lille + "/spaces/" + std::to_string(shop));
    exchange("createSpace", json_request("POST", lille + "/spaces", flat), 409);
    const json feature{
        {"type", "Feature"},
        {"geometry",
         {{"type", "Polygon"},
          {"coordinates", {{{3.0, 50.6}, {3.002, 50.6}, {3.002, 50.602}, {3.0, 50.6}}}}}},
        {"properties", {{"name", "Brownfield"}, {"kind", "plot"}, {"status", "available"}}}};
    r = exchange("createSpace",
                 json_request("POST", lille + "/spaces", feature, "application/geo+json"), 201);
    EXPECT_EQ(body_of(r)["status"], "available");
    EXPECT_EQ(body_of(r)["area_source"], "computed");

    exchange("getSpace", make_request("GET", sp), 200);
    exchange("updateSpace",
             json_request("PATCH", sp, {{"notes", "roof leaks"}, {"floors", 2}},
                          "application/merge-patch+json", {{"If-Match", "\"1\""}}),
             200);
    exchange("updateSpace",
             json_request("PATCH", sp, {{"notes", "again"}}, "application/merge-patch+json",
                          {{"If-Match", "\"1\""}}),
             412);
    exchange("updateSpace", json_request("PATCH", sp, {{"status", "available"}}), 400);
    exchange("transitionSpace",
             json_request("POST", sp + "/transitions", {{"to", "verified"}, {"reason", "visited"}}),
             200);
    exchange("transitionSpace",
             json_request("POST", sp + "/transitions", {{"to", "in_use"}, {"reason", "keys"}}),
             409);
    exchange("transitionSpace", json_request("POST", sp + "/transitions", {{"to", "verified"}}),
             400);
    r = exchange("getSpaceHistory", make_request("GET", sp + "/history"), 200);
    EXPECT_EQ(body_of(r)["items"].size(), 2u);

    exchange("listSpaces", make_request("GET", lille + "/spaces?status=verified&sort=-name"),
             200);
    exchange("listAllSpaces", make_request("GET", "/api/v1/spaces?workspace=lille&kind=shop"),
             200);
    exchange("listAllSpaces", make_request("GET", "/api/v1/spaces?workspace=rome"), 400);
    r = exchange("exportSpacesGeoJson", make_request("GET", lille + "/spaces.geojson"), 200);
    EXPECT_EQ(body_of(r)["features"].size(), 3u);
    exchange("exportSpacesGeoJson", make_request("GET", lille + "/spaces.geojson?limit=1"), 400);
    r = exchange("exportSpacesCsv", make_request("GET", lille + "/spaces.csv?kind=shop"), 200);
    EXPECT_EQ(r.body.rfind("id,workspace,name", 0), 0u);
    exchange("exportSpacesCsv", make_request("GET", "/api/v1/workspaces/rome/spaces.csv"), 404);
    exchange("importSpaces",
             make_request("POST", lille + "/imports?dry_run=true&format=geojson",
                          R"({"type": "Feature", "id": 5, "geometry": {"type": "Point",
                              "coordinates": [3.1, 50.6]}, "properties": {"name": "Kiosk"}})",
                          {{"Content-Type", "application/octet-stream"}}),
             200);

    // OGC API - Features
    exchange("getLandingPage", make_request("GET", "/ogc"), 200);
    exchange("getConformance", make_request("GET", "/ogc/conformance"), 200);
    exchange("getCollections", make_request("GET", "/ogc/collections?f=json"), 200);
    exchange("describeCollection", make_request("GET", "/ogc/collections/spaces"), 200);
    exchange("describeCollection", make_request("GET", "/ogc/collections/trees"), 404);
    r = exchange("getFeatures",
                 make_request("GET", "/ogc/collections/spaces/items?limit=1&bbox=2.9,50.5,3.3,50.8"
                                     "&datetime=2025-06-01T00:00:00Z/..&workspace=lille"),
                 200);
    exchange("getFeatures",
             make_request("GET", "/ogc/collections/spaces/items?bbox=170,0,-170,10"), 400);
    r = exchange("getFeature",
                 make_request("GET", "/ogc/collections/spaces/items/" + std::to_string(shop)), 200);
    EXPECT_EQ(body_of(r)["properties"]["name"], "Corner shop");
    exchange("getFeature", make_request("GET", "/ogc/collections/spaces/items/0"), 404);
    exchange("getFeature",
             make_request("GET", "/ogc/collections/spaces/items/1?limit=1"), 400);

    // OpenStreetMap discovery: a background job over an uploaded extract
    exchange("listExtracts", make_request("GET", "/api/v1/extracts"), 200);
    exchange("startDiscovery",
             json_request("POST", lille + "/discoveries", {{"path", "town.osm.pbf"}}), 403);
    std::ifstream town_file(std::string(IMPETUS_GENERATED_DATA) + "/discovery/town.osm.pbf",
                            std::ios::binary);
    const std::string town{std::istreambuf_iterator<char>(town_file), {}};
    const http::Headers octets{{"Content-Type", "application/octet-stream"}};
    r = exchange("startDiscovery",
                 make_request("POST", lille + "/discoveries?file_name=town.osm.pbf&dry_run=true",
                              town, octets),
                 202);
    const std::string job = lille + "/jobs/" + std::to_string(body_of(r)["id"].get<Id>());
    for (int i = 0; i < 600; ++i) { // bounded: 30 s
        const std::string status = json::parse(get(job).body)["status"];
        if (status != "queued" && status != "running") break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    r = exchange("getJob", make_request("GET", job), 200);
    EXPECT_EQ(body_of(r)["status"], "succeeded") << r.body;
    EXPECT_EQ(body_of(r)["result"]["candidates"], 5);
    exchange("getJob", make_request("GET", lille + "/jobs/999"), 404);
    exchange("listJobs", make_request("GET", lille + "/jobs?limit=5"), 200);
    exchange("listJobs", make_request("GET", lille + "/jobs?limit=0"), 400);
    exchange("cancelJob", make_request("POST", job + "/cancel"), 409);
    exchange("startDiscovery",
             make_request("POST", lille + "/discoveries", "not an extract", octets), 400);
    exchange("startDiscovery",
             make_request("POST", lille + "/discoveries", town, {{"Content-Type", "text/plain"}}),
             415);

    // citizens' reports: the form, a report, a photo, following it, and the three decisions
    {
        r = exchange("getReportForm", make_request("GET", lille + "/reports/form"), 200, true);
        const std::string form = body_of(r)["form_token"];
        const json report_body{{"lon", 3.0601}, {"lat", 50.6301}, {"kind", "shop"},
                               {"description", "Empty for a year"}, {"form_token", form}};
        auto send_report = [&](int status) {
            return exchange("createReport",
                            json_request("POST", lille + "/reports", report_body), status, true);
        };
        r = send_report(201);
        const std::string follow = body_of(r)["follow_token"];
        send_report(201);
        send_report(201);
        exchange("createReport",
                 json_request("POST", lille + "/reports", {{"lon", 3.06}}), 400, true);
        exchange("followReport", make_request("GET", "/api/v1/reports/" + follow), 200, true);
        exchange("followReport", make_request("GET", "/api/v1/reports/nothing"), 404, true);
        std::ifstream png_file(std::string(IMPETUS_TEST_DATA) + "/reports/one-pixel.png",
                               std::ios::binary);
        const std::string png{std::istreambuf_iterator<char>(png_file), {}};
        r = exchange("addReportPhoto",
                     make_request("POST", "/api/v1/reports/" + follow + "/photos", png,
                                  {{"Content-Type", "image/png"}}),
                     201, true);
        const Id photo = body_of(r)["id"];
        exchange("addReportPhoto",
                 make_request("POST", "/api/v1/reports/" + follow + "/photos", "hello",
                              {{"Content-Type", "image/png"}}),
                 415, true);
        r = exchange("listReports", make_request("GET", lille + "/reports?status=pending"), 200);
        const auto items = body_of(r)["items"];
        ASSERT_EQ(items.size(), 3u);
        const std::string one = lille + "/reports/" + std::to_string(items[0]["id"].get<Id>());
        const std::string two = lille + "/reports/" + std::to_string(items[1]["id"].get<Id>());
        const std::string three = lille + "/reports/" + std::to_string(items[2]["id"].get<Id>());
        exchange("listReports", make_request("GET", lille + "/reports"), 401, true);
        r = exchange("getReport", make_request("GET", one), 200);
        EXPECT_EQ(body_of(r)["nearby_spaces"].size(), 1u);
        exchange("getReport", make_request("GET", lille + "/reports/999"), 404);
        exchange("getReportPhoto",
                 make_request("GET", one + "/photos/" + std::to_string(photo) + "?size=thumbnail"),
                 200);
        exchange("getReportPhoto", make_request("GET", one + "/photos/999"), 404);
        exchange("acceptReport", json_request("POST", one + "/accept", {{"name", "Shoe shop"}}),
                 201);
        exchange("acceptReport", json_request("POST", one + "/accept", {{"name", "Again"}}), 409);
        exchange("mergeReport",
                 json_request("POST", two + "/merge", {{"space_id", space.id}, {"reason", "same"}}),
                 200);
        exchange("mergeReport", json_request("POST", three + "/merge", {{"space_id", 999}}), 404);
        exchange("rejectReport", json_request("POST", three + "/reject", json::object()), 400);
        exchange("rejectReport",
                 json_request("POST", three + "/reject", {{"reason", "in use again"}}), 200);
    }

    // administration: members and the audit log, with an instance administrator's token
    {
        const User root = store->create_user(
            "root@example.org", "Root", auth::hash_password("root passphrase", {1024, 1, 1}), true);
        store->set_email_verified(root.id);
        const std::string secret = "imp_test_root_token";
        store->create_api_token(root.id, "tests", auth::sha256_hex(secret), {"read", "write"});
        const http::Headers admin{{"Authorization", "Bearer " + secret}};
        const std::string member = lille + "/members/" + std::to_string(root.id);
        exchange("listMembers", make_request("GET", lille + "/members"), 401, true);
        exchange("setMemberRole",
                 json_request("PUT", member, {{"role", "officer"}}, "application/json", admin),
                 200);
        exchange("setMemberRole",
                 json_request("PUT", member, {{"role", "king"}}, "application/json", admin), 400);
        exchange("setMemberRole",
                 json_request("PUT", lille + "/members/999", {{"role", "officer"}},
                              "application/json", admin),
                 404);
        const User newcomer = store->create_user("newcomer@example.org", "Newcomer", "", false);
        store->set_email_verified(newcomer.id);
        exchange("addMember",
                 json_request("POST", lille + "/members",
                              {{"email", "Newcomer@example.org"}, {"role", "citizen"}},
                              "application/json", admin),
                 201);
        exchange("addMember",
                 json_request("POST", lille + "/members",
                              {{"email", "newcomer@example.org"}, {"role", "applicant"}},
                              "application/json", admin),
                 200);
        exchange("addMember",
                 json_request("POST", lille + "/members",
                              {{"email", "nobody@example.org"}, {"role", "citizen"}},
                              "application/json", admin),
                 404);
        exchange("addMember",
                 json_request("POST", lille + "/members", {{"role", "citizen"}},
                              "application/json", admin),
                 400);
        exchange("removeMember",
                 make_request("DELETE", lille + "/members/" + std::to_string(newcomer.id), {},
                              admin),
                 204);
        r = exchange("listMembers", make_request("GET", lille + "/members", {}, admin), 200);
        EXPECT_EQ(body_of(r)["items"][0]["role"], "officer");
        // members of an organisation: root has a role (officer) and may join; an account
        // without a role joins only when given one
        const std::string org_members =
            lille + "/organisations/" + std::to_string(coop_id) + "/members";
        exchange("addOrganisationMember",
                 json_request("POST", org_members, {{"email", "ROOT@example.org"}},
                              "application/json", admin),
                 201);
        store->set_email_verified(store->create_user("loner@example.org", "Loner", "", false).id);
        store->create_user("stranger@example.org", "Unconfirmed", "", false);
        exchange("addOrganisationMember",
                 json_request("POST", org_members, {{"email", "stranger@example.org"}},
                              "application/json", admin),
                 404);
        exchange("addOrganisationMember",
                 json_request("POST", org_members, {{"email", "loner@example.org"}},
                              "application/json", admin),
                 409);
        exchange("addOrganisationMember",
                 json_request("POST", org_members, {{"email", "nobody@example.org"}},
                              "application/json", admin),
                 404);
        exchange("addOrganisationMember",
                 json_request("POST", org_members, {{"role", "king"}}, "application/json", admin),
                 400);
        r = exchange("listOrganisationMembers", make_request("GET", org_members, {}, admin), 200);
        EXPECT_EQ(body_of(r)["items"].size(), 1u);
        exchange("listOrganisationMembers", make_request("GET", org_members), 401, true);
        const std::string root_member = org_members + "/" + std::to_string(root.id);
        exchange("removeOrganisationMember", make_request("DELETE", root_member, {}, admin), 204);
        exchange("removeOrganisationMember", make_request("DELETE", root_member, {}, admin), 404);
        exchange("removeMember", make_request("DELETE", member, {}, admin), 204);
        exchange("removeMember", make_request("DELETE", member, {}, admin), 404);
        r = exchange("listWorkspaceAudit",
                     make_request("GET", lille + "/audit?entity=space&limit=5", {}, admin), 200);
        EXPECT_EQ(body_of(r)["items"].size(), 5u);
        exchange("listWorkspaceAudit", make_request("GET", lille + "/audit?from=soon", {}, admin),
                 400);
        exchange("listWorkspaceAudit", make_request("GET", lille + "/audit"), 401, true);
        r = exchange("exportWorkspaceAudit",
                     make_request("GET", lille + "/audit.csv?entity=membership", {}, admin), 200);
        EXPECT_EQ(r.body.rfind("id,at,actor,", 0), 0u);
        exchange("listAudit", make_request("GET", "/api/v1/audit?entity=user", {}, admin), 200);
        exchange("listAudit", make_request("GET", "/api/v1/audit"), 401, true);
    }

    // accounts: sign-up, the e-mailed link, a session with its CSRF token, tokens, erasure
    const json ana{{"email", "ana@example.org"},
                   {"password", "a long passphrase"},
                   {"display_name", "Ana"}};
    exchange("register", json_request("POST", "/api/v1/auth/register", ana), 202);
    exchange("register", json_request("POST", "/api/v1/auth/register", ana), 202);
    exchange("register",
             json_request("POST", "/api/v1/auth/register",
                          {{"email", "x@example.org"}, {"password", "short"}}),
             400);
    auto link = [&](const std::string& path) {
        std::smatch m;
        std::string found;
        for (const auto& mail : store->pending_mail(100)) {
            const std::regex re(path + "\\?token=([A-Za-z0-9_-]+)");
            if (std::regex_search(mail.text, m, re)) found = m[1];
        }
        return found;
    };
    exchange("verifyEmail",
             json_request("POST", "/api/v1/auth/verify-email", {{"token", "nope"}}), 400);
    exchange("verifyEmail",
             json_request("POST", "/api/v1/auth/verify-email",
                          {{"token", link("/account/verify")}}),
             204);
    exchange("login",
             json_request("POST", "/api/v1/auth/login",
                          {{"email", "ana@example.org"}, {"password", "wrong password"}}),
             401);
    r = exchange("login",
                 json_request("POST", "/api/v1/auth/login",
                              {{"email", "ana@example.org"}, {"password", "a long passphrase"}}),
                 200);
    const std::string cookie = r.headers["Set-Cookie"].substr(0, r.headers["Set-Cookie"].find(';'));
    const std::string csrf = body_of(r)["csrf_token"];
    const http::Headers session{{"Cookie", cookie}};
    const http::Headers writing{{"Cookie", cookie}, {"X-CSRF-Token", csrf}};
    exchange("getMe", make_request("GET", "/api/v1/me", {}, session), 200);
    exchange("getMe", make_request("GET", "/api/v1/me"), 401, true);
    exchange("createToken",
             json_request("POST", "/api/v1/me/tokens", {{"name", "QGIS"}, {"scopes", {"read"}}},
                          "application/json", session),
             403);
    r = exchange("createToken",
                 json_request("POST", "/api/v1/me/tokens",
                              {{"name", "QGIS"}, {"scopes", {"read"}}}, "application/json",
                              writing),
                 201);
    const std::string token_path = "/api/v1/me/tokens/" + std::to_string(body_of(r)["id"].get<Id>());
    exchange("createToken",
             json_request("POST", "/api/v1/me/tokens", {{"name", "x"}, {"scopes", {"all"}}},
                          "application/json", writing),
             400);
    exchange("listTokens", make_request("GET", "/api/v1/me/tokens", {}, session), 200);
    exchange("revokeToken", make_request("DELETE", token_path, {}, writing), 204);
    exchange("revokeToken", make_request("DELETE", token_path, {}, writing), 404);
    exchange("exportMyData", make_request("GET", "/api/v1/me/export", {}, session), 200);
    exchange("changePassword",
             json_request("POST", "/api/v1/me/password",
                          {{"current_password", "not it"}, {"password", "another passphrase"}},
                          "application/json", writing),
             400);
    exchange("resendVerification", make_request("POST", "/api/v1/me/verification", {}, writing),
             202);
    exchange("requestPasswordReset",
             json_request("POST", "/api/v1/auth/password-reset", {{"email", "ana@example.org"}}),
             202);
    exchange("confirmPasswordReset",
             json_request("POST", "/api/v1/auth/password-reset/confirm",
                          {{"token", "nope"}, {"password", "another passphrase"}}),
             400);
    exchange("unlockAccount", json_request("POST", "/api/v1/auth/unlock", {{"token", "nope"}}),
             400);
    exchange("logout", make_request("POST", "/api/v1/auth/logout"), 401, true);
    exchange("logout", make_request("POST", "/api/v1/auth/logout", {}, writing), 204);
    r = exchange("login",
                 json_request("POST", "/api/v1/auth/login",
                              {{"email", "ana@example.org"}, {"password", "a long passphrase"}}),
                 200);
    const http::Headers again{
        {"Cookie", r.headers["Set-Cookie"].substr(0, r.headers["Set-Cookie"].find(';'))},
        {"X-CSRF-Token", body_of(r)["csrf_token"].get<std::string>()}};
    exchange("eraseMe",
             json_request("POST", "/api/v1/me/erase", {{"password", "wrong"}}, "application/json",
                          again),
             400);
    exchange("logoutEverywhere", make_request("POST", "/api/v1/auth/logout-everywhere", {}, again),
             200);
    // The reset link mailed above, and a change of password (to the same passphrase both
    // times): each answers what it ended.
    exchange("confirmPasswordReset",
             json_request("POST", "/api/v1/auth/password-reset/confirm",
                          {{"token", link("/account/reset")}, {"password", "a long passphrase"}}),
             200);
    auto sign_in = [&] {
        auto in = exchange("login",
                           json_request("POST", "/api/v1/auth/login",
                                        {{"email", "ana@example.org"},
                                         {"password", "a long passphrase"}}),
                           200);
        return http::Headers{
            {"Cookie", in.headers["Set-Cookie"].substr(0, in.headers["Set-Cookie"].find(';'))},
            {"X-CSRF-Token", body_of(in)["csrf_token"].get<std::string>()}};
    };
    exchange("changePassword",
             json_request("POST", "/api/v1/me/password",
                          {{"current_password", "a long passphrase"},
                           {"password", "a long passphrase"},
                           {"revoke_tokens", false}},
                          "application/json", sign_in()),
             200);
    const http::Headers last = sign_in();
    exchange("eraseMe",
             json_request("POST", "/api/v1/me/erase", {{"password", "a long passphrase"}},
                          "application/json", last),
             204);

    exercise_calls();

    for (const auto& [id, o] : operations_by_id()) {
        EXPECT_TRUE(covered.contains(id)) << id << " was not exercised";
    }
}

} // namespace
} // namespace impetus::test
