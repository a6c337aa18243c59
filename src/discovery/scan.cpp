#include "discovery/scan.hpp"

namespace impetus::discovery {

std::string scan_reason(const std::string& file) {
    return "OpenStreetMap discovery scan of " + file;
}

ScanSummary apply_scan(Store& store, Id workspace_id, const DiscoveryResult& result,
                       const std::string& file, bool dry_run) {
    std::vector<ImportRecord> records;
    records.reserve(result.candidates.size());
    for (const auto& c : result.candidates) records.push_back(to_import_record(c));

    ImportPolicy policy;
    policy.dry_run = dry_run;
    policy.end_missing = true;
    policy.protect_reviewed = true;
    policy.source = "osm";
    const auto batch = store.apply_import(workspace_id, records, scan_reason(file), policy);

    ScanSummary s;
    s.file = file;
    s.dry_run = dry_run;
    s.candidates = result.candidates.size();
    for (const auto& o : batch.outcomes) {
        switch (o.kind) {
        case ImportOutcomeKind::created: ++s.created; break;
        case ImportOutcomeKind::updated: ++s.updated; break;
        case ImportOutcomeKind::unchanged: ++s.unchanged; break;
        case ImportOutcomeKind::kept: ++s.kept; break;
        }
    }
    s.ended = batch.ended_missing.size();
    s.kept_missing = batch.kept_missing.size();
    s.per_rule = result.per_rule;
    s.objects_read = result.objects_read;
    s.seconds = result.seconds;
    return s;
}

nlohmann::json to_json(const ScanSummary& s) {
    return {{"file", s.file},
            {"dry_run", s.dry_run},
            {"candidates", s.candidates},
            {"created", s.created},
            {"updated", s.updated},
            {"unchanged", s.unchanged},
            {"kept", s.kept},
            {"ended", s.ended},
            {"kept_missing", s.kept_missing},
            {"per_rule", s.per_rule},
            {"objects_read", s.objects_read},
            {"seconds", s.seconds}};
}

} // namespace impetus::discovery
