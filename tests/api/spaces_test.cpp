// Spaces over HTTP: creation (points, polygons, GeoJSON Features), conditional requests, merge
// patches, the status lifecycle and its history, and the wall between workspaces.

#include "api_test.hpp"

#include <cmath>
#include <numbers>

namespace impetus::test {
namespace {

// The area of a small lon/lat rectangle on the WGS84 ellipsoid: the meridional and prime
// vertical radii of curvature at its middle latitude. Exact enough for squares of a few hundred
// metres, and 0.35% away from the spherical answer at 50 degrees north.
double ellipsoid_rect_area(double lat_deg, double dlon_deg, double dlat_deg) {
    constexpr double a = 6378137.0;
    constexpr double f = 1.0 / 298.257223563;
    constexpr double e2 = f * (2 - f);
    const double phi = (lat_deg + dlat_deg / 2) * std::numbers::pi / 180;
    const double w = 1 - e2 * std::sin(phi) * std::sin(phi);
    const double n = a / std::sqrt(w);
    const double m = a * (1 - e2) / (w * std::sqrt(w));
    const double rad = std::numbers::pi / 180;
    return m * dlat_deg * rad * n * std::cos(phi) * dlon_deg * rad;
}

class SpacesApi : public ApiTest {
protected:
    SpacesApi() {
        create_workspace("lille");
        create_workspace("roubaix");
    }

    json history(const std::string& ws, std::int64_t id) {
        return list(space_path(ws, id) + "/history");
    }

