// Query strings (QueryParams, with_param, parse_bbox) and the space filters every list shares
// (read_space_query), with the errors each bad value gives.

#include "http/message.hpp"
#include "http/query_params.hpp"

#include <algorithm>

#include <gtest/gtest.h>

namespace impetus::test {
namespace {

using http::QueryParams;
using http::QueryStyle;

// The fields named by errors, in order.
std::vector<std::string> fields(const FieldErrors& e) {
    std::vector<std::string> out;
    for (const auto& f : e.list()) out.push_back(f.field);
    return out;
}

std::string message_for(const FieldErrors& e, const std::string& field) {
    for (const auto& f : e.list()) {
        if (f.field == field) return f.message;
    }
    return {};
}

struct Read {
    SpaceQuery q;
    FieldErrors errors;
    std::vector<std::string> unknown;
};

// Reads `query` as a list endpoint does, then reports what nobody read.
Read read(const std::string& query, QueryStyle style = QueryStyle::rest) {
    Read r;
    QueryParams params(query);
    r.q = http::read_space_query(params, style, r.errors);
    r.unknown = params.unused();
    return r;
}

// ---------------------------------------------------------------------------------------------
// QueryParams

TEST(QueryParams, GetReturnsTheValueOfAParameterGivenOnce) {
    QueryParams p("a=1&b=two&empty=&flag");
    FieldErrors e;
    EXPECT_EQ(p.get("a", e), "1");
    EXPECT_EQ(p.get("b", e), "two");
    EXPECT_EQ(p.get("empty", e), "");
    EXPECT_EQ(p.get("flag", e), "");
    EXPECT_EQ(p.get("missing", e), std::nullopt);
    EXPECT_TRUE(e.empty());
}

TEST(QueryParams, RepeatedKeyIsAnErrorForGet) {
    QueryParams p("limit=1&limit=2");
    FieldErrors e;
    EXPECT_EQ(p.get("limit", e), std::nullopt);
    ASSERT_EQ(fields(e), std::vector<std::string>{"limit"});
    EXPECT_EQ(e.list()[0].message, "is given more than once");
}

TEST(QueryParams, ListsComeFromRepeatsAndCommas) {
    QueryParams p("status=available,verified&status=reported&status=&kind=,shop,,");
    EXPECT_EQ(p.get_list("status"),
              (std::vector<std::string>{"available", "verified", "reported"}));
    EXPECT_EQ(p.get_list("kind"), std::vector<std::string>{"shop"});
    EXPECT_TRUE(p.get_list("missing").empty());
}

TEST(QueryParams, KeysAndValuesAreUrlDecoded) {
    QueryParams p("q=old+post%20office&na%6De=%C3%A9t%C3%A9&plus=%2B&pct=100%&odd=%zz");
    FieldErrors e;
    EXPECT_EQ(p.get("q", e), "old post office");
    EXPECT_EQ(p.get("name", e), "\xC3\xA9t\xC3\xA9");
    EXPECT_EQ(p.get("plus", e), "+");
    EXPECT_EQ(p.get("pct", e), "100%"); // a stray % stays as it is
    EXPECT_EQ(p.get("odd", e), "%zz");
    EXPECT_TRUE(e.empty());
}

TEST(QueryParams, EncodedSeparatorsDoNotSplitParameters) {
    QueryParams p("q=a%26b%3Dc&bbox=1%2C2%2C3%2C4");
    FieldErrors e;
    EXPECT_EQ(p.get("q", e), "a&b=c");
    EXPECT_EQ(p.get("bbox", e), "1,2,3,4");
}

TEST(QueryParams, EmptyPartsAreSkipped) {
    QueryParams p("&&a=1&&");
    EXPECT_TRUE(p.has("a"));
    EXPECT_EQ(p.unused(), std::vector<std::string>{"a"});
    EXPECT_TRUE(QueryParams("").unused().empty());
}

TEST(QueryParams, UnusedListsWhatNobodyAskedForOnce) {
    QueryParams p("a=1&bogus=1&b=2&bogus=2&c=3");
    FieldErrors e;
    p.get("a", e);
    p.get_list("b");
    p.has("c"); // asking whether it is there does not count as reading it
    EXPECT_EQ(p.unused(), (std::vector<std::string>{"bogus", "c"}));
    p.mark_used("c");
    EXPECT_EQ(p.unused(), std::vector<std::string>{"bogus"});

    FieldErrors unknown;
    http::reject_unused(p, unknown);
    ASSERT_EQ(fields(unknown), std::vector<std::string>{"bogus"});
    EXPECT_EQ(unknown.list()[0].message, "is not a known parameter");
}

TEST(QueryParams, AParameterAskedForButAbsentIsNotUnknown) {
    QueryParams p("x=1");
    FieldErrors e;
    p.get("y", e);
    EXPECT_EQ(p.unused(), std::vector<std::string>{"x"});
}

// ---------------------------------------------------------------------------------------------
// with_param (next / prev links)

TEST(WithParam, ReplacesTheValueInPlace) {
    EXPECT_EQ(http::with_param("limit=10&offset=0&q=a+b", "offset", "10"),
              "limit=10&offset=10&q=a+b");
}

TEST(WithParam, AppendsWhenAbsent) {
    EXPECT_EQ(http::with_param("limit=10", "offset", "20"), "limit=10&offset=20");
    EXPECT_EQ(http::with_param("", "offset", "20"), "offset=20");
}

TEST(WithParam, DropsRepeatsOfTheKeyAndEmptyParts) {
    EXPECT_EQ(http::with_param("offset=1&&a=1&offset=2", "offset", "5"), "offset=5&a=1");
}

TEST(WithParam, MatchesEncodedKeysAndEncodesTheValue) {
    EXPECT_EQ(http::with_param("off%73et=1&b=2", "offset", "3"), "offset=3&b=2");
    EXPECT_EQ(http::with_param("a=1", "q", "x y&z"), "a=1&q=x%20y%26z");
}

// ---------------------------------------------------------------------------------------------
// parse_bbox

TEST(ParseBbox, FourNumbers) {
    std::string why;
    auto b = http::parse_bbox("2.9,50.5,3.3,50.8", why);
    ASSERT_TRUE(b) << why;
    EXPECT_EQ(*b, (BBox{2.9, 50.5, 3.3, 50.8}));
}

TEST(ParseBbox, SpacesAroundNumbersAreAllowed) {
    std::string why;
    auto b = http::parse_bbox(" -1 , -2 ,1, 2 ", why);
    ASSERT_TRUE(b) << why;
    EXPECT_EQ(*b, (BBox{-1, -2, 1, 2}));
}

TEST(ParseBbox, SixNumbersDropTheHeights) {
    // OGC 17-069r4 7.15.3: minx, miny, minz, maxx, maxy, maxz.
    std::string why;
    auto b = http::parse_bbox("2.9,50.5,-10,3.3,50.8,300", why);
    ASSERT_TRUE(b) << why;
    EXPECT_EQ(*b, (BBox{2.9, 50.5, 3.3, 50.8}));
}

TEST(ParseBbox, WrongCountsAndNonNumbersAreRefused) {
    for (const char* text : {"", "1,2,3", "1,2,3,4,5", "1,2,3,4,5,6,7", "a,b,c,d", "1,2,,4",
                             "1,2,3,4,", "nan,0,1,1", "inf,0,1,1", "1e999,0,1,1", "0x1,0,1,1"}) {
        SCOPED_TRACE(text);
        std::string why;
        EXPECT_FALSE(http::parse_bbox(text, why));
        EXPECT_NE(why.find("four numbers"), std::string::npos) << why;
    }
}

TEST(ParseBbox, OutOfRangeIsRefused) {
    for (const char* text : {"-181,0,1,1", "0,-91,1,1", "0,0,181,1", "0,0,1,90.5"}) {
        SCOPED_TRACE(text);
        std::string why;
        EXPECT_FALSE(http::parse_bbox(text, why));
        EXPECT_NE(why.find("outside"), std::string::npos) << why;
    }
}

TEST(ParseBbox, InvertedLatitudesAreRefused) {
    std::string why;
    EXPECT_FALSE(http::parse_bbox("0,10,1,5", why));
    EXPECT_NE(why.find("latitude"), std::string::npos) << why;
}

TEST(ParseBbox, AntimeridianCrossingIsRefused) {
    std::string why;
    EXPECT_FALSE(http::parse_bbox("170,-10,-170,10", why));
    EXPECT_NE(why.find("antimeridian"), std::string::npos) << why;
}

TEST(ParseBbox, DegenerateBoxesAreAccepted) {
    std::string why;
    EXPECT_TRUE(http::parse_bbox("3,50,3,50", why));
    EXPECT_TRUE(http::parse_bbox("-180,-90,180,90", why));
}

// ---------------------------------------------------------------------------------------------
// read_space_query

TEST(ReadSpaceQuery, NoParametersGiveTheDefaults) {
    auto r = read("");
    EXPECT_TRUE(r.errors.empty());
    EXPECT_EQ(r.q.limit, k_default_page_size);
    EXPECT_EQ(r.q.offset, 0u);
    EXPECT_EQ(r.q.sort, SpaceSort::id);
    EXPECT_FALSE(r.q.descending);
    EXPECT_FALSE(r.q.bbox);
    EXPECT_FALSE(r.q.near);
}

TEST(ReadSpaceQuery, EnumListsAcceptCommasAndRepeats) {
    auto r = read("status=available,verified&status=reported&kind=shop&owner_type=public,mixed");
    EXPECT_TRUE(r.errors.empty());
    EXPECT_EQ(r.q.statuses, (std::set<SpaceStatus>{SpaceStatus::available, SpaceStatus::verified,
                                                   SpaceStatus::reported}));
    EXPECT_EQ(r.q.kinds, std::set<SpaceKind>{SpaceKind::shop});
    EXPECT_EQ(r.q.owner_types,
              (std::set<OwnerType>{OwnerType::public_owner, OwnerType::mixed}));
}

TEST(ReadSpaceQuery, UnknownEnumValuesAreNamed) {
    auto r = read("status=available,vacant&kind=castle");
    EXPECT_EQ(fields(r.errors), (std::vector<std::string>{"status", "kind"}));
    EXPECT_NE(message_for(r.errors, "status").find("'vacant'"), std::string::npos);
}

TEST(ReadSpaceQuery, BboxForms) {
    auto r = read("bbox=2.9,50.5,3.3,50.8");
    ASSERT_TRUE(r.q.bbox);
    EXPECT_EQ(*r.q.bbox, (BBox{2.9, 50.5, 3.3, 50.8}));

    r = read("bbox=2.9,50.5,0,3.3,50.8,100");
    EXPECT_TRUE(r.errors.empty());
    ASSERT_TRUE(r.q.bbox);
    EXPECT_EQ(*r.q.bbox, (BBox{2.9, 50.5, 3.3, 50.8}));

    r = read("bbox=2.9%2C50.5%2C3.3%2C50.8");
    EXPECT_TRUE(r.q.bbox);

    r = read("bbox=170,-10,-170,10");
    EXPECT_FALSE(r.q.bbox);
    EXPECT_EQ(fields(r.errors), std::vector<std::string>{"bbox"});
    EXPECT_NE(message_for(r.errors, "bbox").find("antimeridian"), std::string::npos);

    r = read("bbox=1,2,3");
    EXPECT_EQ(fields(r.errors), std::vector<std::string>{"bbox"});

    r = read("bbox=1,2,3,4&bbox=1,2,3,4");
    EXPECT_EQ(message_for(r.errors, "bbox"), "is given more than once");
}

TEST(ReadSpaceQuery, BboxCrsBelongsToTheOgcStyle) {
    const std::string crs84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";
    auto r = read("bbox-crs=" + crs84, QueryStyle::ogc);
    EXPECT_TRUE(r.errors.empty());
    EXPECT_TRUE(r.unknown.empty());

    r = read("bbox-crs=http://www.opengis.net/def/crs/EPSG/0/4326", QueryStyle::ogc);
    EXPECT_EQ(fields(r.errors), std::vector<std::string>{"bbox-crs"});

    r = read("bbox-crs=" + crs84, QueryStyle::rest);
    EXPECT_EQ(r.unknown, std::vector<std::string>{"bbox-crs"});
}

TEST(ReadSpaceQuery, NearAndRadius) {
    auto r = read("near=3.06,50.63&radius=1500");
    EXPECT_TRUE(r.errors.empty());
    ASSERT_TRUE(r.q.near);
    EXPECT_EQ(r.q.near->center, (Position{3.06, 50.63}));
    EXPECT_EQ(r.q.near->radius_m, 1500.0);
    // Near alone sorts nearest first with no radius.
    r = read("near=3.06,50.63");
    ASSERT_TRUE(r.q.near);
    EXPECT_EQ(r.q.near->radius_m, 0.0);
    EXPECT_EQ(r.q.sort, SpaceSort::distance);
    // An explicit sort wins over the distance order.
    r = read("near=3.06,50.63&sort=name");
    EXPECT_EQ(r.q.sort, SpaceSort::name);
}

TEST(ReadSpaceQuery, BadNearIsRefused) {
    for (const char* near : {"3.06", "3.06,50.63,1", "a,b", "181,0", "0,-91", "", "3.06;50.63"}) {
        SCOPED_TRACE(near);
        auto r = read(std::string("near=") + near);
        EXPECT_EQ(fields(r.errors), std::vector<std::string>{"near"});
        EXPECT_FALSE(r.q.near);
    }
}

TEST(ReadSpaceQuery, BadRadiusIsRefused) {
    for (const char* radius : {"0", "-5", "abc", "20000001", ""}) {
        SCOPED_TRACE(radius);
        auto r = read(std::string("near=3,50&radius=") + radius);
        EXPECT_EQ(fields(r.errors), std::vector<std::string>{"radius"});
    }
    auto r = read("radius=100");
    EXPECT_EQ(fields(r.errors), std::vector<std::string>{"radius"});
    EXPECT_NE(message_for(r.errors, "radius").find("near"), std::string::npos);
    // A bad near does not also blame the radius.
    r = read("near=x&radius=100");
    EXPECT_EQ(fields(r.errors), std::vector<std::string>{"near"});
}

TEST(ReadSpaceQuery, AreasAndText) {
    auto r = read("min_area=50&max_area=5000.5&q=old+school");
    EXPECT_TRUE(r.errors.empty());
    EXPECT_EQ(r.q.min_area_m2, 50.0);
    EXPECT_EQ(r.q.max_area_m2, 5000.5);
    EXPECT_EQ(r.q.text, "old school");

    r = read("min_area=-1&max_area=abc");
    EXPECT_EQ(fields(r.errors), (std::vector<std::string>{"min_area", "max_area"}));
    r = read("min_area=10&max_area=5");
    EXPECT_EQ(fields(r.errors), std::vector<std::string>{"max_area"});
    r = read("q=" + std::string(201, 'a'));
    EXPECT_EQ(fields(r.errors), std::vector<std::string>{"q"});
    r = read("q=");
    EXPECT_FALSE(r.q.text);
}

TEST(ReadSpaceQuery, AvailabilityDatesInTheRestStyle) {
    auto r = read("available_from=2025-06-01&available_to=2025-09-30");
    EXPECT_TRUE(r.errors.empty());
    ASSERT_TRUE(r.q.available_during);
    EXPECT_EQ(r.q.available_during->from, "2025-06-01");
    EXPECT_EQ(r.q.available_during->to, "2025-09-30");
    EXPECT_FALSE(r.q.availability_overlaps);

    r = read("available_to=2025-09-30");
    ASSERT_TRUE(r.q.available_during);
    EXPECT_FALSE(r.q.available_during->from);

    r = read("available_from=2025-06-31");
    EXPECT_EQ(fields(r.errors), std::vector<std::string>{"available_from"});
    r = read("available_from=2025-06-02&available_to=2025-06-01");
    EXPECT_EQ(fields(r.errors), std::vector<std::string>{"available_to"});

    r = read("datetime=2025-06-01", QueryStyle::rest);
    EXPECT_EQ(r.unknown, std::vector<std::string>{"datetime"});
}

TEST(ReadSpaceQuery, DatetimeInstantsAndIntervals) {
    struct Case {
        const char* text;
        std::optional<std::string> from, to;
    };
    const Case cases[] = {
        {"2025-06-01", "2025-06-01", "2025-06-01"},
        {"2025-06-01T10:30:00Z", "2025-06-01", "2025-06-01"},
        {"2025-06-01/2025-09-30", "2025-06-01", "2025-09-30"},
        {"2025-06-01T00:00:00Z/2025-09-30T23:59:59Z", "2025-06-01", "2025-09-30"},
        {"2025-06-01/..", "2025-06-01", std::nullopt},
        {"../2025-09-30", std::nullopt, "2025-09-30"},
        {"2025-06-01/", "2025-06-01", std::nullopt},
        {"/2025-09-30", std::nullopt, "2025-09-30"},
        {"../..", std::nullopt, std::nullopt},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.text);
        auto r = read(std::string("datetime=") + http::url_encode(c.text), QueryStyle::ogc);
        EXPECT_TRUE(r.errors.empty()) << message_for(r.errors, "datetime");
        ASSERT_TRUE(r.q.availability_overlaps);
        EXPECT_EQ(r.q.availability_overlaps->from, c.from);
        EXPECT_EQ(r.q.availability_overlaps->to, c.to);
        EXPECT_FALSE(r.q.available_during);
    }
}

TEST(ReadSpaceQuery, BadDatetimesAreRefused) {
    for (const char* text : {"", "..", "soon", "2025-13-01", "2025-06-01/later",
                             "2025-09-30/2025-06-01", "2025-06-01T25:00:00Z"}) {
        SCOPED_TRACE(text);
        auto r = read(std::string("datetime=") + http::url_encode(text), QueryStyle::ogc);
        EXPECT_EQ(fields(r.errors), std::vector<std::string>{"datetime"});
        EXPECT_FALSE(r.q.availability_overlaps);
    }
    // The OGC style has no available_from / available_to.
    auto r = read("available_from=2025-06-01", QueryStyle::ogc);
    EXPECT_EQ(r.unknown, std::vector<std::string>{"available_from"});
}

TEST(ReadSpaceQuery, IdsSourcesAndFlags) {
    auto r = read("parent_id=4&owner_organisation_id=2&source=osm&source_id=way/1"
                  "&step_free_access=yes&water=1&electricity=false&heating=no&internet=true");
    EXPECT_TRUE(r.errors.empty());
    EXPECT_EQ(r.q.parent_id, 4);
    EXPECT_EQ(r.q.owner_organisation_id, 2);
    EXPECT_EQ(r.q.source, "osm");
    EXPECT_EQ(r.q.source_id, "way/1");
    EXPECT_EQ(r.q.step_free_access, true);
    EXPECT_EQ(r.q.water, true);
    EXPECT_EQ(r.q.electricity, false);
    EXPECT_EQ(r.q.heating, false);
    EXPECT_EQ(r.q.internet, true);

    r = read("parent_id=0&owner_organisation_id=x&water=maybe");
    EXPECT_EQ(fields(r.errors),
              (std::vector<std::string>{"parent_id", "owner_organisation_id", "water"}));
}

TEST(ReadSpaceQuery, SortWithDirection) {
    auto r = read("sort=-area");
    EXPECT_TRUE(r.errors.empty());
    EXPECT_EQ(r.q.sort, SpaceSort::area);
    EXPECT_TRUE(r.q.descending);

    r = read("sort=%2Bname"); // '+' must be encoded in a query string
    EXPECT_EQ(r.q.sort, SpaceSort::name);
    EXPECT_FALSE(r.q.descending);

    r = read("sort=vacant_since");
    EXPECT_EQ(r.q.sort, SpaceSort::vacant_since);
    EXPECT_FALSE(r.q.descending);

    r = read("sort=-distance&near=3,50");
    EXPECT_TRUE(r.errors.empty());
    EXPECT_EQ(r.q.sort, SpaceSort::distance);
    EXPECT_TRUE(r.q.descending);
}

TEST(ReadSpaceQuery, BadSortsAreRefused) {
    auto r = read("sort=size");
    EXPECT_EQ(fields(r.errors), std::vector<std::string>{"sort"});
    EXPECT_NE(message_for(r.errors, "sort").find("'size'"), std::string::npos);
    r = read("sort=--name");
    EXPECT_EQ(fields(r.errors), std::vector<std::string>{"sort"});
    r = read("sort=-");
    EXPECT_EQ(fields(r.errors), std::vector<std::string>{"sort"});
    r = read("sort=distance");
    EXPECT_EQ(fields(r.errors), std::vector<std::string>{"sort"});
    EXPECT_NE(message_for(r.errors, "sort").find("near"), std::string::npos);
}

TEST(ReadSpaceQuery, LimitIsCappedAtTheMaximum) {
    // OGC 17-069r4 7.15.3: a limit above the maximum is capped, not refused.
    auto r = read("limit=" + std::to_string(k_max_page_size + 1));
    EXPECT_TRUE(r.errors.empty());
    EXPECT_EQ(r.q.limit, k_max_page_size);
    r = read("limit=99999999999999");
    EXPECT_TRUE(r.errors.empty());
    EXPECT_EQ(r.q.limit, k_max_page_size);
    r = read("limit=25&offset=50");
    EXPECT_EQ(r.q.limit, 25u);
    EXPECT_EQ(r.q.offset, 50u);
}

TEST(ReadSpaceQuery, BadPagingIsRefused) {
    for (const char* q : {"limit=0", "limit=-1", "limit=ten", "limit=", "limit=1.5",
                          "limit=99999999999999999999999"}) {
        SCOPED_TRACE(q);
        EXPECT_EQ(fields(read(q).errors), std::vector<std::string>{"limit"});
    }
    for (const char* q : {"offset=-1", "offset=x", "offset=100000001"}) {
        SCOPED_TRACE(q);
        EXPECT_EQ(fields(read(q).errors), std::vector<std::string>{"offset"});
    }
}

TEST(ReadSpaceQuery, EveryBadParameterIsReportedAtOnce) {
    auto r = read("status=x&bbox=1&near=y&limit=0&sort=z&water=w");
    EXPECT_EQ(fields(r.errors),
              (std::vector<std::string>{"status", "bbox", "near", "water", "sort", "limit"}));
}

TEST(ReadSpaceQuery, ReadsEverySharedFilterAndNothingElse) {
    const std::string all =
        "status=available&kind=shop&owner_type=public&min_area=1&max_area=2&q=x&bbox=0,0,1,1"
        "&near=0,0&radius=1&available_from=2025-01-01&available_to=2025-02-01&parent_id=1"
        "&owner_organisation_id=1&source=s&source_id=i&step_free_access=true&water=true"
        "&electricity=true&heating=true&internet=true&sort=id&limit=1&offset=0";
    auto r = read(all + "&workspace=lille&f=json&datetime=2025-01-01&bogus=1");
    EXPECT_TRUE(r.errors.empty());
    EXPECT_EQ(r.unknown, (std::vector<std::string>{"workspace", "f", "datetime", "bogus"}));
}

// ---------------------------------------------------------------------------------------------
// read_paging

TEST(ReadPaging, ReadsOnlyLimitAndOffset) {
    QueryParams p("limit=20000&offset=5&status=available");
    FieldErrors e;
    auto paging = http::read_paging(p, e);
    EXPECT_TRUE(e.empty());
    EXPECT_EQ(paging.limit, k_max_page_size);
    EXPECT_EQ(paging.offset, 5u);
    EXPECT_EQ(p.unused(), std::vector<std::string>{"status"});

    QueryParams none("");
    paging = http::read_paging(none, e);
    EXPECT_EQ(paging.limit, k_default_page_size);
    EXPECT_EQ(paging.offset, 0u);
}

} // namespace
} // namespace impetus::test
