// The checks that refuse a truncated or corrupt OpenStreetMap extract before libosmium reads it:
// the PBF signature and the walk over the blob headers. The bytes are a file in memory
// (memfd), reached by its /proc path as the real checks open a path.

#include "fuzz.hpp"

#include "discovery/discovery.hpp"
#include "discovery/pbf_blobs.hpp"

#include <string>
#include <sys/mman.h>
#include <unistd.h>

namespace {

// One in-memory file for the whole run, rewritten for each input.
const std::string& file_with(const std::uint8_t* data, std::size_t size) {
    static const int fd = memfd_create("extract.osm.pbf", 0);
    static const std::string path = "/proc/self/fd/" + std::to_string(fd);
    if (fd < 0 || ftruncate(fd, 0) != 0) std::abort();
    for (std::size_t done = 0; done < size;) {
        const ssize_t n = pwrite(fd, data + done, size - done, static_cast<off_t>(done));
        if (n <= 0) std::abort();
        done += static_cast<std::size_t>(n);
    }
    return path;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace impetus;
    const std::string& path = file_with(data, size);
    fuzz::expecting_errors([&] {
        IMPETUS_FUZZ_CHECK(discovery::check_extract(path, "the extract") == size);
    });

    const auto scan = discovery::detail::scan_blobs(path, size);
    std::uint64_t offset = 0;
    for (const auto& blob : scan.blobs) {
        IMPETUS_FUZZ_CHECK(blob.offset == offset && blob.size > 4);
        offset += blob.size;
    }
    IMPETUS_FUZZ_CHECK(offset <= size);
    IMPETUS_FUZZ_CHECK(scan.complete == (offset == size));
    if (scan.cut) IMPETUS_FUZZ_CHECK(!scan.complete && *scan.cut == offset && *scan.cut < size);
    return 0;
}
