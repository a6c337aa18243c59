#pragma once

// Exports of a filtered list of spaces: GeoJSON FeatureCollection (RFC 7946) and CSV (RFC 4180,
// one row per space, a representative point and the geometry as WKT for GIS tools).

#include "store/store.hpp"

#include <functional>
#include <span>
#include <string>
#include <vector>

namespace impetus::exports {

// Maps a workspace id to its slug for the `workspace` column/property.
using SlugOf = std::function<std::string(Id)>;

// Writes every space matching `q` (its limit and offset are ignored) to `out`.
// `internal` false leaves the internal notes out (the public's view).
std::size_t write_geojson(Store& store, const SpaceQuery& q, const SlugOf& slug, std::string& out,
                          bool internal = true);
std::size_t write_csv(Store& store, const SpaceQuery& q, const SlugOf& slug, std::string& out,
                      bool internal = true);

// The CSV header of the spaces, in order.
const std::vector<std::string>& csv_columns();

// Well-known text (OGC 06-103r4) of a geometry.
std::string to_wkt(const Geometry& g);

// One cell of a CSV record: text (anything people or imported files wrote, which a
// spreadsheet must never read as a formula) or a number this program wrote itself.
struct CsvCell {
    CsvCell(std::string text) : value(std::move(text)) {}
    CsvCell(const char* text) : value(text) {}
    static CsvCell number(std::string digits) {
        CsvCell c(std::move(digits));
        c.is_number = true;
        return c;
    }
    std::string value;
    bool is_number = false;
};

// Appends one CSV record ended by CRLF, the one writer of every CSV the program produces.
// RFC 4180: a cell holding a comma, quote, CR or LF is quoted, inner quotes doubled. Against
// CSV (formula) injection, after OWASP: a text cell that starts with =, +, -, @, tab, CR, LF or
// NUL gets a single quote in front and is always quoted, so that spreadsheets show it as text
// instead of evaluating it. A number cell (digits, an optional minus sign, fraction and
// exponent: "-0.14", "1e-07") is written as it is; one that is not such a number is treated
// as text.
void append_csv_row(std::string& out, std::span<const CsvCell> cells);

} // namespace impetus::exports
