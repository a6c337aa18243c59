#pragma once

// JSON text from outside the program (request bodies, imported files, uploaded documents),
// parsed with bounds: nesting no deeper than a limit, and every number within what a double
// holds. Code that walks a document recursively (merge patches, serialisers, readers) may then
// rely on the depth bound; nothing outside the program reaches nlohmann::json::parse directly.

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace impetus {

struct JsonLimits {
    // Objects and arrays inside one another. A GeoJSON file of multipolygons needs 8.
    int max_depth = 64;
};

// Parses `text` as one JSON value. Throws Error(invalid_input) for bad syntax (the message names
// the line and byte), for nesting beyond limits.max_depth (the field error names the place as a
// JSON Pointer, and the message the limit) and for numbers beyond the range of a double (the
// field error names the field). `what` starts the messages: "the body", "the file".
nlohmann::json parse_json(std::string_view text, std::string_view what = "the document",
                          const JsonLimits& limits = {});

} // namespace impetus
