// Uploaded photos: accepted by content only, limited before decoding, re-encoded without any of
// the upload's metadata (above all the camera's GPS position), upright, and thumbnailed.

#include "media/images.hpp"
#include "media/photo.hpp"
#include "support/errors.hpp"

#include <array>
#include <atomic>
#include <cmath>
#include <gtest/gtest.h>
#include <thread>

namespace impetus::media {
namespace {

using impetus::test::catch_error;
using namespace impetus::media::test;
using namespace std::string_view_literals;

// Fields under which libvips reports metadata it read from a file.
bool is_metadata_field(const std::string& name) {
    return name.starts_with("exif-") || name.starts_with("xmp-") || name.starts_with("iptc-") ||
           name.starts_with("icc-") || name == "orientation" || name.starts_with("gps");
}

// Everything a reader can find in an output JPEG, checked two ways: the marker segments (only
// APP0 JFIF may come before the frame) and libvips' own reading of it.
void expect_no_metadata(const std::string& jpeg) {
    for (const auto& segment : jpeg_segments(jpeg)) {
        const bool app = segment.marker >= 0xE0 && segment.marker <= 0xEF;
        if (app) {
            EXPECT_EQ(segment.marker, 0xE0) << "APP" << (segment.marker - 0xE0) << " segment";
            EXPECT_TRUE(segment.payload.starts_with(std::string_view("JFIF\0", 5)));
        }
        EXPECT_NE(segment.marker, 0xFE) << "comment segment";
    }
    EXPECT_EQ(jpeg.find(std::string_view("Exif\0\0", 6)), std::string::npos);
    Image decoded = load(jpeg);
    for (const auto& name : field_names(decoded.get())) {
        EXPECT_FALSE(is_metadata_field(name)) << name;
    }
}

// The photo and thumbnail sizes, as reported and as the two files really are.
void expect_sizes(const Photo& photo, int width, int height, int thumb_width, int thumb_height) {
    EXPECT_EQ(photo.width, width);
    EXPECT_EQ(photo.height, height);
    EXPECT_EQ(photo.thumb_width, thumb_width);
    EXPECT_EQ(photo.thumb_height, thumb_height);
    Image main = load(photo.jpeg);
    EXPECT_EQ(vips_image_get_width(main.get()), photo.width);
    EXPECT_EQ(vips_image_get_height(main.get()), photo.height);
    Image thumb = load(photo.thumbnail_jpeg);
    EXPECT_EQ(vips_image_get_width(thumb.get()), photo.thumb_width);
    EXPECT_EQ(vips_image_get_height(thumb.get()), photo.thumb_height);
}

void expect_near(const std::vector<double>& got, const std::vector<double>& want,
                 double tolerance) {
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
        EXPECT_NEAR(got[i], want[i], tolerance) << "band " << i;
    }
}

// ---- sniffing ----

TEST(SniffImageType, KnowsTheThreeTypesByTheirMagicBytes) {
    EXPECT_EQ(sniff_image_type("\xFF\xD8\xFF\xE0rest"), ImageType::jpeg);
    EXPECT_EQ(sniff_image_type(std::string_view("\x89PNG\r\n\x1A\n\0\0", 10)), ImageType::png);
    EXPECT_EQ(sniff_image_type(std::string_view("RIFF\x10\0\0\0WEBPVP8 ", 16)), ImageType::webp);
    Image picture = plain(8, 8, {10, 20, 30});
    EXPECT_EQ(sniff_image_type(to_jpeg(picture.get())), ImageType::jpeg);
    EXPECT_EQ(sniff_image_type(to_png(picture.get())), ImageType::png);
    EXPECT_EQ(sniff_image_type(to_webp(picture.get())), ImageType::webp);
}

TEST(SniffImageType, RefusesEverythingElse) {
    const std::vector<std::string> others = {
        "",
        "\xFF\xD8",                           // JPEG SOI cut short
        std::string("\x89PNG\r\n\x1A", 7),    // PNG signature cut short
        "GIF89a\x01\x00\x01\x00\x80\x00\x00", // GIF
        "GIF87a",                             // GIF
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1\" height=\"1\"/>",
        "<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        std::string("\0\0\0\x18"
                    "ftypheic\0\0\0\0mif1heic",
                    24), // HEIC
        std::string("\0\0\0\x1C"
                    "ftypavif\0\0\0\0avifmif1",
                    24),                 // AVIF
        "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n", // PDF
        "<!DOCTYPE html><html><body><img src=x onerror=alert(1)></body></html>",
        "a photo of the site on Mill Lane\n",      // text
        std::string("RIFF\x24\0\0\0WAVEfmt ", 16), // RIFF, but a WAVE
        "RIFF",                                    // RIFF cut short
        "BM\x3A\0\0\0\0\0",                        // BMP
        std::string("II*\0\x08\0\0\0", 8),         // TIFF
        " \xFF\xD8\xFF\xE0",                       // JPEG after a space
    };
    for (const auto& bytes : others) {
        EXPECT_EQ(sniff_image_type(bytes), std::nullopt) << bytes;
    }
}

