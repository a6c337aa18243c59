// Serves the OpenAPI 3.0 document of the whole API (src/http/openapi.json, embedded at build
// time), with `servers` set to the address the client used.

#include "http/routes.hpp"

namespace impetus::http {

extern const char k_openapi_json[];

const nlohmann::json& openapi_document() {
    static const nlohmann::json doc = nlohmann::json::parse(k_openapi_json);
    return doc;
}

void add_openapi_routes(Router& router, Services&) {
    router.add("GET", "/api/v1/openapi.json", "getOpenApi", Access::anyone, [](Context& ctx) {
        nlohmann::json doc = openapi_document();
        doc["servers"] = nlohmann::json::array({{{"url", ctx.request.base_url}}});
        return json_response(200, doc, "application/vnd.oai.openapi+json;version=3.0");
    });
}

} // namespace impetus::http
