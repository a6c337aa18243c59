// A French CNIG friches CSV (WKT or longitude/latitude, WGS84 or Lambert-93), through the
// importers' parse entry.

#include "importing.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    impetus::fuzz::parse_import(impetus::fuzz::bytes_of(data, size),
                                impetus::importers::ImportFormat::cnig);
    return 0;
}