// ---- what is refused, and as what ----

TEST(ProcessPhoto, EmptyUploadIsInvalid) {
    EXPECT_EQ(catch_error([] { process_photo(""); }).kind(), ErrorKind::invalid_input);
}

TEST(ProcessPhoto, TextNamedJpgIsUnsupportedAndTheMessageNamesTheAcceptedTypes) {
    // what a "site.jpg" that is really a text file holds: its name is not looked at
    const std::string text = "Vacant since 2019, gate on the east side.\n";
    Error e = catch_error([&] { process_photo(text); });
    EXPECT_EQ(e.kind(), ErrorKind::unsupported_media);
    const std::string message = e.what();
    EXPECT_NE(message.find("JPEG"), std::string::npos) << message;
    EXPECT_NE(message.find("PNG"), std::string::npos) << message;
    EXPECT_NE(message.find("WebP"), std::string::npos) << message;
}

TEST(ProcessPhoto, GifSvgHeicPdfAndHtmlAreUnsupported) {
    const std::vector<std::string> uploads = {
        // a whole 1x1 GIF89a (header, palette, image descriptor, LZW data, trailer)
        std::string("GIF89a\x01\x00\x01\x00\x80\x00\x00\xFF\xFF\xFF\x00\x00\x00"
                    ",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00;"sv),
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4000\" height=\"4000\">"
        "<rect width=\"4000\" height=\"4000\" fill=\"red\"/></svg>",
        std::string("\0\0\0\x18"
                    "ftypheic\0\0\0\0mif1heic",
                    24),
        "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n",
        "<!DOCTYPE html><html><body>photo</body></html>",
    };
    for (const auto& bytes : uploads) {
        EXPECT_EQ(catch_error([&] { process_photo(bytes); }).kind(), ErrorKind::unsupported_media)
            << bytes.substr(0, 12);
    }
}

TEST(ProcessPhoto, MoreBytesThanTheLimitIsTooLarge) {
    const std::string jpeg = to_jpeg(noise(200, 200).get());
    PhotoLimits limits;
    limits.max_bytes = jpeg.size() - 1;
    EXPECT_EQ(catch_error([&] { process_photo(jpeg, limits); }).kind(), ErrorKind::too_large);
    limits.max_bytes = jpeg.size();
    EXPECT_EQ(process_photo(jpeg, limits).width, 200);
    // the size is checked before the content: too many bytes of anything are too large
    limits.max_bytes = 10;
    EXPECT_EQ(catch_error([&] { process_photo(std::string(11, 'x'), limits); }).kind(),
              ErrorKind::too_large);
}

TEST(ProcessPhoto, DecompressionBombPngIsRefusedFromItsHeader) {
    // 30000 x 30000 = 900 megapixels, a few gigabytes once decoded, from a small file
    const std::string bomb = png_bomb(30000, 30000);
    ASSERT_LT(bomb.size(), 1u << 20);
    Error e = catch_error([&] { process_photo(bomb); });
    EXPECT_EQ(e.kind(), ErrorKind::too_large);
    EXPECT_NE(std::string(e.what()).find("30000 x 30000"), std::string::npos) << e.what();
}

