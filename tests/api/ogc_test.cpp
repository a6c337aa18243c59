// OGC API - Features - Part 1: Core (OGC 17-069r4) over HTTP: landing page, conformance,
// collections, items with bbox, datetime, paging and their links, single features, and the
// errors the standard asks for.

#include "api_test.hpp"

namespace impetus::test {
namespace {

constexpr const char* k_items = "/ogc/collections/spaces/items";

class OgcApi : public ApiTest {
protected:
    OgcApi() {
        create_workspace("lille");
        create_workspace("roubaix");

        auto a = space_body("Halle", point_geometry(3.05, 50.62));
        a["available_from"] = "2024-01-01";
        a["available_to"] = "2024-12-31";
        id["a"] = create_space("lille", a).at("id").get<std::int64_t>();

        auto b = space_body("Friche", square_geometry(3.069, 50.624, 0.002), "plot");
        b["available_from"] = "2025-03-01";
        id["b"] = create_space("lille", b).at("id").get<std::int64_t>();

        auto c = space_body("Boutique", point_geometry(3.055, 50.635), "shop");
        id["c"] = create_space("lille", c).at("id").get<std::int64_t>();

        auto d = space_body("Entrepôt", point_geometry(3.06, 50.64));
        d["available_from"] = "2023-01-01";
        d["available_to"] = "2023-06-30";
        id["d"] = create_space("lille", d).at("id").get<std::int64_t>();

        auto e = space_body("Atelier", point_geometry(3.065, 50.63));
        id["e"] = create_space("lille", e).at("id").get<std::int64_t>();

        id["r"] = create_space("roubaix", space_body("Filature", point_geometry(3.17, 50.69)))
                      .at("id")
                      .get<std::int64_t>();
    }

    std::set<std::int64_t> ids(std::initializer_list<const char*> names) {
        std::set<std::int64_t> out;
        for (const char* n : names) out.insert(id.at(n));
        return out;
    }

    // GET of a GeoJSON FeatureCollection page, checked for its media type and shape.
    json items(const std::string& query) {
        const std::string target = std::string(k_items) + (query.empty() ? "" : "?" + query);
        auto r = http.get(target);
        require_status(r, 200, target);
        EXPECT_EQ(r.media_type(), "application/geo+json") << target;
        auto j = r.json();
        EXPECT_EQ(j.at("type"), "FeatureCollection");
        EXPECT_EQ(j.at("numberReturned"), j.at("features").size()) << target;
        for (const auto& f : j.at("features")) EXPECT_EQ(f.at("type"), "Feature");
        return j;
    }

    std::set<std::int64_t> item_ids(const std::string& query) {
        return id_set(items(query).at("features"));
    }

