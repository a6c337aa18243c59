// Contract of the spaces facet: creation with its first history entry, updates under optimistic
// concurrency, the status lifecycle (every from/to pair), reads scoped by workspace, queries and
// streaming, import batches (all or nothing, dry runs, rescans), the extent and the data
// generation.

#include "store/contract/contract.hpp"

namespace impetus::test {
namespace {

class SpacesContract : public StoreContract {
protected:
    // A batch record of `source` (the source's own id given).
    static ImportRecord record(const std::string& source, const std::string& source_id,
                               const std::string& name, Geometry g = point(3.06, 50.63)) {
        ImportRecord r;
        r.fields = contract_fields(name, std::move(g));
        r.fields.source = source;
        r.fields.source_id = source_id;
        return r;
    }

    std::vector<Id> ids(const SpaceQuery& q) {
        std::vector<Id> out;
        for (const auto& s : store().list_spaces(q).items) out.push_back(s.id);
        return out;
    }

    SpaceQuery query() const {
        SpaceQuery q;
        q.workspace_id = ws.id;
        return q;
    }

    // The id of the space with this source id, or 0.
    Id by_source(const std::string& source, const std::string& source_id) {
        SpaceQuery q = query();
        q.source = source;
        q.source_id = source_id;
        auto page = store().list_spaces(q);
        return page.items.empty() ? 0 : page.items.front().id;
    }
};
IMPETUS_STORE_CONTRACT(SpacesContract);

// Every field of SpaceFields, none at its default.
SpaceFields every_field(Id owner_id, Id parent_id) {
    SpaceFields f = contract_fields("Former tram depot", square(3.05, 50.62, 0.001));
    f.kind = SpaceKind::unit;
    f.parent_id = parent_id;
    f.area_m2 = 7890.5;
    f.area_computed = true;
    f.floor_area_m2 = 1200.25;
    f.floors = 3;
    f.address = "12 rue du Dépôt, Lille";
    f.owner_organisation_id = owner_id;
    f.owner_type = OwnerType::mixed;
    f.building_type = BuildingType::industrial;
    f.condition = Condition::needs_repair;
    f.vacancy = VacancyDegree::partial;
    f.vacant_since = "2019-06-01";
    f.utilities = {true, false, std::nullopt, true};
    f.step_free_access = false;
    f.available_from = "2025-01-01";
    f.available_to = "2026-12-31";
    f.planned_future_use = "housing after 2027";
    f.notes = "keys at the town hall";
    f.source = "geojson:depots";
    f.source_id = "D-17";
    f.source_attributes = {{"ref", "D-17"}, {"levels", 3}};
    return f;
}

TEST_P(SpacesContract, CreateKeepsEveryFieldAndStartsTheHistory) {
    const Organisation owner = store().create_organisation(ws.id, contract_organisation("Metro"));
    const Space parent = add_space("Depot site");
    const SpaceFields f = every_field(owner.id, parent.id);
    const Space s = store().create_space(ws.id, f, SpaceStatus::verified, "surveyed in May");
    EXPECT_GT(s.id, 0);
    EXPECT_EQ(s.workspace_id, ws.id);
    EXPECT_EQ(s.status, SpaceStatus::verified);
    EXPECT_EQ(s.version, 1);
    EXPECT_FALSE(s.created_at.empty());
    EXPECT_FALSE(s.updated_at.empty());
    EXPECT_TRUE(s.fields == f) << "the created space carries the given fields";

    reopen();
    const auto back = store().space(ws.id, s.id);
    ASSERT_TRUE(back);
    EXPECT_TRUE(back->fields == f) << "every field survives a reopening";
    EXPECT_EQ(back->status, SpaceStatus::verified);
    EXPECT_EQ(back->version, 1);

    const auto history = store().space_history(ws.id, s.id);
    ASSERT_EQ(history.size(), 1u);
    EXPECT_EQ(history[0].space_id, s.id);
    EXPECT_FALSE(history[0].from) << "the creation has no previous status";
    EXPECT_EQ(history[0].to, SpaceStatus::verified);
    EXPECT_EQ(history[0].reason, "surveyed in May");
    EXPECT_FALSE(history[0].at.empty());
}

TEST_P(SpacesContract, OptionalFieldsStayEmpty) {
    const Space s = add_space("Kiosk");
    const auto back = store().space(ws.id, s.id);
    ASSERT_TRUE(back);
    EXPECT_FALSE(back->fields.parent_id);
    EXPECT_FALSE(back->fields.area_m2);
    EXPECT_FALSE(back->fields.floors);
    EXPECT_FALSE(back->fields.building_type);
    EXPECT_FALSE(back->fields.utilities.water);
    EXPECT_FALSE(back->fields.step_free_access);
    EXPECT_FALSE(back->fields.vacant_since);
    EXPECT_TRUE(back->fields.source_attributes.is_object());
    EXPECT_TRUE(back->fields.source_attributes.empty());
}

TEST_P(SpacesContract, ReadsAreScopedByWorkspaceExceptSpaceAny) {
    const Workspace other = store().create_workspace(contract_workspace("roubaix"));
    const Space mine = add_space("Mill");
    const Space theirs =
        store().create_space(other.id, contract_fields("Dye works"), SpaceStatus::reported, "");
    EXPECT_TRUE(store().space(ws.id, mine.id));
    EXPECT_FALSE(store().space(other.id, mine.id));
    EXPECT_FALSE(store().space(ws.id, theirs.id));
    ASSERT_TRUE(store().space_any(theirs.id));
    EXPECT_EQ(store().space_any(theirs.id)->workspace_id, other.id);
    EXPECT_FALSE(store().space_any(theirs.id + 1000));
    EXPECT_FALSE(store().space(ws.id, 999999));
    EXPECT_EQ(error_kind([&] { store().space_history(other.id, mine.id); }), "not_found");
    EXPECT_EQ(ids(query()), std::vector<Id>{mine.id});
}

TEST_P(SpacesContract, UpdateReplacesTheFieldsUnderOptimisticConcurrency) {
    const Space s = add_space("Warehouse");
    SpaceFields f = s.fields;
    f.notes = "roof leaks";
    f.floors = 2;
    const Space v2 = store().update_space(ws.id, s.id, f, std::nullopt);
    EXPECT_EQ(v2.version, 2);
    EXPECT_EQ(v2.fields.notes, "roof leaks");
    EXPECT_EQ(v2.status, SpaceStatus::reported) << "an update keeps the status";

    f.notes = "roof repaired";
    const Space v3 = store().update_space(ws.id, s.id, f, 2);
    EXPECT_EQ(v3.version, 3);

    f.notes = "written from a stale read";
    EXPECT_EQ(error_kind([&] { store().update_space(ws.id, s.id, f, 2); }), "precondition");
    const auto now = store().space(ws.id, s.id);
    EXPECT_EQ(now->fields.notes, "roof repaired") << "a stale write changes nothing";
    EXPECT_EQ(now->version, 3);

    EXPECT_EQ(error_kind([&] { store().update_space(ws.id, 999999, f, std::nullopt); }),
              "not_found");
    const Workspace other = store().create_workspace(contract_workspace("roubaix"));
    EXPECT_EQ(error_kind([&] { store().update_space(other.id, s.id, f, std::nullopt); }),
              "not_found");
    EXPECT_EQ(store().space_history(ws.id, s.id).size(), 1u) << "updates are no transitions";
}

TEST_P(SpacesContract, ReferencesAreCheckedWithinTheWorkspace) {
    const Workspace other = store().create_workspace(contract_workspace("roubaix"));
    const Space foreign =
        store().create_space(other.id, contract_fields("Elsewhere"), SpaceStatus::reported, "");
    const Organisation foreign_owner =
        store().create_organisation(other.id, contract_organisation("Other city"));

    SpaceFields f = contract_fields("Unit 4");
    f.parent_id = foreign.id;
    EXPECT_EQ(error_kind([&] { store().create_space(ws.id, f, SpaceStatus::reported, ""); }),
              "invalid_input");
    f.parent_id.reset();
    f.owner_organisation_id = foreign_owner.id;
    EXPECT_EQ(error_kind([&] { store().create_space(ws.id, f, SpaceStatus::reported, ""); }),
              "invalid_input");

    // A space cannot be its own ancestor.
    const Space a = add_space("A");
    SpaceFields b_fields = contract_fields("B");
    b_fields.parent_id = a.id;
    const Space b = store().create_space(ws.id, b_fields, SpaceStatus::reported, "");
    SpaceFields a_fields = a.fields;
    a_fields.parent_id = b.id;
    EXPECT_EQ(error_kind([&] { store().update_space(ws.id, a.id, a_fields, std::nullopt); }),
              "invalid_input");

    // (source, source_id) names one space per workspace.
    SpaceFields s1 = contract_fields("First");
    s1.source = "osm";
    s1.source_id = "way/1";
    store().create_space(ws.id, s1, SpaceStatus::reported, "");
    EXPECT_EQ(error_kind([&] { store().create_space(ws.id, s1, SpaceStatus::reported, ""); }),
              "conflict");
    EXPECT_NO_THROW(store().create_space(other.id, s1, SpaceStatus::reported, ""));
    EXPECT_EQ(store().list_spaces(query()).total, 3u) << "A, B and First only";
}

// Every pair of statuses: the store moves the space exactly when the lifecycle allows it.
TEST_P(SpacesContract, TransitionsFollowTheLifecycleForEveryPair) {
    for (const auto& [from, from_name] : EnumNames<SpaceStatus>::values) {
        for (const auto& [to, to_name] : EnumNames<SpaceStatus>::values) {
            SCOPED_TRACE(std::string(from_name) + " -> " + std::string(to_name));
            const Space s = add_space("Space " + std::string(from_name), point(3.06, 50.63), from);
            if (transition_allowed(from, to)) {
                const Space moved = store().transition_space(ws.id, s.id, to, "why", 1);
                EXPECT_EQ(moved.status, to);
                EXPECT_EQ(moved.version, 2);
                const auto history = store().space_history(ws.id, s.id);
                ASSERT_EQ(history.size(), 2u);
                EXPECT_EQ(history[1].from, from);
                EXPECT_EQ(history[1].to, to);
                EXPECT_EQ(history[1].reason, "why");
            } else {
                EXPECT_EQ(error_kind([&] {
                              store().transition_space(ws.id, s.id, to, "why", std::nullopt);
                          }),
                          "conflict");
                const auto now = store().space(ws.id, s.id);
                EXPECT_EQ(now->status, from);
                EXPECT_EQ(now->version, 1);
                EXPECT_EQ(store().space_history(ws.id, s.id).size(), 1u);
            }
        }
    }
}

TEST_P(SpacesContract, TransitionsCheckTheVersionAndKeepTheFields) {
    const Space s = add_space("Shop");
    EXPECT_EQ(error_kind([&] {
                  store().transition_space(ws.id, s.id, SpaceStatus::verified, "", 7);
              }),
              "precondition");
    EXPECT_EQ(store().space(ws.id, s.id)->status, SpaceStatus::reported);
    const Space v = store().transition_space(ws.id, s.id, SpaceStatus::verified, "", 1);
    EXPECT_TRUE(v.fields == s.fields);
    EXPECT_EQ(error_kind([&] {
                  store().transition_space(ws.id, 999999, SpaceStatus::verified, "", {});
              }),
              "not_found");
}

TEST_P(SpacesContract, QueriesFilterSortAndPage) {
    const Organisation owner = store().create_organisation(ws.id, contract_organisation("City"));
    auto make = [&](const std::string& name, double lon, double area, SpaceKind kind,
                    SpaceStatus status, const std::function<void(SpaceFields&)>& tweak = {}) {
        SpaceFields f = contract_fields(name, square(lon, 50.0, 0.001));
        f.area_m2 = area;
        f.kind = kind;
        if (tweak) tweak(f);
        return store().create_space(ws.id, f, status, "").id;
    };
    const Id mill = make("Mill", 3.000, 500, SpaceKind::building, SpaceStatus::available,
                         [&](SpaceFields& f) {
                             f.owner_organisation_id = owner.id;
                             f.owner_type = OwnerType::public_owner;
                             f.utilities.water = true;
                             f.step_free_access = true;
                             f.available_from = "2025-01-01";
                             f.available_to = "2025-12-31";
                         });
    const Id bakery = make("bakery", 3.010, 80, SpaceKind::shop, SpaceStatus::reported,
                           [&](SpaceFields& f) {
                               f.notes = "secret cellar";
                               f.address = "rue du Pain";
                               f.parent_id = mill;
                               f.source = "osm";
                               f.source_id = "node/9";
                           });
    const Id yard = make("Yard", 3.100, 2000, SpaceKind::plot, SpaceStatus::available);
    SpaceQuery q = query();

    EXPECT_EQ(ids(q), (std::vector<Id>{mill, bakery, yard})) << "by id by default";
    q.statuses = {SpaceStatus::available};
    EXPECT_EQ(ids(q), (std::vector<Id>{mill, yard}));
    q = query();
    q.kinds = {SpaceKind::shop, SpaceKind::plot};
    EXPECT_EQ(ids(q), (std::vector<Id>{bakery, yard}));
    q = query();
    q.owner_types = {OwnerType::public_owner};
    EXPECT_EQ(ids(q), std::vector<Id>{mill});
    q = query();
    q.min_area_m2 = 80;
    q.max_area_m2 = 500;
    EXPECT_EQ(ids(q), (std::vector<Id>{mill, bakery})) << "area bounds are inclusive";

    q = query();
    q.text = "pain";
    EXPECT_EQ(ids(q), std::vector<Id>{bakery}) << "the address is public text";
    q.text = "cellar";
    EXPECT_TRUE(ids(q).empty()) << "notes are searched only when asked";
    q.search_internal = true;
    EXPECT_EQ(ids(q), std::vector<Id>{bakery});

    q = query();
    q.bbox = BBox{3.0095, 49.99, 3.2, 50.01};
    EXPECT_EQ(ids(q), (std::vector<Id>{bakery, yard}));
    q = query();
    q.near = NearFilter{{3.0105, 50.0005}, 1500};
    q.sort = SpaceSort::distance;
    auto page = store().list_spaces(q);
    ASSERT_EQ(page.items.size(), 2u) << "the yard lies about 6 km away";
    EXPECT_EQ(page.items[0].id, bakery);
    EXPECT_EQ(page.items[1].id, mill);
    ASSERT_EQ(page.distances_m.size(), 2u);
    EXPECT_EQ(page.distances_m[0], 0.0) << "the point lies inside the bakery";
    EXPECT_GT(page.distances_m[1], 500.0);
    EXPECT_LT(page.distances_m[1], 1000.0);

    q = query();
    q.available_during = DateRange{"2025-03-01", "2025-04-01"};
    EXPECT_EQ(ids(q), (std::vector<Id>{mill, bakery, yard}))
        << "no availability given means no limit";
    q.available_during = DateRange{"2025-12-01", "2026-01-15"};
    EXPECT_EQ(ids(q), (std::vector<Id>{bakery, yard}));
    q = query();
    q.availability_overlaps = DateRange{"2025-12-01", "2026-01-15"};
    EXPECT_EQ(ids(q), (std::vector<Id>{mill, bakery, yard}));

    q = query();
    q.parent_id = mill;
    EXPECT_EQ(ids(q), std::vector<Id>{bakery});
    q = query();
    q.owner_organisation_id = owner.id;
    EXPECT_EQ(ids(q), std::vector<Id>{mill});
    q = query();
    q.source = "osm";
    q.source_id = "node/9";
    EXPECT_EQ(ids(q), std::vector<Id>{bakery});
    q = query();
    q.water = true;
    q.step_free_access = true;
    EXPECT_EQ(ids(q), std::vector<Id>{mill});
    q = query();
    q.ids = {yard, mill};
    EXPECT_EQ(ids(q), (std::vector<Id>{mill, yard}));

    q = query();
    q.sort = SpaceSort::name;
    EXPECT_EQ(ids(q), (std::vector<Id>{bakery, mill, yard})) << "names sort without case";
    q.sort = SpaceSort::area;
    q.descending = true;
    EXPECT_EQ(ids(q), (std::vector<Id>{yard, mill, bakery}));

    q = query();
    q.limit = 2;
    page = store().list_spaces(q);
    EXPECT_EQ(page.items.size(), 2u);
    EXPECT_EQ(page.total, 3u);
    q.offset = 2;
    page = store().list_spaces(q);
    ASSERT_EQ(page.items.size(), 1u);
    EXPECT_EQ(page.items[0].id, yard);
    EXPECT_EQ(page.total, 3u);
    q.count_total = false;
    EXPECT_FALSE(store().list_spaces(q).total);

    q = query();
    q.sort = SpaceSort::distance;
    EXPECT_EQ(error_kind([&] { store().list_spaces(q); }), "invalid_input")
        << "distance needs a point";
}

TEST_P(SpacesContract, ForEachSpaceStreamsEveryMatchInTheQueryOrder) {
    std::vector<Id> made;
    for (int i = 0; i < 7; ++i) made.push_back(add_space("S" + std::to_string(i)).id);
    SpaceQuery q = query();
    q.limit = 2;
    q.offset = 3;
    q.descending = true;
    std::vector<Id> seen;
    store().for_each_space(q, [&](const Space& s) { seen.push_back(s.id); });
    std::reverse(made.begin(), made.end());
    EXPECT_EQ(seen, made) << "limit and offset are ignored";
}

TEST_P(SpacesContract, ImportCreatesUpdatesAndLeavesUnchanged) {
    const std::vector<ImportRecord> first = {record("csv:a", "1", "One"),
                                             record("csv:a", "2", "Two")};
    const auto created = store().apply_import(ws.id, first, "first load");
    ASSERT_EQ(created.size(), 2u);
    EXPECT_EQ(created[0].kind, ImportOutcomeKind::created);
    EXPECT_EQ(created[1].kind, ImportOutcomeKind::created);
    EXPECT_EQ(created[1].index, 1u);
    const Id one = created[0].space_id;
    EXPECT_EQ(store().space_history(ws.id, one)[0].reason, "first load");
    EXPECT_EQ(store().space(ws.id, one)->status, SpaceStatus::reported);

    std::vector<ImportRecord> second = first;
    second[1].fields.name = "Two, renamed";
    second.push_back(record("csv:a", "3", "Three"));
    const auto again = store().apply_import(ws.id, second, "second load");
    ASSERT_EQ(again.size(), 3u);
    EXPECT_EQ(again[0].kind, ImportOutcomeKind::unchanged);
    EXPECT_EQ(again[0].space_id, one);
    EXPECT_EQ(again[1].kind, ImportOutcomeKind::updated);
    EXPECT_EQ(again[1].space_id, created[1].space_id);
    EXPECT_EQ(again[2].kind, ImportOutcomeKind::created);
    EXPECT_EQ(store().space(ws.id, created[1].space_id)->fields.name, "Two, renamed");
    EXPECT_EQ(store().space(ws.id, one)->version, 1) << "an unchanged record is not rewritten";

    // Matching is by (source, source_id) within the workspace.
    const Workspace other = store().create_workspace(contract_workspace("roubaix"));
    const auto elsewhere = store().apply_import(other.id, first, "load");
    EXPECT_EQ(elsewhere[0].kind, ImportOutcomeKind::created);
    EXPECT_NE(elsewhere[0].space_id, one);
    const auto other_source =
        store().apply_import(ws.id, {record("csv:b", "1", "One")}, "load");
    EXPECT_EQ(other_source[0].kind, ImportOutcomeKind::created);
}

TEST_P(SpacesContract, ImportKeepsWhatPeopleAddedAndEndsWhatTheSourceEnds) {
    const Organisation owner = store().create_organisation(ws.id, contract_organisation("Owner"));
    const Id id = store().apply_import(ws.id, {record("csv:a", "1", "One")}, "load")[0].space_id;
    SpaceFields f = store().space(ws.id, id)->fields;
    f.owner_organisation_id = owner.id;
    store().update_space(ws.id, id, f, std::nullopt);

    ImportRecord ended = record("csv:a", "1", "One");
    ended.source_says_ended = true;
    const auto out = store().apply_import(ws.id, {ended}, "load");
    EXPECT_EQ(out[0].kind, ImportOutcomeKind::updated);
    const auto s = store().space(ws.id, id);
    EXPECT_EQ(s->status, SpaceStatus::ended);
    EXPECT_EQ(s->fields.owner_organisation_id, owner.id) << "the owner people set stays";
    const auto history = store().space_history(ws.id, id);
    ASSERT_EQ(history.size(), 2u);
    EXPECT_EQ(history[1].to, SpaceStatus::ended);

    ImportRecord born_ended = record("csv:a", "2", "Two");
    born_ended.source_says_ended = true;
    born_ended.initial_status = SpaceStatus::available;
    const Id two = store().apply_import(ws.id, {born_ended}, "load")[0].space_id;
    EXPECT_EQ(store().space(ws.id, two)->status, SpaceStatus::ended);

    ImportRecord available = record("csv:a", "3", "Three");
    available.initial_status = SpaceStatus::available;
    const Id three = store().apply_import(ws.id, {available}, "load")[0].space_id;
    EXPECT_EQ(store().space(ws.id, three)->status, SpaceStatus::available);
}

TEST_P(SpacesContract, ImportBatchesAreAllOrNothing) {
    const auto before = store().data_generation();
    std::vector<ImportRecord> batch = {record("csv:a", "1", "One"), record("csv:a", "2", "Two")};
    batch[1].fields.owner_organisation_id = 999999; // no such organisation
    EXPECT_EQ(error_kind([&] { store().apply_import(ws.id, batch, "load"); }), "invalid_input");
    EXPECT_EQ(by_source("csv:a", "1"), 0) << "the good record went with the bad one";
    EXPECT_EQ(store().list_spaces(query()).total, 0u);
    EXPECT_EQ(store().data_generation(), before);
}

TEST_P(SpacesContract, ADryRunComputesTheOutcomesAndWritesNothing) {
    const Id one = store().apply_import(ws.id, {record("csv:a", "1", "One")}, "load")[0].space_id;
    const auto audit_before = audit_size();
    const auto generation = store().data_generation();
    std::vector<ImportRecord> batch = {record("csv:a", "1", "One, renamed"),
                                       record("csv:a", "2", "Two")};
    const auto outcomes = store().apply_import(ws.id, batch, "load", /*dry_run=*/true);
    ASSERT_EQ(outcomes.size(), 2u);
    EXPECT_EQ(outcomes[0].kind, ImportOutcomeKind::updated);
    EXPECT_EQ(outcomes[0].space_id, one);
    EXPECT_EQ(outcomes[1].kind, ImportOutcomeKind::created);
    EXPECT_EQ(store().space(ws.id, one)->fields.name, "One");
    EXPECT_EQ(by_source("csv:a", "2"), 0);
    EXPECT_EQ(audit_size(), audit_before);
    EXPECT_EQ(store().data_generation(), generation);
}

TEST_P(SpacesContract, ARescanEndsWhatVanishedAndLeavesWhatPeopleReviewed) {
    ImportPolicy scan;
    scan.end_missing = true;
    scan.protect_reviewed = true;
    scan.source = "osm";
    const auto first = store().apply_import(
        ws.id, {record("osm", "a", "A"), record("osm", "b", "B"), record("osm", "c", "C"),
                record("osm", "d", "D")},
        "scan 1", scan);
    ASSERT_EQ(first.outcomes.size(), 4u);
    const Id a = first.outcomes[0].space_id, b = first.outcomes[1].space_id,
             c = first.outcomes[2].space_id, d = first.outcomes[3].space_id;
    // People take over b (edited) and c (verified).
    SpaceFields bf = store().space(ws.id, b)->fields;
    bf.notes = "visited";
    store().update_space(ws.id, b, bf, std::nullopt);
    store().transition_space(ws.id, c, SpaceStatus::verified, "seen", std::nullopt);

    // The second scan no longer holds a nor c, and changes b and d.
    const auto second = store().apply_import(
        ws.id, {record("osm", "b", "B changed"), record("osm", "d", "D changed")}, "scan 2", scan);
    ASSERT_EQ(second.outcomes.size(), 2u);
    EXPECT_EQ(second.outcomes[0].kind, ImportOutcomeKind::kept);
    EXPECT_EQ(second.outcomes[0].space_id, b);
    EXPECT_EQ(second.outcomes[1].kind, ImportOutcomeKind::updated);
    EXPECT_EQ(second.ended_missing, std::vector<Id>{a});
    EXPECT_EQ(second.kept_missing, std::vector<Id>{c});
    EXPECT_EQ(store().space(ws.id, a)->status, SpaceStatus::ended);
    EXPECT_EQ(store().space(ws.id, b)->fields.name, "B") << "a space people edited is kept";
    EXPECT_EQ(store().space(ws.id, c)->status, SpaceStatus::verified);
    EXPECT_EQ(store().space(ws.id, d)->fields.name, "D changed");

    // An empty batch of a whole source ends everything of it that nobody reviewed.
    const auto empty = store().apply_import(ws.id, {}, "scan 3", scan);
    EXPECT_EQ(empty.ended_missing, std::vector<Id>{d});
    EXPECT_EQ(sorted_ids(empty.kept_missing), sorted_ids({b, c}));

    // The plain import protects nothing.
    const auto plain = store().apply_import(ws.id, {record("osm", "b", "B plain")}, "load");
    EXPECT_EQ(plain[0].kind, ImportOutcomeKind::updated);
    EXPECT_EQ(store().space(ws.id, b)->fields.name, "B plain");
}

TEST_P(SpacesContract, TheExtentCoversEveryGeometryOfTheWorkspaceOrOfAll) {
    EXPECT_TRUE(store().extent(ws.id).empty());
    EXPECT_TRUE(store().extent(std::nullopt).empty());
    add_space("P", point(3.0, 50.0));
    add_space("Q", square(3.5, 50.5, 0.25));
    const BBox b = store().extent(ws.id);
    EXPECT_DOUBLE_EQ(b.min_lon, 3.0);
    EXPECT_DOUBLE_EQ(b.min_lat, 50.0);
    EXPECT_DOUBLE_EQ(b.max_lon, 3.75);
    EXPECT_DOUBLE_EQ(b.max_lat, 50.75);
    const Workspace other = store().create_workspace(contract_workspace("roubaix"));
    EXPECT_TRUE(store().extent(other.id).empty());
    store().create_space(other.id, contract_fields("far", point(-1.0, 40.0)),
                         SpaceStatus::reported, "");
    const BBox all = store().extent(std::nullopt);
    EXPECT_DOUBLE_EQ(all.min_lon, -1.0);
    EXPECT_DOUBLE_EQ(all.min_lat, 40.0);
    EXPECT_DOUBLE_EQ(all.max_lon, 3.75);
    EXPECT_DOUBLE_EQ(store().extent(ws.id).min_lon, 3.0);
}

TEST_P(SpacesContract, TheDataGenerationMovesWithEveryDataChangeOnly) {
    auto g = store().data_generation();
    auto moved = [&](const char* what) {
        const auto now = store().data_generation();
        EXPECT_NE(now, g) << what << " is a data change";
        g = now;
    };
    auto still = [&](const char* what) {
        EXPECT_EQ(store().data_generation(), g) << what << " changes no data";
    };
    const Space s = add_space("Hall");
    moved("create_space");
    SpaceFields f = s.fields;
    f.notes = "n";
    store().update_space(ws.id, s.id, f, std::nullopt);
    moved("update_space");
    store().transition_space(ws.id, s.id, SpaceStatus::verified, "", std::nullopt);
    moved("transition_space");
    store().apply_import(ws.id, {record("csv", "1", "I")}, "load");
    moved("apply_import");
    store().create_organisation(ws.id, contract_organisation("Org"));
    moved("create_organisation");
    Workspace w = ws;
    w.name = "Lille Métropole";
    store().update_workspace(ws.id, w);
    moved("update_workspace");

    store().space(ws.id, s.id);
    store().list_spaces(query());
    store().extent(std::nullopt);
    store().space_history(ws.id, s.id);
    still("reading");
    EXPECT_EQ(error_kind([&] {
                  store().transition_space(ws.id, s.id, SpaceStatus::reported, "", std::nullopt);
              }),
              "conflict");
    still("a refused transition");
    const Job j = store().create_job(ws.id, "discovery", nlohmann::json::object());
    store().start_job(j.id);
    g = store().data_generation();
    store().report_job_progress(j.id, {{"done", 10}});
    still("job progress");
}

} // namespace
} // namespace impetus::test
