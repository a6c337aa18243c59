// Uploaded photos: the type by magic bytes, the byte and pixel limits read from the header
// before any pixel is decoded, and the decoding and re-encoding, with small limits so that no
// large image is ever decoded here. What comes out is a JPEG within the limits.

#include "fuzz.hpp"

#include "media/photo.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace impetus;
    media::PhotoLimits limits;
    limits.max_bytes = 64 * 1024;
    limits.max_pixels = 256 * 256;
    limits.max_side = 64;
    limits.thumb_side = 16;
    const std::string_view bytes = fuzz::bytes_of(data, size);
    media::sniff_image_type(bytes);
    fuzz::expecting_errors([&] {
        const media::Photo photo = media::process_photo(bytes, limits);
        IMPETUS_FUZZ_CHECK(media::sniff_image_type(photo.jpeg) == media::ImageType::jpeg);
        IMPETUS_FUZZ_CHECK(photo.width >= 1 && photo.width <= limits.max_side);
        IMPETUS_FUZZ_CHECK(photo.height >= 1 && photo.height <= limits.max_side);
        IMPETUS_FUZZ_CHECK(photo.thumb_width >= 1 && photo.thumb_width <= limits.thumb_side);
        IMPETUS_FUZZ_CHECK(photo.thumb_height >= 1 && photo.thumb_height <= limits.thumb_side);
    });
    return 0;
}
