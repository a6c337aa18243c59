#pragma once

// A strict RFC 4180 reader for tests that check the CSV the server writes.

#include <stdexcept>
#include <string>
#include <vector>

namespace impetus::test {

// RFC 4180: records end with CRLF; a field in double quotes may hold commas, CR, LF and
// doubled quotes. Strict on purpose: a bare quote inside an unquoted field fails the test.
inline std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> row;
    std::string field;
    std::size_t i = 0;
    bool any = false;
    while (i < text.size()) {
        char c = text[i];
        if (c == '"' && field.empty()) {
            ++i;
            for (;;) {
                if (i >= text.size()) throw std::runtime_error("unterminated quoted field");
                if (text[i] == '"') {
                    if (i + 1 < text.size() && text[i + 1] == '"') {
                        field += '"';
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                field += text[i++];
            }
            any = true;
            if (i < text.size() && text[i] != ',' && text[i] != '\r') {
                throw std::runtime_error("text after a closing quote at byte " + std::to_string(i));
            }
            continue;
        }
        if (c == ',') {
            row.push_back(std::move(field));
            field.clear();
            any = true;
            ++i;
        } else if (c == '\r') {
            if (i + 1 >= text.size() || text[i + 1] != '\n') {
                throw std::runtime_error("CR without LF at byte " + std::to_string(i));
            }
            row.push_back(std::move(field));
            field.clear();
            rows.push_back(std::move(row));
            row.clear();
            any = false;
            i += 2;
        } else if (c == '\n' || c == '"') {
            throw std::runtime_error(std::string("bare ") + (c == '"' ? "quote" : "LF") +
                                     " in an unquoted field at byte " + std::to_string(i));
        } else {
            field += c;
            any = true;
            ++i;
        }
    }
    if (any || !field.empty()) {
        row.push_back(std::move(field));
        rows.push_back(std::move(row));
    }
    return rows;
}

// The position of the column `name` in a header row; throws when there is none.
inline std::size_t csv_column(const std::vector<std::string>& header, const std::string& name) {
    for (std::size_t i = 0; i < header.size(); ++i) {
        if (header[i] == name) return i;
    }
    throw std::runtime_error("no column " + name);
}

} // namespace impetus::test
