// Space lists over HTTP: every filter, sorting, and pagination that walks every page through
// the `next` links.

#include "api_test.hpp"

#include <algorithm>
#include <map>

namespace impetus::test {
namespace {

// Six spaces in Lille and one in Roubaix, each chosen to fall in or out of every filter:
//
//   name                   kind        status     owner    area      where (from 3.060,50.630)
//   Halle aux sucres       building    available  public   500 given  the centre itself
//   Rue Nationale shop     shop        reported   private  80 given   ~660 m
//   Friche Saint-Sauveur   plot        verified   public   ~31,500    polygon ~780 m
//   Parc des Dondaines     open_space  available  mixed    ~1,970     polygon ~1,500 m
//   Filature Motte         building    available  private  2000 given ~10 km
//   Unit 4B                unit        allocated  unknown  none       ~130 m
class ListsApi : public ApiTest {
protected:
    ListsApi() {
        create_workspace("lille");
        create_workspace("roubaix");

        auto s1 = space_body("Halle aux sucres", point_geometry(3.060, 50.630));
        s1["status"] = "available";
        s1["owner_type"] = "public";
        s1["area_m2"] = 500;
        s1["step_free_access"] = true;
        s1["utilities"] = {{"water", true}, {"electricity", true}};
        s1["available_from"] = "2024-01-01";
        s1["available_to"] = "2024-12-31";
        s1["vacant_since"] = "2019-05-01";
        s1["notes"] = "Former sugar warehouse on the quay.";
        id["halle"] = create_space("lille", s1).at("id").get<std::int64_t>();

        auto s2 = space_body("Rue Nationale shop", point_geometry(3.055, 50.635), "shop");
        s2["owner_type"] = "private";
        s2["area_m2"] = 80;
        s2["step_free_access"] = false;
        s2["utilities"] = {{"water", false}, {"electricity", true}};
        s2["address"] = "12 rue Nationale, Lille";
        id["shop"] = create_space("lille", s2).at("id").get<std::int64_t>();

        auto s3 = space_body("Friche Saint-Sauveur", square_geometry(3.069, 50.624, 0.002), "plot");
        s3["status"] = "verified";
        s3["owner_type"] = "public";
        s3["available_from"] = "2025-03-01";
        id["friche"] = create_space("lille", s3).at("id").get<std::int64_t>();

        auto s4 = space_body("Parc des Dondaines", square_geometry(3.07475, 50.63975, 0.0005),
                             "open_space");
        s4["status"] = "available";
        s4["owner_type"] = "mixed";
        s4["available_from"] = "2024-06-01";
        s4["available_to"] = "2026-12-31";
        id["parc"] = create_space("lille", s4).at("id").get<std::int64_t>();

        auto s5 = space_body("Filature Motte", point_geometry(3.17, 50.69));
        s5["status"] = "available";
        s5["owner_type"] = "private";
        s5["area_m2"] = 2000;
        s5["available_from"] = "2023-01-01";
        s5["available_to"] = "2024-03-31";
        id["filature"] = create_space("lille", s5).at("id").get<std::int64_t>();

        auto s6 = space_body("Unit 4B", point_geometry(3.061, 50.631), "unit");
        s6["status"] = "allocated";
        s6["step_free_access"] = true;
        s6["utilities"] = {{"heating", true}};
        id["unit"] = create_space("lille", s6).at("id").get<std::int64_t>();

        auto r1 = space_body("La Condition Publique", point_geometry(3.165, 50.695));
        r1["status"] = "available";
        id["condition"] = create_space("roubaix", r1).at("id").get<std::int64_t>();
    }

    // The ids of `names`, as a set.
    std::set<std::int64_t> ids(std::initializer_list<const char*> names) {
        std::set<std::int64_t> out;
        for (const char* n : names) out.insert(id.at(n));
        return out;
    }
    std::vector<std::int64_t> ordered(std::initializer_list<const char*> names) {
        std::vector<std::int64_t> out;
        for (const char* n : names) out.push_back(id.at(n));
        return out;
    }

    // The ids a Lille list with `query` returns (one page, large enough for all).
    std::set<std::int64_t> matching(const std::string& query) {
        auto j = list(spaces_path("lille") + "?" + query);
        EXPECT_EQ(j.at("total"), j.at("items").size()) << query;
        return id_set(j.at("items"));
    }

