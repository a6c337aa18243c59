// DocReader: every failing field is reported with an RFC 6901 JSON Pointer.

#include "core/doc_reader.hpp"
#include "core/model.hpp"
#include "support/errors.hpp"

#include <gtest/gtest.h>

namespace impetus {
namespace {

using nlohmann::json;
using test::field_names;
using test::message_for;

TEST(PointerEscape, EscapesTildeAndSlash) {
    EXPECT_EQ(pointer_escape("plain"), "plain");
    EXPECT_EQ(pointer_escape("a/b"), "a~1b");
    EXPECT_EQ(pointer_escape("m~n"), "m~0n");
    EXPECT_EQ(pointer_escape("~/"), "~0~1");
    EXPECT_EQ(pointer_escape(""), "");
}

TEST(DocReader, ReadsValidFields) {
    json doc = {{"name", "Halle"}, {"area", 12.5},          {"floors", 3},
                {"open", true},    {"since", "2024-02-29"}, {"kind", "shop"}};
    FieldErrors errors;
    DocReader r(doc, "", errors);
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(r.string("name", true), "Halle");
    EXPECT_EQ(r.number("area", 0, 100), 12.5);
    EXPECT_EQ(r.number("floors", 0, 100), 3.0); // an integer is a number too
    EXPECT_EQ(r.integer("floors", 0, 10), 3);
    EXPECT_EQ(r.boolean("open"), true);
    EXPECT_EQ(r.date("since"), "2024-02-29");
    EXPECT_EQ(r.enumeration<SpaceKind>("kind"), SpaceKind::shop);
    EXPECT_TRUE(errors.empty());
}

TEST(DocReader, RequiredFieldsAreReportedWhenMissingOrNull) {
    json doc = {{"b", nullptr}};
    FieldErrors errors;
    DocReader r(doc, "", errors);
    EXPECT_FALSE(r.present("b")); // null reads as absent
    EXPECT_FALSE(r.string("a", true));
    EXPECT_FALSE(r.string("b", true));
    EXPECT_FALSE(r.number("c", 0, 1, true));
    EXPECT_FALSE(r.integer("d", 0, 1, true));
    EXPECT_FALSE(r.date("e", true));
    EXPECT_FALSE(r.enumeration<SpaceKind>("f", true));
    EXPECT_EQ(field_names(errors), (std::vector<std::string>{"/a", "/b", "/c", "/d", "/e", "/f"}));
    for (const auto& e : errors.list()) {
        EXPECT_EQ(e.message, "is required") << e.field;
    }
}

TEST(DocReader, OptionalFieldsMayBeMissing) {
    json doc = json::object();
    FieldErrors errors;
    DocReader r(doc, "", errors);
    EXPECT_FALSE(r.string("a"));
    EXPECT_FALSE(r.number("b", 0, 1));
    EXPECT_FALSE(r.integer("c", 0, 1));
    EXPECT_FALSE(r.boolean("d"));
    EXPECT_FALSE(r.date("e"));
    EXPECT_TRUE(errors.empty());
}

TEST(DocReader, WrongTypesAreReported) {
    json doc = {{"s", 5},        {"n", "5"},  {"i", 2.5}, {"b", "yes"},
                {"d", 20240101}, {"e", true}, {"i2", "3"}};
    FieldErrors errors;
    DocReader r(doc, "", errors);
    EXPECT_FALSE(r.string("s"));
    EXPECT_FALSE(r.number("n", 0, 10));
    EXPECT_FALSE(r.integer("i", 0, 10));
    EXPECT_FALSE(r.boolean("b"));
    EXPECT_FALSE(r.date("d"));
    EXPECT_FALSE(r.enumeration<SpaceKind>("e"));
    EXPECT_FALSE(r.integer("i2", 0, 10));
    const auto& l = errors.list();
    EXPECT_EQ(field_names(errors),
              (std::vector<std::string>{"/s", "/n", "/i", "/b", "/d", "/e", "/i2"}));
    EXPECT_EQ(message_for(l, "/s"), "must be a string");
    EXPECT_EQ(message_for(l, "/n"), "must be a number");
    EXPECT_EQ(message_for(l, "/i"), "must be an integer");
    EXPECT_EQ(message_for(l, "/b"), "must be true, false or null");
}

TEST(DocReader, RangesLengthsDatesAndEnumerations) {
    json doc = {{"low", -1},           {"high", 1001},     {"int_high", 11},
                {"long", "abcdef"},    {"blank", "  \t"},  {"bad_day", "2024-02-30"},
                {"dmy", "01/02/2024"}, {"kind", "castle"}, {"empty_ok", ""}};
    FieldErrors errors;
    DocReader r(doc, "", errors);
    EXPECT_FALSE(r.number("low", 0, 1000));
    EXPECT_FALSE(r.number("high", 0, 1000));
    EXPECT_FALSE(r.integer("int_high", 0, 10));
    EXPECT_FALSE(r.string("long", false, 5));
    EXPECT_FALSE(r.string("blank", true));
    EXPECT_FALSE(r.date("bad_day"));
    EXPECT_FALSE(r.date("dmy")); // documents use ISO dates only
    EXPECT_FALSE(r.enumeration<SpaceKind>("kind"));
    EXPECT_EQ(r.string("empty_ok"), ""); // an optional string may be empty
    const auto& l = errors.list();
    EXPECT_EQ(field_names(errors),
              (std::vector<std::string>{"/low", "/high", "/int_high", "/long", "/blank", "/bad_day",
                                        "/dmy", "/kind"}));
    EXPECT_EQ(message_for(l, "/low").rfind("must be between", 0), 0u);
    EXPECT_EQ(message_for(l, "/int_high"), "must be between 0 and 10");
    EXPECT_EQ(message_for(l, "/blank"), "must not be empty");
    EXPECT_EQ(message_for(l, "/bad_day"), "must be a calendar date YYYY-MM-DD");
    EXPECT_EQ(message_for(l, "/kind"),
              "'castle' is not one of building, unit, shop, plot or open_space");
}

TEST(DocReader, UnknownAndReadOnlyFieldsAreReported) {
    json doc = {{"name", "x"}, {"id", 4}, {"colour", "red"}, {"a/b", 1}, {"m~n", 2}};
    FieldErrors errors;
    DocReader r(doc, "", errors);
    r.reject_unknown({"name"}, {"id"});
    const auto& l = errors.list();
    ASSERT_EQ(l.size(), 4u);
    EXPECT_EQ(message_for(l, "/id"), "is read-only");
    EXPECT_EQ(message_for(l, "/colour"), "is not a known field");
    EXPECT_EQ(message_for(l, "/a~1b"), "is not a known field");
    EXPECT_EQ(message_for(l, "/m~0n"), "is not a known field");
}

TEST(DocReader, NestedReadersPrefixTheirPointers) {
    json doc = {{"contact", {{"email", 3}, {"fax", "x"}}}};
    FieldErrors errors;
    DocReader outer(doc, "", errors);
    DocReader inner(*outer.get("contact"), "/contact", errors);
    inner.reject_unknown({"email"});
    EXPECT_FALSE(inner.string("email"));
    EXPECT_FALSE(inner.string("name", true));
    EXPECT_EQ(field_names(errors),
              (std::vector<std::string>{"/contact/fax", "/contact/email", "/contact/name"}));
}

TEST(DocReader, ANonObjectIsOneErrorNotOnePerField) {
    json doc = json::array({1, 2});
    FieldErrors errors;
    DocReader r(doc, "/utilities", errors);
    EXPECT_FALSE(r.ok());
    EXPECT_FALSE(r.string("a", true));
    EXPECT_FALSE(r.number("b", 0, 1, true));
    r.reject_unknown({});
    ASSERT_EQ(errors.list().size(), 1u);
    EXPECT_EQ(errors.list()[0].field, "/utilities");
    EXPECT_EQ(errors.list()[0].message, "must be a JSON object");
}

TEST(FieldErrors, ThrowsAllFieldsAtOnce) {
    FieldErrors errors;
    EXPECT_NO_THROW(errors.throw_if_any("invalid thing"));
    errors.add("/a", "is required");
    errors.add("/b", "must be a number");
    auto e = test::catch_error([&] { errors.throw_if_any("invalid thing"); });
    EXPECT_EQ(e.kind(), ErrorKind::invalid_input);
    EXPECT_STREQ(e.what(), "invalid thing: 2 invalid fields");
    EXPECT_EQ(field_names(e), (std::vector<std::string>{"/a", "/b"}));
    EXPECT_FALSE(e.hint().empty());
}

TEST(ErrorKind, EveryKindHasAName) {
    EXPECT_STREQ(to_string(ErrorKind::invalid_input), "invalid_input");
    EXPECT_STREQ(to_string(ErrorKind::precondition), "precondition");
    EXPECT_STREQ(to_string(ErrorKind::internal), "internal");
}

} // namespace
} // namespace impetus
