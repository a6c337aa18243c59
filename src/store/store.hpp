#pragma once

// The store interface: everything the HTTP layer, the importers and the CLI may ask of the
// database. SQL lives only behind this interface (store/sqlite/ now; store/postgres/ can be
// added beside it and chosen by open_store's URL scheme).

#include "core/accounts.hpp"
#include "core/model.hpp"
#include "core/calls.hpp"
#include "core/reports.hpp"
#include "core/query.hpp"

#include <filesystem>
#include <functional>
#include <memory>
#include <map>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace impetus {

// One record of an import batch: the fields (with source and source_id set) and the status the
// record should have when it is created (imports never move an existing space's status except
// to end it when the source says it ended).
struct ImportRecord {
    SpaceFields fields;
    SpaceStatus initial_status = SpaceStatus::reported;
    bool source_says_ended = false;
    std::size_t line = 0; // where the record starts in the file (for the report)
};

// kept: the record matched a space people have taken over (reviewed or edited), which the
// batch's policy leaves as it is.
enum class ImportOutcomeKind { created, updated, unchanged, kept };

// How a batch treats what is already in the workspace.
struct ImportPolicy {
    bool dry_run = false; // compute the outcomes, then roll everything back
    // The batch is the whole of `source` (a scan of an area): spaces of that source which it
    // no longer holds and which nobody has reviewed are ended ("no longer in the source").
    bool end_missing = false;
    // Spaces people have taken over are left untouched: moved past their initial status, or
    // edited through the API since the source created them.
    bool protect_reviewed = false;
    std::string source; // required with end_missing (the batch may be empty)
};

struct ImportOutcome {
    std::size_t index = 0; // into the batch
    ImportOutcomeKind kind = ImportOutcomeKind::unchanged;
    Id space_id = 0;
};

struct ImportBatchResult {
    std::vector<ImportOutcome> outcomes; // one per record, in order
    std::vector<Id> ended_missing;       // ended because the source no longer holds them
    std::vector<Id> kept_missing;        // missing from the source but reviewed by people
};

struct StoreCheck {
    bool ok = true;
    std::vector<std::string> problems;
    std::int64_t workspaces = 0;
    std::int64_t organisations = 0;
    std::int64_t spaces = 0;
    int schema_version = 0;
};

// The interface is cut into facets, one per domain area, which Store puts together; a
// workflow that changes several facets at once runs them in one Store::transaction.

// Workspaces and their organisations.
class WorkspaceStore {
public:
    virtual ~WorkspaceStore() = default;

    // -- workspaces
    virtual Workspace create_workspace(const Workspace& w) = 0;
    virtual Workspace update_workspace(Id id, const Workspace& w) = 0;
    virtual std::optional<Workspace> workspace_by_slug(std::string_view slug) = 0;
    virtual std::optional<Workspace> workspace_by_id(Id id) = 0;
    virtual std::vector<Workspace> list_workspaces() = 0;

    // -- organisations (each belongs to one workspace)
    virtual Organisation create_organisation(Id workspace_id, const Organisation& o) = 0;
    virtual Organisation update_organisation(Id workspace_id, Id id, const Organisation& o) = 0;
    virtual std::optional<Organisation> organisation(Id workspace_id, Id id) = 0;
    virtual std::vector<Organisation> list_organisations(Id workspace_id, std::size_t limit,
                                                         std::size_t offset,
                                                         std::size_t* total) = 0;
};

// Spaces, their status history and import batches.
class SpaceStore {
public:
    virtual ~SpaceStore() = default;

    // -- spaces
    // Creates a space with `status` and records the creation in its history with `reason`.
    virtual Space create_space(Id workspace_id, const SpaceFields& f, SpaceStatus status,
                               const std::string& reason) = 0;
    // Replaces the fields. With `expected_version`, fails with ErrorKind::precondition when the
    // stored version differs (optimistic concurrency, HTTP If-Match).
    virtual Space update_space(Id workspace_id, Id id, const SpaceFields& f,
                               std::optional<std::int64_t> expected_version) = 0;
    // Moves the space to `to` when the lifecycle allows it (ErrorKind::conflict otherwise).
    virtual Space transition_space(Id workspace_id, Id id, SpaceStatus to,
                                   const std::string& reason,
                                   std::optional<std::int64_t> expected_version) = 0;
    virtual std::optional<Space> space(Id workspace_id, Id id) = 0;
    // A space whatever its workspace (for the OGC API, which spans workspaces).
    virtual std::optional<Space> space_any(Id id) = 0;
    virtual std::vector<StatusChange> space_history(Id workspace_id, Id id) = 0;
    virtual SpacePage list_spaces(const SpaceQuery& q) = 0;
    // Streams every match of `q` (limit and offset ignored) in the query's order.
    virtual void for_each_space(const SpaceQuery& q,
                                const std::function<void(const Space&)>& fn) = 0;