    HttpResponse transition(const std::string& ws, std::int64_t id, const std::string& to,
                            const std::string& reason, HeaderMap headers = {}) {
        return http.post(space_path(ws, id) + "/transitions", {{"to", to}, {"reason", reason}},
                         std::move(headers));
    }
};

TEST_F(SpacesApi, CreatePointAnswers201WithLocationAndETag) {
    auto body = space_body("Ancienne poste", point_geometry(3.0573, 50.6366));
    body["address"] = "8 place de la République, Lille";
    auto r = http.post(spaces_path("lille"), body);
    ASSERT_EQ(r.status, 201) << r.body;
    auto j = r.json();
    const auto id = j.at("id").get<std::int64_t>();
    EXPECT_EQ(r.header("Location"), server.base_url() + space_path("lille", id));
    EXPECT_EQ(r.header("ETag"), "\"" + std::to_string(j.at("version").get<int>()) + "\"");
    EXPECT_EQ(j.at("name"), "Ancienne poste");
    EXPECT_EQ(j.at("kind"), "building");
    EXPECT_EQ(j.at("address"), "8 place de la République, Lille");
    EXPECT_EQ(j.at("geometry"), point_geometry(3.0573, 50.6366));
    EXPECT_EQ(j.at("status"), "reported");
    EXPECT_EQ(j.at("version"), 1);
    EXPECT_TRUE(j.at("area_m2").is_null()); // a point has no area
    EXPECT_TRUE(j.at("area_source").is_null());
    EXPECT_EQ(j.at("workspace_id"), list("/api/v1/workspaces/lille").at("id"));

    EXPECT_EQ(get_space("lille", id), j);
}

TEST_F(SpacesApi, PolygonAreaIsComputedOnTheEllipsoid) {
    auto j = create_space("lille", space_body("Friche Saint-Sauveur",
                                              square_geometry(3.07, 50.63, 0.001), "plot"));
    const double expected = ellipsoid_rect_area(50.63, 0.001, 0.001);
    ASSERT_TRUE(j.at("area_m2").is_number()) << j.dump();
    // Within 0.05%: a spherical or planar computation is off by more than 0.3%.
    EXPECT_NEAR(j.at("area_m2").get<double>(), expected, expected * 5e-4);
    EXPECT_EQ(j.at("area_source"), "computed");
    EXPECT_EQ(j.at("kind"), "plot");
}

TEST_F(SpacesApi, GivenAreaIsKept) {
    auto body = space_body("Halle", square_geometry(3.07, 50.63, 0.001));
    body["area_m2"] = 1234.5;
    auto j = create_space("lille", body);
    EXPECT_EQ(j.at("area_m2"), 1234.5);
    EXPECT_EQ(j.at("area_source"), "given");

    auto pt = space_body("Shop", point_geometry(3.06, 50.63), "shop");
    pt["area_m2"] = 80;
    auto k = create_space("lille", pt);
    EXPECT_EQ(k.at("area_m2"), 80.0);
    EXPECT_EQ(k.at("area_source"), "given");
}

TEST_F(SpacesApi, GeoJsonFeatureBodyIsAccepted) {
    json feature{{"type", "Feature"},
                 {"geometry", square_geometry(3.08, 50.62, 0.0005)},
                 {"properties",
                  {{"name", "Jardin partagé"}, {"kind", "open_space"}, {"owner_type", "public"}}}};
    auto r = http.send_body("POST", spaces_path("lille"), feature.dump(), "application/geo+json");
    ASSERT_EQ(r.status, 201) << r.body;
    auto j = r.json();
    EXPECT_EQ(j.at("name"), "Jardin partagé");
    EXPECT_EQ(j.at("kind"), "open_space");
    EXPECT_EQ(j.at("owner_type"), "public");
    EXPECT_EQ(j.at("geometry"), square_geometry(3.08, 50.62, 0.0005));
    EXPECT_EQ(j.at("area_source"), "computed");
}

TEST_F(SpacesApi, InitialStatusMayBeGiven) {
    auto body = space_body("Known vacant shop", point_geometry(3.06, 50.63), "shop");
    body["status"] = "available";
    body["status_reason"] = "entered by the officer";
    auto j = create_space("lille", body);
    EXPECT_EQ(j.at("status"), "available");
    EXPECT_EQ(j.at("allowed_transitions"),
              json({"allocated", "withdrawn", "demolished", "redeveloped", "ended"}));
    auto h = history("lille", j.at("id").get<std::int64_t>());
    ASSERT_EQ(h.at("items").size(), 1u);
    EXPECT_TRUE(h.at("items")[0].at("from").is_null());
    EXPECT_EQ(h.at("items")[0].at("to"), "available");
    EXPECT_EQ(h.at("items")[0].at("reason"), "entered by the officer");
}

TEST_F(SpacesApi, GetAnswersWithETagAndIfNoneMatchGives304) {
    auto j = create_space("lille", space_body("Ancienne poste", point_geometry(3.05, 50.63)));
    const auto id = j.at("id").get<std::int64_t>();
    auto r = http.get(space_path("lille", id));
    ASSERT_EQ(r.status, 200);
    const std::string etag = r.header("ETag");
    ASSERT_FALSE(etag.empty());

    auto not_modified = http.get(space_path("lille", id), {{"If-None-Match", etag}});
    EXPECT_EQ(not_modified.status, 304);
    EXPECT_TRUE(not_modified.body.empty());
    EXPECT_EQ(not_modified.header("ETag"), etag);

    // Once the space changes, the old tag no longer matches.
    require_status(http.patch(space_path("lille", id), {{"notes", "visited"}}), 200);
    auto changed = http.get(space_path("lille", id), {{"If-None-Match", etag}});
    EXPECT_EQ(changed.status, 200);
    EXPECT_NE(changed.header("ETag"), etag);
    EXPECT_EQ(changed.json().at("notes"), "visited");
}

TEST_F(SpacesApi, PatchIsAMergePatch) {
    auto body = space_body("Ancienne poste", point_geometry(3.05, 50.63));
    body["floors"] = 3;
    body["vacant_since"] = "2021-06-01";
    body["utilities"] = {{"water", true}, {"electricity", false}};
    auto j = create_space("lille", body);
    const auto id = j.at("id").get<std::int64_t>();

    auto r = http.patch(space_path("lille", id),
                        {{"floors", nullptr},
                         {"condition", "needs_repair"},
                         {"utilities", {{"electricity", true}}}});
    ASSERT_EQ(r.status, 200) << r.body;
    auto p = r.json();
    EXPECT_TRUE(p.at("floors").is_null()); // null clears
    EXPECT_EQ(p.at("condition"), "needs_repair");
    EXPECT_EQ(p.at("utilities").at("water"), true); // untouched members stay
    EXPECT_EQ(p.at("utilities").at("electricity"), true);
    EXPECT_EQ(p.at("vacant_since"), "2021-06-01");
    EXPECT_EQ(p.at("name"), "Ancienne poste");
    EXPECT_EQ(p.at("version"), 2);
    EXPECT_EQ(r.header("ETag"), "\"2\"");
    EXPECT_EQ(get_space("lille", id), p);
}

TEST_F(SpacesApi, PatchWithNewGeometryRecomputesTheArea) {
    auto j = create_space("lille", space_body("Plot", square_geometry(3.07, 50.63, 0.001), "plot"));
    const auto id = j.at("id").get<std::int64_t>();
    const double small = j.at("area_m2").get<double>();

    auto r = http.patch(space_path("lille", id), {{"geometry", square_geometry(3.07, 50.63, 0.002)}});
    ASSERT_EQ(r.status, 200) << r.body;
    auto p = r.json();
    const double expected = ellipsoid_rect_area(50.63, 0.002, 0.002);
    EXPECT_NEAR(p.at("area_m2").get<double>(), expected, expected * 5e-4);
    EXPECT_NEAR(p.at("area_m2").get<double>() / small, 4.0, 0.01);
    EXPECT_EQ(p.at("area_source"), "computed");

    // A point has no area to compute: the computed one goes.
    auto q = http.patch(space_path("lille", id), {{"geometry", point_geometry(3.07, 50.63)}});
    ASSERT_EQ(q.status, 200) << q.body;
    EXPECT_TRUE(q.json().at("area_m2").is_null());
}

TEST_F(SpacesApi, PatchWithAStaleIfMatchIsPreconditionFailed) {
    auto j = create_space("lille", space_body("Ancienne poste", point_geometry(3.05, 50.63)));
    const auto id = j.at("id").get<std::int64_t>();
    const std::string old_etag = http.get(space_path("lille", id)).header("ETag");

    auto first = http.patch(space_path("lille", id), {{"notes", "first"}}, {{"If-Match", old_etag}});
    ASSERT_EQ(first.status, 200) << first.body;

    auto second =
        http.patch(space_path("lille", id), {{"notes", "second"}}, {{"If-Match", old_etag}});
    EXPECT_TRUE(is_problem(second, 412));
    EXPECT_EQ(get_space("lille", id).at("notes"), "first");

    auto third = http.patch(space_path("lille", id), {{"notes", "third"}},
                            {{"If-Match", first.header("ETag")}});
    EXPECT_EQ(third.status, 200) << third.body;
}

TEST_F(SpacesApi, StatusInAPatchIsRefused) {
    auto j = create_space("lille", space_body("Ancienne poste", point_geometry(3.05, 50.63)));
    const auto id = j.at("id").get<std::int64_t>();
    auto r = http.patch(space_path("lille", id), {{"status", "available"}, {"notes", "x"}});
    EXPECT_TRUE(is_problem(r, 400));
    EXPECT_EQ(error_pointers(r), std::set<std::string>{"/status"});
    auto after = get_space("lille", id);
    EXPECT_EQ(after.at("status"), "reported");
    EXPECT_EQ(after.at("notes"), "");
    EXPECT_EQ(after.at("version"), 1);
}

TEST_F(SpacesApi, AllowedTransitionsGrowTheHistory) {
    auto j = create_space("lille", space_body("Ancienne poste", point_geometry(3.05, 50.63)));
    const auto id = j.at("id").get<std::int64_t>();

    const std::vector<std::pair<std::string, std::string>> steps{
        {"verified", "site visit on 3 March"},
        {"available", "owner agreed"},
        {"allocated", "call for projects won by La Brique"},
        {"in_use", "lease signed"},
        {"ended", "lease ended"},
        {"available", "offered again"}};
    std::string from = "reported";
    std::int64_t version = 1;
    for (const auto& [to, reason] : steps) {
        auto r = transition("lille", id, to, reason);
        ASSERT_EQ(r.status, 200) << from << " -> " << to << ": " << r.body;
        auto s = r.json();
        EXPECT_EQ(s.at("status"), to);
        EXPECT_EQ(s.at("version"), ++version);
        EXPECT_EQ(r.header("ETag"), "\"" + std::to_string(version) + "\"");
        from = to;
    }

    auto h = history("lille", id).at("items");
    ASSERT_EQ(h.size(), steps.size() + 1);
    EXPECT_TRUE(h[0].at("from").is_null());
    EXPECT_EQ(h[0].at("to"), "reported");
    EXPECT_EQ(h[0].at("reason"), "created");
    std::string prev = "reported";
    std::string prev_at = h[0].at("at").get<std::string>();
    for (std::size_t i = 0; i < steps.size(); ++i) {
        const auto& c = h[i + 1];
        EXPECT_EQ(c.at("from"), prev);
        EXPECT_EQ(c.at("to"), steps[i].first);
        EXPECT_EQ(c.at("reason"), steps[i].second);
        EXPECT_EQ(c.at("space_id"), id);
        const auto at = c.at("at").get<std::string>();
        EXPECT_GE(at, prev_at); // oldest first
        EXPECT_EQ(at.size(), prev_at.size());
        prev = steps[i].first;
        prev_at = at;
    }
}

TEST_F(SpacesApi, ForbiddenTransitionIsAConflictListingTheAllowedOnes) {
    auto j = create_space("lille", space_body("Ancienne poste", point_geometry(3.05, 50.63)));
    const auto id = j.at("id").get<std::int64_t>();
    auto r = transition("lille", id, "in_use", "skip the queue");
    ASSERT_TRUE(is_problem(r, 409));
    auto p = r.json();
    const std::string text = p.value("detail", "") + " " + p.value("hint", "");
    for (const char* allowed : {"verified", "withdrawn", "demolished", "redeveloped", "ended"}) {
        EXPECT_NE(text.find(allowed), std::string::npos) << allowed << " not in: " << r.body;
    }
    auto after = get_space("lille", id);
    EXPECT_EQ(after.at("status"), "reported");
    EXPECT_EQ(after.at("version"), 1);
    EXPECT_EQ(history("lille", id).at("items").size(), 1u);

    // A final status allows nothing.
    require_status(transition("lille", id, "demolished", "fire"), 200);
    auto final_r = transition("lille", id, "available", "rebuilt?");
    EXPECT_TRUE(is_problem(final_r, 409));
    EXPECT_EQ(get_space("lille", id).at("allowed_transitions"), json::array());
}

TEST_F(SpacesApi, TransitionWithAStaleIfMatchIsPreconditionFailed) {
    auto j = create_space("lille", space_body("Ancienne poste", point_geometry(3.05, 50.63)));
    const auto id = j.at("id").get<std::int64_t>();
    require_status(http.patch(space_path("lille", id), {{"notes", "changed"}}), 200);
    auto r = transition("lille", id, "verified", "visit", {{"If-Match", "\"1\""}});
    EXPECT_TRUE(is_problem(r, 412));
    EXPECT_EQ(get_space("lille", id).at("status"), "reported");
}

TEST_F(SpacesApi, AnotherWorkspacesSpaceIsNotFoundEverywhere) {
    auto j = create_space("lille", space_body("Ancienne poste", point_geometry(3.05, 50.63)));
    const auto id = j.at("id").get<std::int64_t>();

    EXPECT_TRUE(is_problem(http.get(space_path("roubaix", id)), 404));
    EXPECT_TRUE(is_problem(http.patch(space_path("roubaix", id), {{"name", "Hijacked"}}), 404));
    EXPECT_TRUE(is_problem(transition("roubaix", id, "verified", "hijack"), 404));
    EXPECT_TRUE(is_problem(http.get(space_path("roubaix", id) + "/history"), 404));

    auto after = get_space("lille", id);
    EXPECT_EQ(after, j);
    EXPECT_EQ(history("lille", id).at("items").size(), 1u);
    EXPECT_EQ(space_count("roubaix"), 0);
}

TEST_F(SpacesApi, UnknownSpaceIsNotFound) {
    EXPECT_TRUE(is_problem(http.get(space_path("lille", 424242)), 404));
    EXPECT_TRUE(is_problem(http.patch(space_path("lille", 424242), {{"notes", "x"}}), 404));
    EXPECT_TRUE(is_problem(transition("lille", 424242, "verified", "x"), 404));
    EXPECT_TRUE(is_problem(http.get(space_path("lille", 424242) + "/history"), 404));
}

TEST_F(SpacesApi, SpacesNestInsideAParentOfTheSameWorkspace) {
    auto building = create_space("lille", space_body("Immeuble", square_geometry(3.05, 50.63, 0.0005)));
    auto unit = space_body("Lot 2", point_geometry(3.0502, 50.6302), "unit");
    unit["parent_id"] = building.at("id");
    auto u = create_space("lille", unit);
    EXPECT_EQ(u.at("parent_id"), building.at("id"));

    auto elsewhere = http.post(spaces_path("roubaix"), unit);
    EXPECT_TRUE(is_problem(elsewhere, 400));
    EXPECT_EQ(error_pointers(elsewhere), std::set<std::string>{"/parent_id"});
}

} // namespace
} // namespace impetus::test
