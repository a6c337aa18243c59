#include "media/photo.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <mutex>
#include <vips/vips.h>

namespace impetus::media {
namespace {

constexpr int k_jpeg_quality = 85;
constexpr std::size_t k_max_vips_message = 400;

struct ImageUnref {
    void operator()(VipsImage* image) const noexcept { g_object_unref(image); }
};
using ImagePtr = std::unique_ptr<VipsImage, ImageUnref>;

struct GFree {
    void operator()(void* p) const noexcept { g_free(p); }
};
using GBuffer = std::unique_ptr<void, GFree>;

// Takes and clears what libvips wrote to its error buffer, on one line. The buffer is one for the
// whole process, so under concurrent failures a message may carry another call's text too; the
// error kind never depends on it.
std::string take_vips_error() {
    std::unique_ptr<char, GFree> copy(vips_error_buffer_copy());
    std::string text = copy ? copy.get() : "";
    std::replace(text.begin(), text.end(), '\n', ' ');
    while (!text.empty() && text.back() == ' ') {
        text.pop_back();
    }
    if (text.size() > k_max_vips_message) {
        text.resize(k_max_vips_message);
        text += "...";
    }
    return text;
}

[[noreturn]] void fail(ErrorKind kind, const std::string& what) {
    const std::string detail = take_vips_error();
    throw Error(kind, detail.empty() ? what : what + " (" + detail + ")");
}

void ensure_vips() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (vips_init("impetus") != 0) {
            throw Error(ErrorKind::internal, "libvips could not be started");
        }
        // The loaders are chosen by our own sniffing below, but keep the ones libvips itself
        // marks as unsafe for untrusted input (ImageMagick, PDF, MATLAB...) out of reach too.
        vips_block_untrusted_set(TRUE);
        // The operation cache would hold uploaded pixels, and operations over buffers borrowed
        // for one call, after the call returns.
        vips_cache_set_max(0);
    });
}

// Opens the upload with the loader of its sniffed type only. libvips reads the header here and
// decodes pixels later, on demand, in one top-to-bottom pass; "fail_on error" turns truncation
// and corrupt data, which decoders otherwise report as warnings, into a failure.
ImagePtr open_lazily(ImageType type, std::string_view bytes) {
    void* data = const_cast<char*>(bytes.data()); // libvips does not write to a load buffer
    VipsImage* out = nullptr;
    int rc = -1;
    switch (type) {
    case ImageType::jpeg:
        rc = vips_jpegload_buffer(data, bytes.size(), &out, "access", VIPS_ACCESS_SEQUENTIAL,
                                  "fail_on", VIPS_FAIL_ON_ERROR, nullptr);
        break;
    case ImageType::png:
        rc = vips_pngload_buffer(data, bytes.size(), &out, "access", VIPS_ACCESS_SEQUENTIAL,
                                 "fail_on", VIPS_FAIL_ON_ERROR, nullptr);
        break;
    case ImageType::webp:
        rc = vips_webpload_buffer(data, bytes.size(), &out, "access", VIPS_ACCESS_SEQUENTIAL,
                                  "fail_on", VIPS_FAIL_ON_ERROR, nullptr);
        break;
    }
    if (rc != 0) {
        fail(ErrorKind::invalid_input,
             std::string("the photo is not a readable ") + to_string(type) + " image");
    }
    return ImagePtr(out);
}

void check_dimensions(VipsImage* image, const PhotoLimits& limits) {
    const auto width = static_cast<std::uint64_t>(vips_image_get_width(image));
    const auto height = static_cast<std::uint64_t>(vips_image_get_height(image));
    if (width == 0 || height == 0) {
        throw Error(ErrorKind::invalid_input, "the photo has no pixels");
    }
    if (width * height > limits.max_pixels) {
        throw Error(ErrorKind::too_large,
                    "the photo is " + std::to_string(width) + " x " + std::to_string(height) +
                        " pixels, more than the limit of " + std::to_string(limits.max_pixels) +
                        "; it was not decoded",
                    "send a photo of at most " + std::to_string(limits.max_pixels) + " pixels");
    }
}