TEST(ProcessPhoto, HugeDimensionsAreRefusedBeforeAnyPixelIsDecoded) {
    // Headers that promise more pixels than the limit, followed by data that could not be
    // decoded at all: decoding would fail as invalid_input, so too_large shows that the
    // dimensions were refused from the header alone.
    const std::string garbage_png = k_png_signature + png_ihdr(20000, 20000, 8, 2) +
                                    png_chunk("IDAT", "not deflate data") + png_chunk("IEND", "");
    EXPECT_EQ(catch_error([&] { process_photo(garbage_png); }).kind(), ErrorKind::too_large);

    // a JPEG whose SOF0 frame header is rewritten to 60000 x 60000 (ITU T.81, B.2.2)
    std::string jpeg = to_jpeg(noise(64, 64).get());
    const auto sof = jpeg.find("\xFF\xC0");
    ASSERT_NE(sof, std::string::npos);
    for (std::size_t i : {sof + 5, sof + 7}) {
        jpeg[i] = static_cast<char>(0xEA); // 0xEA60 = 60000
        jpeg[i + 1] = static_cast<char>(0x60);
    }
    EXPECT_EQ(catch_error([&] { process_photo(jpeg); }).kind(), ErrorKind::too_large);
}

TEST(ProcessPhoto, PixelLimitIsTheProductOfWidthAndHeight) {
    const std::string png = to_png(plain(100, 100, {1, 2, 3}).get());
    PhotoLimits limits;
    limits.max_pixels = 9'999;
    EXPECT_EQ(catch_error([&] { process_photo(png, limits); }).kind(), ErrorKind::too_large);
    limits.max_pixels = 10'000;
    EXPECT_EQ(process_photo(png, limits).width, 100);
}

TEST(ProcessPhoto, TruncatedFilesAreInvalid) {
    Image picture = noise(400, 300);
    const std::vector<std::pair<const char*, std::string>> files = {
        {"jpeg", to_jpeg(picture.get())},
        {"png", to_png(picture.get())},
        {"webp", to_webp(picture.get())},
    };
    for (const auto& [name, bytes] : files) {
        const std::string cut = bytes.substr(0, bytes.size() / 2);
        Error e = catch_error([&] { process_photo(cut); });
        EXPECT_EQ(e.kind(), ErrorKind::invalid_input) << name << ": " << e.what();
    }
}

TEST(ProcessPhoto, MagicBytesFollowedByGarbageAreInvalid) {
    for (std::string bytes : {std::string("\xFF\xD8\xFF\xE0") + std::string(200, 'z'),
                              k_png_signature + std::string(200, 'z'),
                              std::string("RIFF\xC8\0\0\0WEBP", 12) + std::string(200, 'z')}) {
        Error e = catch_error([&] { process_photo(bytes); });
        EXPECT_EQ(e.kind(), ErrorKind::invalid_input) << e.what();
    }
}

// ---- what comes out ----

TEST(ProcessPhoto, GpsExifIsGoneFromTheOutput) {
    const std::string upload = with_exif(to_jpeg(noise(300, 200).get()), 1, true);
    {
        // the upload really carries the position, as libvips reads it
        Image original = load(upload);
        EXPECT_TRUE(has_field(original.get(), "exif-data"));
        EXPECT_TRUE(has_field(original.get(), "exif-ifd3-GPSLatitude"));
        EXPECT_TRUE(has_field(original.get(), "exif-ifd3-GPSLongitude"));
    }
    const Photo photo = process_photo(upload);
    expect_no_metadata(photo.jpeg);
    expect_no_metadata(photo.thumbnail_jpeg);
    Image out = load(photo.jpeg);
    EXPECT_FALSE(has_field(out.get(), "exif-data"));
    EXPECT_FALSE(has_field(out.get(), "exif-ifd3-GPSLatitude"));
}

