// GeoJSON: the importer's parse path, the geometry reader of the API (topology checked) and the
// reader of the store's geometry text. What the API reads must come back unchanged from the
// text the store writes, and the store's reader must read what the general reader reads.

#include "importing.hpp"

#include "core/json_text.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace impetus;
    const std::string_view bytes = fuzz::bytes_of(data, size);
    fuzz::parse_import(bytes, importers::ImportFormat::geojson);

    std::optional<nlohmann::json> doc;
    fuzz::expecting_errors([&] { doc = parse_json(bytes, "the body"); });
    std::optional<Geometry> stored;
    fuzz::expecting_errors([&] { stored = geo::geometry_from_text(bytes); });
    if (!doc) return 0;
    FieldErrors errors;
    if (auto g = geo::read_geometry(*doc, "/geometry", errors)) {
        IMPETUS_FUZZ_CHECK(errors.empty());
        IMPETUS_FUZZ_CHECK(geo::geometry_from_text(geo::geometry_to_text(*g)) == *g);
    }
    FieldErrors unchecked;
    const auto general = geo::read_geometry(*doc, "", unchecked, false);
    if (stored && general) IMPETUS_FUZZ_CHECK(*stored == *general);
    // The store's reader takes nothing the general reader refuses.
    if (stored) IMPETUS_FUZZ_CHECK(general.has_value());
    return 0;
}
