#pragma once

// Shared by the importer fuzz targets: a file parsed as the import command and the API parse
// it, then what is promised about the result.

#include "fuzz.hpp"

#include "geo/geojson.hpp"
#include "geo/space_json.hpp"
#include "importers/import.hpp"

namespace impetus::fuzz {

// Parses `bytes` as a file of `format` (and lets the format be detected), then checks that the
// report serialises as `impetus import --json` prints it (strict UTF-8), that every accepted
// record's geometry reads back from the text the store keeps, and that every accepted record
// is valid for the API, which reads it again on each later edit.
inline void parse_import(std::string_view bytes, importers::ImportFormat format) {
    expecting_errors([&] { importers::detect_format(bytes); });
    importers::ImportOptions options;
    options.format = format;
    options.file_name = "fuzz.input";
    importers::ParsedFile parsed;
    try {
        parsed = importers::parse_file(bytes, options);
    } catch (const Error&) {
        return;
    }
    importers::ImportReport report; // the parts that carry text of the file
    report.source = parsed.source;
    report.rejected = parsed.rejected;
    report.warnings = parsed.warnings;
    importers::to_json(report).dump(2);
    for (const auto& record : parsed.records) {
        IMPETUS_FUZZ_CHECK(geo::geometry_from_text(geo::geometry_to_text(record.fields.geometry)) ==
                           record.fields.geometry);
        try {
            geo::read_space_fields(geo::space_writable_json(record.fields));
        } catch (const Error& e) {
            for (const auto& f : e.fields()) {
                std::fprintf(stderr, "line %zu: %s %s\n", record.line, f.field.c_str(),
                             f.message.c_str());
            }
            violated("an accepted record is valid for the API", __FILE__, __LINE__);
        }
    }
}

} // namespace impetus::fuzz
