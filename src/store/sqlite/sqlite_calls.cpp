// Calls for temporary use, applications with their attachments, and evaluation sheets in
// SQLite. Each record's fields are a JSON document written and read by core/calls_json; every
// change goes to the audit log in its transaction.

#include "core/calls_json.hpp"
#include "core/dates.hpp"
#include "core/error.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace impetus::sqlite {

using nlohmann::json;

namespace {

constexpr const char* k_call_columns =
    "id, workspace_id, state, doc, adjustments, version, created_at, updated_at, decided_at";

json parse_doc(const std::string& text) {
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded()) throw Error(ErrorKind::storage, "a stored record is not valid JSON");
    return j;
}

Call read_call_row(const Statement& st) {
    Call c = read_call(parse_doc(st.text(3)));
    c.id = st.int64(0);
    c.workspace_id = st.int64(1);
    c.state = parse_enum<CallState>(st.text_view(2)).value_or(CallState::draft);
    c.adjustments = read_adjustments(parse_doc(st.text(4)));
    c.version = st.int64(5);
    c.created_at = st.text(6);
    c.updated_at = st.text(7);
    c.decided_at = st.text(8);
    return c;
}

std::optional<Call> load_call(Connection& c, Id workspace_id, Id id) {
    auto st = c.prepare(std::string("SELECT ") + k_call_columns +
                        " FROM call WHERE id = ? AND workspace_id = ?");
    st.bind(1, id).bind(2, workspace_id);
    if (!st.step()) return std::nullopt;
    return read_call_row(st);
}

Call require_call(Connection& c, Id workspace_id, Id id) {
    auto call = load_call(c, workspace_id, id);
    if (!call) throw Error(ErrorKind::not_found, "call " + std::to_string(id) + " not found");
    return *call;
}

// What the audit log keeps of a call: its writable fields, state and adjustments.
json call_audit(const Call& c) {
    json j = writable_json(c);
    j["state"] = enum_name(c.state);
    j["adjustments"] = adjustments_json(c.adjustments);
    return j;
}

constexpr const char* k_application_columns =
    "id, workspace_id, call_id, organisation_id, created_by, status, doc, eligibility, "
    "shortlisted, decision, version, created_at, updated_at, submitted_at";

std::vector<Attachment> load_attachments(Connection& c, Id application_id) {
    auto st = c.prepare("SELECT id, name, file_name, content_type, size, sha256 FROM "
                        "application_attachment WHERE application_id = ? ORDER BY id");
    st.bind(1, application_id);
    std::vector<Attachment> out;
    while (st.step()) {
        out.push_back({st.int64(0), st.text(1), st.text(2), st.text(3), st.int64(4), st.text(5)});
    }
    return out;
}

Application read_application_row(Connection& c, const Statement& st) {
    Application a;
    a.id = st.int64(0);
    a.workspace_id = st.int64(1);
    a.call_id = st.int64(2);
    a.organisation_id = st.int64(3);
    a.created_by = st.int64(4);
    a.status = parse_enum<ApplicationStatus>(st.text_view(5)).value_or(ApplicationStatus::draft);
    a.fields = read_application_fields(parse_doc(st.text(6)));
    a.eligibility = read_eligibility(parse_doc(st.text(7)));
    a.shortlisted = st.int64(8) != 0;
    a.decision = read_decision(parse_doc(st.text(9)));
    a.version = st.int64(10);
    a.created_at = st.text(11);
    a.updated_at = st.text(12);
    a.submitted_at = st.text(13);
    a.attachments = load_attachments(c, a.id);
    return a;
}

std::optional<Application> load_application(Connection& c, Id workspace_id, Id id) {
    auto st = c.prepare(std::string("SELECT ") + k_application_columns +
                        " FROM application WHERE id = ? AND workspace_id = ?");
    st.bind(1, id).bind(2, workspace_id);
    if (!st.step()) return std::nullopt;
    return read_application_row(c, st);
}

Application require_application(Connection& c, Id workspace_id, Id id) {
    auto a = load_application(c, workspace_id, id);
    if (!a) throw Error(ErrorKind::not_found, "application " + std::to_string(id) + " not found");
    return *a;
}

json application_audit(const Application& a) {
    json j = writable_json(a.fields);
    j["status"] = enum_name(a.status);
    j["eligibility"] = to_json(a.eligibility);
    j["shortlisted"] = a.shortlisted;
    j["decision"] = to_json(a.decision);
    return j;
}

Evaluation read_evaluation_row(const Statement& st) {
    Evaluation e;
    e.application_id = st.int64(0);
    e.evaluator_id = st.int64(1);
    e.conflict_of_interest = st.int64(2) != 0;
    e.conflict_note = st.text(3);
    const json scores = parse_doc(st.text(4));
    for (const auto& [key, v] : scores.items()) {
        e.scores[key] = {v.value("value", 0.0), v.value("comment", std::string())};
    }
    e.submitted_at = st.text(5);
    e.updated_at = st.text(6);
    return e;
}

} // namespace

