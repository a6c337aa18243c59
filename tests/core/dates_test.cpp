// Calendar dates and RFC 3339 timestamps.

#include "core/dates.hpp"

#include <gtest/gtest.h>
#include <regex>

namespace impetus {
namespace {

TEST(IsoDate, AcceptsRealCalendarDays) {
    EXPECT_EQ(parse_iso_date("2024-05-01"), "2024-05-01");
    EXPECT_EQ(parse_iso_date("1999-12-31"), "1999-12-31");
    EXPECT_EQ(parse_iso_date("2024-01-31"), "2024-01-31");
}

TEST(IsoDate, LeapYears) {
    EXPECT_EQ(parse_iso_date("2024-02-29"), "2024-02-29"); // divisible by 4
    EXPECT_EQ(parse_iso_date("2000-02-29"), "2000-02-29"); // divisible by 400
    EXPECT_FALSE(parse_iso_date("2023-02-29"));
    EXPECT_FALSE(parse_iso_date("1900-02-29")); // divisible by 100, not by 400
}

TEST(IsoDate, RejectsImpossibleDaysAndOtherShapes) {
    EXPECT_FALSE(parse_iso_date("2024-02-30"));
    EXPECT_FALSE(parse_iso_date("2024-04-31"));
    EXPECT_FALSE(parse_iso_date("2024-13-01"));
    EXPECT_FALSE(parse_iso_date("2024-00-10"));
    EXPECT_FALSE(parse_iso_date("2024-01-00"));
    EXPECT_FALSE(parse_iso_date("2024-1-01"));
    EXPECT_FALSE(parse_iso_date("2024/01/01"));
    EXPECT_FALSE(parse_iso_date("2024-01-01T00:00:00Z"));
    EXPECT_FALSE(parse_iso_date(" 2024-01-01"));
    EXPECT_FALSE(parse_iso_date("+024-01-01"));
    EXPECT_FALSE(parse_iso_date("2024-0a-01"));
    EXPECT_FALSE(parse_iso_date(""));
    EXPECT_FALSE(parse_iso_date("01/02/2024"));
}

TEST(DmyDate, UkSpreadsheetDates) {
    EXPECT_EQ(parse_dmy_date("05/11/2023"), "2023-11-05");
    EXPECT_EQ(parse_dmy_date("5/1/2023"), "2023-01-05");
    EXPECT_EQ(parse_dmy_date("29/02/2024"), "2024-02-29");
    EXPECT_EQ(parse_dmy_date("31/12/1999"), "1999-12-31");
}

TEST(DmyDate, RejectsInvalidDays) {
    EXPECT_FALSE(parse_dmy_date("31/02/2024"));
    EXPECT_FALSE(parse_dmy_date("30/02/2024"));
    EXPECT_FALSE(parse_dmy_date("29/02/2023"));
    EXPECT_FALSE(parse_dmy_date("29/02/1900"));
    EXPECT_FALSE(parse_dmy_date("31/04/2024"));
    EXPECT_FALSE(parse_dmy_date("12/13/2024")); // month 13: not a US date either
    EXPECT_FALSE(parse_dmy_date("00/01/2024"));
}

TEST(DmyDate, RejectsOtherShapes) {
    EXPECT_FALSE(parse_dmy_date("05/11/23"));
    EXPECT_FALSE(parse_dmy_date("005/11/2023"));
    EXPECT_FALSE(parse_dmy_date("05-11-2023"));
    EXPECT_FALSE(parse_dmy_date("05/11"));
    EXPECT_FALSE(parse_dmy_date("05/11/2023/1"));
    EXPECT_FALSE(parse_dmy_date("a/11/2023"));
    EXPECT_FALSE(parse_dmy_date("2023-11-05"));
}

TEST(LenientDate, AcceptsBothFormsAndTrims) {
    EXPECT_EQ(parse_date_lenient("2023-11-05"), "2023-11-05");
    EXPECT_EQ(parse_date_lenient("05/11/2023"), "2023-11-05");
    EXPECT_EQ(parse_date_lenient("  05/11/2023 \r\n"), "2023-11-05");
    EXPECT_EQ(parse_date_lenient("\t2023-11-05 "), "2023-11-05");
    EXPECT_FALSE(parse_date_lenient("31/02/2024"));
    EXPECT_FALSE(parse_date_lenient(""));
    EXPECT_FALSE(parse_date_lenient("   "));
    EXPECT_FALSE(parse_date_lenient("next Tuesday"));
}

TEST(Rfc3339, UtcIsKept) {
    EXPECT_EQ(parse_rfc3339("2024-05-01T10:00:00Z"), "2024-05-01T10:00:00Z");
    EXPECT_EQ(parse_rfc3339("2024-05-01t10:00:00z"), "2024-05-01T10:00:00Z");
    EXPECT_EQ(parse_rfc3339("2024-05-01T10:00:00+00:00"), "2024-05-01T10:00:00Z");
    EXPECT_EQ(parse_rfc3339("2024-05-01T10:00:00-00:00"), "2024-05-01T10:00:00Z");
}

TEST(Rfc3339, OffsetsAreNormalisedToUtc) {
    EXPECT_EQ(parse_rfc3339("2024-05-01T10:00:00+02:00"), "2024-05-01T08:00:00Z");
    EXPECT_EQ(parse_rfc3339("2024-05-01T10:00:00-05:30"), "2024-05-01T15:30:00Z");
    // Across midnight, a month end, a leap day and a year end.
    EXPECT_EQ(parse_rfc3339("2024-05-01T00:30:00+01:00"), "2024-04-30T23:30:00Z");
    EXPECT_EQ(parse_rfc3339("2024-03-01T00:30:00+01:00"), "2024-02-29T23:30:00Z");
    EXPECT_EQ(parse_rfc3339("2023-03-01T00:30:00+01:00"), "2023-02-28T23:30:00Z");
    EXPECT_EQ(parse_rfc3339("2023-12-31T23:30:00-01:00"), "2024-01-01T00:30:00Z");
    EXPECT_EQ(parse_rfc3339("2024-01-01T05:00:00+14:00"), "2023-12-31T15:00:00Z");
}

TEST(Rfc3339, FractionsKeepMilliseconds) {
    EXPECT_EQ(parse_rfc3339("2024-05-01T10:00:00.5Z"), "2024-05-01T10:00:00.500Z");
    EXPECT_EQ(parse_rfc3339("2024-05-01T10:00:00.123Z"), "2024-05-01T10:00:00.123Z");
    EXPECT_EQ(parse_rfc3339("2024-05-01T10:00:00.123456Z"), "2024-05-01T10:00:00.123Z");
    EXPECT_EQ(parse_rfc3339("2024-05-01T10:00:00.25+01:00"), "2024-05-01T09:00:00.250Z");
}

TEST(Rfc3339, RejectsMalformedTimestamps) {
    EXPECT_FALSE(parse_rfc3339("2024-05-01"));
    EXPECT_FALSE(parse_rfc3339("2024-05-01T10:00:00")); // no offset
    EXPECT_FALSE(parse_rfc3339("2024-05-01T10:00Z"));
    EXPECT_FALSE(parse_rfc3339("2024-05-01X10:00:00Z"));
    EXPECT_FALSE(parse_rfc3339("2024-02-30T10:00:00Z")); // no such day
    EXPECT_FALSE(parse_rfc3339("2024-05-01T24:00:00Z"));
    EXPECT_FALSE(parse_rfc3339("2024-05-01T10:60:00Z"));
    EXPECT_FALSE(parse_rfc3339("2024-05-01T10:00:00+0200"));
    EXPECT_FALSE(parse_rfc3339("2024-05-01T10:00:00+24:00"));
    EXPECT_FALSE(parse_rfc3339("2024-05-01T10:00:00.Z"));
    EXPECT_FALSE(parse_rfc3339("2024-05-01T10:00:00Z "));
    EXPECT_FALSE(parse_rfc3339("2024-05-01T10:00:00ZZ"));
    EXPECT_FALSE(parse_rfc3339(""));
}

TEST(Now, FormatsAreCanonical) {
    const std::regex stamp(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)");
    auto now = now_utc();
    EXPECT_TRUE(std::regex_match(now, stamp)) << now;
    EXPECT_EQ(parse_rfc3339(now), now);
    auto today = today_utc();
    EXPECT_EQ(parse_iso_date(today), today);
    EXPECT_LE(today, now_utc().substr(0, 10));
}

} // namespace
} // namespace impetus
