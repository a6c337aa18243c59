#pragma once

// A discovery scan applied to a workspace: the one way the CLI (`impetus discover`) and the
// API's background job put candidates into the store. The scan is the whole of source "osm"
// for the workspace: new candidates are created as `reported`, changed ones updated, vanished
// ones ended; spaces people have reviewed (moved on from `reported`, or edited) are left as
// they are (Store::apply_import with ImportPolicy{end_missing, protect_reviewed}).

#include "discovery/discovery.hpp"

#include <cstddef>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace impetus::discovery {

struct ScanSummary {
    std::string file;        // as the user named it
    bool dry_run = false;
    std::size_t candidates = 0;
    std::size_t created = 0;
    std::size_t updated = 0;
    std::size_t unchanged = 0;
    std::size_t kept = 0;         // changed in the extract, but reviewed: left alone
    std::size_t ended = 0;        // no longer in the extract: ended
    std::size_t kept_missing = 0; // no longer in the extract, but reviewed: left alone
    std::map<std::string, std::size_t> per_rule;
    std::uint64_t objects_read = 0;
    double seconds = 0.0;
};

// The reason written into the history of every space the scan creates, updates or ends.
std::string scan_reason(const std::string& file);

// Applies `result` to the workspace in one transaction (all or nothing).
ScanSummary apply_scan(Store& store, Id workspace_id, const DiscoveryResult& result,
                       const std::string& file, bool dry_run);

nlohmann::json to_json(const ScanSummary& s);

} // namespace impetus::discovery