// ---------------------------------------------------------------------------------------------
// Calls

Call SqliteStore::create_call(Id workspace_id, const Call& in) {
    return write([&](Connection& c) {
        const std::string now = now_utc();
        auto st = c.prepare("INSERT INTO call (workspace_id, doc, adjustments, created_at, "
                            "updated_at) VALUES (?, ?, ?, ?, ?)");
        st.bind(1, workspace_id).bind(2, writable_json(in).dump());
        st.bind(3, adjustments_json(in.adjustments).dump()).bind(4, now).bind(5, now);
        st.run();
        Call out = require_call(c, workspace_id, c.last_insert_rowid());
        record_audit(c, workspace_id, "call", out.id, "create", nullptr, call_audit(out));
        return out;
    });
}

Call SqliteStore::update_call(Id workspace_id, const Call& in) {
    return write([&](Connection& c) {
        const Call before = require_call(c, workspace_id, in.id);
        require_version(before.version, in.version, "the call");
        auto st = c.prepare("UPDATE call SET doc = ?, adjustments = ?, version = version + 1, "
                            "updated_at = ? WHERE id = ?");
        st.bind(1, writable_json(in).dump()).bind(2, adjustments_json(in.adjustments).dump());
        st.bind(3, now_utc()).bind(4, in.id);
        st.run();
        Call out = require_call(c, workspace_id, in.id);
        record_audit(c, workspace_id, "call", out.id, "update", call_audit(before),
                     call_audit(out));
        return out;
    });
}

Call SqliteStore::set_call_state(Id workspace_id, Id id, CallState to) {
    return write([&](Connection& c) {
        const Call before = require_call(c, workspace_id, id);
        if (!call_transition_allowed(before.state, to)) {
            throw Error(ErrorKind::conflict,
                        "a call cannot go from " + std::string(enum_name(before.state)) +
                            " to " + std::string(enum_name(to)),
                        "draft -> open -> closed -> evaluating -> decided");
        }
        auto st = c.prepare("UPDATE call SET state = ?, version = version + 1, updated_at = ? "
                            "WHERE id = ?");
        st.bind(1, enum_name(to)).bind(2, now_utc()).bind(3, id);
        st.run();
        Call out = require_call(c, workspace_id, id);
        record_audit(c, workspace_id, "call", id, "transition",
                     json{{"state", enum_name(before.state)}}, json{{"state", enum_name(to)}});
        return out;
    });
}

std::optional<Call> SqliteStore::call(Id workspace_id, Id id) {
    auto c = reader();
    return load_call(*c, workspace_id, id);
}

std::vector<Call> SqliteStore::list_calls(Id workspace_id, bool with_drafts) {
    auto c = reader();
    auto st = c->prepare(std::string("SELECT ") + k_call_columns +
                         " FROM call WHERE workspace_id = ?" +
                         (with_drafts ? "" : " AND state <> 'draft'") + " ORDER BY id DESC");
    st.bind(1, workspace_id);
    std::vector<Call> out;
    while (st.step()) out.push_back(read_call_row(st));
    return out;
}

void SqliteStore::save_proposal(Id workspace_id, Id call_id, const json& proposal) {
    write([&](Connection& c) {
        require_call(c, workspace_id, call_id);
        auto st = c.prepare("UPDATE call SET proposal = ? WHERE id = ?");
        st.bind(1, proposal.dump()).bind(2, call_id);
        st.run();
        record_audit(c, workspace_id, "call", call_id, "match", nullptr,
                     json{{"objective", proposal.value("objective", json(nullptr))},
                          {"solver", proposal.value("solver", json(nullptr))}});
    });
}

json SqliteStore::proposal(Id workspace_id, Id call_id) {
    auto c = reader();
    auto st = c->prepare("SELECT proposal FROM call WHERE id = ? AND workspace_id = ?");
    st.bind(1, call_id).bind(2, workspace_id);
    if (!st.step() || st.is_null(0)) return nullptr;
    return parse_doc(st.text(0));
}

