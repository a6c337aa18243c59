// Parsers of outside input must never fail other than with impetus::Error: every prefix of the
// fixtures (cut anywhere, mid-quote or mid-UTF-8 sequence) and byte-flipped copies are parsed.
// The uncut fixtures are valid files: they must parse without an error.
// A cheap stand-in until the parsers get libFuzzer targets.

#include "importers/support.hpp"

#include <random>

namespace impetus::importers {
namespace {

void parse_all_ways(const std::string& bytes, const std::string& name) {
    ImportOptions o;
    o.file_name = name;
    auto attempt = [&](std::string_view text) {
        try {
            parse_file(text, o);
        } catch (const Error&) {
            // a whole-file rejection is a fine answer
        }
    };
    // The whole file is valid: it parses, with records, and without an error.
    ParsedFile whole;
    try {
        whole = parse_file(bytes, o);
    } catch (const Error& e) {
        ADD_FAILURE() << name << ", uncut, is refused: " << e.what();
    }
    EXPECT_FALSE(whole.records.empty()) << name << ", uncut, gives no record";
    const std::size_t step = std::max<std::size_t>(1, bytes.size() / 25);
    for (std::size_t n = 0; n < bytes.size(); n += step) {
        attempt(std::string_view(bytes).substr(0, n));
    }
    std::mt19937 rng(42);
    for (int round = 0; round < 15 && !bytes.empty(); ++round) {
        std::string mutated = bytes;
        for (int k = 0; k < 4; ++k) {
            mutated[rng() % mutated.size()] = static_cast<char>(rng() % 256);
        }
        attempt(mutated);
    }
}

TEST(Robustness, CsvFixtures) {
    for (const char* name :
         {"import-brownfield-2017.csv", "import-brownfield-broken.csv", "import-friches.csv"}) {
        parse_all_ways(test_support::test_data(name), name);
    }
}

TEST(Robustness, GeoJson) {
    parse_all_ways(R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":
        "EPSG:27700"}},"features":[{"type":"Feature","id":"a","geometry":{"type":"Polygon",
        "coordinates":[[[530800,104300],[530900,104300],[530900,104400],[530800,104300]]]},
        "properties":{"name":"A","kind":"plot","status":"ended","source_attributes":{"x":1},
        "area_source":"computed","area_m2":12}},{"type":"Feature","id":2,"geometry":null,
        "properties":null}]})",
                   "robust.geojson");
}

} // namespace
} // namespace impetus::importers
