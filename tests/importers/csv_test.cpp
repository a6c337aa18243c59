// The RFC 4180 reader: quoting, line breaks, delimiters, widths and line numbers.

#include "importers/csv.hpp"

#include <gtest/gtest.h>

namespace impetus::importers {
namespace {

using Fields = std::vector<std::string>;

TEST(Csv, QuotedFieldsWithDelimitersAndDoubledQuotes) {
    auto t = read_csv("a,b,c\n1,\"x, y\",\"say \"\"hi\"\"\"\n");
    ASSERT_EQ(t.records.size(), 1u);
    EXPECT_EQ(t.header.fields, (Fields{"a", "b", "c"}));
    EXPECT_EQ(t.records[0].fields, (Fields{"1", "x, y", "say \"hi\""}));
    EXPECT_TRUE(t.records[0].problem.empty());
}

TEST(Csv, EmbeddedLineBreaksAndLineNumbers) {
    // CRLF records with bare LF inside quoted cells, as the Brighton & Hove register has.
    auto t =
        read_csv("a,b\r\n1,\"first\nsecond\nthird\"\r\n2,x\r\n\r\n3,\"crlf\r\ninside\"\r\n4,y");
    ASSERT_EQ(t.records.size(), 4u);
    EXPECT_EQ(t.header.line, 1u);
    EXPECT_EQ(t.records[0].line, 2u);
    EXPECT_EQ(t.records[0].fields[1], "first\nsecond\nthird");
    EXPECT_EQ(t.records[1].line, 5u);
    EXPECT_EQ(t.records[2].line, 7u); // the blank line 6 is skipped but counted
    EXPECT_EQ(t.records[2].fields[1], "crlf\ninside");
    EXPECT_EQ(t.records[3].line, 9u);
    EXPECT_EQ(t.records[3].fields, (Fields{"4", "y"}));
}

TEST(Csv, LoneCarriageReturnEndsARecord) {
    auto t = read_csv("a,b\r1,2\r3,4\r");
    ASSERT_EQ(t.records.size(), 2u);
    EXPECT_EQ(t.records[1].line, 3u);
    EXPECT_EQ(t.records[1].fields, (Fields{"3", "4"}));
}

TEST(Csv, DelimiterDetectedFromTheHeaderOnly) {
    EXPECT_EQ(detect_delimiter("site_numero;site_nom;geompoint\n1,2,3,4,5,6"), ';');
    EXPECT_EQ(detect_delimiter("a\tb\tc"), '\t');
    EXPECT_EQ(detect_delimiter("\"a;b;c;d\",e,f"), ','); // semicolons inside quotes do not count
    EXPECT_EQ(detect_delimiter("single"), ',');
    auto t = read_csv("x;y\n\"1;5\";2\n");
    EXPECT_EQ(t.delimiter, ';');
    ASSERT_EQ(t.records.size(), 1u);
    EXPECT_EQ(t.records[0].fields, (Fields{"1;5", "2"}));
}

TEST(Csv, TooManyFieldsIsAProblemEvenWhenTheExtrasAreEmpty) {
    // "1,2,3,," is how a row looks whose address had an unquoted comma and whose last column
    // was empty: the columns have slipped, so it is not tolerated.
    auto t = read_csv("a,b,c\n1,2,3,4\n1,2,3,,\n1,2,3\n");
    ASSERT_EQ(t.records.size(), 3u);
    EXPECT_EQ(t.records[0].problem, "has 4 fields, the header has 3 (an unquoted delimiter "
                                    "inside a cell?)");
    EXPECT_EQ(t.records[1].problem, "has 5 fields, the header has 3 (an unquoted delimiter "
                                    "inside a cell?)");
    EXPECT_TRUE(t.records[2].problem.empty());
}

TEST(Csv, MissingTrailingFieldsAreCountedAndPadded) {
    auto t = read_csv("a,b,c,d\n1,2\n");
    ASSERT_EQ(t.records.size(), 1u);
    EXPECT_TRUE(t.records[0].problem.empty());
    EXPECT_EQ(t.records[0].missing, 2u);
    EXPECT_EQ(t.records[0].fields, (Fields{"1", "2", "", ""}));
}

TEST(Csv, BlankAndAllEmptyRowsAreSkipped) {
    auto t = read_csv("\n\na,b\n\n,\n , \n1,2\n\n");
    EXPECT_EQ(t.header.line, 3u);
    ASSERT_EQ(t.records.size(), 1u);
    EXPECT_EQ(t.records[0].line, 7u);
}

TEST(Csv, UnterminatedQuoteAtEndOfFile) {
    auto t = read_csv("a,b\n1,2\n3,\"never closed\n4,5\n");
    ASSERT_EQ(t.records.size(), 2u);
    EXPECT_TRUE(t.records[0].problem.empty());
    EXPECT_EQ(t.records[1].line, 3u);
    EXPECT_EQ(t.records[1].problem,
              "a quoted field opened on line 3 is not closed before the end of the file");
}

TEST(Csv, TextAfterAClosingQuoteIsKept) {
    auto t = read_csv("a,b\n\"12\" pipe,2\n");
    ASSERT_EQ(t.records.size(), 1u);
    EXPECT_EQ(t.records[0].fields[0], "12 pipe");
}

TEST(Csv, NoTrailingNewlineAndEmptyInput) {
    auto t = read_csv("a,b\n1,2");
    ASSERT_EQ(t.records.size(), 1u);
    EXPECT_EQ(t.records[0].fields, (Fields{"1", "2"}));
    auto e = read_csv("");
    EXPECT_TRUE(e.header.fields.empty());
    EXPECT_TRUE(e.records.empty());
}

} // namespace
} // namespace impetus::importers
