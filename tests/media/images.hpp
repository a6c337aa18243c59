#pragma once

// Test images made on the spot: pictures drawn and encoded with libvips, an EXIF block written
// byte by byte (so that the GPS position in it is known exactly), hand-made PNG chunks, and a
// reader of JPEG marker segments to see what an output file carries.

#include <algorithm>
#include <cstdint>
#include <gtest/gtest.h>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>
#include <vips/vips.h>
#include <zlib.h>

namespace impetus::media::test {

struct ImageUnref {
    void operator()(VipsImage* image) const noexcept { g_object_unref(image); }
};
using Image = std::unique_ptr<VipsImage, ImageUnref>;

inline void start_vips() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (vips_init("media_tests") != 0) {
            throw std::runtime_error("vips_init failed");
        }
    });
}

[[noreturn]] inline void vips_failed(const char* what) {
    std::string text = vips_error_buffer();
    vips_error_clear();
    throw std::runtime_error(std::string(what) + ": " + text);
}

// The image a libvips operation writes through `op(&out)`, or an exception.
template <typename Op> Image make(const char* what, Op&& op) {
    VipsImage* out = nullptr;
    if (op(&out) != 0) {
        vips_failed(what);
    }
    return Image(out);
}

inline Image as_srgb(VipsImage* image) {
    return make("copy", [&](VipsImage** out) {
        return vips_copy(image, out, "interpretation", VIPS_INTERPRETATION_sRGB, nullptr);
    });
}

inline Image grey_to_rgb(VipsImage* grey) {
    VipsImage* bands[3] = {grey, grey, grey};
    Image rgb =
        make("bandjoin", [&](VipsImage** out) { return vips_bandjoin(bands, out, 3, nullptr); });
    return as_srgb(rgb.get());
}

// A w x h sRGB picture: top half white, bottom half black, so that a rotation shows.
inline Image two_halves(int width, int height) {
    start_vips();
    Image coords =
        make("xyz", [&](VipsImage** out) { return vips_xyz(out, width, height, nullptr); });
    Image rows = make("extract_band", [&](VipsImage** out) {
        return vips_extract_band(coords.get(), out, 1, nullptr);
    });
    Image top = make("relational", [&](VipsImage** out) {
        return vips_relational_const1(rows.get(), out, VIPS_OPERATION_RELATIONAL_LESS, height / 2.0,
                                      nullptr);
    });
    return grey_to_rgb(top.get());
}

// A w x h picture of one colour; `colour` has 1 (grey), 3 (sRGB) or 4 (sRGB + alpha) values.
inline Image plain(int width, int height, std::vector<double> colour) {
    start_vips();
    const int bands = static_cast<int>(colour.size());
    Image base = make("black", [&](VipsImage** out) {
        return vips_black(out, width, height, "bands", bands, nullptr);
    });
    std::vector<double> ones(colour.size(), 1.0);
    Image filled = make("linear", [&](VipsImage** out) {
        return vips_linear(base.get(), out, ones.data(), colour.data(), bands, "uchar", TRUE,
                           nullptr);
    });
    if (bands >= 3) {
        return as_srgb(filled.get());
    }
    return make("copy", [&](VipsImage** out) {
        return vips_copy(filled.get(), out, "interpretation", VIPS_INTERPRETATION_B_W, nullptr);
    });
}

// Grey noise: compresses badly, so that a cut file misses most of its pixels.
inline Image noise(int width, int height) {
    start_vips();
    Image gauss = make("gaussnoise", [&](VipsImage** out) {
        return vips_gaussnoise(out, width, height, "mean", 128.0, "sigma", 60.0, nullptr);
    });
    Image grey =
        make("cast", [&](VipsImage** out) { return vips_cast_uchar(gauss.get(), out, nullptr); });
    return grey_to_rgb(grey.get());
}

inline std::string take_buffer(int rc, void* data, std::size_t size, const char* what) {
    if (rc != 0) {
        vips_failed(what);
    }
    std::string out(static_cast<const char*>(data), size);
    g_free(data);
    return out;
}

// JPEG that keeps whatever metadata the image carries (strip is off by default).
inline std::string to_jpeg(VipsImage* image) {
    void* data = nullptr;
    std::size_t size = 0;
    int rc = vips_jpegsave_buffer(image, &data, &size, "Q", 90, nullptr);
    return take_buffer(rc, data, size, "jpegsave");
}

inline std::string to_png(VipsImage* image) {
    void* data = nullptr;
    std::size_t size = 0;
    int rc = vips_pngsave_buffer(image, &data, &size, nullptr);
    return take_buffer(rc, data, size, "pngsave");
}

