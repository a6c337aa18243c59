// JSON from outside (request bodies, imported files): impetus::parse_json with its limits, then
// what the API does with a body: read it as a new record, and apply it as an RFC 7396 merge
// patch to the writable form of an existing one and read the result. A record that reads must
// read again from its own writable form, as every PATCH starts from that form.

#include "fuzz.hpp"

#include "core/calls_json.hpp"
#include "core/json_text.hpp"
#include "core/records_json.hpp"
#include "geo/space_json.hpp"

using nlohmann::json;

namespace {

// Applies `patch` to `base` and reads the result with `read`, then checks that whatever read
// also reads back from its writable form (`writable`).
template <typename Read, typename Writable>
void read_and_patch(const json& doc, const json& base, Read&& read, Writable&& writable) {
    impetus::fuzz::expecting_errors([&] {
        auto record = read(doc);
        read(writable(record)); // must not throw: the record was valid a moment ago
    });
    impetus::fuzz::expecting_errors([&] { read(impetus::merge_patch(base, doc)); });
}

const json& workspace_base() {
    static const json base = impetus::writable_json(impetus::read_workspace(
        json{{"slug", "lille"}, {"name", "Lille"}, {"country", "FR"}, {"languages", {"fr"}}}));
    return base;
}

const json& space_base() {
    static const json base = impetus::geo::space_writable_json(impetus::geo::read_space_fields(
        json::parse(R"({"name":"Ancienne filature","kind":"building","geometry":{"type":"Polygon",
        "coordinates":[[[3.06,50.63],[3.07,50.63],[3.07,50.64],[3.06,50.64],[3.06,50.63]]]}})")));
    return base;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace impetus;
    json doc;
    try {
        doc = parse_json(fuzz::bytes_of(data, size), "the body");
    } catch (const Error&) {
        return 0;
    }
    read_and_patch(doc, workspace_base(), read_workspace,
                   [](const Workspace& w) { return writable_json(w); });
    read_and_patch(doc, writable_json(Organisation{}), read_organisation,
                   [](const Organisation& o) { return writable_json(o); });
    read_and_patch(
        doc, space_base(), [](const json& j) { return geo::read_space_fields(j); },
        [](const SpaceFields& f) { return geo::space_writable_json(f); });
    read_and_patch(doc, writable_json(Call{}), read_call,
                   [](const Call& c) { return writable_json(c); });
    read_and_patch(doc, writable_json(ApplicationFields{}), read_application_fields,
                   [](const ApplicationFields& f) { return writable_json(f); });
    // A Feature is flattened before it is read; whatever comes out serialises as the API
    // serialises responses.
    geo::flatten_feature(doc).dump(-1, ' ', false, json::error_handler_t::replace);
    return 0;
}
