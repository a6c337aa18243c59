// Contract of the jobs facet: a job is created queued, started, reports its progress, finishes
// with a result or an error; jobs are read per workspace, newest first; jobs a stopped process
// left queued or running are failed when the next one starts.

#include "store/contract/contract.hpp"

namespace impetus::test {
namespace {

using nlohmann::json;

class JobsContract : public StoreContract {};
IMPETUS_STORE_CONTRACT(JobsContract);

TEST_P(JobsContract, AJobGoesFromQueuedToRunningToItsOutcome) {
    const json params = {{"extract", "lille.osm.pbf"}, {"bbox", {3.0, 50.6, 3.1, 50.7}}};
    const Job j = store().create_job(ws.id, "discovery", params);
    EXPECT_GT(j.id, 0);
    EXPECT_EQ(j.workspace_id, ws.id);
    EXPECT_EQ(j.kind, "discovery");
    EXPECT_EQ(j.status, JobStatus::queued);
    EXPECT_EQ(j.params, params);
    EXPECT_TRUE(j.progress.is_object());
    EXPECT_TRUE(j.progress.empty());
    EXPECT_TRUE(j.result.is_null());
    EXPECT_TRUE(j.error.empty());
    EXPECT_FALSE(j.created_at.empty());
    EXPECT_TRUE(j.started_at.empty());
    EXPECT_TRUE(j.finished_at.empty());

    store().start_job(j.id);
    Job now = *store().job(ws.id, j.id);
    EXPECT_EQ(now.status, JobStatus::running);
    EXPECT_FALSE(now.started_at.empty());

    store().report_job_progress(j.id, {{"phase", "ways"}, {"done", 40}, {"of", 100}});
    store().report_job_progress(j.id, {{"phase", "ways"}, {"done", 90}, {"of", 100}});
    now = *store().job(ws.id, j.id);
    EXPECT_EQ(now.progress, (json{{"phase", "ways"}, {"done", 90}, {"of", 100}}))
        << "the latest report";
    EXPECT_EQ(now.status, JobStatus::running);

    const json result = {{"candidates", 12}, {"created", 10}};
    store().finish_job(j.id, JobStatus::succeeded, result, "");
    reopen();
    now = *store().job(ws.id, j.id);
    EXPECT_EQ(now.status, JobStatus::succeeded);
    EXPECT_EQ(now.result, result);
    EXPECT_TRUE(now.error.empty());
    EXPECT_FALSE(now.finished_at.empty());
    EXPECT_EQ(now.params, params);
}

TEST_P(JobsContract, AFailedJobKeepsItsErrorForPeople) {
    const Job j = store().create_job(ws.id, "discovery", json::object());
    store().start_job(j.id);
    store().finish_job(j.id, JobStatus::failed, nullptr, "the extract is not a PBF file");
    const Job now = *store().job(ws.id, j.id);
    EXPECT_EQ(now.status, JobStatus::failed);
    EXPECT_TRUE(now.result.is_null());
    EXPECT_EQ(now.error, "the extract is not a PBF file");
    EXPECT_FALSE(now.finished_at.empty());

    const Job c = store().create_job(ws.id, "discovery", json::object());
    store().finish_job(c.id, JobStatus::cancelled, nullptr, "");
    EXPECT_EQ(store().job(ws.id, c.id)->status, JobStatus::cancelled);
}

TEST_P(JobsContract, JobsAreReadPerWorkspaceNewestFirst) {
    const Workspace other = store().create_workspace(contract_workspace("roubaix"));
    const Id a = store().create_job(ws.id, "discovery", json::object()).id;
    const Id foreign = store().create_job(other.id, "discovery", json::object()).id;
    const Id b = store().create_job(ws.id, "discovery", json::object()).id;
    const Id c = store().create_job(ws.id, "import", json::object()).id;
    EXPECT_FALSE(store().job(other.id, a)) << "a job is seen in its workspace only";
    EXPECT_FALSE(store().job(ws.id, foreign));
    EXPECT_FALSE(store().job(ws.id, c + 1000));

    auto ids = [&](std::size_t limit) {
        std::vector<Id> out;
        for (const auto& j : store().list_jobs(ws.id, limit)) out.push_back(j.id);
        return out;
    };
    EXPECT_EQ(ids(10), (std::vector<Id>{c, b, a}));
    EXPECT_EQ(ids(2), (std::vector<Id>{c, b})) << "the limit keeps the newest";
    EXPECT_EQ(store().list_jobs(other.id, 10).size(), 1u);
}

TEST_P(JobsContract, JobsAStoppedProcessLeftAreFailed) {
    const Id queued = store().create_job(ws.id, "discovery", json::object()).id;
    const Id running = store().create_job(ws.id, "discovery", json::object()).id;
    store().start_job(running);
    const Id done = store().create_job(ws.id, "discovery", json::object()).id;
    store().start_job(done);
    store().finish_job(done, JobStatus::succeeded, json{{"ok", true}}, "");
    const Workspace other = store().create_workspace(contract_workspace("roubaix"));
    const Id elsewhere = store().create_job(other.id, "discovery", json::object()).id;

    reopen(); // the process stopped
    EXPECT_EQ(store().fail_interrupted_jobs(), 3u) << "queued, running, and the other workspace's";
    for (Id id : {queued, running}) {
        const Job j = *store().job(ws.id, id);
        EXPECT_EQ(j.status, JobStatus::failed);
        EXPECT_FALSE(j.error.empty()) << "people are told why";
        EXPECT_FALSE(j.finished_at.empty());
    }
    EXPECT_EQ(store().job(other.id, elsewhere)->status, JobStatus::failed);
    const Job finished = *store().job(ws.id, done);
    EXPECT_EQ(finished.status, JobStatus::succeeded);
    EXPECT_EQ(finished.result, (json{{"ok", true}}));
    EXPECT_EQ(store().fail_interrupted_jobs(), 0u);
}

} // namespace
} // namespace impetus::test