inline std::string to_webp(VipsImage* image) {
    void* data = nullptr;
    std::size_t size = 0;
    int rc = vips_webpsave_buffer(image, &data, &size, nullptr);
    return take_buffer(rc, data, size, "webpsave");
}

// Decodes a file with libvips' own detection, to inspect what a reader would see.
inline Image load(const std::string& bytes) {
    start_vips();
    VipsImage* out = vips_image_new_from_buffer(bytes.data(), bytes.size(), "", nullptr);
    if (out == nullptr) {
        vips_failed("new_from_buffer");
    }
    // the lazy image reads from `bytes`: decode it now, while they live
    Image lazy(out);
    VipsImage* copy = vips_image_copy_memory(lazy.get());
    if (copy == nullptr) {
        vips_failed("copy_memory");
    }
    return Image(copy);
}

inline bool has_field(VipsImage* image, const char* name) {
    return vips_image_get_typeof(image, name) != 0;
}

inline std::vector<std::string> field_names(VipsImage* image) {
    std::vector<std::string> out;
    gchar** fields = vips_image_get_fields(image);
    for (gchar** f = fields; *f != nullptr; ++f) {
        out.emplace_back(*f);
    }
    g_strfreev(fields);
    return out;
}

// The pixel at (x, y), one value per band.
inline std::vector<double> pixel(VipsImage* image, int x, int y) {
    double* values = nullptr;
    int n = 0;
    if (vips_getpoint(image, &values, &n, x, y, nullptr) != 0) {
        vips_failed("getpoint");
    }
    std::vector<double> out(values, values + n);
    g_free(values);
    return out;
}

// ---- EXIF (CIPA DC-008 / TIFF 6.0), little-endian, written by hand ----

inline void put16(std::string& out, std::uint16_t v) {
    out += static_cast<char>(v & 0xFF);
    out += static_cast<char>(v >> 8);
}

inline void put32(std::string& out, std::uint32_t v) {
    put16(out, static_cast<std::uint16_t>(v & 0xFFFF));
    put16(out, static_cast<std::uint16_t>(v >> 16));
}

inline void put_be16(std::string& out, std::uint16_t v) {
    out += static_cast<char>(v >> 8);
    out += static_cast<char>(v & 0xFF);
}

inline void put_be32(std::string& out, std::uint32_t v) {
    put_be16(out, static_cast<std::uint16_t>(v >> 16));
    put_be16(out, static_cast<std::uint16_t>(v & 0xFFFF));
}

// One 12-byte IFD entry; `value` is the inline value or the offset of the data.
inline void put_entry(std::string& out, std::uint16_t tag, std::uint16_t type, std::uint32_t count,
                      std::uint32_t value) {
    put16(out, tag);
    put16(out, type);
    put32(out, count);
    put32(out, value);
}

constexpr std::uint16_t k_byte = 1, k_ascii = 2, k_short = 3, k_long = 4, k_rational = 5;

// A TIFF structure with IFD0 (Orientation and, when `gps`, a GPS IFD pointer) and a GPS IFD
// placing the camera at 51 deg 30' 26.42" N, 0 deg 7' 39.99" E.
inline std::string exif_tiff(int orientation, bool gps) {
    const std::uint32_t ifd0 = 8;
    const std::uint16_t ifd0_entries = gps ? 2 : 1;
    const std::uint32_t gps_ifd = ifd0 + 2 + 12 * ifd0_entries + 4;
    const std::uint16_t gps_entries = 5;
    const std::uint32_t gps_data = gps_ifd + 2 + 12 * gps_entries + 4;
    const std::uint32_t latitude = gps_data;
    const std::uint32_t longitude = gps_data + 24;

    std::string t = "II";
    put16(t, 42);
    put32(t, ifd0);
    put16(t, ifd0_entries);
    // Orientation: SHORT, left-justified in the 4-byte value field
    put_entry(t, 0x0112, k_short, 1, static_cast<std::uint32_t>(orientation));
    if (gps) {
        put_entry(t, 0x8825, k_long, 1, gps_ifd);
    }
    put32(t, 0); // no IFD1
    if (!gps) {
        return t;
    }
    put16(t, gps_entries);
    put_entry(t, 0x0000, k_byte, 4, 0x00000302);    // GPSVersionID 2.3.0.0
    put_entry(t, 0x0001, k_ascii, 2, 'N');          // GPSLatitudeRef "N\0"
    put_entry(t, 0x0002, k_rational, 3, latitude);  // GPSLatitude
    put_entry(t, 0x0003, k_ascii, 2, 'E');          // GPSLongitudeRef "E\0"
    put_entry(t, 0x0004, k_rational, 3, longitude); // GPSLongitude
    put32(t, 0);
    for (std::uint32_t v : {51u, 1u, 30u, 1u, 2642u, 100u, 0u, 1u, 7u, 1u, 3999u, 100u}) {
        put32(t, v);
    }
    return t;
}

