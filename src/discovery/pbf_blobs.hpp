#pragma once

// Internal to the discovery module, and exposed for its fuzz target: the walk over the blob
// headers of a PBF file that check_extract uses to refuse a truncated file.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace impetus::discovery::detail {

// A PBF file is a sequence of blobs: a 4-byte big-endian length, a BlobHeader message (field 1
// the type, "OSMHeader" or "OSMData"; field 3 the size of the blob that follows) and the blob
// (OSM wiki "PBF Format").
struct Blob {
    std::uint64_t offset = 0; // of the length prefix
    std::uint64_t size = 0;   // length prefix, header and blob
};

struct BlobScan {
    std::vector<Blob> blobs;
    bool complete = false;             // the blobs cover the file exactly
    std::optional<std::uint64_t> cut;  // the file ends inside the blob starting here
};

// Walks the blob headers of the file at `path`, `file_size` bytes long. Stops early (complete
// false, no cut) at a header it cannot parse: the reader then reports the damage.
BlobScan scan_blobs(const std::string& path, std::uint64_t file_size);

} // namespace impetus::discovery::detail