    std::map<std::string, std::int64_t> id;
};

TEST_F(ListsApi, WithoutFiltersListsTheWorkspacesSpaces) {
    auto j = list(spaces_path("lille"));
    EXPECT_EQ(j.at("total"), 6);
    EXPECT_EQ(j.at("limit"), 100);
    EXPECT_EQ(j.at("offset"), 0);
    EXPECT_EQ(id_set(j.at("items")),
              ids({"halle", "shop", "friche", "parc", "filature", "unit"}));
    EXPECT_FALSE(link_href(j.at("links"), "self").empty());
    EXPECT_TRUE(link_href(j.at("links"), "next").empty());
}

TEST_F(ListsApi, FilterByStatus) {
    EXPECT_EQ(matching("status=available"), ids({"halle", "parc", "filature"}));
    EXPECT_EQ(matching("status=available,verified"), ids({"halle", "parc", "filature", "friche"}));
    EXPECT_EQ(matching("status=allocated&status=reported"), ids({"unit", "shop"}));
    EXPECT_EQ(matching("status=ended"), ids({}));
}

TEST_F(ListsApi, FilterByKind) {
    EXPECT_EQ(matching("kind=shop"), ids({"shop"}));
    EXPECT_EQ(matching("kind=plot,open_space"), ids({"friche", "parc"}));
    EXPECT_EQ(matching("kind=building"), ids({"halle", "filature"}));
}

TEST_F(ListsApi, FilterByOwnerType) {
    EXPECT_EQ(matching("owner_type=public"), ids({"halle", "friche"}));
    EXPECT_EQ(matching("owner_type=private"), ids({"shop", "filature"}));
    EXPECT_EQ(matching("owner_type=unknown"), ids({"unit"}));
}

TEST_F(ListsApi, FilterByArea) {
    EXPECT_EQ(matching("min_area=100&max_area=2500"), ids({"halle", "parc", "filature"}));
    EXPECT_EQ(matching("min_area=10000"), ids({"friche"}));
    EXPECT_EQ(matching("max_area=100"), ids({"shop"}));
    EXPECT_EQ(matching("min_area=500&max_area=500"), ids({"halle"})); // inclusive
}

TEST_F(ListsApi, FilterByText) {
    EXPECT_EQ(matching("q=sugar"), ids({"halle"}));      // in the notes
    EXPECT_EQ(matching("q=nationale"), ids({"shop"}));   // name and address, any case
    EXPECT_EQ(matching("q=saint%20sauv"), ids({"friche"})); // every word, as a prefix
    EXPECT_EQ(matching("q=Lille"), ids({"shop"}));       // the address
    EXPECT_EQ(matching("q=sugar+shop"), ids({}));        // all words must match
    EXPECT_EQ(matching("q=sugar%22%29%28*"), ids({"halle"})); // FTS syntax is plain text
}

TEST_F(ListsApi, FilterByBoundingBox) {
    EXPECT_EQ(matching("bbox=3.05,50.62,3.08,50.645"),
              ids({"halle", "shop", "friche", "parc", "unit"}));
    // A box inside the plot, touching none of its corners: the geometry, not its corners, counts.
    EXPECT_EQ(matching("bbox=3.0695,50.6245,3.0705,50.6255"), ids({"friche"}));
    EXPECT_EQ(matching("bbox=3.16,50.68,3.18,50.70"), ids({"filature"}));
    EXPECT_EQ(matching("bbox=-1,40,0,41"), ids({}));
}

TEST_F(ListsApi, FilterByDistanceAroundAPoint) {
    auto j = list(spaces_path("lille") + "?near=3.060,50.630&radius=1000");
    EXPECT_EQ(ids_of(j.at("items")), ordered({"halle", "unit", "shop", "friche"}));
    EXPECT_EQ(j.at("total"), 4);
    const auto& items = j.at("items");
    EXPECT_EQ(items[0].at("distance_m"), 0.0);
    EXPECT_NEAR(items[1].at("distance_m").get<double>(), 132, 3);
    EXPECT_NEAR(items[2].at("distance_m").get<double>(), 660, 10);
    EXPECT_NEAR(items[3].at("distance_m").get<double>(), 777, 10); // to the polygon's edge
    for (const auto& i : items) EXPECT_LE(i.at("distance_m").get<double>(), 1000.0);

    EXPECT_EQ(ids_of(list(spaces_path("lille") + "?near=3.060,50.630&radius=700").at("items")),
              ordered({"halle", "unit", "shop"}));
}

TEST_F(ListsApi, NearWithoutRadiusSortsEverythingNearestFirst) {
    auto j = list(spaces_path("lille") + "?near=3.060,50.630");
    EXPECT_EQ(ids_of(j.at("items")),
              ordered({"halle", "unit", "shop", "friche", "parc", "filature"}));
    double last = -1;
    for (const auto& i : j.at("items")) {
        ASSERT_TRUE(i.contains("distance_m")) << i.dump();
        EXPECT_GE(i.at("distance_m").get<double>(), last);
        last = i.at("distance_m").get<double>();
    }
    EXPECT_GT(last, 9800.0); // Roubaix is about 10 km away
    EXPECT_LT(last, 10700.0);
    // A list without near has no distance.
    EXPECT_FALSE(list(spaces_path("lille")).at("items")[0].contains("distance_m"));
}

TEST_F(ListsApi, FilterByAvailability) {
    // The space's window must cover the asked period; a space without dates has no limit.
    EXPECT_EQ(matching("available_from=2024-03-01&available_to=2024-06-30"),
              ids({"halle", "shop", "unit"}));
    EXPECT_EQ(matching("available_from=2025-06-01"), ids({"shop", "friche", "parc", "unit"}));
    EXPECT_EQ(matching("available_to=2023-06-01"), ids({"shop", "unit", "filature"}));
}

TEST_F(ListsApi, FilterByStepFreeAccessAndUtilities) {
    EXPECT_EQ(matching("step_free_access=true"), ids({"halle", "unit"}));
    EXPECT_EQ(matching("step_free_access=false"), ids({"shop"}));
    EXPECT_EQ(matching("water=true"), ids({"halle"}));
    EXPECT_EQ(matching("water=false"), ids({"shop"}));
    EXPECT_EQ(matching("electricity=true"), ids({"halle", "shop"}));
    EXPECT_EQ(matching("heating=true"), ids({"unit"}));
    EXPECT_EQ(matching("internet=true"), ids({}));
    EXPECT_EQ(matching("electricity=true&step_free_access=true"), ids({"halle"}));
}

TEST_F(ListsApi, FiltersCombine) {
    EXPECT_EQ(matching("status=available&owner_type=private&min_area=1000"), ids({"filature"}));
    EXPECT_EQ(matching("kind=building&bbox=3.05,50.62,3.08,50.645"), ids({"halle"}));
}

TEST_F(ListsApi, SortByNameAscendingAndDescending) {
    auto asc = ids_of(list(spaces_path("lille") + "?sort=name").at("items"));
    EXPECT_EQ(asc, ordered({"filature", "friche", "halle", "parc", "shop", "unit"}));
    auto desc = ids_of(list(spaces_path("lille") + "?sort=-name").at("items"));
    EXPECT_EQ(desc, ordered({"unit", "shop", "parc", "halle", "friche", "filature"}));
}

TEST_F(ListsApi, SortByAreaKeepsSpacesWithoutAreaLast) {
    EXPECT_EQ(ids_of(list(spaces_path("lille") + "?sort=area").at("items")),
              ordered({"shop", "halle", "parc", "filature", "friche", "unit"}));
    EXPECT_EQ(ids_of(list(spaces_path("lille") + "?sort=-area").at("items")),
              ordered({"friche", "filature", "parc", "halle", "shop", "unit"}));
}

TEST_F(ListsApi, SortByIdDescending) {
    EXPECT_EQ(ids_of(list(spaces_path("lille") + "?sort=-id").at("items")),
              ordered({"unit", "filature", "parc", "friche", "shop", "halle"}));
}

TEST_F(ListsApi, GlobalListSpansWorkspacesAndNarrowsToOne) {
    auto all = list("/api/v1/spaces");
    EXPECT_EQ(all.at("total"), 7);
    auto lille = list("/api/v1/spaces?workspace=lille");
    EXPECT_EQ(lille.at("total"), 6);
    EXPECT_EQ(id_set(lille.at("items")), ids({"halle", "shop", "friche", "parc", "filature", "unit"}));
    auto roubaix = list("/api/v1/spaces?workspace=roubaix&status=available");
    EXPECT_EQ(id_set(roubaix.at("items")), ids({"condition"}));
    auto r = http.get("/api/v1/spaces?workspace=nowhere");
    EXPECT_TRUE(is_problem(r, 400));
    EXPECT_EQ(error_parameters(r), std::set<std::string>{"workspace"});
}

// ---------------------------------------------------------------------------------------------

class PaginationApi : public ApiTest {
protected:
    PaginationApi() {
        create_workspace("lille");
        const char* statuses[] = {"reported", "verified", "available"};
        for (int i = 0; i < 23; ++i) {
            auto b = space_body("Space " + std::to_string(i % 4), // names repeat: ties to break
                                point_geometry(3.0 + i * 0.001, 50.6 + (i % 5) * 0.001));
            b["status"] = statuses[i % 3];
            b["area_m2"] = 100 + (i % 3) * 10;
            created.push_back(create_space("lille", b).at("id").get<std::int64_t>());
        }
    }