// The JPEG with an APP1 "Exif" segment inserted right after SOI.
inline std::string with_exif(const std::string& jpeg, int orientation, bool gps) {
    const std::string tiff = exif_tiff(orientation, gps);
    std::string app1 = "\xFF\xE1";
    put_be16(app1, static_cast<std::uint16_t>(2 + 6 + tiff.size()));
    app1 += std::string_view("Exif\0\0", 6);
    app1 += tiff;
    return jpeg.substr(0, 2) + app1 + jpeg.substr(2);
}

struct Segment {
    unsigned char marker;
    std::string payload;
};

// The marker segments of a JPEG before its first scan (ITU T.81, B.1.1.4).
inline std::vector<Segment> jpeg_segments(const std::string& jpeg) {
    std::vector<Segment> out;
    if (jpeg.size() < 4 || static_cast<unsigned char>(jpeg[0]) != 0xFF ||
        static_cast<unsigned char>(jpeg[1]) != 0xD8) {
        ADD_FAILURE() << "not a JPEG";
        return out;
    }
    std::size_t at = 2;
    while (at + 4 <= jpeg.size()) {
        if (static_cast<unsigned char>(jpeg[at]) != 0xFF) {
            ADD_FAILURE() << "marker expected at " << at;
            return out;
        }
        const auto marker = static_cast<unsigned char>(jpeg[at + 1]);
        const std::size_t length = (static_cast<unsigned char>(jpeg[at + 2]) << 8) |
                                   static_cast<unsigned char>(jpeg[at + 3]);
        out.push_back({marker, jpeg.substr(at + 4, length - 2)});
        if (marker == 0xDA) { // start of scan: entropy-coded data follows
            break;
        }
        at += 2 + length;
    }
    return out;
}

// ---- PNG (ISO/IEC 15948) chunks ----

inline std::string png_chunk(std::string_view type, std::string_view data) {
    std::string out;
    put_be32(out, static_cast<std::uint32_t>(data.size()));
    std::string body = std::string(type) + std::string(data);
    out += body;
    put_be32(out, static_cast<std::uint32_t>(
                      crc32(0, reinterpret_cast<const Bytef*>(body.data()), body.size())));
    return out;
}

inline std::string png_ihdr(std::uint32_t width, std::uint32_t height, int bit_depth,
                            int colour_type) {
    std::string ihdr;
    put_be32(ihdr, width);
    put_be32(ihdr, height);
    ihdr += static_cast<char>(bit_depth);
    ihdr += static_cast<char>(colour_type);
    ihdr += std::string(3, '\0'); // deflate, adaptive filtering, no interlace
    return png_chunk("IHDR", ihdr);
}

inline const std::string k_png_signature("\x89PNG\r\n\x1A\n", 8);

// A true decompression bomb: a 1-bit grey PNG of width x height pixels, every row filter 0 and
// all zero, deflated. The file is small; its pixels are not.
inline std::string png_bomb(std::uint32_t width, std::uint32_t height) {
    const std::size_t row = 1 + (width + 7) / 8;
    const std::string block(row * 256, '\0');
    z_stream z{};
    deflateInit(&z, Z_BEST_COMPRESSION);
    std::string idat;
    std::string out_block(1 << 16, '\0');
    std::size_t rows_left = height;
    for (;;) {
        const std::size_t rows = std::min<std::size_t>(rows_left, 256);
        rows_left -= rows;
        z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(block.data()));
        z.avail_in = static_cast<uInt>(rows * row);
        const int flush = rows_left == 0 ? Z_FINISH : Z_NO_FLUSH;
        int rc = Z_OK;
        do {
            z.next_out = reinterpret_cast<Bytef*>(out_block.data());
            z.avail_out = static_cast<uInt>(out_block.size());
            rc = deflate(&z, flush);
            idat.append(out_block.data(), out_block.size() - z.avail_out);
        } while (z.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
        if (rows_left == 0) {
            break;
        }
    }
    deflateEnd(&z);
    return k_png_signature + png_ihdr(width, height, 1, 0) + png_chunk("IDAT", idat) +
           png_chunk("IEND", "");
}

} // namespace impetus::media::test
