// Background jobs in SQLite.

#include "core/dates.hpp"
#include "store/sqlite/sqlite_rows.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace impetus::sqlite {

using nlohmann::json;

// ---------------------------------------------------------------------------------------------
// Background jobs

namespace {

constexpr const char* k_job_columns = "id, workspace_id, kind, status, params, progress, result, "
                                      "error, created_at, started_at, finished_at";

Job read_job(const Statement& st) {
    Job j;
    j.id = st.int64(0);
    j.workspace_id = st.int64(1);
    j.kind = st.text(2);
    j.status = enum_col<JobStatus>(st, 3);
    j.params = json::parse(st.text_view(4), nullptr, false);
    j.progress = json::parse(st.text_view(5), nullptr, false);
    j.result = st.is_null(6) ? json(nullptr) : json::parse(st.text_view(6), nullptr, false);
    if (j.params.is_discarded()) j.params = json::object();
    if (j.progress.is_discarded()) j.progress = json::object();
    if (j.result.is_discarded()) j.result = nullptr;
    j.error = st.text(7);
    j.created_at = st.text(8);
    j.started_at = st.text(9);
    j.finished_at = st.text(10);
    return j;
}

} // namespace

Job SqliteStore::create_job(Id workspace_id, const std::string& kind, const json& params) {
    Id id = write(
        [&](Connection& c) {
            auto st = c.prepare("INSERT INTO job (workspace_id, kind, status, params, created_at) "
                                "VALUES (?, ?, 'queued', ?, ?)");
            st.bind(1, workspace_id).bind(2, kind).bind(3, params.dump()).bind(4, now_utc());
            st.run();
            return c.last_insert_rowid();
        },
        true, false);
    return *job(workspace_id, id);
}

void SqliteStore::start_job(Id job_id) {
    write(
        [&](Connection& c) {
            auto st = c.prepare("UPDATE job SET status = 'running', started_at = ? WHERE id = ? "
                                "AND status = 'queued'");
            st.bind(1, now_utc()).bind(2, job_id);
            st.run();
        },
        true, false);
}

void SqliteStore::report_job_progress(Id job_id, const json& progress) {
    write(
        [&](Connection& c) {
            auto st = c.prepare("UPDATE job SET progress = ? WHERE id = ?");
            st.bind(1, progress.dump()).bind(2, job_id);
            st.run();
        },
        true, false);
}

void SqliteStore::finish_job(Id job_id, JobStatus status, const json& result,
                             const std::string& error) {
    write(
        [&](Connection& c) {
            auto st = c.prepare("UPDATE job SET status = ?, result = ?, error = ?, finished_at = ? "
                                "WHERE id = ?");
            st.bind(1, enum_name(status));
            if (result.is_null()) {
                st.bind_null(2);
            } else {
                st.bind(2, result.dump());
            }
            st.bind(3, error).bind(4, now_utc()).bind(5, job_id);
            st.run();
        },
        true, false);
}

std::optional<Job> SqliteStore::job(Id workspace_id, Id job_id) {
    auto c = reader();
    auto st = c->prepare(std::string("SELECT ") + k_job_columns +
                         " FROM job WHERE id = ? AND workspace_id = ?");
    st.bind(1, job_id).bind(2, workspace_id);
    if (!st.step()) return std::nullopt;
    return read_job(st);
}

std::vector<Job> SqliteStore::list_jobs(Id workspace_id, std::size_t limit) {
    auto c = reader();
    auto st = c->prepare(std::string("SELECT ") + k_job_columns +
                         " FROM job WHERE workspace_id = ? ORDER BY id DESC LIMIT ?");
    st.bind(1, workspace_id).bind(2, static_cast<std::int64_t>(limit));
    std::vector<Job> out;
    while (st.step()) out.push_back(read_job(st));
    return out;
}

std::size_t SqliteStore::fail_interrupted_jobs() {
    return write(
        [&](Connection& c) {
            auto st = c.prepare("UPDATE job SET status = 'failed', error = 'the server stopped "
                                "before the job finished; start it again', finished_at = ? "
                                "WHERE status IN ('queued', 'running')");
            st.bind(1, now_utc());
            st.run();
            return static_cast<std::size_t>(c.changes());
        },
        true, false);
}

} // namespace impetus::sqlite
