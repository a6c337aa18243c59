// Sources that rescan a whole area (OSM discovery): ImportPolicy's end_missing and
// protect_reviewed, and the background job records.

#include "support/errors.hpp"
#include "support/store_fixture.hpp"

#include <gtest/gtest.h>

namespace impetus {
namespace {

using test::point;

const ImportPolicy k_rescan{false, true, true, "osm"};

class RescanTest : public test::StoreTest {
  protected:
    static ImportRecord candidate(const std::string& osm_id, const std::string& name) {
        ImportRecord r;
        r.fields = test::make_fields(name, point(9.52, 47.14));
        r.fields.source = "osm";
        r.fields.source_id = osm_id;
        r.initial_status = SpaceStatus::reported;
        return r;
    }

    Space by_id(Id id) { return *store->space(ws.id, id); }
};

TEST_F(RescanTest, ASecondScanOfTheSameDataChangesNothing) {
    std::vector<ImportRecord> batch{candidate("way/1", "Vacant shop"),
                                    candidate("node/2", "Ruin")};
    auto first = store->apply_import(ws.id, batch, "scan", k_rescan);
    ASSERT_EQ(first.outcomes.size(), 2u);
    const auto generation = store->data_generation();
    auto second = store->apply_import(ws.id, batch, "scan", k_rescan);
    for (const auto& o : second.outcomes) EXPECT_EQ(o.kind, ImportOutcomeKind::unchanged);
    EXPECT_TRUE(second.ended_missing.empty());
    EXPECT_EQ(by_id(first.outcomes[0].space_id).version, 1);
    EXPECT_GE(store->data_generation(), generation);
}

TEST_F(RescanTest, VanishedCandidatesAreEndedNeverDeleted) {
    auto first = store->apply_import(ws.id, {candidate("way/1", "A"), candidate("way/2", "B")},
                                     "scan 1", k_rescan);
    auto second = store->apply_import(ws.id, {candidate("way/1", "A")}, "scan 2", k_rescan);
    ASSERT_EQ(second.ended_missing.size(), 1u);
    const Id gone = first.outcomes[1].space_id;
    EXPECT_EQ(second.ended_missing[0], gone);
    EXPECT_EQ(by_id(gone).status, SpaceStatus::ended);
    auto history = store->space_history(ws.id, gone);
    ASSERT_EQ(history.size(), 2u);
    EXPECT_NE(history[1].reason.find("no longer in the source"), std::string::npos);
    // A third scan does not end it again.
    auto third = store->apply_import(ws.id, {candidate("way/1", "A")}, "scan 3", k_rescan);
    EXPECT_TRUE(third.ended_missing.empty());
    EXPECT_EQ(store->space_history(ws.id, gone).size(), 2u);
}

TEST_F(RescanTest, SpacesPeopleReviewedOrEditedAreLeftAlone) {
    auto first = store->apply_import(
        ws.id, {candidate("way/1", "A"), candidate("way/2", "B"), candidate("way/3", "C")},
        "scan 1", k_rescan);
    const Id verified = first.outcomes[0].space_id;
    const Id edited = first.outcomes[1].space_id;
    const Id dismissed = first.outcomes[2].space_id;
    store->transition_space(ws.id, verified, SpaceStatus::verified, "seen on site", std::nullopt);
    auto f = by_id(edited).fields;
    f.name = "B, renamed by an officer";
    store->update_space(ws.id, edited, f, std::nullopt);
    store->transition_space(ws.id, dismissed, SpaceStatus::withdrawn, "dismissed: in use",
                            std::nullopt);

    // The source changes all three names, then loses them all.
    auto changed = store->apply_import(ws.id,
                                       {candidate("way/1", "A2"), candidate("way/2", "B2"),
                                        candidate("way/3", "C2")},
                                       "scan 2", k_rescan);
    for (const auto& o : changed.outcomes) EXPECT_EQ(o.kind, ImportOutcomeKind::kept);
    EXPECT_EQ(by_id(verified).fields.name, "A");
    EXPECT_EQ(by_id(edited).fields.name, "B, renamed by an officer");
    EXPECT_EQ(by_id(dismissed).status, SpaceStatus::withdrawn);

    auto vanished = store->apply_import(ws.id, {}, "scan 3", k_rescan);
    EXPECT_TRUE(vanished.ended_missing.empty());
    EXPECT_EQ(vanished.kept_missing.size(), 3u);
    EXPECT_EQ(by_id(verified).status, SpaceStatus::verified);
}

TEST_F(RescanTest, PlainImportsStillUpdateEverything) {
    auto first = store->apply_import(ws.id, {candidate("way/1", "A")}, "import", false);
    store->transition_space(ws.id, first[0].space_id, SpaceStatus::verified, "ok", std::nullopt);
    auto again = store->apply_import(ws.id, {candidate("way/1", "A2")}, "import", false);
    EXPECT_EQ(again[0].kind, ImportOutcomeKind::updated);
    EXPECT_EQ(by_id(first[0].space_id).fields.name, "A2");
}

TEST_F(RescanTest, DryRunOfARescanWritesNothing) {
    store->apply_import(ws.id, {candidate("way/1", "A"), candidate("way/2", "B")}, "scan",
                        k_rescan);
    auto dry = store->apply_import(ws.id, {candidate("way/1", "A")}, "scan",
                                   ImportPolicy{true, true, true, "osm"});
    EXPECT_EQ(dry.ended_missing.size(), 1u);
    EXPECT_EQ(by_id(dry.ended_missing[0]).status, SpaceStatus::reported);
}

TEST_F(RescanTest, JobsRecordProgressAndOutcomeWithoutTouchingTheDataGeneration) {
    const auto generation = store->data_generation();
    Job j = store->create_job(ws.id, "discovery", {{"file", "li.osm.pbf"}});
    EXPECT_EQ(j.status, JobStatus::queued);
    store->start_job(j.id);
    store->report_job_progress(j.id, {{"share_read", 0.5}});
    EXPECT_EQ(store->data_generation(), generation);
    auto running = store->job(ws.id, j.id);
    ASSERT_TRUE(running);
    EXPECT_EQ(running->status, JobStatus::running);
    EXPECT_DOUBLE_EQ(running->progress["share_read"].get<double>(), 0.5);
    EXPECT_FALSE(running->started_at.empty());
    store->finish_job(j.id, JobStatus::succeeded, {{"created", 3}}, "");
    auto done = store->job(ws.id, j.id);
    EXPECT_EQ(done->status, JobStatus::succeeded);
    EXPECT_EQ(done->result["created"], 3);
    EXPECT_FALSE(done->finished_at.empty());

    // Another workspace cannot see it.
    auto other = store->create_workspace(test::make_workspace("riga"));
    EXPECT_FALSE(store->job(other.id, j.id));
    EXPECT_EQ(store->list_jobs(ws.id, 10).size(), 1u);
    EXPECT_TRUE(store->list_jobs(other.id, 10).empty());

    // A job left running by a stopped server is failed at the next start.
    Job k = store->create_job(ws.id, "discovery", nlohmann::json::object());
    store->start_job(k.id);
    EXPECT_EQ(store->fail_interrupted_jobs(), 1u);
    EXPECT_EQ(store->job(ws.id, k.id)->status, JobStatus::failed);
    EXPECT_FALSE(store->job(ws.id, k.id)->error.empty());
}

} // namespace
} // namespace impetus
