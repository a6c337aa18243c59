#pragma once

// Text helpers for the importers: byte decoding (UTF-8, UTF-8 with BOM, Windows-1252 as
// spreadsheets export it), trimming that knows the no-break space, and small string tools.

#include <optional>
#include <string>
#include <string_view>

namespace impetus::importers {

struct DecodedText {
    std::string text;     // UTF-8
    std::string encoding; // "utf-8", "utf-8-bom" or "windows-1252"
};

// A UTF-8 BOM is stripped ("utf-8-bom"); valid UTF-8 is kept ("utf-8"); anything else is read
// as Windows-1252 ("windows-1252"), whose five undefined bytes become U+FFFD.
DecodedText decode_text(std::string_view bytes);

// True when `s` is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, <= U+10FFFF).
bool is_valid_utf8(std::string_view s);

// Every byte read as Windows-1252 (the WHATWG encoding table), written as UTF-8.
std::string cp1252_to_utf8(std::string_view bytes);

// Removes white space at both ends: ASCII space, tab, CR, LF, VT, FF, U+00A0 (no-break space,
// common at the end of spreadsheet cells) and U+FEFF (a stray byte order mark).
std::string trim(std::string_view s);
std::string_view trim_view(std::string_view s);

// trim() and every inner run of white space (newlines included) replaced by one space.
std::string collapse_whitespace(std::string_view s);

// Cuts `s` to at most `max_bytes` without splitting a UTF-8 sequence.
std::string truncate_utf8(std::string_view s, std::size_t max_bytes);

// "\r\n" and lone "\r" become "\n".
std::string normalise_newlines(std::string_view s);

std::string lower_ascii(std::string_view s);

// Lower-case ASCII letters and digits; every other run of characters becomes one '-'.
std::string slugify(std::string_view s);

// The last path segment without its extension: "data/brighton.csv" -> "brighton".
std::string file_stem(std::string_view file_name);

// A decimal number, after trimming ("12.5", "-0.14", "1e3", "+3"); nullopt for anything else,
// including an empty cell, trailing garbage, infinities and NaN.
std::optional<double> parse_number(std::string_view s);

} // namespace impetus::importers
