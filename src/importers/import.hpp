#pragma once

// File imports: detect the format, parse every record into an ImportRecord (or a rejected row
// with its line and reason), then hand the accepted records to the store in one transaction.

#include "store/store.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace impetus::importers {

enum class ImportFormat { geojson, brownfield, cnig };

struct RejectedRow {
    std::size_t line = 0;  // 1-based line in the file where the record starts (0: whole file)
    std::string reference; // the record's own id when it has one (SiteReference, feature id)
    std::string reason;
};

// What a parser makes of a file; nothing is written yet.
struct ParsedFile {
    ImportFormat format = ImportFormat::geojson;
    std::string source; // the `source` given to every record (e.g. "brownfield:BNH")
    std::string encoding; // "utf-8", "utf-8-bom" or "windows-1252"
    std::size_t rows = 0; // records read, accepted or not
    std::vector<ImportRecord> records;
    std::vector<RejectedRow> rejected;
    std::vector<RejectedRow> warnings; // accepted, but worth a look (e.g. a far-off position)
};

struct ImportOptions {
    std::optional<ImportFormat> format; // detected from the content when empty
    bool strict = false;                // any rejected row aborts the whole import
    bool dry_run = false;               // report what would happen, write nothing
    std::string file_name;              // for messages and the default source name
    std::optional<std::string> source;  // overrides the source name
};

struct ImportReport {
    ImportFormat format = ImportFormat::geojson;
    std::string source;
    std::string encoding;
    std::string file_name;
    bool dry_run = false;
    std::size_t rows = 0;
    std::size_t created = 0;
    std::size_t updated = 0;
    std::size_t unchanged = 0;
    std::vector<RejectedRow> rejected;
    std::vector<RejectedRow> warnings;
    std::size_t ended = 0; // records the source marks as ended (counted in created/updated)
};

nlohmann::json to_json(const ImportReport& r);

// Guesses the format from the first bytes: a JSON object -> GeoJSON; CSV whose header names
// SiteReference -> brownfield; CSV whose header names site_numero -> CNIG. Throws
// Error(unsupported_media) when nothing fits.
ImportFormat detect_format(std::string_view content);

// Parses a whole file (raw bytes, any supported encoding). Throws Error(invalid_input) only when
// the file as a whole cannot be read (not JSON, no header, required columns missing); a bad
// record becomes a RejectedRow.
ParsedFile parse_file(std::string_view content, const ImportOptions& options);

// Parses and applies. With options.strict, any rejected row throws Error(invalid_input) listing
// the rows, and nothing is written. Either every accepted record is written or none.
ImportReport run_import(Store& store, Id workspace_id, std::string_view content,
                        const ImportOptions& options);

} // namespace impetus::importers

namespace impetus {
template <> struct EnumNames<importers::ImportFormat> {
    static constexpr std::array<std::pair<importers::ImportFormat, std::string_view>, 3> values{{
        {importers::ImportFormat::geojson, "geojson"},
        {importers::ImportFormat::brownfield, "brownfield"},
        {importers::ImportFormat::cnig, "cnig"},
    }};
};
} // namespace impetus
