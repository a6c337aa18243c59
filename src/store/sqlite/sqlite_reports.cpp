// Citizens' reports and their photos in SQLite.

#include "core/dates.hpp"
#include "core/error.hpp"
#include "store/sqlite/sqlite_rows.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace impetus::sqlite {

using nlohmann::json;

// ---------------------------------------------------------------------------------------------
// Citizens' reports

namespace {

constexpr const char* k_report_columns =
    "r.id, r.workspace_id, r.lon, r.lat, r.kind, r.description, r.vacant_for, r.contact_name, "
    "r.contact_email, r.reporter_user_id, r.status, r.decision_reason, r.space_id, r.created_at, "
    "r.decided_at, (SELECT count(*) FROM report_photo p WHERE p.report_id = r.id)";

Report read_report(const Statement& st) {
    Report r;
    r.id = st.int64(0);
    r.workspace_id = st.int64(1);
    r.position = Position{st.real(2), st.real(3)};
    r.kind = enum_col<SpaceKind>(st, 4);
    r.description = st.text(5);
    r.vacant_for = parse_enum<VacantFor>(st.text_view(6)).value_or(VacantFor::unknown);
    r.contact_name = st.text(7);
    r.contact_email = st.text(8);
    r.reporter_user_id = st.opt_int64(9);
    r.status = enum_col<ReportStatus>(st, 10);
    r.decision_reason = st.text(11);
    r.space_id = st.opt_int64(12);
    r.created_at = st.text(13);
    r.decided_at = st.text(14);
    r.photo_count = static_cast<int>(st.int64(15));
    return r;
}

std::optional<Report> load_report(Connection& c, std::optional<Id> workspace_id, Id id) {
    auto st = c.prepare(std::string("SELECT ") + k_report_columns + " FROM report r WHERE r.id = ?" +
                        (workspace_id ? " AND r.workspace_id = ?" : ""));
    st.bind(1, id);
    if (workspace_id) st.bind(2, *workspace_id);
    if (!st.step()) return std::nullopt;
    return read_report(st);
}

// The report as the audit log keeps it: no contact (personal data lives in one place only).
json report_audit_json(const Report& r) {
    return {{"lon", r.position.lon},
            {"lat", r.position.lat},
            {"kind", enum_name(r.kind)},
            {"description", r.description},
            {"vacant_for", enum_name(r.vacant_for)},
            {"status", enum_name(r.status)},
            {"decision_reason", r.decision_reason},
            {"space_id", r.space_id ? json(*r.space_id) : json(nullptr)}};
}

Report pending_report(Connection& c, Id workspace_id, Id id) {
    auto r = load_report(c, workspace_id, id);
    if (!r) throw Error(ErrorKind::not_found, "report " + std::to_string(id) + " not found");
    if (r->status != ReportStatus::pending) {
        throw Error(ErrorKind::conflict,
                    "report " + std::to_string(id) + " is already " +
                        std::string(enum_name(r->status)),
                    "a report is decided once");
    }
    return *r;
}

Report decide(Connection& c, const Report& before, ReportStatus status, const std::string& reason,
              std::optional<Id> space_id) {
    auto st = c.prepare("UPDATE report SET status = ?, decision_reason = ?, space_id = ?, "
                        "decided_at = ? WHERE id = ?");
    st.bind(1, enum_name(status)).bind(2, reason).bind(3, space_id).bind(4, now_utc());
    st.bind(5, before.id);
    st.run();
    Report after = *load_report(c, before.workspace_id, before.id);
    record_audit(c, before.workspace_id, "report", before.id, std::string(enum_name(status)),
                 report_audit_json(before), report_audit_json(after));
    return after;
}

} // namespace

