// JSON from outside: parsed as nlohmann parses it, with the nesting bounded and numbers a
// double cannot hold refused, every refusal naming its place.

#include "core/error.hpp"
#include "core/json_text.hpp"

#include <gtest/gtest.h>

namespace impetus {
namespace {

using nlohmann::json;

std::string arrays(int levels) {
    return std::string(static_cast<std::size_t>(levels), '[') +
           std::string(static_cast<std::size_t>(levels), ']');
}

// The error parse_json throws for `text`; fails the test when it throws none.
Error refusal(const std::string& text, const JsonLimits& limits = {}) {
    try {
        parse_json(text, "the body", limits);
    } catch (const Error& e) {
        return e;
    }
    ADD_FAILURE() << "no error for " << text.substr(0, 200);
    return Error(ErrorKind::internal, "none");
}

TEST(JsonText, ReadsWhatNlohmannReads) {
    const std::string text =
        R"({"a": [1, -2, 3.5, "x\u00e9", true, false, null, {}, []], "b": {"c": {"d": 1e300}},)"
        R"( "e": 18446744073709551615, "a": "repeated keys: the last wins"})";
    EXPECT_EQ(parse_json(text), json::parse(text));
    EXPECT_EQ(parse_json(" 7 "), json(7));
    EXPECT_EQ(parse_json("\"text\""), json("text"));
}

TEST(JsonText, NestingUpToTheLimitIsRead) {
    EXPECT_EQ(parse_json(arrays(64)), json::parse(arrays(64)));
    JsonLimits three{3};
    EXPECT_NO_THROW(parse_json(R"({"a": {"b": [1]}})", "x", three));
}

TEST(JsonText, DeeperNestingIsRefusedWithItsPlace) {
    Error e = refusal(arrays(65));
    EXPECT_EQ(e.kind(), ErrorKind::invalid_input);
    EXPECT_NE(std::string(e.what()).find("deeper than 64 levels"), std::string::npos);
    ASSERT_EQ(e.fields().size(), 1u);
    std::string expected;
    for (int i = 0; i < 64; ++i) expected += "/0";
    EXPECT_EQ(e.fields()[0].field, expected);

    e = refusal(R"({"a": [0, {"b~/": {"c": 1}}]})", JsonLimits{3});
    ASSERT_EQ(e.fields().size(), 1u);
    EXPECT_EQ(e.fields()[0].field, "/a/1/b~0~1"); // RFC 6901 escapes

    // Far beyond any stack: refused without recursion.
    e = refusal(arrays(1000000));
    EXPECT_EQ(e.kind(), ErrorKind::invalid_input);
}

TEST(JsonText, NumbersOutOfRangeAreRefusedWithTheirField) {
    for (const char* n : {"1e400", "-1e400", "1.5e309"}) {
        Error e = refusal(std::string(R"({"list": [1, 2, {"area": )") + n + "}]}");
        ASSERT_EQ(e.fields().size(), 1u) << n;
        EXPECT_EQ(e.fields()[0].field, "/list/2/area");
        EXPECT_NE(e.fields()[0].message.find(n), std::string::npos);
    }
    // Underflow is a zero, as in every JSON reader.
    EXPECT_EQ(parse_json("1e-400").get<double>(), 0.0);
}

TEST(JsonText, SyntaxErrorsNameLineAndByte) {
    Error e = refusal("{\"a\": 1,\n \"b\": }");
    EXPECT_EQ(e.kind(), ErrorKind::invalid_input);
    EXPECT_STREQ(e.what(), "the body is not valid JSON (line 2, byte 16)");
    EXPECT_TRUE(e.fields().empty());
    for (const char* bad : {"", "{", "[1,]", "nul", "\"open", "{} {}", "\xff"}) {
        EXPECT_EQ(refusal(bad).kind(), ErrorKind::invalid_input) << bad;
    }
}

} // namespace
} // namespace impetus