Call SqliteStore::publish_decisions(Id workspace_id, Id call_id,
                                    const std::map<Id, Decision>& decisions,
                                    const std::vector<OutgoingMail>& mails) {
    return write([&](Connection& c) {
        const Call before = require_call(c, workspace_id, call_id);
        if (before.state != CallState::evaluating) {
            throw Error(ErrorKind::conflict,
                        "decisions are published once, from a call in evaluation; this one is " +
                            std::string(enum_name(before.state)));
        }
        const std::string now = now_utc();
        for (const auto& [application_id, d] : decisions) {
            const Application a = require_application(c, workspace_id, application_id);
            if (a.call_id != call_id) {
                throw Error(ErrorKind::invalid_input, "application " +
                                                          std::to_string(application_id) +
                                                          " belongs to another call");
            }
            auto st = c.prepare("UPDATE application SET decision = ?, version = version + 1, "
                                "updated_at = ? WHERE id = ?");
            st.bind(1, to_json(d).dump()).bind(2, now).bind(3, application_id);
            st.run();
            json after = to_json(d);
            after.erase("explanation");
            record_audit(c, workspace_id, "application", application_id, "decide", nullptr,
                         json{{"decision", after}});
        }
        auto st = c.prepare("UPDATE call SET state = 'decided', decided_at = ?, "
                            "version = version + 1, updated_at = ? WHERE id = ?");
        st.bind(1, now).bind(2, now).bind(3, call_id);
        st.run();
        record_audit(c, workspace_id, "call", call_id, "publish",
                     json{{"state", enum_name(before.state)}}, json{{"state", "decided"}});
        for (const auto& m : mails) queue_mail(c, m.to, m.subject, m.text);
        return require_call(c, workspace_id, call_id);
    });
}

// ---------------------------------------------------------------------------------------------
// Applications

