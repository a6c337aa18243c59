#pragma once

// The embedded SQLite store: one writer connection (BEGIN IMMEDIATE, serialised by a mutex) and
// a pool of reader connections; WAL lets readers run beside the writer.

#include "store/sqlite/sqlite_db.hpp"
#include "store/store.hpp"

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace impetus::sqlite {

class SqliteStore final : public Store {
public:
    explicit SqliteStore(const StoreOptions& options);
    ~SqliteStore() override;

    Workspace create_workspace(const Workspace& w) override;
    Workspace update_workspace(Id id, const Workspace& w) override;
    std::optional<Workspace> workspace_by_slug(std::string_view slug) override;
    std::optional<Workspace> workspace_by_id(Id id) override;
    std::vector<Workspace> list_workspaces() override;

    Organisation create_organisation(Id workspace_id, const Organisation& o) override;
    Organisation update_organisation(Id workspace_id, Id id, const Organisation& o) override;
    std::optional<Organisation> organisation(Id workspace_id, Id id) override;
    std::vector<Organisation> list_organisations(Id workspace_id, std::size_t limit,
                                                 std::size_t offset, std::size_t* total) override;

    Space create_space(Id workspace_id, const SpaceFields& f, SpaceStatus status,
                       const std::string& reason) override;
    Space update_space(Id workspace_id, Id id, const SpaceFields& f,
                       std::optional<std::int64_t> expected_version) override;
    Space transition_space(Id workspace_id, Id id, SpaceStatus to, const std::string& reason,
                           std::optional<std::int64_t> expected_version) override;
    std::optional<Space> space(Id workspace_id, Id id) override;
    std::optional<Space> space_any(Id id) override;
    std::vector<StatusChange> space_history(Id workspace_id, Id id) override;
    SpacePage list_spaces(const SpaceQuery& q) override;
    void for_each_space(const SpaceQuery& q, const std::function<void(const Space&)>& fn) override;
    using Store::apply_import;
    ImportBatchResult apply_import(Id workspace_id, const std::vector<ImportRecord>& records,
                                   const std::string& reason,
                                   const ImportPolicy& policy) override;
    Job create_job(Id workspace_id, const std::string& kind,
                   const nlohmann::json& params) override;
    void start_job(Id job_id) override;
    void report_job_progress(Id job_id, const nlohmann::json& progress) override;
    void finish_job(Id job_id, JobStatus status, const nlohmann::json& result,
                    const std::string& error) override;
    std::optional<Job> job(Id workspace_id, Id job_id) override;
    std::vector<Job> list_jobs(Id workspace_id, std::size_t limit) override;
    std::size_t fail_interrupted_jobs() override;
    BBox extent(std::optional<Id> workspace_id) override;
    std::uint64_t data_generation() override;

    int schema_version() override;
    void backup(const std::filesystem::path& target) override;
    StoreCheck check() override;

private:
    class ReaderLease;
    ReaderLease reader();
    std::unique_ptr<Connection> open_connection(bool writer);

    template <typename F> auto write(F&& fn, bool commit = true, bool data_change = true);

    StoreOptions m_options;
    std::mutex m_write_mutex;
    std::unique_ptr<Connection> m_writer;
    std::mutex m_pool_mutex;
    std::vector<std::unique_ptr<Connection>> m_idle;

    // data_generation(), asked on every cached request: a reader connection of its own with
    // two statements prepared once (declared after it, so finalized before it closes).
    std::mutex m_generation_mutex;
    std::unique_ptr<Connection> m_watcher;
    std::unique_ptr<Statement> m_data_version;   // PRAGMA data_version
    std::unique_ptr<Statement> m_read_generation; // meta 'generation'
    std::int64_t m_seen_data_version = -1;
    std::uint64_t m_generation = 0;
};

} // namespace impetus::sqlite
