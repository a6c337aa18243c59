#pragma once

// Photos that citizens attach to reports. An upload is untrusted and personal: the camera may
// have written where it stood (EXIF GPS), who took the picture and with what. A photo is accepted
// only by its content (magic bytes), within byte and pixel limits checked from the header before
// any pixel is decoded, and only re-encoded: the stored JPEG and its thumbnail are new files made
// from decoded pixels, so no metadata of the upload survives (EXIF, GPS, XMP, IPTC, ICC).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace impetus::media {

struct PhotoLimits {
    std::size_t max_bytes = 10u << 20;
    // width * height read from the header; above it the upload is refused as a decompression
    // bomb before its pixels are decoded
    std::uint64_t max_pixels = 40'000'000;
    // re-encoded photos are scaled down to fit in max_side x max_side (never scaled up)
    int max_side = 2560;
    int thumb_side = 320;
};

enum class ImageType { jpeg, png, webp };

// The type named by the first bytes alone (JPEG FF D8 FF; PNG 89 50 4E 47 0D 0A 1A 0A; WebP
// "RIFF" <size> "WEBP"). Anything else, a GIF, an SVG, a HEIC, a PDF, text or HTML, whatever the
// file was called, is nullopt.
std::optional<ImageType> sniff_image_type(std::string_view bytes);

const char* to_string(ImageType type) noexcept;

struct Photo {
    std::string jpeg; // baseline JPEG, sRGB, upright, no metadata
    int width = 0;
    int height = 0;
    std::string thumbnail_jpeg; // the same picture within thumb_side x thumb_side
    int thumb_width = 0;
    int thumb_height = 0;
};

// Checks, decodes and re-encodes an uploaded photo. Throws impetus::Error:
// - invalid_input: empty, or a corrupt or truncated image;
// - too_large: more than max_bytes, or more than max_pixels (checked from the header, before
//   decoding);
// - unsupported_media: not a JPEG, PNG or WebP by content.
// The EXIF orientation is applied to the pixels, colours are converted to sRGB from an embedded
// ICC profile, transparency is flattened on white. Safe to call from several threads at once.
Photo process_photo(std::string_view bytes, const PhotoLimits& limits = {});

} // namespace impetus::media
