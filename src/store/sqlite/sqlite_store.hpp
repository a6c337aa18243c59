#pragma once

// The embedded SQLite store: one writer connection (BEGIN IMMEDIATE, serialised by a mutex) and
// a pool of reader connections; WAL lets readers run beside the writer.

#include "store/sqlite/sqlite_db.hpp"
#include "store/store.hpp"

#include <cstdint>
#include <memory>
#include <mutex>
#include <type_traits>
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

    User create_user(const std::string& email, const std::string& display_name,
                     const std::string& password_hash, bool instance_admin) override;
    std::optional<User> user(Id id) override;
    std::optional<User> user_by_email(const std::string& email) override;
    std::vector<User> list_users() override;
    std::string password_hash(Id user_id) override;
    void set_password_hash(Id user_id, const std::string& hash) override;
    void set_email_verified(Id user_id) override;
    void set_instance_admin(Id user_id, bool admin) override;
    void record_failed_login(Id user_id, const std::optional<std::string>& lock_until) override;
    void clear_failed_logins(Id user_id) override;
    void erase_user(Id user_id) override;
    void set_role(Id user_id, Id workspace_id, std::optional<Role> role) override;
    std::vector<Membership> memberships(Id user_id) override;
    std::vector<std::pair<User, Role>> workspace_members(Id workspace_id) override;
    void set_organisation_member(Id workspace_id, Id organisation_id, Id user_id,
                                 bool member) override;
    std::vector<std::pair<User, Role>> organisation_members(Id workspace_id,
                                                            Id organisation_id) override;
    Session create_session(Id user_id, const std::string& token_hash,
                           const std::string& csrf_token, const std::string& expires_at) override;
    std::optional<Session> session_by_hash(const std::string& token_hash) override;
    void delete_session(const std::string& token_hash) override;
    std::size_t delete_sessions(Id user_id) override;
    EndedAccess end_access(Id user_id, bool revoke_tokens) override;
    EndedAccess replace_password(Id user_id, const std::string& password_hash,
                                 bool revoke_tokens) override;
    std::optional<std::pair<Id, EndedAccess>> reset_password(
        const std::string& link_hash, const std::string& password_hash) override;
    ApiToken create_api_token(Id user_id, const std::string& name, const std::string& token_hash,
                              const std::vector<std::string>& scopes) override;
    std::optional<ApiToken> api_token_by_hash(const std::string& token_hash) override;
    std::vector<ApiToken> api_tokens(Id user_id) override;
    bool revoke_api_token(Id user_id, Id token_id) override;
    void create_email_token(Id user_id, EmailTokenPurpose purpose, const std::string& token_hash,
                            const std::string& expires_at) override;
    std::optional<Id> consume_email_token(EmailTokenPurpose purpose,
                                          const std::string& token_hash) override;
    void enqueue_mail(const std::string& to, const std::string& subject,
                      const std::string& text) override;
    std::vector<OutgoingMail> pending_mail(std::size_t limit) override;
    void mark_mail_sent(Id mail_id) override;
    void mark_mail_failed(Id mail_id, const std::string& error) override;
    Call create_call(Id workspace_id, const Call& c) override;
    Call update_call(Id workspace_id, const Call& c) override;
    Call set_call_state(Id workspace_id, Id id, CallState to) override;
    std::optional<Call> call(Id workspace_id, Id id) override;
    std::vector<Call> list_calls(Id workspace_id, bool with_drafts) override;
    void save_proposal(Id workspace_id, Id call_id, const nlohmann::json& proposal) override;
    nlohmann::json proposal(Id workspace_id, Id call_id) override;
    Call publish_decisions(Id workspace_id, Id call_id, const std::map<Id, Decision>& decisions,
                           const std::vector<OutgoingMail>& mails) override;
    Application create_application(const Application& a) override;
    Application update_application(const Application& a) override;
    std::optional<Application> application(Id workspace_id, Id id) override;
    std::vector<Application> list_applications(
        Id workspace_id, std::optional<Id> call_id,
        const std::optional<std::vector<Id>>& organisations) override;
    Attachment add_attachment(Id workspace_id, Id application_id, const Attachment& meta,
                              const std::string& bytes) override;
    bool remove_attachment(Id workspace_id, Id application_id, Id attachment_id) override;
    std::optional<std::string> attachment_bytes(Id workspace_id, Id application_id,
                                                Id attachment_id) override;
    Evaluation save_evaluation(Id workspace_id, const Evaluation& e, bool submit) override;
    std::vector<Evaluation> evaluations(Id workspace_id, Id call_id) override;

    std::vector<AuditEntry> audit_log(const AuditQuery& q, std::size_t* total) override;
    Report create_report(const Report& r, const std::string& follow_hash) override;
    std::optional<Report> report(Id workspace_id, Id id) override;
    std::optional<Report> report_by_follow_hash(const std::string& follow_hash) override;
    std::vector<Report> list_reports(Id workspace_id, std::optional<ReportStatus> status,
                                     std::size_t limit, std::size_t offset,
                                     std::size_t* total) override;
    ReportPhoto add_report_photo(Id report_id, const ReportPhoto& photo) override;
    std::vector<ReportPhoto> report_photos(Id report_id) override;
    std::optional<ReportPhoto> report_photo(Id report_id, Id photo_id) override;
    Space accept_report(Id workspace_id, Id id, const SpaceFields& fields, SpaceStatus status,
                        const std::string& reason) override;
    Report merge_report(Id workspace_id, Id id, Id space_id, const std::string& reason) override;
    Report reject_report(Id workspace_id, Id id, const std::string& reason) override;

    int schema_version() override;
    void backup(const std::filesystem::path& target) override;
    StoreCheck check() override;

    void transaction(const std::function<void()>& fn) override;