Report SqliteStore::create_report(const Report& r, const std::string& follow_hash) {
    return write([&](Connection& c) {
        auto st = c.prepare("INSERT INTO report (workspace_id, lon, lat, kind, description, "
                            "vacant_for, contact_name, contact_email, reporter_user_id, "
                            "follow_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        st.bind(1, r.workspace_id).bind(2, r.position.lon).bind(3, r.position.lat);
        st.bind(4, enum_name(r.kind)).bind(5, r.description).bind(6, enum_name(r.vacant_for));
        st.bind(7, r.contact_name).bind(8, r.contact_email).bind(9, r.reporter_user_id);
        st.bind(10, follow_hash).bind(11, now_utc());
        st.run();
        Report out = *load_report(c, r.workspace_id, c.last_insert_rowid());
        record_audit(c, r.workspace_id, "report", out.id, "create", nullptr,
                     report_audit_json(out));
        return out;
    });
}

std::optional<Report> SqliteStore::report(Id workspace_id, Id id) {
    auto c = reader();
    return load_report(*c, workspace_id, id);
}

std::optional<Report> SqliteStore::report_by_follow_hash(const std::string& follow_hash) {
    auto c = reader();
    auto st = c->prepare(std::string("SELECT ") + k_report_columns +
                         " FROM report r WHERE r.follow_hash = ?");
    st.bind(1, follow_hash);
    if (!st.step()) return std::nullopt;
    return read_report(st);
}

std::vector<Report> SqliteStore::list_reports(Id workspace_id, std::optional<ReportStatus> status,
                                              std::size_t limit, std::size_t offset,
                                              std::size_t* total) {
    auto c = reader();
    ReadTransaction snapshot(*c);
    const std::string where =
        std::string(" WHERE r.workspace_id = ?") + (status ? " AND r.status = ?" : "");
    if (total) {
        auto n = c->prepare("SELECT count(*) FROM report r" + where);
        n.bind(1, workspace_id);
        if (status) n.bind(2, enum_name(*status));
        n.step();
        *total = static_cast<std::size_t>(n.int64(0));
    }
    auto st = c->prepare(std::string("SELECT ") + k_report_columns + " FROM report r" + where +
                         " ORDER BY r.id LIMIT ? OFFSET ?");
    int i = 1;
    st.bind(i++, workspace_id);
    if (status) st.bind(i++, enum_name(*status));
    st.bind(i, static_cast<std::int64_t>(limit)).bind(i + 1, static_cast<std::int64_t>(offset));
    std::vector<Report> out;
    while (st.step()) out.push_back(read_report(st));
    return out;
}

ReportPhoto SqliteStore::add_report_photo(Id report_id, const ReportPhoto& photo) {
    return write([&](Connection& c) {
        auto st = c.prepare("INSERT INTO report_photo (report_id, width, height, jpeg, "
                            "thumbnail) VALUES (?, ?, ?, ?, ?)");
        st.bind(1, report_id).bind(2, photo.width).bind(3, photo.height);
        st.bind_blob(4, photo.jpeg).bind_blob(5, photo.thumbnail);
        st.run();
        ReportPhoto out = photo;
        out.id = c.last_insert_rowid();
        out.report_id = report_id;
        return out;
    });
}

std::vector<ReportPhoto> SqliteStore::report_photos(Id report_id) {
    auto c = reader();
    auto st = c->prepare("SELECT id, width, height FROM report_photo WHERE report_id = ? "
                         "ORDER BY id");
    st.bind(1, report_id);
    std::vector<ReportPhoto> out;
    while (st.step()) {
        ReportPhoto p;
        p.id = st.int64(0);
        p.report_id = report_id;
        p.width = static_cast<int>(st.int64(1));
        p.height = static_cast<int>(st.int64(2));
        out.push_back(std::move(p));
    }
    return out;
}

std::optional<ReportPhoto> SqliteStore::report_photo(Id report_id, Id photo_id) {
    auto c = reader();
    auto st = c->prepare("SELECT id, width, height, jpeg, thumbnail FROM report_photo WHERE "
                         "report_id = ? AND id = ?");
    st.bind(1, report_id).bind(2, photo_id);
    if (!st.step()) return std::nullopt;
    ReportPhoto p;
    p.id = st.int64(0);
    p.report_id = report_id;
    p.width = static_cast<int>(st.int64(1));
    p.height = static_cast<int>(st.int64(2));
    p.jpeg = st.blob(3);
    p.thumbnail = st.blob(4);
    return p;
}

Space SqliteStore::accept_report(Id workspace_id, Id id, const SpaceFields& fields,
                                 SpaceStatus status, const std::string& reason) {
    return write([&](Connection& c) {
        const Report before = pending_report(c, workspace_id, id);
        check_references(c, workspace_id, std::nullopt, fields);
        const auto now = now_utc();
        const Id space_id = insert_space(c, workspace_id, fields, status, now);
        insert_change(c, space_id, now, std::nullopt, status, reason);
        Space sp = must_load_space(c, workspace_id, space_id);
        record_audit(c, workspace_id, "space", space_id, "create", nullptr, audit_json(sp));
        decide(c, before, ReportStatus::accepted, reason, space_id);
        return sp;
    });
}

Report SqliteStore::merge_report(Id workspace_id, Id id, Id space_id, const std::string& reason) {
    return write([&](Connection& c) {
        const Report before = pending_report(c, workspace_id, id);
        must_load_space(c, workspace_id, space_id); // of this workspace, or not found
        return decide(c, before, ReportStatus::merged, reason, space_id);
    });
}

Report SqliteStore::reject_report(Id workspace_id, Id id, const std::string& reason) {
    return write([&](Connection& c) {
        const Report before = pending_report(c, workspace_id, id);
        return decide(c, before, ReportStatus::rejected, reason, std::nullopt);
    });
}

} // namespace impetus::sqlite