    // Follows `next` links from `first` to the end; every page must agree on the total.
    std::vector<std::int64_t> walk(const std::string& first, std::size_t page_size,
                                   std::size_t total, std::size_t* pages = nullptr) {
        std::vector<std::int64_t> seen;
        std::string target = first;
        std::size_t n = 0;
        while (!target.empty()) {
            auto page = list(target);
            EXPECT_EQ(page.at("total"), total) << target;
            EXPECT_LE(page.at("items").size(), page_size);
            for (auto v : ids_of(page.at("items"))) seen.push_back(v);
            auto next = link_href(page.at("links"), "next");
            target = next.empty() ? std::string() : http.target_of(next);
            if (++n > 50) {
                ADD_FAILURE() << "the next links do not end";
                break;
            }
        }
        if (pages) *pages = n;
        return seen;
    }

    std::vector<std::int64_t> created;
};

TEST_F(PaginationApi, NextLinksWalkEveryPageOnceInOrder) {
    std::size_t pages = 0;
    auto seen = walk(spaces_path("lille") + "?limit=5", 5, 23, &pages);
    EXPECT_EQ(pages, 5u);
    EXPECT_EQ(seen, created); // the default order is by id
}

TEST_F(PaginationApi, PagesAreStableWhenTheSortKeyHasTies) {
    for (const char* order : {"sort=name", "sort=-name", "sort=status", "sort=-status",
                              "sort=area", "sort=-area", "near=3.01,50.602",
                              "near=3.01,50.602&sort=-distance"}) {
        auto seen = walk(spaces_path("lille") + "?limit=4&" + order, 4, 23);
        std::set<std::int64_t> unique(seen.begin(), seen.end());
        EXPECT_EQ(seen.size(), 23u) << order;
        EXPECT_EQ(unique.size(), seen.size()) << order << ": a space appears twice";
        EXPECT_EQ(unique, std::set<std::int64_t>(created.begin(), created.end())) << order;
        // The walk is the same as one big page.
        auto whole = ids_of(list(spaces_path("lille") + "?limit=100&" + order).at("items"));
        EXPECT_EQ(seen, whole) << order;
    }
}

TEST_F(PaginationApi, FiltersCarryOverToTheNextLinks) {
    // Every third space is available: 2, 5, 8 ... 20.
    std::size_t pages = 0;
    auto seen = walk(spaces_path("lille") + "?status=available&sort=-id&limit=3", 3, 7, &pages);
    EXPECT_EQ(pages, 3u);
    std::vector<std::int64_t> expected;
    for (int i = 20; i >= 0; i -= 3) expected.push_back(created[i]);
    EXPECT_EQ(seen, expected);
}

TEST_F(PaginationApi, OffsetAndPrevLinks) {
    auto page = list(spaces_path("lille") + "?limit=5&offset=10");
    EXPECT_EQ(ids_of(page.at("items")),
              std::vector<std::int64_t>(created.begin() + 10, created.begin() + 15));
    EXPECT_EQ(page.at("offset"), 10);
    auto prev = list(http.target_of(link_href(page.at("links"), "prev")));
    EXPECT_EQ(ids_of(prev.at("items")),
              std::vector<std::int64_t>(created.begin() + 5, created.begin() + 10));

    auto last = list(spaces_path("lille") + "?limit=5&offset=20");
    EXPECT_EQ(last.at("items").size(), 3u);
    EXPECT_TRUE(link_href(last.at("links"), "next").empty());

    auto beyond = list(spaces_path("lille") + "?limit=5&offset=100");
    EXPECT_EQ(beyond.at("items"), json::array());
    EXPECT_EQ(beyond.at("total"), 23);
}

} // namespace
} // namespace impetus::test
