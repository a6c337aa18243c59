#include "importers/csv.hpp"

#include "importers/text.hpp"

#include <algorithm>
#include <array>

namespace impetus::importers {

char detect_delimiter(std::string_view text) {
    std::array<std::size_t, 3> counts{}; // , ; \t
    bool quoted = false;
    for (char c : text) {
        if (c == '"') {
            quoted = !quoted; // a doubled quote toggles twice: no harm
        } else if (!quoted && (c == '\n' || c == '\r')) {
            break;
        } else if (!quoted) {
            if (c == ',') {
                ++counts[0];
            }
            if (c == ';') {
                ++counts[1];
            }
            if (c == '\t') {
                ++counts[2];
            }
        }
    }
    // Ties go to the comma, the RFC 4180 default.
    if (counts[1] > counts[0] && counts[1] >= counts[2]) {
        return ';';
    }
    if (counts[2] > counts[0] && counts[2] > counts[1]) {
        return '\t';
    }
    return ',';
}

std::vector<CsvRecord> read_csv_records(std::string_view text, char delimiter) {
    std::vector<CsvRecord> out;
    std::size_t i = 0;
    std::size_t line = 1;
    const std::size_t n = text.size();

    while (i < n) {
        CsvRecord rec;
        rec.line = line;
        std::string field;
        bool record_done = false;
        while (!record_done) {
            if (i < n && text[i] == '"') {
                // Quoted field (RFC 4180 2.5-2.7): runs to the next quote not doubled.
                const std::size_t quote_line = line;
                ++i;
                bool closed = false;
                while (i < n) {
                    char c = text[i];
                    if (c == '"') {
                        if (i + 1 < n && text[i + 1] == '"') {
                            field += '"';
                            i += 2;
                            continue;
                        }
                        ++i;
                        closed = true;
                        break;
                    }
                    if (c == '\r') {
                        // Line breaks inside a cell are kept as "\n" whatever the file used.
                        field += '\n';
                        ++line;
                        i += (i + 1 < n && text[i + 1] == '\n') ? 2 : 1;
                        continue;
                    }
                    if (c == '\n') {
                        ++line;
                    }
                    field += c;
                    ++i;
                }
                if (!closed) {
                    rec.problem = "a quoted field opened on line " + std::to_string(quote_line) +
                                  " is not closed before the end of the file";
                }
            }
            // Unquoted text, or what follows a closing quote before the delimiter (not allowed
            // by RFC 4180, but spreadsheets write `"12" x 3`; keep the characters).
            while (i < n && text[i] != delimiter && text[i] != '\n' && text[i] != '\r') {
                field += text[i++];
            }
            rec.fields.push_back(std::move(field));
            field.clear();
            if (i >= n) {
                record_done = true;
            } else if (text[i] == delimiter) {
                ++i;
            } else {
                // End of record: CRLF, LF or a lone CR.
                i += (text[i] == '\r' && i + 1 < n && text[i + 1] == '\n') ? 2 : 1;
                ++line;
                record_done = true;
            }
        }
        out.push_back(std::move(rec));
    }
    return out;
}

namespace {

bool all_blank(const CsvRecord& r) {
    return std::all_of(r.fields.begin(), r.fields.end(),
                       [](const std::string& f) { return trim_view(f).empty(); });
}

} // namespace

CsvTable read_csv(std::string_view text) {
    CsvTable table;
    table.delimiter = detect_delimiter(text.substr(0, std::min<std::size_t>(text.size(), 65536)));
    auto records = read_csv_records(text, table.delimiter);
    bool have_header = false;
    for (auto& rec : records) {
        if (rec.problem.empty() && all_blank(rec)) {
            continue; // blank lines, and rows of bare delimiters that spreadsheets leave behind
        }
        if (!have_header) {
            table.header = std::move(rec);
            have_header = true;
            continue;
        }
        const std::size_t width = table.header.fields.size();
        if (rec.fields.size() > width) {
            // Even when the extra fields are empty this is a slipped row more often than a
            // stray delimiter (an unquoted comma in an address, with the last column empty).
            if (rec.problem.empty()) {
                rec.problem = "has " + std::to_string(rec.fields.size()) +
                              " fields, the header has " + std::to_string(width) +
                              " (an unquoted delimiter inside a cell?)";
            }
            rec.fields.resize(width);
        } else if (rec.fields.size() < width) {
            rec.missing = width - rec.fields.size();
            rec.fields.resize(width);
        }
        table.records.push_back(std::move(rec));
    }
    return table;
}

} // namespace impetus::importers