// Replaces `image` by the result of a libvips operation `op(in, &out)`, or throws.
template <typename Op> void apply(ImagePtr& image, ErrorKind kind, const char* what, Op&& op) {
    VipsImage* out = nullptr;
    if (op(image.get(), &out) != 0) {
        fail(kind, what);
    }
    image.reset(out);
}

// 8-bit sRGB with three bands: colours converted through an embedded ICC profile when it can be
// used (otherwise by libvips' default conversions, e.g. for CMYK and 16-bit images), then any
// transparency flattened on white, since JPEG has no alpha.
void to_srgb8(ImagePtr& image) {
    if (vips_image_get_typeof(image.get(), VIPS_META_ICC_NAME) != 0) {
        VipsImage* out = nullptr;
        if (vips_icc_transform(image.get(), &out, "srgb", "embedded", TRUE, nullptr) == 0) {
            image.reset(out);
        } else {
            take_vips_error(); // a broken profile: fall back to the conversions below
        }
    }
    if (vips_image_guess_interpretation(image.get()) != VIPS_INTERPRETATION_sRGB) {
        apply(image, ErrorKind::invalid_input, "the photo's colours could not be converted",
              [](VipsImage* in, VipsImage** out) {
                  return vips_colourspace(in, out, VIPS_INTERPRETATION_sRGB, nullptr);
              });
    }
    if (vips_image_hasalpha(image.get())) {
        apply(image, ErrorKind::internal, "flattening transparency failed",
              [](VipsImage* in, VipsImage** out) {
                  VipsArrayDouble* white = vips_array_double_newv(3, 255.0, 255.0, 255.0);
                  const int rc = vips_flatten(in, out, "background", white, nullptr);
                  vips_area_unref(VIPS_AREA(white));
                  return rc;
              });
    }
    if (vips_image_get_format(image.get()) != VIPS_FORMAT_UCHAR) {
        apply(image, ErrorKind::internal, "converting to 8 bits failed",
              [](VipsImage* in, VipsImage** out) { return vips_cast_uchar(in, out, nullptr); });
    }
    if (vips_image_get_bands(image.get()) > 3) {
        apply(image, ErrorKind::internal, "dropping extra bands failed",
              [](VipsImage* in, VipsImage** out) {
                  return vips_extract_band(in, out, 0, "n", 3, nullptr);
              });
    }
    if (vips_image_get_bands(image.get()) != 3) {
        throw Error(ErrorKind::invalid_input, "the photo's colour model is not supported");
    }
}

// Scales down (never up) to fit in side x side, to exact integer sizes.
void fit_within(ImagePtr& image, int side, ErrorKind kind) {
    const int width = vips_image_get_width(image.get());
    const int height = vips_image_get_height(image.get());
    if (width <= side && height <= side) {
        return;
    }
    const double scale = static_cast<double>(side) / std::max(width, height);
    const int target_w = std::clamp(static_cast<int>(std::lround(width * scale)), 1, side);
    const int target_h = std::clamp(static_cast<int>(std::lround(height * scale)), 1, side);
    apply(image, kind, "the photo could not be decoded", [&](VipsImage* in, VipsImage** out) {
        return vips_resize(in, out, static_cast<double>(target_w) / width, "vscale",
                           static_cast<double>(target_h) / height, nullptr);
    });
    // libvips rounds its output size itself; never let it exceed the box
    const int got_w = vips_image_get_width(image.get());
    const int got_h = vips_image_get_height(image.get());
    if (got_w > target_w || got_h > target_h) {
        apply(image, ErrorKind::internal, "cropping to size failed",
              [&](VipsImage* in, VipsImage** out) {
                  return vips_extract_area(in, out, 0, 0, std::min(got_w, target_w),
                                           std::min(got_h, target_h), nullptr);
              });
    }
}