TEST(ProcessPhoto, XmpIptcAndIccAreGoneAndColoursAreConvertedToSrgb) {
    // one colour in sRGB, stored as Display P3 numbers with the P3 profile embedded
    const std::vector<double> srgb = {200, 100, 50};
    Image picture = plain(64, 64, srgb);
    Image p3 = make("icc_transform", [&](VipsImage** out) {
        return vips_icc_transform(picture.get(), out, "p3", "input_profile", "srgb", nullptr);
    });
    const std::vector<double> stored = pixel(p3.get(), 10, 10);
    double moved = 0;
    for (std::size_t i = 0; i < 3; ++i) {
        moved = std::max(moved, std::abs(stored[i] - srgb[i]));
    }
    ASSERT_GT(moved, 6) << "P3 numbers too close to sRGB to show a conversion";

    Image tagged = make("copy", [&](VipsImage** out) { return vips_copy(p3.get(), out, nullptr); });
    const std::string xmp = "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF "
                            "xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">"
                            "<rdf:Description photographer=\"A. Citizen\"/></rdf:RDF></x:xmpmeta>";
    vips_image_set_blob_copy(tagged.get(), VIPS_META_XMP_NAME, xmp.data(), xmp.size());
    // a Photoshop resource block (APP13) holding one IPTC dataset, 2:80 By-line
    const std::string iptc("Photoshop 3.0\0"
                           "8BIM\x04\x04\0\0\0\0\0\x0C"
                           "\x1C\x02\x50\0\x07"
                           "Citizen"sv);
    vips_image_set_blob_copy(tagged.get(), VIPS_META_IPTC_NAME, iptc.data(), iptc.size());
    const std::string upload = with_exif(to_jpeg(tagged.get()), 1, true);
    {
        Image original = load(upload);
        EXPECT_TRUE(has_field(original.get(), VIPS_META_ICC_NAME));
        EXPECT_TRUE(has_field(original.get(), VIPS_META_XMP_NAME));
        EXPECT_TRUE(has_field(original.get(), VIPS_META_IPTC_NAME));
        EXPECT_TRUE(has_field(original.get(), "exif-ifd3-GPSLatitude"));
    }

    const Photo photo = process_photo(upload);
    expect_no_metadata(photo.jpeg);
    expect_no_metadata(photo.thumbnail_jpeg);
    EXPECT_EQ(photo.jpeg.find("xmpmeta"), std::string::npos);
    EXPECT_EQ(photo.jpeg.find("Photoshop"), std::string::npos);
    EXPECT_EQ(photo.jpeg.find("ICC_PROFILE"), std::string::npos);
    Image out = load(photo.jpeg);
    expect_near(pixel(out.get(), 10, 10), srgb, 4);
}

TEST(ProcessPhoto, OrientationSixIsTurnedIntoPixels) {
    // stored landscape, top half white; orientation 6 means "turn 90 degrees clockwise to view",
    // so the viewer sees a portrait picture whose right half is white
    const std::string upload = with_exif(to_jpeg(two_halves(300, 200).get()), 6, false);
    {
        Image original = load(upload);
        ASSERT_EQ(vips_image_get_orientation(original.get()), 6);
    }
    const Photo photo = process_photo(upload);
    expect_sizes(photo, 200, 300, 200, 300);
    Image out = load(photo.jpeg);
    // no orientation is left for a viewer to apply a second time
    EXPECT_FALSE(has_field(out.get(), VIPS_META_ORIENTATION));
    expect_near(pixel(out.get(), 180, 150), {255, 255, 255}, 8);
    expect_near(pixel(out.get(), 20, 150), {0, 0, 0}, 8);
}

TEST(ProcessPhoto, EveryOrientationGivesTheViewedSize) {
    const std::string jpeg = to_jpeg(two_halves(120, 80).get());
    for (int orientation = 1; orientation <= 8; ++orientation) {
        const Photo photo = process_photo(with_exif(jpeg, orientation, false));
        const bool turned = orientation >= 5;
        EXPECT_EQ(photo.width, turned ? 80 : 120) << orientation;
        EXPECT_EQ(photo.height, turned ? 120 : 80) << orientation;
    }
}

TEST(ProcessPhoto, PngWithTransparencyIsAcceptedAndFlattenedOnWhite) {
    const Photo photo = process_photo(to_png(plain(90, 60, {0, 0, 0, 0}).get()));
    EXPECT_EQ(photo.width, 90);
    EXPECT_EQ(photo.height, 60);
    Image out = load(photo.jpeg);
    EXPECT_EQ(vips_image_get_bands(out.get()), 3);
    expect_near(pixel(out.get(), 45, 30), {255, 255, 255}, 3);
}

