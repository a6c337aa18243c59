// list_spaces and for_each_space: every filter on its own, sorting, paging.

#include "geo/measure.hpp"
#include "support/errors.hpp"
#include "support/store_fixture.hpp"

#include <gtest/gtest.h>
#include <set>

namespace impetus {
namespace {

using test::point;
using test::ring;
using test::sorted;
using test::square;

class QueryTest : public test::StoreTest {
  protected:
    // A space in another workspace, at the same place, so that every filter also shows that
    // queries stay inside their workspace.
    void SetUp() override {
        auto other = store->create_workspace(test::make_workspace("riga"));
        auto f = test::make_fields("Café Théâtre elsewhere", point(3.06, 50.63));
        f.area_m2 = 100;
        f.available_from = "2000-01-01";
        store->create_space(other.id, f, SpaceStatus::available, "");
    }

    std::vector<Id> ids_with(const std::function<void(SpaceQuery&)>& set) {
        auto q = query();
        set(q);
        return sorted(ids(q));
    }
};

TEST_F(QueryTest, EverythingInTheWorkspace) {
    auto a = add("A");
    auto b = add("B");
    auto page = store->list_spaces(query());
    EXPECT_EQ(test::ids_of(page.items), (std::vector<Id>{a.id, b.id}));
    EXPECT_EQ(page.total, 2u);
    EXPECT_TRUE(page.distances_m.empty());
    SpaceQuery all; // no workspace: the OGC API spans them all
    EXPECT_EQ(store->list_spaces(all).total, 3u);
}

TEST_F(QueryTest, ExtentCoversEveryGeometry) {
    EXPECT_TRUE(store->extent(ws.id).empty());
    add("a", square(3.0, 50.6, 0.01));
    add("b", point(3.2, 50.5));
    EXPECT_EQ(store->extent(ws.id), (BBox{3.0, 50.5, 3.2, 50.6 + 0.01}));
    auto far = store->create_workspace(test::make_workspace("las-palmas"));
    store->create_space(far.id, test::make_fields("x", point(-15.43, 28.12)), SpaceStatus::reported,
                        "");
    // With SetUp's space in "riga" at (3.06, 50.63).
    EXPECT_EQ(store->extent(std::nullopt), (BBox{-15.43, 28.12, 3.2, 50.63}));
    EXPECT_EQ(store->extent(far.id), (BBox{-15.43, 28.12, -15.43, 28.12}));
}

TEST_F(QueryTest, ByStatus) {
    auto a = add("A", point(3.06, 50.63), {}, SpaceStatus::available);
    auto b = add("B", point(3.06, 50.63), {}, SpaceStatus::reported);
    auto c = add("C", point(3.06, 50.63), {}, SpaceStatus::in_use);
    EXPECT_EQ(ids_with([](SpaceQuery& q) { q.statuses = {SpaceStatus::available}; }),
              (std::vector<Id>{a.id}));
    EXPECT_EQ(ids_with([](SpaceQuery& q) {
                  q.statuses = {SpaceStatus::reported, SpaceStatus::in_use};
              }),
              (std::vector<Id>{b.id, c.id}));
    EXPECT_TRUE(ids_with([](SpaceQuery& q) { q.statuses = {SpaceStatus::ended}; }).empty());
    // The status after a transition is the one that counts.
    store->transition_space(ws.id, b.id, SpaceStatus::verified, "", std::nullopt);
    EXPECT_EQ(ids_with([](SpaceQuery& q) { q.statuses = {SpaceStatus::verified}; }),
              (std::vector<Id>{b.id}));
}

TEST_F(QueryTest, ByKind) {
    auto a = add("A", point(3.06, 50.63), [](SpaceFields& f) { f.kind = SpaceKind::shop; });
    add("B", point(3.06, 50.63), [](SpaceFields& f) { f.kind = SpaceKind::plot; });
    auto c = add("C", point(3.06, 50.63), [](SpaceFields& f) { f.kind = SpaceKind::open_space; });
    EXPECT_EQ(ids_with([](SpaceQuery& q) {
                  q.kinds = {SpaceKind::shop, SpaceKind::open_space};
              }),
              (std::vector<Id>{a.id, c.id}));
}

TEST_F(QueryTest, ByOwnerType) {
    auto a = add("A", point(3.06, 50.63),
                 [](SpaceFields& f) { f.owner_type = OwnerType::public_owner; });
    add("B", point(3.06, 50.63), [](SpaceFields& f) { f.owner_type = OwnerType::private_owner; });
    add("C");
    EXPECT_EQ(ids_with([](SpaceQuery& q) { q.owner_types = {OwnerType::public_owner}; }),
              (std::vector<Id>{a.id}));
}

TEST_F(QueryTest, ByArea) {
    auto area = [](double a) { return [a](SpaceFields& f) { f.area_m2 = a; }; };
    auto s50 = add("50", point(3.06, 50.63), area(50));
    auto s500 = add("500", point(3.06, 50.63), area(500));
    auto s5000 = add("5000", point(3.06, 50.63), area(5000));
    add("no area");
    EXPECT_EQ(ids_with([](SpaceQuery& q) { q.min_area_m2 = 100; }),
              (std::vector<Id>{s500.id, s5000.id}));
    EXPECT_EQ(ids_with([](SpaceQuery& q) { q.max_area_m2 = 1000; }),
              (std::vector<Id>{s50.id, s500.id}));
    EXPECT_EQ(ids_with([](SpaceQuery& q) {
                  q.min_area_m2 = 500;
                  q.max_area_m2 = 500;
              }),
              (std::vector<Id>{s500.id}));
}

TEST_F(QueryTest, TextSearch) {
    auto cafe = add("Café du Théâtre", point(3.06, 50.63),
                    [](SpaceFields& f) { f.address = "3 place Rihour, Lille"; });
    auto mill = add("Ancienne filature Le Blan", point(3.06, 50.63), [](SpaceFields& f) {
        f.notes = "Grande halle industrielle, toiture à refaire";
    });
    auto shop = add("Boutique rue Nationale");
    auto text = [&](const char* t) { return ids_with([t](SpaceQuery& q) { q.text = t; }); };
    EXPECT_EQ(text("café"), (std::vector<Id>{cafe.id}));
    EXPECT_EQ(text("cafe"), (std::vector<Id>{cafe.id}));        // accents ignored
    EXPECT_EQ(text("THEATRE"), (std::vector<Id>{cafe.id}));     // case ignored
    EXPECT_EQ(text("théât"), (std::vector<Id>{cafe.id}));       // prefix
    EXPECT_EQ(text("fila"), (std::vector<Id>{mill.id}));        // prefix
    EXPECT_EQ(text("rihour"), (std::vector<Id>{cafe.id}));      // address
    // The internal notes only when the viewer may read them.
    auto staff_text = [&](const char* t) {
        return ids_with([t](SpaceQuery& q) {
            q.text = t;
            q.search_internal = true;
        });
    };
    EXPECT_TRUE(text("toiture").empty());
    EXPECT_EQ(staff_text("toiture"), (std::vector<Id>{mill.id}));
    EXPECT_EQ(staff_text("rihour"), (std::vector<Id>{cafe.id})); // and the public columns
    EXPECT_EQ(staff_text("halle indus"), (std::vector<Id>{mill.id})); // every word must match
    EXPECT_EQ(text("ancien fila"), (std::vector<Id>{mill.id}));
    EXPECT_TRUE(text("cafe filature").empty());
    EXPECT_EQ(text("rue"), (std::vector<Id>{shop.id}));
    EXPECT_EQ(text("\"rue\" (nationale* -"), (std::vector<Id>{shop.id})); // no FTS syntax
    EXPECT_TRUE(text("  ?! ").empty()); // no word: no match (not every space)
    EXPECT_TRUE(text("zeppelin").empty());
}

TEST_F(QueryTest, TextSearchFollowsUpdates) {
    auto s = add("Ancienne filature");
    auto f = s.fields;
    f.name = "Maison folie";
    store->update_space(ws.id, s.id, f, std::nullopt);
    EXPECT_TRUE(ids_with([](SpaceQuery& q) { q.text = "filature"; }).empty());
    EXPECT_EQ(ids_with([](SpaceQuery& q) { q.text = "folie"; }), (std::vector<Id>{s.id}));
    store->transition_space(ws.id, s.id, SpaceStatus::verified, "", std::nullopt);
    EXPECT_EQ(ids_with([](SpaceQuery& q) { q.text = "folie"; }), (std::vector<Id>{s.id}));
}

TEST_F(QueryTest, BoundingBoxIsAnExactTest) {
    // A right triangle whose bounding box is [3.00, 3.01] x [50.60, 50.61].
    auto triangle = add("Triangle", Polygon{{ring({{3.00, 50.60}, {3.01, 50.60}, {3.00, 50.61}})}});
    auto inside = add("Point inside", point(3.002, 50.602));
    add("Point far", point(3.5, 50.9));
    auto bbox = [&](BBox b) { return ids_with([b](SpaceQuery& q) { q.bbox = b; }); };
    // The box meets the triangle's bounding box but not the triangle.
    EXPECT_TRUE(bbox(BBox{3.008, 50.608, 3.02, 50.62}).empty());
    // Crossing the hypotenuse.
    EXPECT_EQ(bbox(BBox{3.004, 50.604, 3.02, 50.62}), (std::vector<Id>{triangle.id}));
    // Around everything near.
    EXPECT_EQ(bbox(BBox{2.9, 50.5, 3.1, 50.7}), (std::vector<Id>{triangle.id, inside.id}));
    // Inside the triangle, around the point.
    EXPECT_EQ(bbox(BBox{3.001, 50.601, 3.003, 50.603}), (std::vector<Id>{triangle.id, inside.id}));
    // Inside the triangle only.
    EXPECT_EQ(bbox(BBox{3.0005, 50.6005, 3.001, 50.601}), (std::vector<Id>{triangle.id}));
}

TEST_F(QueryTest, NearWithARadius) {
    const Position c{3.06, 50.63};
    auto p100 = add("100 m", point(c.lon + 0.0014, c.lat));
    auto p500 = add("500 m", point(c.lon + 0.007, c.lat));
    add("2 km", point(c.lon + 0.028, c.lat));
    // A large polygon whose nearest edge is 300 m east but whose corners are all far away.
    auto poly = add("Field", Polygon{{test::square_ring(c.lon + 0.00425, c.lat - 0.01, 0.02)}});
    auto q = query();
    q.near = NearFilter{c, 600};
    q.sort = SpaceSort::distance;
    auto page = store->list_spaces(q);
    EXPECT_EQ(test::ids_of(page.items), (std::vector<Id>{p100.id, poly.id, p500.id}));
    EXPECT_EQ(page.total, 3u);
    ASSERT_EQ(page.distances_m.size(), 3u);
    EXPECT_NEAR(page.distances_m[0], geo::distance_m(c, {c.lon + 0.0014, c.lat}), 0.01);
    const double edge = geo::distance_m(c, {c.lon + 0.00425, c.lat});
    EXPECT_NEAR(page.distances_m[1], edge, edge * 0.005);
    EXPECT_NEAR(page.distances_m[2], geo::distance_m(c, {c.lon + 0.007, c.lat}), 0.01);
    for (double d : page.distances_m) {
        EXPECT_LE(d, 600);
    }
}

TEST_F(QueryTest, NearestFirstWithoutARadius) {
    const Position c{3.06, 50.63};
    std::vector<Id> by_distance;
    // Created far-to-near so that id order and distance order disagree.
    for (double dlon : {2.0, 0.5, 0.1, 0.02, 0.004, 0.0008}) {
        by_distance.insert(by_distance.begin(), add("P", point(c.lon + dlon, c.lat)).id);
    }
    auto q = query();
    q.near = NearFilter{c, 0};
    q.sort = SpaceSort::distance;
    q.limit = 2;
    auto first = store->list_spaces(q);
    EXPECT_EQ(test::ids_of(first.items), (std::vector<Id>{by_distance[0], by_distance[1]}));
    EXPECT_EQ(first.total, 6u); // every match, not just those near enough for the page
    ASSERT_EQ(first.distances_m.size(), 2u);
    EXPECT_LT(first.distances_m[0], first.distances_m[1]);
    q.offset = 2;
    q.limit = 3;
    auto second = store->list_spaces(q);
    EXPECT_EQ(test::ids_of(second.items),
              (std::vector<Id>{by_distance[2], by_distance[3], by_distance[4]}));
    EXPECT_EQ(second.total, 6u);
    q.offset = 0;
    q.limit = 100;
    EXPECT_EQ(test::ids_of(store->list_spaces(q).items), by_distance);
}

TEST_F(QueryTest, NearWithoutARadiusSortedByAnotherKey) {
    // near= only adds distances here: every match takes part, in name order, page after page.
    const Position c{3.06, 50.63};
    std::vector<Id> by_name;
    for (const char* name : {"f", "e", "d", "c", "b", "a"}) {
        double dlon = (name[0] - 'a' + 1) * 0.01; // "a" is nearest, "f" farthest
        by_name.insert(by_name.begin(), add(name, point(c.lon + dlon, c.lat)).id);
    }
    auto q = query();
    q.near = NearFilter{c, 0};
    q.sort = SpaceSort::name;
    q.descending = true; // f, e, d ...: the farthest first
    q.limit = 2;
    std::vector<Id> paged;
    for (q.offset = 0; q.offset < 6; q.offset += 2) {
        auto page = store->list_spaces(q);
        EXPECT_EQ(page.total, 6u);
        ASSERT_EQ(page.distances_m.size(), page.items.size());
        for (const auto& s : page.items) {
            paged.push_back(s.id);
        }
    }
    EXPECT_EQ(paged, std::vector<Id>(by_name.rbegin(), by_name.rend()));
}

TEST_F(QueryTest, FarthestFirst) {
    const Position c{3.06, 50.63};
    for (double dlon : {0.5, 0.002, 0.1, 0.004, 2.0}) { // from 140 m to 140 km
        add("P", point(c.lon + dlon, c.lat));
    }
    auto q = query();
    q.near = NearFilter{c, 0};
    q.sort = SpaceSort::distance;
    q.limit = 100;
    auto all = ids(q);
    ASSERT_EQ(all.size(), 5u);
    q.descending = true;
    q.limit = 2;
    EXPECT_EQ(ids(q), (std::vector<Id>{all[4], all[3]}));
    q.offset = 2;
    EXPECT_EQ(ids(q), (std::vector<Id>{all[2], all[1]}));
}

TEST_F(QueryTest, SortingByDistanceNeedsAPoint) {
    auto q = query();
    q.sort = SpaceSort::distance;
    EXPECT_EQ(test::catch_error([&] { store->list_spaces(q); }).kind(), ErrorKind::invalid_input);
}

TEST_F(QueryTest, AvailableDuring) {
    auto window = [](std::optional<std::string> from, std::optional<std::string> to) {
        return [from, to](SpaceFields& f) {
            f.available_from = from;
            f.available_to = to;
        };
    };
    auto year = add("2024", point(3.06, 50.63), window("2024-01-01", "2024-12-31"));
    auto from_june = add("from June", point(3.06, 50.63), window("2024-06-01", std::nullopt));
    auto until_march = add("until March", point(3.06, 50.63), window(std::nullopt, "2024-03-31"));
    auto always = add("always");
    auto during = [&](std::optional<std::string> from, std::optional<std::string> to) {
        return ids_with([&](SpaceQuery& q) { q.available_during = DateRange{from, to}; });
    };
    EXPECT_EQ(during("2024-02-01", "2024-02-28"),
              (std::vector<Id>{year.id, until_march.id, always.id}));
    EXPECT_EQ(during("2024-07-01", "2025-01-31"), (std::vector<Id>{from_june.id, always.id}));
    EXPECT_EQ(during("2024-03-15", "2024-07-15"), (std::vector<Id>{year.id, always.id}));
    // Boundaries are inclusive.
    EXPECT_EQ(during("2024-01-01", "2024-12-31"), (std::vector<Id>{year.id, always.id}));
    // One end given: that one day.
    EXPECT_EQ(during("2024-04-01", std::nullopt), (std::vector<Id>{year.id, always.id}));
    EXPECT_EQ(during("2024-06-01", std::nullopt),
              (std::vector<Id>{year.id, from_june.id, always.id}));
    EXPECT_EQ(during(std::nullopt, "2024-03-31"),
              (std::vector<Id>{year.id, until_march.id, always.id}));
}

TEST_F(QueryTest, AvailabilityOverlaps) {
    auto window = [](std::optional<std::string> from, std::optional<std::string> to) {
        return [from, to](SpaceFields& f) {
            f.available_from = from;
            f.available_to = to;
        };
    };
    auto year = add("2024", point(3.06, 50.63), window("2024-01-01", "2024-12-31"));
    auto from_june = add("from June", point(3.06, 50.63), window("2024-06-01", std::nullopt));
    auto until_march = add("until March", point(3.06, 50.63), window(std::nullopt, "2024-03-31"));
    auto always = add("always");
    auto overlaps = [&](std::optional<std::string> from, std::optional<std::string> to) {
        return ids_with([&](SpaceQuery& q) { q.availability_overlaps = DateRange{from, to}; });
    };
    EXPECT_EQ(overlaps("2024-11-01", "2025-02-01"),
              (std::vector<Id>{year.id, from_june.id, always.id}));
    EXPECT_EQ(overlaps("2025-01-01", std::nullopt), (std::vector<Id>{from_june.id, always.id}));
    EXPECT_EQ(overlaps(std::nullopt, "2024-01-15"),
              (std::vector<Id>{year.id, until_march.id, always.id}));
    EXPECT_EQ(overlaps("2024-03-31", "2024-06-01"), // touching ends count
              (std::vector<Id>{year.id, from_june.id, until_march.id, always.id}));
    EXPECT_EQ(overlaps("2023-01-01", "2023-12-31"), (std::vector<Id>{until_march.id, always.id}));
}

TEST_F(QueryTest, ByParent) {
    auto site = add("Site", square(3.06, 50.63, 0.01));
    auto a = add("A", point(3.061, 50.631), [&](SpaceFields& f) { f.parent_id = site.id; });
    auto b = add("B", point(3.062, 50.632), [&](SpaceFields& f) { f.parent_id = site.id; });
    add("C", point(3.062, 50.632), [&](SpaceFields& f) { f.parent_id = a.id; }); // grandchild
    EXPECT_EQ(ids_with([&](SpaceQuery& q) { q.parent_id = site.id; }),
              (std::vector<Id>{a.id, b.id}));
}

TEST_F(QueryTest, BySourceAndOtherFlags) {
    auto osm = add("osm", point(3.06, 50.63), [](SpaceFields& f) {
        f.source = "osm";
        f.source_id = "way/1";
        f.step_free_access = true;
        f.utilities.water = true;
    });
    auto osm2 = add("osm2", point(3.06, 50.63), [](SpaceFields& f) {
        f.source = "osm";
        f.source_id = "way/2";
        f.utilities.water = false;
    });
    auto brownfield = add("bf", point(3.06, 50.63), [](SpaceFields& f) {
        f.source = "brownfield:local-authority-eng:BNH";
        f.source_id = "BNH-1";
    });
    auto owner = store->create_organisation(ws.id, test::make_organisation("Owner"));
    auto owned = add("owned", point(3.06, 50.63),
                     [&](SpaceFields& f) { f.owner_organisation_id = owner.id; });
    EXPECT_EQ(ids_with([](SpaceQuery& q) { q.source = "osm"; }),
              (std::vector<Id>{osm.id, osm2.id}));
    EXPECT_EQ(ids_with([](SpaceQuery& q) { q.source = "brownfield:local-authority-eng:BNH"; }),
              (std::vector<Id>{brownfield.id}));
    EXPECT_EQ(ids_with([](SpaceQuery& q) {
                  q.source = "osm";
                  q.source_id = "way/2";
              }),
              (std::vector<Id>{osm2.id}));
    EXPECT_EQ(ids_with([](SpaceQuery& q) { q.step_free_access = true; }),
              (std::vector<Id>{osm.id}));
    EXPECT_EQ(ids_with([](SpaceQuery& q) { q.water = false; }), (std::vector<Id>{osm2.id}));
    EXPECT_EQ(ids_with([&](SpaceQuery& q) { q.owner_organisation_id = owner.id; }),
              (std::vector<Id>{owned.id}));
}

TEST_F(QueryTest, FiltersCombine) {
    auto hit = add(
        "Café", point(3.06, 50.63), [](SpaceFields& f) { f.area_m2 = 80; }, SpaceStatus::available);
    add("Café", point(3.06, 50.63), [](SpaceFields& f) { f.area_m2 = 80; }); // wrong status
    add(
        "Café", point(3.06, 50.63), [](SpaceFields& f) { f.area_m2 = 800; },
        SpaceStatus::available); // too large
    add(
        "Bar", point(3.06, 50.63), [](SpaceFields& f) { f.area_m2 = 80; },
        SpaceStatus::available); // wrong text
    EXPECT_EQ(ids_with([](SpaceQuery& q) {
                  q.statuses = {SpaceStatus::available};
                  q.max_area_m2 = 100;
                  q.text = "cafe";
                  q.bbox = BBox{3.0, 50.6, 3.1, 50.7};
              }),
              (std::vector<Id>{hit.id}));
}

TEST_F(QueryTest, SortByNameIgnoresCase) {
    auto g = add("gamma");
    auto a = add("Alpha");
    auto b = add("beta");
    auto q = query();
    q.sort = SpaceSort::name;
    EXPECT_EQ(ids(q), (std::vector<Id>{a.id, b.id, g.id}));
    q.descending = true;
    EXPECT_EQ(ids(q), (std::vector<Id>{g.id, b.id, a.id}));
}

TEST_F(QueryTest, SortByAreaPutsMissingAreasLast) {
    auto area = [](double a) { return [a](SpaceFields& f) { f.area_m2 = a; }; };
    auto none = add("none");
    auto big = add("big", point(3.06, 50.63), area(900));
    auto small = add("small", point(3.06, 50.63), area(10));
    auto mid = add("mid", point(3.06, 50.63), area(100));
    auto q = query();
    q.sort = SpaceSort::area;
    EXPECT_EQ(ids(q), (std::vector<Id>{small.id, mid.id, big.id, none.id}));
    q.descending = true;
    EXPECT_EQ(ids(q), (std::vector<Id>{big.id, mid.id, small.id, none.id}));
}

TEST_F(QueryTest, PagesAreStableAndTheTotalIsRight) {
    std::vector<Id> all;
    for (int i = 0; i < 25; ++i) {
        // Five names repeated: ties must still give a total order.
        all.push_back(add("Space " + std::to_string(i % 5)).id);
    }
    for (bool descending : {false, true}) {
        auto q = query();
        q.sort = SpaceSort::name;
        q.descending = descending;
        q.limit = 100;
        auto whole = ids(q);
        ASSERT_EQ(whole.size(), 25u);
        std::vector<Id> paged;
        q.limit = 7;
        for (q.offset = 0; q.offset < 30; q.offset += 7) {
            auto page = store->list_spaces(q);
            EXPECT_EQ(page.total, 25u);
            EXPECT_LE(page.items.size(), 7u);
            for (const auto& s : page.items) {
                paged.push_back(s.id);
            }
        }
        EXPECT_EQ(paged, whole);
        EXPECT_EQ(std::set<Id>(paged.begin(), paged.end()).size(), 25u);
    }
    auto q = query();
    q.count_total = false;
    q.limit = 3;
    auto page = store->list_spaces(q);
    EXPECT_FALSE(page.total);
    EXPECT_EQ(page.items.size(), 3u);
    q.offset = 100;
    EXPECT_TRUE(store->list_spaces(q).items.empty());
}

TEST_F(QueryTest, ForEachSpaceStreamsEveryMatchInOrder) {
    std::vector<Id> by_area; // smallest first: the reverse of creation
    for (int i = 0; i < 12; ++i) {
        auto s = add("S" + std::to_string(i), point(3.06, 50.63),
                     [&](SpaceFields& f) { f.area_m2 = 100 - i; });
        by_area.insert(by_area.begin(), s.id);
    }
    add("too small", point(3.06, 50.63), [](SpaceFields& f) { f.area_m2 = 1; });
    auto q = query();
    q.sort = SpaceSort::area;
    q.min_area_m2 = 50;
    q.limit = 2;  // ignored
    q.offset = 1; // ignored
    std::vector<Id> seen;
    store->for_each_space(q, [&](const Space& s) { seen.push_back(s.id); });
    EXPECT_EQ(seen, by_area);

    std::vector<Id> near_ids;
    auto nq = query();
    nq.near = NearFilter{{3.06, 50.63}, 0};
    nq.sort = SpaceSort::distance;
    store->for_each_space(nq, [&](const Space& s) { near_ids.push_back(s.id); });
    EXPECT_EQ(near_ids.size(), 13u);
}

} // namespace
} // namespace impetus
