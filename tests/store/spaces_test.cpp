// Spaces: create, read, update with versions, references, and status transitions with history.

#include "core/dates.hpp"
#include "support/errors.hpp"
#include "support/store_fixture.hpp"

#include <gtest/gtest.h>

namespace impetus {
namespace {

using test::catch_error;
using test::field_names;
using test::point;
using test::square;

class SpacesTest : public test::StoreTest {};

// Every field set to something other than its default.
SpaceFields every_field(Id parent, Id owner) {
    SpaceFields f;
    f.name = "Halle Saint-Sauveur";
    f.kind = SpaceKind::unit;
    f.parent_id = parent;
    f.geometry = Polygon{
        {test::square_ring(3.0655, 50.6290, 0.0011), test::square_ring(3.0658, 50.6293, 0.0002)}};
    f.area_m2 = 1234.56;
    f.area_computed = false;
    f.floor_area_m2 = 2500.25;
    f.floors = 3;
    f.address = "17 boulevard Jean-Baptiste Lebas, 59000 Lille";
    f.owner_organisation_id = owner;
    f.owner_type = OwnerType::mixed;
    f.building_type = BuildingType::historical;
    f.condition = Condition::poor;
    f.vacancy = VacancyDegree::partial;
    f.vacant_since = "2019-06-30";
    f.utilities = {true, false, std::nullopt, true};
    f.step_free_access = false;
    f.available_from = "2025-01-01";
    f.available_to = "2026-12-31";
    f.planned_future_use = "housing and a park";
    f.notes = "Ancienne gare de marchandises; « halle B ».";
    f.source = "geojson:lille";
    f.source_id = "LIL-042";
    f.source_attributes = {{"ref", "A-12"}, {"height", 12.5}, {"tags", {"x", "y"}}};
    return f;
}

TEST_F(SpacesTest, CreateAndReadBackEveryField) {
    auto parent = add("Gare Saint-Sauveur", square(3.065, 50.6285, 0.003));
    auto owner = store->create_organisation(ws.id, test::make_organisation("Ville de Lille"));
    auto f = every_field(parent.id, owner.id);
    auto created = store->create_space(ws.id, f, SpaceStatus::verified, "survey 2024");
    EXPECT_GT(created.id, parent.id);
    EXPECT_EQ(created.workspace_id, ws.id);
    EXPECT_EQ(created.fields, f);
    EXPECT_EQ(created.status, SpaceStatus::verified);
    EXPECT_EQ(created.version, 1);
    EXPECT_EQ(created.created_at, created.updated_at);
    EXPECT_EQ(parse_rfc3339(created.created_at), created.created_at);

    auto got = store->space(ws.id, created.id);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->fields, f);
    EXPECT_EQ(got->status, SpaceStatus::verified);
    auto any = store->space_any(created.id);
    ASSERT_TRUE(any);
    EXPECT_EQ(any->fields, f);

