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
        auto reviewed = c.prepare("SELECT edited_at IS NOT NULL FROM space WHERE id = ?");
        auto is_reviewed = [&](const Space& s, SpaceStatus initial) {
            reviewed.reset();
            reviewed.bind(1, s.id);
            return s.status != initial || (reviewed.step() && reviewed.int64(0) != 0);
        };
        auto find = c.prepare(
            "SELECT id FROM space WHERE workspace_id = ? AND source = ? AND source_id = ? AND "
            "source_id <> ''"); // lets SQLite use the partial index space_source
        const auto now = now_utc();
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
                auto status = r.source_says_ended ? SpaceStatus::ended : r.initial_status;
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
            // Keep what people added that the source does not carry.
            SpaceFields merged = r.fields;
            if (!merged.owner_organisation_id) {
                merged.owner_organisation_id = cur.fields.owner_organisation_id;
            }
            if (!merged.parent_id) merged.parent_id = cur.fields.parent_id;
            bool changed = !(cur.fields == merged);
            if (changed) {
                // The same checks as a creation: the source may name a parent or owner too.
                check_references(c, workspace_id, o.space_id, merged);
                update_space_row(c, o.space_id, merged, now);
            }
            bool ends = r.source_says_ended && cur.status != SpaceStatus::ended &&
                        transition_allowed(cur.status, SpaceStatus::ended);
            if (ends) {
                auto st = c.prepare("UPDATE space SET status = 'ended', version = version + 1, "
                                    "updated_at = ? WHERE id = ?");
                st.bind(1, now).bind(2, o.space_id);
                st.run();
                insert_change(c, o.space_id, now, cur.status, SpaceStatus::ended,
                              reason + " (the source gives an end date)");
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
            const std::set<std::string> sources{policy.source};
            auto all = c.prepare("SELECT id, source_id FROM space WHERE workspace_id = ? AND "
                                 "source = ? AND status NOT IN ('ended', 'redeveloped', "
                                 "'demolished')");
            for (const auto& source : sources) {
                std::vector<Id> gone;
                all.reset();
                all.bind(1, workspace_id).bind(2, source);
                while (all.step()) {
                    if (!seen.contains({source, all.text(1)})) gone.push_back(all.int64(0));
                }
                for (Id id : gone) {
                    Space cur = must_load_space(c, workspace_id, id);
                    if ((policy.protect_reviewed && is_reviewed(cur, SpaceStatus::reported)) ||
                        !transition_allowed(cur.status, SpaceStatus::ended)) {
                        result.kept_missing.push_back(id);
                        continue;
                    }
                    auto st = c.prepare("UPDATE space SET status = 'ended', version = version "
                                        "+ 1, updated_at = ? WHERE id = ?");
                    st.bind(1, now).bind(2, id);
                    st.run();
                    insert_change(c, id, now, cur.status, SpaceStatus::ended,
                                  reason + " (no longer in the source)");
                    record_audit(c, workspace_id, "space", id, "import",
                                 json{{"status", enum_name(cur.status)}},
                                 json{{"status", "ended"},
                                      {"reason", reason + " (no longer in the source)"}});
                    result.ended_missing.push_back(id);
                }
            }
        }
        return result;
    }, !policy.dry_run);
}

} // namespace impetus::sqlite