    // Applies a whole import batch in one transaction: all or nothing. Records are matched to
    // existing spaces of the workspace by (source, source_id). With `dry_run` the outcomes are
    // computed and everything is rolled back.
    virtual ImportBatchResult apply_import(Id workspace_id,
                                           const std::vector<ImportRecord>& records,
                                           const std::string& reason,
                                           const ImportPolicy& policy) = 0;
    // The plain import: create or update, nothing protected, nothing ended.
    std::vector<ImportOutcome> apply_import(Id workspace_id,
                                            const std::vector<ImportRecord>& records,
                                            const std::string& reason, bool dry_run = false) {
        return apply_import(workspace_id, records, reason, ImportPolicy{dry_run, false, false, {}})
            .outcomes;
    }

    // The bounding box of every space (of one workspace, or all); empty when there are none.
    virtual BBox extent(std::optional<Id> workspace_id) = 0;
};

// Background jobs (discovery scans) with their progress and outcome.
class JobStore {
public:
    virtual ~JobStore() = default;

    // -- background jobs
    virtual Job create_job(Id workspace_id, const std::string& kind,
                           const nlohmann::json& params) = 0;
    virtual void start_job(Id job_id) = 0;
    // Progress writes do not count as data changes (response caches stay valid).
    virtual void report_job_progress(Id job_id, const nlohmann::json& progress) = 0;
    virtual void finish_job(Id job_id, JobStatus status, const nlohmann::json& result,
                            const std::string& error) = 0;
    virtual std::optional<Job> job(Id workspace_id, Id job_id) = 0;
    virtual std::vector<Job> list_jobs(Id workspace_id, std::size_t limit) = 0;
    // Jobs left queued or running by a process that stopped are marked failed; returns how many.
    virtual std::size_t fail_interrupted_jobs() = 0;
};

// Accounts, roles, organisation members, sessions, API tokens and e-mail links.
class AccountStore {
public:
    virtual ~AccountStore() = default;

    // -- accounts (every change is audited with the current actor, store/actor.hpp)
    // Error(conflict) when the e-mail is taken. `password_hash` is an encoded Argon2id hash.
    virtual User create_user(const std::string& email, const std::string& display_name,
                             const std::string& password_hash, bool instance_admin) = 0;
    virtual std::optional<User> user(Id id) = 0;
    virtual std::optional<User> user_by_email(const std::string& email) = 0;
    virtual std::vector<User> list_users() = 0;
    // The stored password hash (empty for an erased account).
    virtual std::string password_hash(Id user_id) = 0;
    virtual void set_password_hash(Id user_id, const std::string& hash) = 0;
    virtual void set_email_verified(Id user_id) = 0;
    virtual void set_instance_admin(Id user_id, bool admin) = 0;
    // A failed login: counts it, and locks the account until `lock_until` when given.
    virtual void record_failed_login(Id user_id, const std::optional<std::string>& lock_until) = 0;
    virtual void clear_failed_logins(Id user_id) = 0;
    // Erases the account: personal data removed, sessions and tokens ended, memberships gone;
    // the record stays (anonymised) so that its public contributions keep their author id.
    virtual void erase_user(Id user_id) = 0;

    // Roles per workspace; `role` nullopt removes the membership.
    virtual void set_role(Id user_id, Id workspace_id, std::optional<Role> role) = 0;
    virtual std::vector<Membership> memberships(Id user_id) = 0;
    virtual std::vector<std::pair<User, Role>> workspace_members(Id workspace_id) = 0;

    // Members of an organisation of the workspace. Adding needs a role in the workspace
    // (Error(conflict) otherwise); removing someone who is not a member changes nothing.
    virtual void set_organisation_member(Id workspace_id, Id organisation_id, Id user_id,
                                         bool member) = 0;
    virtual std::vector<std::pair<User, Role>> organisation_members(Id workspace_id,
                                                                    Id organisation_id) = 0;

