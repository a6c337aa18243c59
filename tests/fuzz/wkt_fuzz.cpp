// Well-known text as the CNIG importer reads it. A geometry that reads comes back unchanged
// from the WKT the CSV export writes.

#include "fuzz.hpp"

#include "exports/exports.hpp"
#include "importers/wkt.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace impetus;
    std::string error;
    const auto wkt = importers::read_wkt(fuzz::bytes_of(data, size), error);
    if (!wkt) {
        IMPETUS_FUZZ_CHECK(!error.empty());
        return 0;
    }
    const std::string written = exports::to_wkt(wkt->geometry);
    const auto again = importers::read_wkt(written, error);
    IMPETUS_FUZZ_CHECK(again.has_value());
    IMPETUS_FUZZ_CHECK(again->geometry == wkt->geometry);
    return 0;
}
