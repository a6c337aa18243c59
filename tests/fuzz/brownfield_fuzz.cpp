// An England brownfield land register CSV, through the importers' parse entry.

#include "importing.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    impetus::fuzz::parse_import(impetus::fuzz::bytes_of(data, size),
                                impetus::importers::ImportFormat::brownfield);
    return 0;
}