    auto history = store->space_history(ws.id, created.id);
    ASSERT_EQ(history.size(), 1u);
    EXPECT_FALSE(history[0].from);
    EXPECT_EQ(history[0].to, SpaceStatus::verified);
    EXPECT_EQ(history[0].reason, "survey 2024");
    EXPECT_EQ(history[0].at, created.created_at);
}

TEST_F(SpacesTest, OptionalFieldsStayEmpty) {
    auto s = add("Point only");
    auto got = store->space(ws.id, s.id);
    ASSERT_TRUE(got);
    EXPECT_FALSE(got->fields.area_m2);
    EXPECT_FALSE(got->fields.parent_id);
    EXPECT_FALSE(got->fields.building_type);
    EXPECT_FALSE(got->fields.utilities.water);
    EXPECT_FALSE(got->fields.available_from);
    EXPECT_EQ(got->fields, s.fields);
}

TEST_F(SpacesTest, SpacesAreScopedByWorkspace) {
    auto other = store->create_workspace(test::make_workspace("riga"));
    auto s = add("Halle");
    EXPECT_FALSE(store->space(other.id, s.id));
    EXPECT_TRUE(store->space_any(s.id));
    EXPECT_FALSE(store->space(ws.id, 9999));
    EXPECT_EQ(
        catch_error([&] { store->update_space(other.id, s.id, s.fields, std::nullopt); }).kind(),
        ErrorKind::not_found);
    EXPECT_EQ(catch_error([&] {
                  store->transition_space(other.id, s.id, SpaceStatus::verified, "", std::nullopt);
              }).kind(),
              ErrorKind::not_found);
    EXPECT_EQ(catch_error([&] { store->space_history(other.id, s.id); }).kind(),
              ErrorKind::not_found);
}

TEST_F(SpacesTest, UpdateBumpsTheVersion) {
    auto s = add("Halle");
    auto f = s.fields;
    f.name = "Halle B";
    f.notes = "Rénovée en 2023";
    auto u = store->update_space(ws.id, s.id, f, std::nullopt);
    EXPECT_EQ(u.version, 2);
    EXPECT_EQ(u.fields, f);
    EXPECT_EQ(u.created_at, s.created_at);
    EXPECT_GE(u.updated_at, s.updated_at);
    EXPECT_EQ(store->space(ws.id, s.id)->fields.name, "Halle B");
    f.floors = 2;
    EXPECT_EQ(store->update_space(ws.id, s.id, f, 2).version, 3);
}

TEST_F(SpacesTest, UnchangedUpdateKeepsTheVersion) {
    auto s = add("Halle", square(3.06, 50.63, 0.001));
    auto u = store->update_space(ws.id, s.id, s.fields, 1);
    EXPECT_EQ(u.version, 1);
    EXPECT_EQ(u.updated_at, s.updated_at);
    EXPECT_EQ(store->space(ws.id, s.id)->version, 1);
}

TEST_F(SpacesTest, StaleVersionIsAPreconditionFailure) {
    auto s = add("Halle");
    auto f = s.fields;
    f.name = "Halle B";
    store->update_space(ws.id, s.id, f, 1);
    f.name = "Halle C";
    auto e = catch_error([&] { store->update_space(ws.id, s.id, f, 1); });
    EXPECT_EQ(e.kind(), ErrorKind::precondition);
    EXPECT_EQ(store->space(ws.id, s.id)->fields.name, "Halle B");
    auto e2 =
        catch_error([&] { store->transition_space(ws.id, s.id, SpaceStatus::verified, "", 1); });
    EXPECT_EQ(e2.kind(), ErrorKind::precondition);
    EXPECT_EQ(store->space(ws.id, s.id)->status, SpaceStatus::reported);
}

TEST_F(SpacesTest, ParentMustBeInTheSameWorkspace) {
    auto other = store->create_workspace(test::make_workspace("riga"));
    auto foreign =
        store->create_space(other.id, test::make_fields("Riga hall"), SpaceStatus::reported, "");
    auto f = test::make_fields("Unit");
    f.parent_id = foreign.id;
    auto e = catch_error([&] { store->create_space(ws.id, f, SpaceStatus::reported, ""); });
    EXPECT_EQ(e.kind(), ErrorKind::invalid_input);
    EXPECT_EQ(field_names(e), (std::vector<std::string>{"/parent_id"}));
    f.parent_id = 9999;
    EXPECT_EQ(
        field_names(catch_error([&] { store->create_space(ws.id, f, SpaceStatus::reported, ""); })),
        (std::vector<std::string>{"/parent_id"}));
    // And through an update.
    auto s = add("Unit");
    f = s.fields;
    f.parent_id = foreign.id;
    EXPECT_EQ(catch_error([&] { store->update_space(ws.id, s.id, f, std::nullopt); }).kind(),
              ErrorKind::invalid_input);
    EXPECT_EQ(store->check().spaces, 2);
}

TEST_F(SpacesTest, ParentCyclesAreRejected) {
    auto a = add("Site");
    auto b = add("Building", point(3.06, 50.63), [&](SpaceFields& f) { f.parent_id = a.id; });
    auto c = add("Unit", point(3.06, 50.63), [&](SpaceFields& f) { f.parent_id = b.id; });
    // a -> c would close the loop a -> c -> b -> a.
    auto f = a.fields;
    f.parent_id = c.id;
    auto e = catch_error([&] { store->update_space(ws.id, a.id, f, std::nullopt); });
    EXPECT_EQ(e.kind(), ErrorKind::invalid_input);
    EXPECT_EQ(field_names(e), (std::vector<std::string>{"/parent_id"}));
    f.parent_id = a.id; // itself
    EXPECT_EQ(catch_error([&] { store->update_space(ws.id, a.id, f, std::nullopt); }).kind(),
              ErrorKind::invalid_input);
    EXPECT_FALSE(store->space(ws.id, a.id)->fields.parent_id);
    // Moving a leaf elsewhere in the tree is fine.
    auto cf = c.fields;
    cf.parent_id = a.id;
    EXPECT_EQ(store->update_space(ws.id, c.id, cf, std::nullopt).fields.parent_id, a.id);
}

TEST_F(SpacesTest, OwnerMustBeAnOrganisationOfTheWorkspace) {
    auto other = store->create_workspace(test::make_workspace("riga"));
    auto foreign = store->create_organisation(other.id, test::make_organisation("Riga"));
    auto f = test::make_fields("Halle");
    f.owner_organisation_id = foreign.id;
    auto e = catch_error([&] { store->create_space(ws.id, f, SpaceStatus::reported, ""); });
    EXPECT_EQ(field_names(e), (std::vector<std::string>{"/owner_organisation_id"}));
}

TEST_F(SpacesTest, SourceIdIsUniqueWithinAWorkspace) {
    auto f = test::make_fields("Halle");
    f.source = "osm";
    f.source_id = "way/1";
    store->create_space(ws.id, f, SpaceStatus::reported, "");
    auto e = catch_error([&] { store->create_space(ws.id, f, SpaceStatus::reported, ""); });
    EXPECT_EQ(e.kind(), ErrorKind::conflict);
    // Another workspace, or another source, may use the same id.
    auto other = store->create_workspace(test::make_workspace("riga"));
    EXPECT_NO_THROW(store->create_space(other.id, f, SpaceStatus::reported, ""));
    f.source = "geojson:x";
    EXPECT_NO_THROW(store->create_space(ws.id, f, SpaceStatus::reported, ""));
    // Spaces without a source id never clash.
    auto g = test::make_fields("Manual");
    store->create_space(ws.id, g, SpaceStatus::reported, "");
    EXPECT_NO_THROW(store->create_space(ws.id, g, SpaceStatus::reported, ""));
}

TEST_F(SpacesTest, TransitionsFollowTheLifecycleAndAreRecorded) {
    auto s = add("Halle");
    struct Step {
        SpaceStatus to;
        const char* reason;
    };
    const Step steps[] = {
        {SpaceStatus::verified, "visited on site"},     {SpaceStatus::available, "owner agreed"},
        {SpaceStatus::allocated, "call 2024-1 winner"}, {SpaceStatus::in_use, "keys handed over"},
        {SpaceStatus::ended, "agreement ended"},        {SpaceStatus::available, "offered again"},
    };
    std::int64_t version = s.version;
    for (const auto& step : steps) {
        auto t = store->transition_space(ws.id, s.id, step.to, step.reason, version);
        EXPECT_EQ(t.status, step.to);
        EXPECT_EQ(t.version, version + 1);
        version = t.version;
    }
    auto history = store->space_history(ws.id, s.id);
    ASSERT_EQ(history.size(), std::size(steps) + 1);
    EXPECT_FALSE(history[0].from);
    EXPECT_EQ(history[0].to, SpaceStatus::reported);
    SpaceStatus from = SpaceStatus::reported;
    for (std::size_t i = 0; i < std::size(steps); ++i) {
        const auto& h = history[i + 1];
        EXPECT_EQ(h.space_id, s.id);
        EXPECT_EQ(h.from, from);
        EXPECT_EQ(h.to, steps[i].to);
        EXPECT_EQ(h.reason, steps[i].reason);
        EXPECT_GT(h.id, history[i].id);
        EXPECT_GE(h.at, history[i].at);
        from = steps[i].to;
    }
    EXPECT_TRUE(store->check().ok);
}

TEST_F(SpacesTest, ForbiddenTransitionsAreConflictsAndChangeNothing) {
    auto s = add("Halle");
    auto e = catch_error(
        [&] { store->transition_space(ws.id, s.id, SpaceStatus::in_use, "", std::nullopt); });
    EXPECT_EQ(e.kind(), ErrorKind::conflict);
    EXPECT_NE(e.hint().find("verified"), std::string::npos) << e.hint();
    EXPECT_EQ(catch_error([&] {
                  store->transition_space(ws.id, s.id, SpaceStatus::reported, "", std::nullopt);
              }).kind(),
              ErrorKind::conflict);
    auto now = store->space(ws.id, s.id);
    EXPECT_EQ(now->status, SpaceStatus::reported);
    EXPECT_EQ(now->version, 1);
    EXPECT_EQ(store->space_history(ws.id, s.id).size(), 1u);
}

TEST_F(SpacesTest, TerminalStatusesAreFinal) {
    auto s = add("Halle");
    store->transition_space(ws.id, s.id, SpaceStatus::demolished, "fire", std::nullopt);
    for (auto to : {SpaceStatus::available, SpaceStatus::verified, SpaceStatus::ended}) {
        auto e = catch_error([&] { store->transition_space(ws.id, s.id, to, "", std::nullopt); });
        EXPECT_EQ(e.kind(), ErrorKind::conflict);
        EXPECT_EQ(e.hint(), "this status is final");
    }
}

TEST_F(SpacesTest, WithdrawnSpacesComeBack) {
    auto s = add("Halle", point(3.06, 50.63), {}, SpaceStatus::available);
    store->transition_space(ws.id, s.id, SpaceStatus::withdrawn, "owner changed mind",
                            std::nullopt);
    auto back =
        store->transition_space(ws.id, s.id, SpaceStatus::available, "owner is back", std::nullopt);
    EXPECT_EQ(back.status, SpaceStatus::available);
    EXPECT_EQ(store->space_history(ws.id, s.id).size(), 3u);
}

TEST_F(SpacesTest, TransitionKeepsTheFields) {
    auto s = add("Halle", square(3.06, 50.63, 0.001));
    auto t = store->transition_space(ws.id, s.id, SpaceStatus::verified, "", std::nullopt);
    EXPECT_EQ(t.fields, s.fields);
}

} // namespace
} // namespace impetus
