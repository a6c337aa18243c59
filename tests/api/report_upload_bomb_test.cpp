// Hostile photo uploads to a citizens' report over real HTTP: a decompression bomb (a PNG of a
// few kilobytes whose header declares 30000 x 30000 pixels), text sent under a photo's name and
// type, and a file over the byte limit. Each is refused with its problem, before any pixel is
// decoded, and leaves nothing behind: no photo on the report, no other report.

#include "api_test.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstdint>

namespace impetus::test {
namespace {

std::string be32(std::uint32_t v) {
    return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
            static_cast<char>(v)};
}

// A PNG chunk (ISO/IEC 15948 5.3): length, type, data, CRC-32 of type and data.
std::string png_chunk(const std::string& type, const std::string& data) {
    const std::string typed = type + data;
    const auto crc = crc32(0, reinterpret_cast<const Bytef*>(typed.data()),
                           static_cast<uInt>(typed.size()));
    return be32(static_cast<std::uint32_t>(data.size())) + typed +
           be32(static_cast<std::uint32_t>(crc));
}

// A complete, valid 1-bit grey PNG of side x side pixels, all black: every row is filter 0 and
// zero bytes, so the deflated rows weigh about a thousandth of what they inflate to.
std::string png_bomb(std::uint32_t side) {
    const std::size_t row = 1 + (side + 7) / 8;
    const std::string rows(row * 256, '\0');
    z_stream z{};
    if (deflateInit(&z, Z_BEST_COMPRESSION) != Z_OK) throw std::runtime_error("deflateInit");
    std::string idat;
    std::string out(1 << 16, '\0');
    for (std::size_t left = side; left > 0;) {
        const std::size_t n = std::min<std::size_t>(left, 256);
        left -= n;
        z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(rows.data()));
        z.avail_in = static_cast<uInt>(n * row);
        const int flush = left == 0 ? Z_FINISH : Z_NO_FLUSH;
        int rc = Z_OK;
        do {
            z.next_out = reinterpret_cast<Bytef*>(out.data());
            z.avail_out = static_cast<uInt>(out.size());
            rc = deflate(&z, flush);
            idat.append(out.data(), out.size() - z.avail_out);
        } while (z.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
    }
    deflateEnd(&z);
    // IHDR: width, height, bit depth 1, colour type 0 (grey), deflate, filter 0, no interlace.
    const std::string ihdr = be32(side) + be32(side) + std::string("\x01\x00\x00\x00\x00", 5);
    return std::string("\x89PNG\r\n\x1A\n", 8) + png_chunk("IHDR", ihdr) +
           png_chunk("IDAT", idat) + png_chunk("IEND", "");
}

class ReportUploadBomb : public ApiTest {
protected:
    ReportUploadBomb() {
        create_workspace("lille");
        const std::string form = require_status(anonymous.get(reports + "/form"), 200)
                                     .json()["form_token"];
        const json r = require_status(anonymous.post(reports, {{"lon", 3.0601},
                                                               {"lat", 50.6301},
                                                               {"kind", "shop"},
                                                               {"form_token", form}}),
                                      201, "report")
                           .json();
        follow = r["follow_token"];
        report_id = list(reports + "?status=pending")["items"][0]["id"];
    }

    HttpResponse upload(const std::string& bytes, const std::string& type,
                        const std::string& file_name) {
        return anonymous.send_body("POST", "/api/v1/reports/" + follow + "/photos", bytes, type,
                                   {{"Content-Disposition",
                                     "attachment; filename=\"" + file_name + "\""}});
    }

    // The refusal is an RFC 9457 problem with `status` and the generic type.
    static void expect_refused(const HttpResponse& r, int status, const std::string& says) {
        EXPECT_TRUE(is_problem(r, status));
        const json p = json::parse(r.body, nullptr, false);
        EXPECT_EQ(p.value("type", ""), "about:blank") << r.body;
        EXPECT_NE(p.value("detail", "").find(says), std::string::npos) << r.body;
    }

    // Nothing was kept: no photo on the report, seen by the reporter, by the officers and in
    // the store; and the report is still the only one.
    void expect_nothing_stored() {
        EXPECT_EQ(anonymous.get("/api/v1/reports/" + follow).json()["photo_count"], 0);
        const json detail = list(reports + "/" + std::to_string(report_id));
        EXPECT_EQ(detail["photos"].size(), 0u) << detail.dump();
        EXPECT_TRUE(server.store().report_photos(report_id).empty());
        EXPECT_EQ(list(reports)["total"], 1);
    }

    const std::string reports = "/api/v1/workspaces/lille/reports";
    HttpClient anonymous = server.anonymous_client();
    std::string follow;
    Id report_id = 0;
};

TEST_F(ReportUploadBomb, APngDeclaringNineHundredMegapixelsIsRefusedFromItsHeader) {
    const std::string bomb = png_bomb(30000);
    ASSERT_LT(bomb.size(), 200u << 10) << "small on the wire";
    auto r = upload(bomb, "image/png", "vacant-shop.png");
    expect_refused(r, 413, "30000 x 30000");
    expect_nothing_stored();
}

TEST_F(ReportUploadBomb, TextNamedAsAJpegIsRefusedByItsContent) {
    auto r = upload("This is not a photo of the shop, only words.\n", "image/jpeg", "shop.jpg");
    expect_refused(r, 415, "");
    expect_nothing_stored();
}

TEST_F(ReportUploadBomb, FilesOverTheByteLimitsAreRefused) {
    // A JPEG's first bytes, then one byte more than the 10 MiB a photo may weigh: refused by
    // the photo check...
    std::string big("\xFF\xD8\xFF\xE0", 4);
    big.resize((10u << 20) + 1, '\0');
    expect_refused(upload(big, "image/jpeg", "huge.jpg"), 413, "more than the limit of 10485760");
    // ...and over the 12 MiB the route reads at all: refused from the declared length.
    big.resize(13u << 20, '\0');
    expect_refused(upload(big, "image/jpeg", "huger.jpg"), 413, "larger than 12582912 bytes");
    expect_nothing_stored();
}

TEST_F(ReportUploadBomb, AfterTheRefusalsARealPhotoIsStillAccepted) {
    upload(png_bomb(30000), "image/png", "bomb.png");
    upload("not a photo", "image/jpeg", "shop.jpg");
    // A small true PNG (64 x 64, black) goes through and is the report's only photo.
    auto r = upload(png_bomb(64), "image/png", "shop.png");
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json()["width"], 64);
    EXPECT_EQ(anonymous.get("/api/v1/reports/" + follow).json()["photo_count"], 1);
    EXPECT_EQ(server.store().report_photos(report_id).size(), 1u);
}

} // namespace
} // namespace impetus::test