// Runs the whole pipeline from the upload (this is where its pixels are decoded and where a
// truncated or corrupt file fails) and returns a new image made of the pixels alone: it carries
// no field of the upload at all, whatever the encoder would or would not strip.
ImagePtr detach_pixels(VipsImage* image) {
    std::size_t size = 0;
    GBuffer pixels(vips_image_write_to_memory(image, &size));
    if (!pixels) {
        fail(ErrorKind::invalid_input, "the photo is corrupt or truncated");
    }
    VipsImage* fresh = vips_image_new_from_memory_copy(
        pixels.get(), size, vips_image_get_width(image), vips_image_get_height(image),
        vips_image_get_bands(image), VIPS_FORMAT_UCHAR);
    if (fresh == nullptr) {
        fail(ErrorKind::internal, "copying the photo's pixels failed");
    }
    return ImagePtr(fresh);
}

// EXIF orientation (CIPA DC-008, tag 0x0112) 2..8 turned into pixels, as viewers would show it.
void make_upright(ImagePtr& image, int orientation) {
    if (orientation < 2 || orientation > 8) {
        return;
    }
    vips_image_set_int(image.get(), VIPS_META_ORIENTATION, orientation);
    apply(image, ErrorKind::internal, "rotating the photo failed",
          [](VipsImage* in, VipsImage** out) { return vips_autorot(in, out, nullptr); });
}

std::string encode_jpeg(VipsImage* image) {
    void* data = nullptr;
    std::size_t size = 0;
    if (vips_jpegsave_buffer(image, &data, &size, "Q", k_jpeg_quality, "strip", TRUE,
                             "optimize_coding", TRUE, nullptr) != 0) {
        fail(ErrorKind::internal, "encoding the photo as JPEG failed");
    }
    GBuffer owner(data);
    return std::string(static_cast<const char*>(data), size);
}

} // namespace

std::optional<ImageType> sniff_image_type(std::string_view bytes) {
    if (bytes.starts_with("\xFF\xD8\xFF")) {
        return ImageType::jpeg;
    }
    if (bytes.starts_with(std::string_view("\x89PNG\r\n\x1A\n", 8))) {
        return ImageType::png;
    }
    // RIFF container (little-endian chunk size at 4..7) whose form type is WEBP
    if (bytes.size() >= 12 && bytes.starts_with("RIFF") && bytes.substr(8, 4) == "WEBP") {
        return ImageType::webp;
    }
    return std::nullopt;
}

const char* to_string(ImageType type) noexcept {
    switch (type) {
    case ImageType::jpeg: return "JPEG";
    case ImageType::png: return "PNG";
    case ImageType::webp: return "WebP";
    }
    return "unknown";
}

Photo process_photo(std::string_view bytes, const PhotoLimits& limits) {
    if (limits.max_side < 1 || limits.thumb_side < 1) {
        throw Error(ErrorKind::internal, "photo limits need positive sides");
    }
    if (bytes.empty()) {
        throw Error(ErrorKind::invalid_input, "the photo is empty");
    }
    if (bytes.size() > limits.max_bytes) {
        throw Error(ErrorKind::too_large, "the photo is " + std::to_string(bytes.size()) +
                                              " bytes, more than the limit of " +
                                              std::to_string(limits.max_bytes));
    }
    const auto type = sniff_image_type(bytes);
    if (!type) {
        throw Error(ErrorKind::unsupported_media,
                    "the photo is not an image type we accept: send a JPEG, PNG or WebP image",
                    "the type is read from the file's content, not from its name");
    }
    ensure_vips();

    ImagePtr image = open_lazily(*type, bytes);
    check_dimensions(image.get(), limits);
    const int orientation = vips_image_get_orientation(image.get());

    to_srgb8(image);
    // The box is square, so scaling before the rotation gives the same size as after it, and
    // the rotation, which needs random access, then works on the small image in memory.
    fit_within(image, limits.max_side, ErrorKind::invalid_input);
    ImagePtr upright = detach_pixels(image.get());
    image.reset();
    make_upright(upright, orientation);

    Photo photo;
    photo.jpeg = encode_jpeg(upright.get());
    photo.width = vips_image_get_width(upright.get());
    photo.height = vips_image_get_height(upright.get());

    fit_within(upright, limits.thumb_side, ErrorKind::internal);
    photo.thumbnail_jpeg = encode_jpeg(upright.get());
    photo.thumb_width = vips_image_get_width(upright.get());
    photo.thumb_height = vips_image_get_height(upright.get());
    return photo;
}

} // namespace impetus::media
