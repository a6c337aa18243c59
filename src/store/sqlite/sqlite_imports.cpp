// Import batches in SQLite: one write transaction per batch.

#include "core/dates.hpp"
#include "core/error.hpp"
#include "store/sqlite/sqlite_rows.hpp"
#include "store/sqlite/sqlite_store.hpp"

#include <set>

namespace impetus::sqlite {

using nlohmann::json;

ImportBatchResult SqliteStore::apply_import(Id workspace_id,
                                            const std::vector<ImportRecord>& records,
                                            const std::string& reason,
                                            const ImportPolicy& policy) {
    return write([&](Connection& c) {
        ImportBatchResult result;
        auto& out = result.outcomes;
        out.reserve(records.size());
        std::set<std::pair<std::string, std::string>> seen;
        auto edited = c.prepare("SELECT edited_at IS NOT NULL FROM space WHERE id = ?");
        auto is_reviewed = [&](const Space& s, SpaceStatus initial) {
            edited.reset();
            edited.bind(1, s.id);
            return import_reviewed(s.status, initial, edited.step() && edited.int64(0) != 0);
        };
        auto find = c.prepare(
            "SELECT id FROM space WHERE workspace_id = ? AND source = ? AND source_id = ? AND "
            "source_id <> ''"); // lets SQLite use the partial index space_source
        const auto now = now_utc();
        auto end_space = [&](Id id, SpaceStatus from, const std::string& why) {
            auto st = c.prepare("UPDATE space SET status = 'ended', version = version + 1, "
                                "updated_at = ? WHERE id = ?");
            st.bind(1, now).bind(2, id);
            st.run();
            insert_change(c, id, now, from, SpaceStatus::ended, why);
        };
        for (std::size_t i = 0; i < records.size(); ++i) {
            const auto& r = records[i];
            if (r.fields.source.empty() || r.fields.source_id.empty()) {
                throw Error(ErrorKind::internal, "import record without source id");
            }
            seen.emplace(r.fields.source, r.fields.source_id);
            find.reset();
            find.bind(1, workspace_id).bind(2, r.fields.source).bind(3, r.fields.source_id);
            ImportOutcome o;
            o.index = i;
            if (!find.step()) {
                check_references(c, workspace_id, std::nullopt, r.fields);
                auto status = imported_status(r.initial_status, r.source_says_ended);
                o.space_id = insert_space(c, workspace_id, r.fields, status, now);
                o.kind = ImportOutcomeKind::created;
                insert_change(c, o.space_id, now, std::nullopt, status, reason);
                record_audit(c, workspace_id, "space", o.space_id, "import", nullptr,
                             audit_json(must_load_space(c, workspace_id, o.space_id)));
                out.push_back(o);
                continue;
            }
            o.space_id = find.int64(0);
            Space cur = must_load_space(c, workspace_id, o.space_id);
            if (policy.protect_reviewed && is_reviewed(cur, r.initial_status)) {
                o.kind = ImportOutcomeKind::kept;
                out.push_back(o);
                continue;
            }
            const SpaceFields merged = import_merge(cur.fields, r.fields);
            bool changed = !(cur.fields == merged);
            if (changed) {
                // The same checks as a creation: the source may name a parent or owner too.
                check_references(c, workspace_id, o.space_id, merged);
                update_space_row(c, o.space_id, merged, now);
            }
            const bool ends = import_ends(cur.status, r.source_says_ended);
            if (ends) {
                end_space(o.space_id, cur.status, reason + " (the source gives an end date)");
            }
            o.kind = (changed || ends) ? ImportOutcomeKind::updated : ImportOutcomeKind::unchanged;
            if (changed || ends) {
                record_audit(c, workspace_id, "space", o.space_id, "import", audit_json(cur),
                             audit_json(must_load_space(c, workspace_id, o.space_id)));
            }
            out.push_back(o);
        }
        if (policy.end_missing) {
            // The batch covers the whole of its source: what it no longer holds is gone.
            if (policy.source.empty()) {
                throw Error(ErrorKind::internal, "end_missing needs the batch's source");
            }
            // Only spaces the rule may keep or end; the rest are over already.
            std::vector<std::string> live_names;
            for (const auto& [status, name] : EnumNames<SpaceStatus>::values) {
                if (missing_from_source(status, false) == MissingFromSource::ignore) continue;
                live_names.emplace_back(name);
            }
            auto all = c.prepare("SELECT id, source_id, status, edited_at IS NOT NULL FROM space "
                                 "WHERE workspace_id = ? AND source = ? AND status IN (" +
                                 placeholders(static_cast<int>(live_names.size())) + ")");
            int p = 1;
            all.bind(p++, workspace_id).bind(p++, policy.source);
            for (const auto& name : live_names) all.bind(p++, name);
            struct Missing {
                Id id;
                SpaceStatus status;
                bool edited;
            };
            std::vector<Missing> gone;
            while (all.step()) {
                if (!seen.contains({policy.source, all.text(1)})) {
                    gone.push_back(
                        {all.int64(0), enum_col<SpaceStatus>(all, 2), all.int64(3) != 0});
                }
            }
            for (const auto& m : gone) {
                const bool protected_review =
                    policy.protect_reviewed &&
                    import_reviewed(m.status, SpaceStatus::reported, m.edited);
                if (missing_from_source(m.status, protected_review) != MissingFromSource::end) {
                    result.kept_missing.push_back(m.id);
                    continue;
                }
                end_space(m.id, m.status, reason + " (no longer in the source)");
                record_audit(c, workspace_id, "space", m.id, "import",
                             json{{"status", enum_name(m.status)}},
                             json{{"status", "ended"},
                                  {"reason", reason + " (no longer in the source)"}});
                result.ended_missing.push_back(m.id);
            }
        }
        return result;
    }, !policy.dry_run);
}

} // namespace impetus::sqlite