TEST(ProcessPhoto, SixteenBitGreyPngIsAccepted) {
    Image grey = plain(50, 40, {128});
    Image scaled = make("linear", [&](VipsImage** out) {
        return vips_linear1(grey.get(), out, 257.0, 0.0, nullptr);
    });
    Image wide =
        make("cast", [&](VipsImage** out) { return vips_cast_ushort(scaled.get(), out, nullptr); });
    Image tagged = make("copy", [&](VipsImage** out) {
        return vips_copy(wide.get(), out, "interpretation", VIPS_INTERPRETATION_GREY16, nullptr);
    });
    const Photo photo = process_photo(to_png(tagged.get()));
    EXPECT_EQ(photo.width, 50);
    Image out = load(photo.jpeg);
    EXPECT_EQ(vips_image_get_bands(out.get()), 3);
    expect_near(pixel(out.get(), 25, 20), {128, 128, 128}, 3);
}

TEST(ProcessPhoto, WebpIsAccepted) {
    const Photo photo = process_photo(to_webp(plain(70, 50, {30, 120, 200}).get()));
    EXPECT_EQ(photo.width, 70);
    EXPECT_EQ(photo.height, 50);
    EXPECT_EQ(sniff_image_type(photo.jpeg), ImageType::jpeg);
    expect_near(pixel(load(photo.jpeg).get(), 35, 25), {30, 120, 200}, 6);
}

TEST(ProcessPhoto, CmykJpegIsConvertedToRgb) {
    Image picture = plain(40, 40, {200, 100, 50});
    Image cmyk = make("colourspace", [&](VipsImage** out) {
        return vips_colourspace(picture.get(), out, VIPS_INTERPRETATION_CMYK, nullptr);
    });
    const Photo photo = process_photo(to_jpeg(cmyk.get()));
    Image out = load(photo.jpeg);
    EXPECT_EQ(vips_image_get_bands(out.get()), 3);
    expect_near(pixel(out.get(), 20, 20), {200, 100, 50}, 12);
    expect_no_metadata(photo.jpeg);
}

TEST(ProcessPhoto, DefaultLimitsScaleDownToTheLongestSideAndThumbnail) {
    expect_sizes(process_photo(to_jpeg(two_halves(3000, 2000).get())), 2560, 1707, 320, 213);
}

TEST(ProcessPhoto, OutputsFitTheirBoxesWhateverTheShape) {
    PhotoLimits limits;
    limits.max_side = 400;
    limits.thumb_side = 64;
    // width, height, then the expected photo and thumbnail sizes
    const std::vector<std::array<int, 6>> cases = {
        {1000, 500, 400, 200, 64, 32}, {500, 1000, 200, 400, 32, 64}, {999, 997, 400, 399, 64, 64},
        {401, 3, 400, 3, 64, 1},       {3, 1201, 1, 400, 1, 64},      {400, 400, 400, 400, 64, 64},
    };
    for (const auto& [w, h, pw, ph, tw, th] : cases) {
        SCOPED_TRACE(std::to_string(w) + "x" + std::to_string(h));
        expect_sizes(process_photo(to_png(plain(w, h, {90, 90, 90}).get()), limits), pw, ph, tw,
                     th);
    }
}

TEST(ProcessPhoto, SmallPhotosAreNotScaledUp) {
    expect_sizes(process_photo(to_jpeg(two_halves(100, 80).get())), 100, 80, 100, 80);
}

TEST(ProcessPhoto, SeveralThreadsAtOnce) {
    // valid uploads of different sizes, and broken ones whose errors must not leak into them
    const std::string good_a = with_exif(to_jpeg(two_halves(640, 480).get()), 6, true);
    const std::string good_b = to_png(plain(300, 500, {10, 200, 10}).get());
    const std::string noisy = to_jpeg(noise(300, 300).get());
    const std::string broken = noisy.substr(0, noisy.size() / 2);
    std::atomic<int> wrong{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 6; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 5; ++i) {
                try {
                    if (t % 3 == 0) {
                        const Photo p = process_photo(good_a);
                        wrong += (p.width != 480 || p.height != 640);
                    } else if (t % 3 == 1) {
                        const Photo p = process_photo(good_b);
                        wrong += (p.width != 300 || p.height != 500);
                    } else {
                        try {
                            process_photo(broken);
                            ++wrong;
                        } catch (const Error& e) {
                            wrong += e.kind() != ErrorKind::invalid_input;
                        }
                    }
                } catch (...) {
                    ++wrong;
                }
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(wrong.load(), 0);
}

} // namespace
} // namespace impetus::media
