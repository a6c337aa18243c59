#pragma once

// Calendar dates (ISO 8601 YYYY-MM-DD) and UTC timestamps (RFC 3339, "Z" suffix).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace impetus {

// Accepts YYYY-MM-DD only, with a real calendar day. Returns the canonical spelling.
std::optional<std::string> parse_iso_date(std::string_view text);

// Days since 1970-01-01 of a YYYY-MM-DD date (nullopt if it is not one), and back.
std::optional<std::int64_t> day_number(std::string_view iso_date);
std::string date_of_day(std::int64_t day);

// Accepts DD/MM/YYYY (also D/M/YYYY), as UK spreadsheets write dates.
std::optional<std::string> parse_dmy_date(std::string_view text);

// Accepts either of the above, after trimming white space.
std::optional<std::string> parse_date_lenient(std::string_view text);

// Accepts an RFC 3339 date-time (2024-05-01T10:00:00Z, with optional fraction and offset) and
// returns it normalised to UTC with a "Z" suffix.
std::optional<std::string> parse_rfc3339(std::string_view text);

// A time in UTC, millisecond precision: 2026-11-29T03:14:42.123Z
std::string format_utc(std::chrono::system_clock::time_point t);
// The current time, as format_utc writes it.
std::string now_utc();
// A UTC timestamp as parse_rfc3339 or format_utc writes it, spelt with milliseconds
// ("...T10:00:00Z" -> "...T10:00:00.000Z"), so that two such timestamps compare as text in the
// order of their instants ('.' sorts before 'Z'); anything else is returned unchanged.
std::string with_milliseconds(std::string_view utc);

// Today in UTC as YYYY-MM-DD.
std::string today_utc();

} // namespace impetus