    std::map<std::string, std::int64_t> id;
};

TEST_F(OgcApi, LandingPageLinksWork) {
    auto r = http.get("/ogc");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.media_type(), "application/json");
    auto j = r.json();
    EXPECT_TRUE(j.at("title").is_string());
    const auto& links = j.at("links");
    for (const char* rel : {"self", "service-desc", "conformance", "data"}) {
        const auto href = link_href(links, rel);
        ASSERT_FALSE(href.empty()) << "no " << rel << " link";
        auto followed = http.get(http.target_of(href));
        EXPECT_EQ(followed.status, 200) << rel << " " << href;
        EXPECT_NO_THROW(followed.json()) << rel;
    }
    EXPECT_EQ(link_href(links, "self"), server.base_url() + "/ogc");
    EXPECT_EQ(link_href(links, "conformance"), server.base_url() + "/ogc/conformance");
    EXPECT_EQ(link_href(links, "data"), server.base_url() + "/ogc/collections");
    // service-desc is an OpenAPI 3.0 document
    auto api = http.get(http.target_of(link_href(links, "service-desc"))).json();
    EXPECT_EQ(api.value("openapi", "").substr(0, 2), "3.");
}

TEST_F(OgcApi, ConformanceListsTheClasses) {
    auto j = list("/ogc/conformance");
    std::set<std::string> classes;
    for (const auto& c : j.at("conformsTo")) classes.insert(c.get<std::string>());
    for (const char* c : {"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
                          "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
                          "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30"}) {
        EXPECT_TRUE(classes.contains(c)) << c;
    }
}

TEST_F(OgcApi, CollectionsDescribeSpacesWithTheirExtent) {
    auto all = list("/ogc/collections");
    ASSERT_EQ(all.at("collections").size(), 1u);
    const auto& c = all.at("collections")[0];
    EXPECT_EQ(c.at("id"), "spaces");
    EXPECT_EQ(c.at("itemType"), "feature");
    const auto items_href = link_href(c.at("links"), "items");
    EXPECT_EQ(items_href, server.base_url() + k_items);

    auto one = list("/ogc/collections/spaces");
    EXPECT_EQ(one, c);
    // The extent covers every space of every workspace: from Halle to the Roubaix mill.
    const auto& bbox = one.at("extent").at("spatial").at("bbox").at(0);
    ASSERT_EQ(bbox.size(), 4u);
    EXPECT_DOUBLE_EQ(bbox[0].get<double>(), 3.05);
    EXPECT_DOUBLE_EQ(bbox[1].get<double>(), 50.62);
    EXPECT_DOUBLE_EQ(bbox[2].get<double>(), 3.17);
    EXPECT_DOUBLE_EQ(bbox[3].get<double>(), 50.69);
    EXPECT_EQ(one.at("extent").at("spatial").at("crs"),
              "http://www.opengis.net/def/crs/OGC/1.3/CRS84");
}

TEST_F(OgcApi, ItemsListEveryWorkspaceWithCounts) {
    auto j = items("");
    EXPECT_EQ(j.at("numberMatched"), 6);
    EXPECT_EQ(j.at("numberReturned"), 6);
    EXPECT_EQ(id_set(j.at("features")), ids({"a", "b", "c", "d", "e", "r"}));
    EXPECT_TRUE(j.at("timeStamp").is_string());
    EXPECT_FALSE(link_href(j.at("links"), "self").empty());
    EXPECT_TRUE(link_href(j.at("links"), "next").empty());
    for (const auto& f : j.at("features")) {
        const auto ws = f.at("properties").at("workspace").get<std::string>();
        EXPECT_EQ(ws, f.at("id") == id["r"] ? "roubaix" : "lille");
    }
    EXPECT_EQ(item_ids("workspace=roubaix"), ids({"r"}));
}

TEST_F(OgcApi, ItemsFilterByBoundingBox) {
    EXPECT_EQ(item_ids("bbox=3.04,50.61,3.058,50.64"), ids({"a", "c"}));
    EXPECT_EQ(item_ids("bbox=3.0695,50.6245,3.0705,50.6255"), ids({"b"})); // inside the plot
    // Six numbers: min lon, min lat, min height, max lon, max lat, max height (OGC 17-069r4).
    EXPECT_EQ(item_ids("bbox=3.04,50.61,0,3.058,50.64,100"), ids({"a", "c"}));
    EXPECT_EQ(item_ids("bbox=3.04,50.61,3.058,50.64&bbox-crs=http%3A%2F%2Fwww.opengis.net%2Fdef%"
                       "2Fcrs%2FOGC%2F1.3%2FCRS84"),
              ids({"a", "c"}));
}

TEST_F(OgcApi, CachedPageIsWholeAndHeadGivesItsLength) {
    // The second GET is answered from the response cache, whose body the server writes as it
    // is kept; HEAD gets the same length and no body.
    const std::string target = std::string(k_items) + "?bbox=3.04,50.61,3.07,50.64";
    auto first = require_status(http.get(target), 200, target);
    auto second = require_status(http.get(target), 200, target);
    EXPECT_EQ(second.body, first.body);
    EXPECT_EQ(first.header("Content-Length"), std::to_string(first.body.size()));
    EXPECT_EQ(second.header("Content-Length"), std::to_string(first.body.size()));
    auto head = http.send(HttpRequest{"HEAD", target, {}, {}});
    EXPECT_EQ(head.status, 200);
    EXPECT_EQ(head.header("Content-Length"), std::to_string(first.body.size()));
    EXPECT_TRUE(head.body.empty());
}

TEST_F(OgcApi, ItemsFilterByDatetime) {
    // The space's availability intersects the asked instant or interval; no dates: always.
    EXPECT_EQ(item_ids("datetime=2024-06-01T12:00:00Z"), ids({"a", "c", "e", "r"}));
    EXPECT_EQ(item_ids("datetime=2024-06-01"), ids({"a", "c", "e", "r"}));
    EXPECT_EQ(item_ids("datetime=2025-01-01T00:00:00Z/.."), ids({"b", "c", "e", "r"}));
    EXPECT_EQ(item_ids("datetime=../2023-03-01T00:00:00Z"), ids({"c", "d", "e", "r"}));
    EXPECT_EQ(item_ids("datetime=2023-06-01T00:00:00Z/2024-02-01T00:00:00Z"),
              ids({"a", "c", "d", "e", "r"}));
    EXPECT_EQ(item_ids("datetime=../.."), ids({"a", "b", "c", "d", "e", "r"}));

    auto backwards = http.get(std::string(k_items) + "?datetime=2024-01-01/2023-01-01");
    EXPECT_TRUE(is_problem(backwards, 400));
    EXPECT_EQ(error_parameters(backwards), std::set<std::string>{"datetime"});
    EXPECT_TRUE(is_problem(http.get(std::string(k_items) + "?datetime=yesterday"), 400));
}

TEST_F(OgcApi, PagesLinkToEachOtherAndTheLinksWork) {
    auto first = items("limit=2");
    EXPECT_EQ(first.at("numberMatched"), 6);
    EXPECT_EQ(first.at("numberReturned"), 2);
    EXPECT_TRUE(link_href(first.at("links"), "prev").empty());

    std::vector<std::int64_t> seen = ids_of(first.at("features"));
    json page = first;
    std::vector<json> pages{first};
    for (int guard = 0; guard < 10; ++guard) {
        const auto next = link_href(page.at("links"), "next");
        if (next.empty()) break;
        auto target = http.target_of(next);
        auto r = http.get(target);
        ASSERT_EQ(r.status, 200) << target << ": " << r.body;
        EXPECT_EQ(r.media_type(), "application/geo+json");
        page = r.json();
        EXPECT_EQ(page.at("numberMatched"), 6);
        for (auto v : ids_of(page.at("features"))) seen.push_back(v);
        pages.push_back(page);
    }
    EXPECT_EQ(pages.size(), 3u);
    std::set<std::int64_t> unique(seen.begin(), seen.end());
    EXPECT_EQ(seen.size(), 6u);
    EXPECT_EQ(unique, ids({"a", "b", "c", "d", "e", "r"}));

    // prev of the last page is the middle page.
    const auto prev = link_href(pages[2].at("links"), "prev");
    ASSERT_FALSE(prev.empty());
    auto back = http.get(http.target_of(prev)).json();
    EXPECT_EQ(ids_of(back.at("features")), ids_of(pages[1].at("features")));

    auto off = items("limit=4&offset=4");
    EXPECT_EQ(off.at("numberReturned"), 2);
    EXPECT_EQ(ids_of(off.at("features")), ids_of(pages[2].at("features")));
}

TEST_F(OgcApi, PagingKeepsTheFilters) {
    auto first = items("bbox=3.0,50.6,3.1,50.65&limit=3");
    EXPECT_EQ(first.at("numberMatched"), 5);
    auto next = link_href(first.at("links"), "next");
    ASSERT_FALSE(next.empty());
    auto second = http.get(http.target_of(next)).json();
    EXPECT_EQ(second.at("numberReturned"), 2);
    auto all = id_set(first.at("features"));
    for (auto v : ids_of(second.at("features"))) all.insert(v);
    EXPECT_EQ(all, ids({"a", "b", "c", "d", "e"}));
}

TEST_F(OgcApi, SingleFeature) {
    auto r = http.get(std::string(k_items) + "/" + std::to_string(id["b"]));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.media_type(), "application/geo+json");
    auto f = r.json();
    EXPECT_EQ(f.at("type"), "Feature");
    EXPECT_EQ(f.at("id"), id["b"]);
    EXPECT_EQ(f.at("geometry"), square_geometry(3.069, 50.624, 0.002));
    EXPECT_EQ(f.at("properties").at("name"), "Friche");
    EXPECT_EQ(f.at("properties").at("workspace"), "lille");
    EXPECT_EQ(link_href(f.at("links"), "self"),
              server.base_url() + k_items + "/" + std::to_string(id["b"]));
    EXPECT_EQ(link_href(f.at("links"), "collection"),
              server.base_url() + "/ogc/collections/spaces");
}

