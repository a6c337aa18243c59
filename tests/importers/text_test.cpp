// Byte decoding and the string helpers the importers rely on.

#include "core/dates.hpp"
#include "importers/text.hpp"

#include <gtest/gtest.h>

namespace impetus::importers {
namespace {

TEST(DecodeText, PlainUtf8IsKept) {
    auto d = decode_text("caf\xC3\xA9 \xE2\x80\x93 ok");
    EXPECT_EQ(d.encoding, "utf-8");
    EXPECT_EQ(d.text, "caf\u00e9 \u2013 ok");
}

TEST(DecodeText, Utf8ByteOrderMarkIsStripped) {
    auto d = decode_text("\xEF\xBB\xBFSiteReference,GeoX");
    EXPECT_EQ(d.encoding, "utf-8-bom");
    EXPECT_EQ(d.text, "SiteReference,GeoX");
}

TEST(DecodeText, Windows1252AsSpreadsheetsWriteIt) {
    // 0x92 right single quote, 0x96 en dash, 0xE9 e acute, 0xA0 no-break space, 0x80 euro.
    auto d = decode_text("Vye\x92s \x96 caf\xE9\xA0\x80");
    EXPECT_EQ(d.encoding, "windows-1252");
    EXPECT_EQ(d.text, "Vye\u2019s \u2013 caf\u00e9\u00a0\u20ac");
}

TEST(DecodeText, UndefinedWindows1252BytesBecomeReplacementCharacters) {
    auto d = decode_text("a\x81"
                         "b\x8D"
                         "c\x8F"
                         "d\x90"
                         "e\x9D");
    EXPECT_EQ(d.encoding, "windows-1252");
    EXPECT_EQ(d.text, "a\uFFFDb\uFFFDc\uFFFDd\uFFFDe\uFFFD");
}

TEST(DecodeText, InvalidUtf8FallsBackToWindows1252) {
    EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));         // overlong '/'
    EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));     // UTF-16 surrogate
    EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80")); // above U+10FFFF
    EXPECT_FALSE(is_valid_utf8("ab\xE2\x80"));       // cut short
    EXPECT_FALSE(is_valid_utf8("\x80"));             // lone continuation byte
    EXPECT_TRUE(is_valid_utf8("\xF0\x9F\x8F\xA0"));  // U+1F3E0
    auto d = decode_text("\xC0\xAF");
    EXPECT_EQ(d.encoding, "windows-1252");
    EXPECT_EQ(d.text, "\u00c0\u00af");
}

TEST(DecodeText, BomFollowedByWindows1252) {
    auto d = decode_text("\xEF\xBB\xBF"
                         "caf\xE9");
    EXPECT_EQ(d.encoding, "windows-1252");
    EXPECT_EQ(d.text, "caf\u00e9");
}

TEST(Trim, RemovesAsciiSpaceNoBreakSpaceAndStrayBom) {
    EXPECT_EQ(trim("  \t7no flats\u00a0\r\n"), "7no flats");
    EXPECT_EQ(trim("\u00a0\u00a0"), "");
    EXPECT_EQ(trim("\uFEFFname"), "name");
    EXPECT_EQ(trim("inner\u00a0space"), "inner\u00a0space");
    EXPECT_EQ(trim(""), "");
}

TEST(Trim, CollapseWhitespaceJoinsRuns) {
    EXPECT_EQ(collapse_whitespace("  Royal  Sussex\n\tHospital\u00a0 "), "Royal Sussex Hospital");
}

TEST(Text, TruncateNeverSplitsASequence) {
    EXPECT_EQ(truncate_utf8("caf\u00e9", 4), "caf");
    EXPECT_EQ(truncate_utf8("caf\u00e9", 5), "caf\u00e9");
    EXPECT_EQ(truncate_utf8("abc", 10), "abc");
}

TEST(Text, SlugStemNewlinesNumbers) {
    EXPECT_EQ(slugify("Brighton & Hove City Council"), "brighton-hove-city-council");
    EXPECT_EQ(slugify("  DDT de Test "), "ddt-de-test");
    EXPECT_EQ(file_stem("/tmp/data/brighton-and-hove.csv"), "brighton-and-hove");
    EXPECT_EQ(file_stem("C:\\x\\sites.geojson"), "sites");
    EXPECT_EQ(file_stem("noext"), "noext");
    EXPECT_EQ(normalise_newlines("a\r\nb\rc\nd"), "a\nb\nc\nd");
    EXPECT_EQ(parse_number(" -0.128851 "), -0.128851);
    EXPECT_EQ(parse_number("+3"), 3.0);
    EXPECT_EQ(parse_number("1e3"), 1000.0);
    EXPECT_FALSE(parse_number(""));
    EXPECT_FALSE(parse_number("12a"));
    EXPECT_FALSE(parse_number("nan"));
    EXPECT_FALSE(parse_number("inf"));
}

// The importers read dates with core/dates.hpp; these are the forms registers contain.
TEST(Dates, LenientParsingAsRegistersWriteDates) {
    EXPECT_EQ(parse_date_lenient("2019-03-31"), "2019-03-31");
    EXPECT_EQ(parse_date_lenient(" 31/03/2019 "), "2019-03-31");
    EXPECT_EQ(parse_date_lenient("1/4/2019"), "2019-04-01");
    EXPECT_FALSE(parse_date_lenient("31/02/2019"));
    EXPECT_FALSE(parse_date_lenient("2019-13-01"));
    EXPECT_FALSE(parse_date_lenient("Dec 2019"));
    EXPECT_FALSE(parse_date_lenient("03/31/2019"));
    EXPECT_FALSE(parse_date_lenient(""));
}

} // namespace
} // namespace impetus::importers
