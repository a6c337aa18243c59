// Bad input: every broken file gives a clear impetus::Error with a hint, and nothing crashes.

#include "discovery/discovery.hpp"
#include "support/errors.hpp"
#include "support/run_command.hpp"

#include <filesystem>
#include <gtest/gtest.h>

namespace impetus::discovery {
namespace {

using test::catch_error;

bool mentions(const Error& e, const std::string& what) {
    return std::string(e.what()).find(what) != std::string::npos;
}

std::string liechtenstein() {
    return test::shared_data("osm/liechtenstein-2024-03-04.osm.pbf");
}

TEST(BadInput, EmptyFile) {
    test::TempDir dir;
    test::write_file(dir.file("empty.osm.pbf"), "");
    const auto e = catch_error([&] { discover(dir.file("empty.osm.pbf"), {}); });
    EXPECT_EQ(e.kind(), ErrorKind::invalid_input);
    EXPECT_TRUE(mentions(e, "is empty")) << e.what();
    EXPECT_FALSE(e.hint().empty());
}

TEST(BadInput, TextFile) {
    test::TempDir dir;
    test::write_file(dir.file("notes.osm.pbf"), "These are not the nodes you are looking for.\n");
    const auto e = catch_error([&] { discover(dir.file("notes.osm.pbf"), {}); });
    EXPECT_EQ(e.kind(), ErrorKind::invalid_input);
    EXPECT_TRUE(mentions(e, "not an OSM PBF file")) << e.what();
    EXPECT_FALSE(e.hint().empty());
}

TEST(BadInput, OsmXmlFile) {
    test::TempDir dir;
    test::write_file(dir.file("map.osm"),
                     "<?xml version='1.0'?>\n<osm version='0.6'><node id='1' lat='47' "
                     "lon='9'/></osm>\n");
    const auto e = catch_error([&] { discover(dir.file("map.osm"), {}); });
    EXPECT_EQ(e.kind(), ErrorKind::invalid_input);
    EXPECT_TRUE(mentions(e, "OSM XML")) << e.what();
    EXPECT_TRUE(e.hint().find("osmium cat") != std::string::npos) << e.hint();
}

TEST(BadInput, TinyFile) {
    test::TempDir dir;
    test::write_file(dir.file("tiny.osm.pbf"), std::string("\0\0\0", 3));
    const auto e = catch_error([&] { discover(dir.file("tiny.osm.pbf"), {}); });
    EXPECT_EQ(e.kind(), ErrorKind::invalid_input);
}

TEST(BadInput, TruncatedAtHalf) {
    const auto pbf = liechtenstein();
    if (pbf.empty()) GTEST_SKIP() << "shared data missing";
    const std::string data = test::read_file(pbf);
    test::TempDir dir;
    const std::string cut = dir.file("cut.osm.pbf");
    test::write_file(cut, data.substr(0, data.size() / 2));
    const auto e = catch_error([&] { discover(cut, {}); });
    EXPECT_EQ(e.kind(), ErrorKind::invalid_input);
    EXPECT_TRUE(mentions(e, "truncated")) << e.what();
    EXPECT_TRUE(e.hint().find("osmium fileinfo") != std::string::npos) << e.hint();
    EXPECT_EQ(test::read_file(cut).size(), data.size() / 2); // left as it was
}

TEST(BadInput, CorruptBytesInTheMiddle) {
    const auto pbf = liechtenstein();
    if (pbf.empty()) GTEST_SKIP() << "shared data missing";
    std::string data = test::read_file(pbf);
    // Overwrite a stretch in the middle (inside a compressed block) with other bytes.
    for (std::size_t i = data.size() / 2; i < data.size() / 2 + 256; ++i) {
        data[i] = static_cast<char>(data[i] ^ 0x5a);
    }
    test::TempDir dir;
    const std::string bad = dir.file("corrupt.osm.pbf");
    test::write_file(bad, data);
    const auto e = catch_error([&] { discover(bad, {}); });
    EXPECT_EQ(e.kind(), ErrorKind::invalid_input);
    EXPECT_TRUE(mentions(e, "is corrupt")) << e.what();
    EXPECT_FALSE(e.hint().empty());
}

TEST(BadInput, CorruptBlobHeader) {
    // Damage where the next block's length should be: the framing itself is broken.
    const auto pbf = liechtenstein();
    if (pbf.empty()) GTEST_SKIP() << "shared data missing";
    std::string data = test::read_file(pbf);
    const unsigned char* p = reinterpret_cast<const unsigned char*>(data.data());
    const std::size_t header_len = (p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3];
    // the OSMHeader blob's size is the varint after tag 0x18 in its BlobHeader
    std::size_t i = 4;
    while (i < 4 + header_len && p[i] != 0x18) ++i;
    std::size_t size = 0, shift = 0;
    for (++i; p[i] & 0x80; ++i, shift += 7) size |= std::size_t(p[i] & 0x7f) << shift;
    size |= std::size_t(p[i]) << shift;
    const std::size_t second = 4 + header_len + size;
    data[second] = '\x7f'; // a BlobHeader of 2 GB
    test::TempDir dir;
    const std::string bad = dir.file("framing.osm.pbf");
    test::write_file(bad, data);
    const auto e = catch_error([&] { discover(bad, {}); });
    EXPECT_EQ(e.kind(), ErrorKind::invalid_input);
    EXPECT_FALSE(e.hint().empty());
}

TEST(BadInput, MissingFileAndDirectory) {
    test::TempDir dir;
    EXPECT_EQ(catch_error([&] { discover(dir.file("nothing.osm.pbf"), {}); }).kind(),
              ErrorKind::io);
    EXPECT_EQ(catch_error([&] { discover(dir.path(), {}); }).kind(), ErrorKind::invalid_input);
}

TEST(BadInput, BrokenOpl) {
    const auto e = catch_error([] { discover_buffer("n1 x9.5 y47.1 Tshop=vacant\nq17 ???\n", "opl", {}); });
    EXPECT_EQ(e.kind(), ErrorKind::invalid_input);
    EXPECT_EQ(catch_error([] { discover_buffer("", "opl", {}); }).kind(), ErrorKind::invalid_input);
}

TEST(BadInput, CancelledStopsWithAnError) {
    const auto pbf = liechtenstein();
    if (pbf.empty()) GTEST_SKIP() << "shared data missing";
    DiscoverOptions options;
    options.cancelled = [] { return true; };
    EXPECT_EQ(catch_error([&] { discover(pbf, options); }).kind(), ErrorKind::conflict);
}

} // namespace
} // namespace impetus::discovery
