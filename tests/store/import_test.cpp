// apply_import: one transaction per batch, matched by (source, source_id).

#include "support/errors.hpp"
#include "support/store_fixture.hpp"

#include <gtest/gtest.h>

namespace impetus {
namespace {

using test::catch_error;
using test::point;
using test::square;

class ImportTest : public test::StoreTest {
  protected:
    static ImportRecord record(const std::string& source_id, const std::string& name,
                               Geometry g = point(3.06, 50.63)) {
        ImportRecord r;
        r.fields = test::make_fields(name, std::move(g));
        r.fields.source = "brownfield:test";
        r.fields.source_id = source_id;
        r.fields.source_attributes = {{"SiteReference", source_id}};
        return r;
    }

    std::size_t count() {
        auto q = query();
        q.limit = 1;
        return *store->list_spaces(q).total;
    }

    std::optional<Space> by_source_id(const std::string& source_id) {
        auto q = query();
        q.source = "brownfield:test";
        q.source_id = source_id;
        auto page = store->list_spaces(q);
        if (page.items.empty()) {
            return std::nullopt;
        }
        return page.items.front();
    }
};

TEST_F(ImportTest, FirstImportCreates) {
    auto a = record("BNH-1", "Former gasworks", square(-0.13, 51.50, 0.002));
    a.initial_status = SpaceStatus::verified;
    auto b = record("BNH-2", "Car park");
    auto out = store->apply_import(ws.id, {a, b}, "brownfield register 2024", false);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0].index, 0u);
    EXPECT_EQ(out[1].index, 1u);
    EXPECT_EQ(out[0].kind, ImportOutcomeKind::created);
    EXPECT_EQ(out[1].kind, ImportOutcomeKind::created);
    auto s = store->space(ws.id, out[0].space_id);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->fields, a.fields);
    EXPECT_EQ(s->status, SpaceStatus::verified);
    auto history = store->space_history(ws.id, s->id);
    ASSERT_EQ(history.size(), 1u);
    EXPECT_EQ(history[0].reason, "brownfield register 2024");
    EXPECT_EQ(store->space(ws.id, out[1].space_id)->status, SpaceStatus::reported);
}

TEST_F(ImportTest, SameDataAgainIsUnchanged) {
    auto a = record("BNH-1", "Former gasworks", square(-0.13, 51.50, 0.002));
    auto first = store->apply_import(ws.id, {a}, "2024", false);
    auto before = *store->space(ws.id, first[0].space_id);
    auto again = store->apply_import(ws.id, {a}, "2025", false);
    ASSERT_EQ(again.size(), 1u);
    EXPECT_EQ(again[0].kind, ImportOutcomeKind::unchanged);
    EXPECT_EQ(again[0].space_id, first[0].space_id);
    auto after = *store->space(ws.id, first[0].space_id);
    EXPECT_EQ(after.version, before.version);
    EXPECT_EQ(after.updated_at, before.updated_at);
    EXPECT_EQ(count(), 1u);
}

TEST_F(ImportTest, ChangedRecordsAreUpdated) {
    auto a = record("BNH-1", "Former gasworks");
    auto b = record("BNH-2", "Car park");
    store->apply_import(ws.id, {a, b}, "2024", false);
    b.fields.notes = "Now with planning permission";
    auto c = record("BNH-3", "Depot");
    auto out = store->apply_import(ws.id, {a, b, c}, "2025", false);
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(out[0].kind, ImportOutcomeKind::unchanged);
    EXPECT_EQ(out[1].kind, ImportOutcomeKind::updated);
    EXPECT_EQ(out[2].kind, ImportOutcomeKind::created);
    auto updated = store->space(ws.id, out[1].space_id);
    EXPECT_EQ(updated->fields.notes, "Now with planning permission");
    EXPECT_EQ(updated->version, 2);
    EXPECT_EQ(updated->status, SpaceStatus::reported); // imports never move the status
    EXPECT_EQ(count(), 3u);
}

TEST_F(ImportTest, WhatPeopleAddedIsKept) {
    auto a = record("BNH-1", "Former gasworks");
    auto out = store->apply_import(ws.id, {a}, "2024", false);
    auto owner = store->create_organisation(ws.id, test::make_organisation("Council"));
    auto s = *store->space(ws.id, out[0].space_id);
    s.fields.owner_organisation_id = owner.id;
    store->update_space(ws.id, s.id, s.fields, std::nullopt);
    store->transition_space(ws.id, s.id, SpaceStatus::verified, "visited", std::nullopt);

    auto again = store->apply_import(ws.id, {a}, "2025", false);
    EXPECT_EQ(again[0].kind, ImportOutcomeKind::unchanged);
    auto after = *store->space(ws.id, s.id);
    EXPECT_EQ(after.fields.owner_organisation_id, owner.id);
    EXPECT_EQ(after.status, SpaceStatus::verified);
}

