#pragma once

// A CSV reader after RFC 4180, with the leniency real exports need: the delimiter (comma,
// semicolon or tab) is detected from the header line, records end with CRLF, LF or a lone CR,
// quoted fields may hold delimiters, doubled quotes and line breaks, and blank lines are skipped.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace impetus::importers {

struct CsvRecord {
    std::size_t line = 0;            // 1-based line where the record starts
    std::vector<std::string> fields; // as many as the header (padded or cut, see below)
    // Why the record cannot be used (empty when it can): an unterminated quote, or more
    // fields than the header has columns.
    std::string problem;
    // Fields the record lacked at its end, read as empty (some tools drop trailing empties).
    std::size_t missing = 0;
};

struct CsvTable {
    char delimiter = ',';
    CsvRecord header;               // the first non-blank record
    std::vector<CsvRecord> records; // data records; blank and all-empty records left out
};

// The delimiter that occurs most often outside quotes in the first line (comma when none).
char detect_delimiter(std::string_view text);

// Reads every record of `text` (UTF-8, already decoded). Never throws: damaged records carry
// a problem. An empty text gives an empty header.
CsvTable read_csv(std::string_view text);

// The raw records, without header handling (for tests and detection).
std::vector<CsvRecord> read_csv_records(std::string_view text, char delimiter);

} // namespace impetus::importers