    // Sessions and tokens are looked up by the hash of their secret.
    virtual Session create_session(Id user_id, const std::string& token_hash,
                                   const std::string& csrf_token,
                                   const std::string& expires_at) = 0;
    // The live (unexpired) session with this hash.
    virtual std::optional<Session> session_by_hash(const std::string& token_hash) = 0;
    virtual void delete_session(const std::string& token_hash) = 0;
    virtual std::size_t delete_sessions(Id user_id) = 0;
    // Signs the account out everywhere: every session ended and, with `revoke_tokens`, every
    // live API token revoked, in one transaction.
    virtual EndedAccess end_access(Id user_id, bool revoke_tokens) = 0;
    // A new password in one transaction: the hash stored, failed sign-ins cleared, every
    // session ended and, with `revoke_tokens`, every API token revoked.
    virtual EndedAccess replace_password(Id user_id, const std::string& password_hash,
                                         bool revoke_tokens) = 0;
    // The same for a password reset, in the transaction that uses the reset link (nullopt when
    // the link is unknown, used or expired); the address is marked verified, since the link
    // reached its mailbox. API tokens are always revoked.
    virtual std::optional<std::pair<Id, EndedAccess>> reset_password(
        const std::string& link_hash, const std::string& password_hash) = 0;

    virtual ApiToken create_api_token(Id user_id, const std::string& name,
                                      const std::string& token_hash,
                                      const std::vector<std::string>& scopes) = 0;
    // The unrevoked token with this hash; records its use.
    virtual std::optional<ApiToken> api_token_by_hash(const std::string& token_hash) = 0;
    virtual std::vector<ApiToken> api_tokens(Id user_id) = 0;
    virtual bool revoke_api_token(Id user_id, Id token_id) = 0;

    // One-time links sent by e-mail; consuming one returns its user once, if unexpired.
    virtual void create_email_token(Id user_id, EmailTokenPurpose purpose,
                                    const std::string& token_hash,
                                    const std::string& expires_at) = 0;
    virtual std::optional<Id> consume_email_token(EmailTokenPurpose purpose,
                                                  const std::string& token_hash) = 0;
};

// The mail outbox, delivered by the server's outbox thread.
class OutboxStore {
public:
    virtual ~OutboxStore() = default;

    // The mail outbox: written in the same transaction as what causes the mail.
    virtual void enqueue_mail(const std::string& to, const std::string& subject,
                              const std::string& text) = 0;
    virtual std::vector<OutgoingMail> pending_mail(std::size_t limit) = 0;
    virtual void mark_mail_sent(Id mail_id) = 0;
    virtual void mark_mail_failed(Id mail_id, const std::string& error) = 0;
};

// Citizens' reports of vacant places and the decisions on them.
class ReportStore {
public:
    virtual ~ReportStore() = default;

    // -- citizens' reports (store only the hash of the follow link's token)
    virtual Report create_report(const Report& r, const std::string& follow_hash) = 0;
    virtual std::optional<Report> report(Id workspace_id, Id id) = 0;
    virtual std::optional<Report> report_by_follow_hash(const std::string& follow_hash) = 0;
    virtual std::vector<Report> list_reports(Id workspace_id, std::optional<ReportStatus> status,
                                             std::size_t limit, std::size_t offset,
                                             std::size_t* total) = 0;
    virtual ReportPhoto add_report_photo(Id report_id, const ReportPhoto& photo) = 0;
    // Without the image bytes (ids and sizes), or one photo with them.
    virtual std::vector<ReportPhoto> report_photos(Id report_id) = 0;
    virtual std::optional<ReportPhoto> report_photo(Id report_id, Id photo_id) = 0;
    // Decisions on a pending report (Error(conflict) otherwise), each in one transaction:
    // accept creates the space; merge links the report to a space of the workspace.
    virtual Space accept_report(Id workspace_id, Id id, const SpaceFields& fields,
                                SpaceStatus status, const std::string& reason) = 0;
    virtual Report merge_report(Id workspace_id, Id id, Id space_id, const std::string& reason) = 0;
    virtual Report reject_report(Id workspace_id, Id id, const std::string& reason) = 0;
};

// Calls for temporary use, applications, attachments, evaluation sheets and decisions.
class CallStore {
public:
    virtual ~CallStore() = default;