Application SqliteStore::create_application(const Application& in) {
    return write([&](Connection& c) {
        require_call(c, in.workspace_id, in.call_id);
        const std::string now = now_utc();
        auto st = c.prepare("INSERT INTO application (workspace_id, call_id, organisation_id, "
                            "created_by, doc, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
        st.bind(1, in.workspace_id).bind(2, in.call_id).bind(3, in.organisation_id);
        st.bind(4, in.created_by).bind(5, writable_json(in.fields).dump()).bind(6, now);
        st.bind(7, now);
        st.run();
        Application out = require_application(c, in.workspace_id, c.last_insert_rowid());
        record_audit(c, in.workspace_id, "application", out.id, "create", nullptr,
                     application_audit(out));
        return out;
    });
}

Application SqliteStore::update_application(const Application& in) {
    return write([&](Connection& c) {
        const Application before = require_application(c, in.workspace_id, in.id);
        require_version(before.version, in.version, "the application");
        auto st = c.prepare("UPDATE application SET doc = ?, status = ?, submitted_at = ?, "
                            "eligibility = ?, shortlisted = ?, version = version + 1, "
                            "updated_at = ? WHERE id = ?");
        st.bind(1, writable_json(in.fields).dump()).bind(2, enum_name(in.status));
        st.bind(3, in.submitted_at).bind(4, to_json(in.eligibility).dump());
        st.bind(5, in.shortlisted ? 1 : 0).bind(6, now_utc()).bind(7, in.id);
        st.run();
        Application out = require_application(c, in.workspace_id, in.id);
        const char* action = before.status != out.status
                                  ? (out.status == ApplicationStatus::submitted ? "submit"
                                                                                : "withdraw")
                                  : "update";
        record_audit(c, in.workspace_id, "application", out.id, action, application_audit(before),
                     application_audit(out));
        return out;
    });
}

std::optional<Application> SqliteStore::application(Id workspace_id, Id id) {
    auto c = reader();
    return load_application(*c, workspace_id, id);
}

std::vector<Application> SqliteStore::list_applications(
    Id workspace_id, std::optional<Id> call_id,
    const std::optional<std::vector<Id>>& organisations) {
    auto c = reader();
    ReadTransaction snapshot(*c);
    std::string sql = std::string("SELECT ") + k_application_columns +
                      " FROM application WHERE workspace_id = ?";
    if (call_id) sql += " AND call_id = ?";
    if (organisations) {
        sql += " AND organisation_id IN (";
        for (std::size_t i = 0; i < organisations->size(); ++i) sql += i ? ", ?" : "?";
        sql += ")";
        if (organisations->empty()) return {};
    }
    sql += " ORDER BY id";
    auto st = c->prepare(sql);
    int i = 1;
    st.bind(i++, workspace_id);
    if (call_id) st.bind(i++, *call_id);
    if (organisations) {
        for (Id o : *organisations) st.bind(i++, o);
    }
    std::vector<Application> out;
    while (st.step()) out.push_back(read_application_row(*c, st));
    return out;
}

Attachment SqliteStore::add_attachment(Id workspace_id, Id application_id,
                                       const Attachment& meta, const std::string& bytes) {
    return write([&](Connection& c) {
        require_application(c, workspace_id, application_id);
        auto st = c.prepare("INSERT INTO application_attachment (application_id, name, "
                            "file_name, content_type, size, sha256, content, created_at) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        st.bind(1, application_id).bind(2, meta.name).bind(3, meta.file_name);
        st.bind(4, meta.content_type).bind(5, static_cast<std::int64_t>(bytes.size()));
        st.bind(6, meta.sha256).bind_blob(7, bytes).bind(8, now_utc());
        st.run();
        Attachment out = meta;
        out.id = c.last_insert_rowid();
        out.size = static_cast<std::int64_t>(bytes.size());
        auto v = c.prepare("UPDATE application SET version = version + 1, updated_at = ? "
                           "WHERE id = ?");
        v.bind(1, now_utc()).bind(2, application_id);
        v.run();
        record_audit(c, workspace_id, "application", application_id, "attach", nullptr,
                     json{{"attachment", to_json(out)}});
        return out;
    });
}

bool SqliteStore::remove_attachment(Id workspace_id, Id application_id, Id attachment_id) {
    return write([&](Connection& c) {
        require_application(c, workspace_id, application_id);
        auto st = c.prepare("DELETE FROM application_attachment WHERE id = ? AND "
                            "application_id = ?");
        st.bind(1, attachment_id).bind(2, application_id);
        st.run();
        if (c.changes() == 0) return false;
        auto v = c.prepare("UPDATE application SET version = version + 1, updated_at = ? "
                           "WHERE id = ?");
        v.bind(1, now_utc()).bind(2, application_id);
        v.run();
        record_audit(c, workspace_id, "application", application_id, "detach",
                     json{{"attachment", attachment_id}}, json{{"attachment", nullptr}});
        return true;
    });
}

std::optional<std::string> SqliteStore::attachment_bytes(Id workspace_id, Id application_id,
                                                         Id attachment_id) {
    auto c = reader();
    auto st = c->prepare("SELECT t.content FROM application_attachment t JOIN application a ON "
                         "a.id = t.application_id WHERE t.id = ? AND t.application_id = ? AND "
                         "a.workspace_id = ?");
    st.bind(1, attachment_id).bind(2, application_id).bind(3, workspace_id);
    if (!st.step()) return std::nullopt;
    return st.blob(0);
}

// ---------------------------------------------------------------------------------------------
// Evaluation sheets

Evaluation SqliteStore::save_evaluation(Id workspace_id, const Evaluation& e, bool submit) {
    return write([&](Connection& c) {
        require_application(c, workspace_id, e.application_id);
        auto old = c.prepare("SELECT application_id, evaluator_id, conflict, conflict_note, "
                             "scores, submitted_at, updated_at FROM evaluation WHERE "
                             "application_id = ? AND evaluator_id = ?");
        old.bind(1, e.application_id).bind(2, e.evaluator_id);
        std::optional<Evaluation> before;
        if (old.step()) before = read_evaluation_row(old);
        check_sheet_editable(before);
        json scores = json::object();
        for (const auto& [key, s] : e.scores) {
            scores[key] = {{"value", s.value}, {"comment", s.comment}};
        }
        const std::string now = now_utc();
        auto st = c.prepare("INSERT INTO evaluation (application_id, evaluator_id, conflict, "
                            "conflict_note, scores, submitted_at, updated_at) VALUES "
                            "(?, ?, ?, ?, ?, ?, ?) ON CONFLICT (application_id, evaluator_id) DO "
                            "UPDATE SET conflict = excluded.conflict, conflict_note = "
                            "excluded.conflict_note, scores = excluded.scores, submitted_at = "
                            "excluded.submitted_at, updated_at = excluded.updated_at");
        st.bind(1, e.application_id).bind(2, e.evaluator_id);
        st.bind(3, e.conflict_of_interest ? 1 : 0).bind(4, e.conflict_note);
        st.bind(5, scores.dump()).bind(6, submit ? now : std::string()).bind(7, now);
        st.run();
        Evaluation out = e;
        out.submitted_at = submit ? now : "";
        out.updated_at = now;
        json b = before ? to_json(*before) : json(nullptr);
        json a = to_json(out);
        for (json* j : {&a, &b}) {
            if (j->is_object()) j->erase("updated_at");
        }
        record_audit(c, workspace_id, "evaluation", e.application_id,
                     submit ? "submit" : (before ? "update" : "create"), b, a);
        return out;
    });
}

std::vector<Evaluation> SqliteStore::evaluations(Id workspace_id, Id call_id) {
    auto c = reader();
    auto st = c->prepare("SELECT e.application_id, e.evaluator_id, e.conflict, e.conflict_note, "
                         "e.scores, e.submitted_at, e.updated_at FROM evaluation e JOIN "
                         "application a ON a.id = e.application_id WHERE a.workspace_id = ? AND "
                         "a.call_id = ? ORDER BY e.application_id, e.evaluator_id");
    st.bind(1, workspace_id).bind(2, call_id);
    std::vector<Evaluation> out;
    while (st.step()) out.push_back(read_evaluation_row(st));
    return out;
}

} // namespace impetus::sqlite