TEST_F(ImportTest, EndedRecordsEndTheirSpaces) {
    auto a = record("BNH-1", "Former gasworks");
    auto b = record("BNH-2", "Car park");
    auto first = store->apply_import(ws.id, {a, b}, "2024", false);
    a.source_says_ended = true;
    auto c = record("BNH-3", "Already gone");
    c.source_says_ended = true;
    auto out = store->apply_import(ws.id, {a, b, c}, "2025", false);
    EXPECT_EQ(out[0].kind, ImportOutcomeKind::updated);
    EXPECT_EQ(out[1].kind, ImportOutcomeKind::unchanged);
    EXPECT_EQ(out[2].kind, ImportOutcomeKind::created);
    auto ended = *store->space(ws.id, first[0].space_id);
    EXPECT_EQ(ended.status, SpaceStatus::ended);
    EXPECT_EQ(ended.version, 2);
    auto history = store->space_history(ws.id, ended.id);
    ASSERT_EQ(history.size(), 2u);
    EXPECT_EQ(history[1].from, SpaceStatus::reported);
    EXPECT_EQ(history[1].to, SpaceStatus::ended);
    EXPECT_NE(history[1].reason.find("2025"), std::string::npos);
    EXPECT_EQ(store->space(ws.id, out[2].space_id)->status, SpaceStatus::ended);
    // Ending again changes nothing.
    auto again = store->apply_import(ws.id, {a}, "2026", false);
    EXPECT_EQ(again[0].kind, ImportOutcomeKind::unchanged);
    EXPECT_EQ(store->space_history(ws.id, ended.id).size(), 2u);
    EXPECT_TRUE(store->check().ok);
}

TEST_F(ImportTest, DryRunWritesNothing) {
    auto a = record("BNH-1", "Former gasworks");
    store->apply_import(ws.id, {a}, "2024", false);
    const auto generation = store->data_generation();
    a.fields.notes = "changed";
    auto out = store->apply_import(ws.id, {a, record("BNH-2", "Car park")}, "2025", true);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0].kind, ImportOutcomeKind::updated);
    EXPECT_EQ(out[1].kind, ImportOutcomeKind::created);
    EXPECT_EQ(count(), 1u);
    EXPECT_EQ(by_source_id("BNH-1")->fields.notes, "");
    EXPECT_EQ(by_source_id("BNH-1")->version, 1);
    EXPECT_FALSE(by_source_id("BNH-2"));
    EXPECT_EQ(store->data_generation(), generation);
    // The store still works normally afterwards.
    EXPECT_EQ(store->apply_import(ws.id, {a}, "2025", false)[0].kind, ImportOutcomeKind::updated);
}

TEST_F(ImportTest, AThrowingRecordRollsBackTheWholeBatch) {
    auto a = record("BNH-1", "Former gasworks");
    store->apply_import(ws.id, {a}, "2024", false);
    const auto generation = store->data_generation();
    a.fields.notes = "changed";
    auto bad = record("BNH-3", "Depot");
    bad.fields.owner_organisation_id = 9999; // no such organisation
    auto e = catch_error([&] {
        store->apply_import(ws.id, {a, record("BNH-2", "Car park"), bad}, "2025", false);
    });
    EXPECT_EQ(e.kind(), ErrorKind::invalid_input);
    EXPECT_EQ(count(), 1u);
    EXPECT_EQ(by_source_id("BNH-1")->fields.notes, "");
    EXPECT_EQ(store->data_generation(), generation);
    EXPECT_TRUE(store->check().ok);

    auto no_id = record("", "Nameless");
    no_id.fields.source_id.clear();
    EXPECT_EQ(catch_error([&] {
                  store->apply_import(ws.id, {record("BNH-2", "Car park"), no_id}, "x", false);
              }).kind(),
              ErrorKind::internal);
    EXPECT_EQ(count(), 1u);
}

TEST_F(ImportTest, UpdatesAreCheckedLikeCreations) {
    auto a = record("BNH-1", "Former gasworks");
    store->apply_import(ws.id, {a}, "2024", false);
    auto other = store->create_workspace(test::make_workspace("riga"));
    auto foreign = store->create_organisation(other.id, test::make_organisation("Riga"));
    a.fields.owner_organisation_id = foreign.id;
    auto e = catch_error([&] { store->apply_import(ws.id, {a}, "2025", false); });
    EXPECT_EQ(e.kind(), ErrorKind::invalid_input);
    EXPECT_FALSE(by_source_id("BNH-1")->fields.owner_organisation_id);
    EXPECT_TRUE(store->check().ok);
}

TEST_F(ImportTest, SourceIdsAreMatchedPerWorkspace) {
    auto a = record("BNH-1", "Former gasworks");
    store->apply_import(ws.id, {a}, "2024", false);
    auto other = store->create_workspace(test::make_workspace("riga"));
    auto out = store->apply_import(other.id, {a}, "2024", false);
    EXPECT_EQ(out[0].kind, ImportOutcomeKind::created);
    EXPECT_EQ(count(), 1u);
}

} // namespace
} // namespace impetus
