#pragma once

// The format parsers behind parse_file, and what they share. Internal to the importers module.

#include "core/error.hpp"
#include "importers/import.hpp"

#include <string>
#include <string_view>

namespace impetus::importers::detail {

// Each takes the decoded UTF-8 text; `encoding` and `rows` are filled in by the parser or
// parse_file. They throw Error(invalid_input) only for a file that cannot be read as a whole.
ParsedFile parse_geojson(const std::string& text, const ImportOptions& options);
ParsedFile parse_brownfield(const std::string& text, const ImportOptions& options);
ParsedFile parse_cnig(const std::string& text, const ImportOptions& options);

// A one-line reason for a rejected row from a validation error: "geometry: ...; kind: ...".
std::string reason_from(const Error& e);

// The default source name part taken from the file name ("brighton.csv" -> "brighton").
std::string stem_or_default(const ImportOptions& options);

// "<format>:<name>", the source of a file's records when none is given (the name from the file
// or its name), cut to k_max_source bytes in all: the API refuses a longer source when a space
// is edited later.
std::string source_name(std::string_view format, std::string_view name);

// Text limits that the API enforces on the same fields (geo::read_space_fields).
constexpr std::size_t k_max_name = 300;
constexpr std::size_t k_max_address = 1000;
constexpr std::size_t k_max_planned_use = 2000;
constexpr std::size_t k_max_notes = 20000;
constexpr std::size_t k_max_source = 200;

} // namespace impetus::importers::detail