    // -- calls for temporary use, their applications and the jury's sheets. Writes that carry
    // a version (update_call, update_application) fail with Error(precondition) when the record
    // changed since that version was read, as update_space does.
    virtual Call create_call(Id workspace_id, const Call& c) = 0; // a draft
    // Writes the writable fields, the evaluators and the adjustments.
    virtual Call update_call(Id workspace_id, const Call& c) = 0;
    // Error(conflict) unless call_transition_allowed.
    virtual Call set_call_state(Id workspace_id, Id id, CallState to) = 0;
    virtual std::optional<Call> call(Id workspace_id, Id id) = 0;
    virtual std::vector<Call> list_calls(Id workspace_id, bool with_drafts) = 0;
    // The latest matching proposal of the call (null when none was made).
    virtual void save_proposal(Id workspace_id, Id call_id, const nlohmann::json& proposal) = 0;
    virtual nlohmann::json proposal(Id workspace_id, Id call_id) = 0;
    // In one transaction: every application's decision, the call decided, the mails queued.
    virtual Call publish_decisions(Id workspace_id, Id call_id,
                                   const std::map<Id, Decision>& decisions,
                                   const std::vector<OutgoingMail>& mails) = 0;

    virtual Application create_application(const Application& a) = 0;
    // Writes fields, status, submitted_at, eligibility and the shortlist mark.
    virtual Application update_application(const Application& a) = 0;
    virtual std::optional<Application> application(Id workspace_id, Id id) = 0;
    // Of one call (or all), of the given organisations only when `organisations` is set.
    virtual std::vector<Application> list_applications(
        Id workspace_id, std::optional<Id> call_id,
        const std::optional<std::vector<Id>>& organisations) = 0;
    virtual Attachment add_attachment(Id workspace_id, Id application_id, const Attachment& meta,
                                      const std::string& bytes) = 0;
    virtual bool remove_attachment(Id workspace_id, Id application_id, Id attachment_id) = 0;
    virtual std::optional<std::string> attachment_bytes(Id workspace_id, Id application_id,
                                                        Id attachment_id) = 0;

    // Saves an evaluator's sheet; `submit` makes it final (Error(conflict) to change it after).
    virtual Evaluation save_evaluation(Id workspace_id, const Evaluation& e, bool submit) = 0;
    virtual std::vector<Evaluation> evaluations(Id workspace_id, Id call_id) = 0;
};

// The append-only audit log every write of the other facets appends to.
class AuditStore {
public:
    virtual ~AuditStore() = default;

    // The audit log, newest first.
    virtual std::vector<AuditEntry> audit_log(const AuditQuery& q, std::size_t* total) = 0;
};

// Administration: schema, backups and the integrity check, which each backend does its own
// way.
class AdminStore {
public:
    virtual ~AdminStore() = default;

    // -- administration
    virtual int schema_version() = 0;
    virtual void backup(const std::filesystem::path& target) = 0;
    virtual StoreCheck check() = 0;
};

class Store : public WorkspaceStore,
              public SpaceStore,
              public JobStore,
              public AccountStore,
              public OutboxStore,
              public ReportStore,
              public CallStore,
              public AuditStore,
              public AdminStore {
public:
    ~Store() override = default;

    // A number that changes whenever any data changes (for response caches and ETags).
    virtual std::uint64_t data_generation() = 0;

    // Runs fn as one unit of work: every write asked of this store on this thread while fn runs
    // joins one transaction (reads see those writes), committed when fn returns and rolled back
    // entirely when it throws. A workflow that changes several records and queues its mails
    // (services/) is atomic this way; the store's own methods are each atomic already.
    virtual void transaction(const std::function<void()>& fn) = 0;
};

// fn() computed in one Store::transaction, its result returned.
template <typename F> auto in_transaction(Store& store, F&& fn) {
    using R = decltype(fn());
    if constexpr (std::is_void_v<R>) {
        store.transaction(fn);
    } else {
        std::optional<R> result;
        store.transaction([&] { result.emplace(fn()); });
        return std::move(*result);
    }
}

// When a commit counts as written (SQLite's PRAGMA synchronous, in WAL mode). `full`: the log
// is flushed to the disk at every commit, before the write is acknowledged, so that an
// acknowledged write survives an operating-system crash or a power loss. `normal`: the log is
// flushed only at checkpoints; faster, but a power loss or an OS crash may take back the last
// commits (the file stays consistent). A crash of the process loses nothing either way.
enum class Durability { full, normal };

struct StoreOptions {
    std::string location;   // a file path for SQLite; later "postgresql://..."
    bool migrate = true;    // apply pending migrations on open
    bool create = true;     // create the database when missing
    int busy_timeout_ms = 5000;
    std::size_t readers = 8; // pooled read connections
    Durability durability = Durability::full;
};

// Opens the store named by options.location. Throws Error(storage) with a hint on failure,
// and refuses a schema newer than this program knows.
std::unique_ptr<Store> open_store(const StoreOptions& options);

} // namespace impetus