private:
    // Whether this thread runs inside transaction() of this store: its writes then join that
    // transaction (as savepoints) and its reads go through the writer connection, which sees
    // them.
    bool in_transaction() const noexcept;
    class ReaderLease;
    ReaderLease reader();
    std::unique_ptr<Connection> open_connection(bool writer);

    template <typename F> auto write(F&& fn, bool commit = true, bool data_change = true);

    StoreOptions m_options;
    std::mutex m_write_mutex;
    std::unique_ptr<Connection> m_writer;
    bool m_transaction_changed = false; // a write inside transaction() changed data
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

// A reader connection from the pool, returned to it when the lease ends.
// Inside transaction(), the lease borrows the writer connection instead.
class SqliteStore::ReaderLease {
public:
    ReaderLease(SqliteStore& store, std::unique_ptr<Connection> c)
        : m_store(store), m_conn(std::move(c)), m_use(m_conn.get()) {}
    ReaderLease(SqliteStore& store, Connection& borrowed) : m_store(store), m_use(&borrowed) {}
    ~ReaderLease() {
        if (!m_conn) return;
        std::lock_guard lock(m_store.m_pool_mutex);
        if (m_store.m_idle.size() < m_store.m_options.readers) {
            m_store.m_idle.push_back(std::move(m_conn));
        }
    }
    ReaderLease(ReaderLease&&) = default;
    Connection& operator*() { return *m_use; }
    Connection* operator->() { return m_use; }

private:
    SqliteStore& m_store;
    std::unique_ptr<Connection> m_conn;
    Connection* m_use = nullptr;
};

// Appends to the audit log inside the caller's write transaction, with the current actor
// (store/actor.hpp). `before` and `after` are the record's JSON; only changed fields are kept.
void record_audit(Connection& c, std::optional<Id> workspace_id, const std::string& entity,
                  Id entity_id, const std::string& action, const nlohmann::json& before,
                  const nlohmann::json& after);

// Queues a mail in the outbox inside the caller's write transaction.
void queue_mail(Connection& c, const std::string& to, const std::string& subject,
                const std::string& text);

// Runs fn(Connection&) in a BEGIN IMMEDIATE transaction on the single writer connection,
// bumps the data generation, and commits; any exception rolls everything back.
// With commit == false everything is rolled back (dry runs). Writes that change no data a
// reader sees through the space, workspace or organisation routes (job progress) leave the
// data generation alone, so response caches stay valid. Inside transaction() the write is a
// savepoint of that transaction, and the generation moves when it commits.
template <typename F> auto SqliteStore::write(F&& fn, bool commit, bool data_change) {
    const bool nested = in_transaction();
    std::unique_lock<std::mutex> lock(m_write_mutex, std::defer_lock);
    if (!nested) lock.lock();
    WriteTransaction tx(*m_writer, nested);
    auto finish = [&] {
        if (!commit) return;
        if (data_change) {
            if (nested) {
                m_transaction_changed = true;
            } else {
                m_writer->exec("UPDATE meta SET value = value + 1 WHERE key = 'generation'");
            }
        }
        tx.commit();
    };
    if constexpr (std::is_void_v<decltype(fn(*m_writer))>) {
        fn(*m_writer);
        finish();
    } else {
        auto result = fn(*m_writer);
        finish();
        return result;
    }
}

} // namespace impetus::sqlite