TEST_F(OgcApi, UnknownFeatureIsNotFound) {
    EXPECT_TRUE(is_problem(http.get(std::string(k_items) + "/999999"), 404));
    EXPECT_TRUE(is_problem(http.get(std::string(k_items) + "/abc"), 404));
    EXPECT_TRUE(is_problem(http.get(std::string(k_items) + "/0"), 404));
}

TEST_F(OgcApi, UnknownParameterIsBadRequest) {
    auto r = http.get(std::string(k_items) + "?colour=red");
    EXPECT_TRUE(is_problem(r, 400));
    EXPECT_EQ(error_parameters(r), std::set<std::string>{"colour"});
    EXPECT_TRUE(is_problem(http.get("/ogc?colour=red"), 400));
    EXPECT_TRUE(is_problem(http.get("/ogc/collections?colour=red"), 400));
    EXPECT_TRUE(is_problem(http.get(std::string(k_items) + "/" + std::to_string(id["a"]) +
                                    "?colour=red"),
                           400));
    // f=json is known; other encodings are refused.
    EXPECT_EQ(http.get(std::string(k_items) + "?f=json").status, 200);
    EXPECT_TRUE(is_problem(http.get(std::string(k_items) + "?f=html"), 400));
    EXPECT_TRUE(is_problem(http.get(std::string(k_items) + "?bbox=1,2,3"), 400));
    EXPECT_TRUE(is_problem(http.get(std::string(k_items) + "?limit=0"), 400));
    EXPECT_TRUE(is_problem(http.get(std::string(k_items) + "?bbox-crs=EPSG:3857&bbox=0,0,1,1"),
                           400));
}

TEST_F(OgcApi, LimitAboveTheMaximumIsCapped) {
    auto j = items("limit=1000000");
    EXPECT_EQ(j.at("numberReturned"), 6);
}

TEST_F(OgcApi, UnknownCollectionIsNotFound) {
    EXPECT_TRUE(is_problem(http.get("/ogc/collections/parcels"), 404));
    EXPECT_TRUE(is_problem(http.get("/ogc/collections/parcels/items"), 404));
    EXPECT_TRUE(is_problem(http.get("/ogc/collections/parcels/items/1"), 404));
}

TEST_F(OgcApi, ItemsFollowChanges) {
    auto before = items("");
    create_space("lille", space_body("Nouvelle", point_geometry(3.0, 50.6)));
    auto after = items("");
    EXPECT_EQ(after.at("numberMatched"), before.at("numberMatched").get<int>() + 1);
    auto extent = list("/ogc/collections/spaces").at("extent").at("spatial").at("bbox").at(0);
    EXPECT_DOUBLE_EQ(extent[0].get<double>(), 3.0);
    EXPECT_DOUBLE_EQ(extent[1].get<double>(), 50.6);
}

} // namespace
} // namespace impetus::test
