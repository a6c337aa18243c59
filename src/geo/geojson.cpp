#include "geo/geojson.hpp"

#include "geo/measure.hpp"

#include <charconv>
#include <cmath>
#include <optional>
#include <string_view>

namespace impetus::geo {

using nlohmann::json;

namespace {

std::optional<Position> read_position(const json& j, const std::string& ptr, FieldErrors& errors) {
    if (!j.is_array() || j.size() < 2 || j.size() > 3) {
        errors.add(ptr, "a position is an array of two numbers [longitude, latitude]");
        return std::nullopt;
    }
    for (const auto& v : j) {
        if (!v.is_number()) {
            errors.add(ptr, "a position holds numbers only");
            return std::nullopt;
        }
    }
    Position p{j[0].get<double>(), j[1].get<double>()};
    bool ok = true; // both numbers are checked, so that both are reported
    if (!std::isfinite(p.lon) || p.lon < -180.0 || p.lon > 180.0) {
        errors.add(ptr + "/0", "longitude must be between -180 and 180 degrees");
        ok = false;
    }
    if (!std::isfinite(p.lat) || p.lat < -90.0 || p.lat > 90.0) {
        errors.add(ptr + "/1", "latitude must be between -90 and 90 degrees");
        ok = false;
    }
    if (!ok) {
        return std::nullopt;
    }
    return p;
}

std::optional<Ring> read_ring(const json& j, const std::string& ptr, FieldErrors& errors) {
    if (!j.is_array()) {
        errors.add(ptr, "a linear ring is an array of positions");
        return std::nullopt;
    }
    Ring ring;
    ring.reserve(j.size());
    bool positions_ok = true; // every bad position is reported, not only the first
    for (std::size_t i = 0; i < j.size(); ++i) {
        auto p = read_position(j[i], ptr + "/" + std::to_string(i), errors);
        if (!p) {
            positions_ok = false;
            if (!j[i].is_array()) {
                return std::nullopt; // not a ring of positions at all: one error says it
            }
            continue;
        }
        ring.push_back(*p);
    }
    if (!positions_ok) {
        return std::nullopt;
    }
    if (ring.size() < 4) {
        errors.add(ptr, "a linear ring needs at least four positions (RFC 7946 3.1.6)");
        return std::nullopt;
    }
    if (!(ring.front() == ring.back())) {
        errors.add(ptr, "a linear ring must end at its first position");
        return std::nullopt;
    }
    return ring;
}

std::optional<Polygon> read_polygon(const json& j, const std::string& ptr, FieldErrors& errors) {
    if (!j.is_array() || j.empty()) {
        errors.add(ptr, "a polygon is a non-empty array of linear rings");
        return std::nullopt;
    }
    Polygon poly;
    for (std::size_t i = 0; i < j.size(); ++i) {
        auto r = read_ring(j[i], ptr + "/" + std::to_string(i), errors);
        if (!r) {
            return std::nullopt;
        }
        poly.rings.push_back(std::move(*r));
    }
    return poly;
}

} // namespace

std::optional<Geometry> read_geometry(const json& j, const std::string& pointer,
                                      FieldErrors& errors, bool check_topology) {
    if (!j.is_object()) {
        errors.add(pointer, "must be a GeoJSON geometry object");
        return std::nullopt;
    }
    auto type_it = j.find("type");
    auto coords_it = j.find("coordinates");
    if (type_it == j.end() || !type_it->is_string()) {
        errors.add(pointer + "/type", "is required: Point, Polygon or MultiPolygon");
        return std::nullopt;
    }
    if (coords_it == j.end()) {
        errors.add(pointer + "/coordinates", "is required");
        return std::nullopt;
    }
    const auto type = type_it->get<std::string>();
    const auto cptr = pointer + "/coordinates";
    std::optional<Geometry> out;
    if (type == "Point") {
        if (auto p = read_position(*coords_it, cptr, errors)) {
            out = Point{*p};
        }
    } else if (type == "Polygon") {
        if (auto p = read_polygon(*coords_it, cptr, errors)) {
            out = std::move(*p);
        }
    } else if (type == "MultiPolygon") {
        if (!coords_it->is_array() || coords_it->empty()) {
            errors.add(cptr, "a multipolygon is a non-empty array of polygons");
            return std::nullopt;
        }
        MultiPolygon mp;
        for (std::size_t i = 0; i < coords_it->size(); ++i) {
            auto p = read_polygon((*coords_it)[i], cptr + "/" + std::to_string(i), errors);
            if (!p) {
                return std::nullopt;
            }
            mp.polygons.push_back(std::move(*p));
        }
        out = std::move(mp);
    } else {
        errors.add(pointer + "/type",
                   "'" + type + "' is not accepted: use Point, Polygon or MultiPolygon");
        return std::nullopt;
    }
    if (out && check_topology) {
        std::size_t before = errors.list().size();
        validate(*out, pointer, errors);
        if (errors.list().size() != before) {
            return std::nullopt;
        }
    }
    return out;
}

namespace {

// Reads the geometry text the store keeps (JSON, RFC 8259, as append_geometry_text writes it)
// straight into a Geometry, without a nlohmann::json tree in between: every row a list reads
// goes through here, and building and freeing that tree was a fifth of an items page's time.
// It takes the values json::parse and read_geometry take: whitespace, members in any order,
// numbers in any JSON form (an integer is read as nlohmann reads it, so "-0" is 0). What it
// does not expect (escapes or non-ASCII bytes in a string, a repeated member, deep nesting in
// another member) it refuses, and geometry_from_text leaves that text to the general reader.
class StoredGeometryReader {
public:
    explicit StoredGeometryReader(std::string_view text) : m_text(text) {}

    // False with error() saying what is wrong and where when the text is not read.
    bool read(Geometry& out);
    const std::string& error() const noexcept { return m_error; }

private:
    enum class Kind { point, polygon, multipolygon };

    bool fail(const char* what) {
        if (m_error.empty()) m_error = std::string(what) + " at byte " + std::to_string(m_pos);
        return false;
    }
    void skip_space() {
        while (m_pos < m_text.size() && (m_text[m_pos] == ' ' || m_text[m_pos] == '\t' ||
                                         m_text[m_pos] == '\n' || m_text[m_pos] == '\r')) {
            ++m_pos;
        }
    }
    // Skips white space, then takes `c` if it comes next.
    bool take(char c) {
        skip_space();
        if (m_pos < m_text.size() && m_text[m_pos] == c) {
            ++m_pos;
            return true;
        }
        return false;
    }
    bool expect(char c, const char* what) { return take(c) || fail(what); }

    bool read_string(std::string_view& out);
    bool read_number(double& out);
    bool skip_value(int depth);
    bool read_position(Position& out);
    bool read_ring(Ring& out);
    bool read_polygon(Polygon& out);
    bool read_coordinates(Kind kind, Geometry& out);

    std::string_view m_text;
    std::size_t m_pos = 0;
    std::string m_error;
};

bool StoredGeometryReader::read_string(std::string_view& out) {
    if (!take('"')) return fail("expected a string");
    const std::size_t start = m_pos;
    for (; m_pos < m_text.size(); ++m_pos) {
        const auto c = static_cast<unsigned char>(m_text[m_pos]);
        if (c == '"') {
            out = m_text.substr(start, m_pos - start);
            ++m_pos;
            return true;
        }
        if (c == '\\' || c < 0x20 || c >= 0x80) return fail("unexpected character in a string");
    }
    return fail("unterminated string");
}

bool StoredGeometryReader::read_number(double& out) {
    skip_space();
    // JSON's number grammar (RFC 8259 6), stricter than from_chars: no '+', no leading zeros,
    // digits on both sides of the point, no "inf" or "nan".
    const std::size_t start = m_pos;
    auto digits = [&] {
        const std::size_t from = m_pos;
        while (m_pos < m_text.size() && m_text[m_pos] >= '0' && m_text[m_pos] <= '9') ++m_pos;
        return m_pos - from;
    };
    if (m_pos < m_text.size() && m_text[m_pos] == '-') ++m_pos;
    const std::size_t int_start = m_pos;
    const std::size_t int_digits = digits();
    auto refuse = [&](const char* what) {
        m_pos = start; // the error names where the number starts
        return fail(what);
    };
    if (int_digits == 0 || (int_digits > 1 && m_text[int_start] == '0')) {
        return refuse("expected a number");
    }
    bool integer = true;
    if (m_pos < m_text.size() && m_text[m_pos] == '.') {
        ++m_pos;
        if (digits() == 0) return refuse("expected digits after the decimal point");
        integer = false;
    }
    if (m_pos < m_text.size() && (m_text[m_pos] == 'e' || m_text[m_pos] == 'E')) {
        ++m_pos;
        if (m_pos < m_text.size() && (m_text[m_pos] == '+' || m_text[m_pos] == '-')) ++m_pos;
        if (digits() == 0) return refuse("expected digits in the exponent");
        integer = false;
    }
    const char* first = m_text.data() + start;
    const char* last = m_text.data() + m_pos;
    auto [end, ec] = std::from_chars(first, last, out);
    if (ec != std::errc() || end != last) return refuse("number out of range");
    // nlohmann reads "-0" as the integer 0, which is written back as "0".
    if (integer && out == 0.0) out = 0.0;
    return true;
}

// Skips a member this reader has no use for (RFC 7946 allows "bbox" and foreign members).
bool StoredGeometryReader::skip_value(int depth) {
    if (depth > 32) return fail("nested too deeply");
    skip_space();
    if (m_pos >= m_text.size()) return fail("unexpected end of text");
    const char c = m_text[m_pos];
    if (c == '"') {
        std::string_view s;
        return read_string(s);
    }
    if (c == '[' || c == '{') {
        const char close = c == '[' ? ']' : '}';
        ++m_pos;
        if (take(close)) return true;
        do {
            if (c == '{') {
                std::string_view key;
                if (!read_string(key) || !expect(':', "expected ':'")) return false;
            }
            if (!skip_value(depth + 1)) return false;
        } while (take(','));
        return expect(close, c == '[' ? "expected ',' or ']'" : "expected ',' or '}'");
    }
    for (std::string_view word : {"true", "false", "null"}) {
        if (m_text.substr(m_pos, word.size()) == word) {
            m_pos += word.size();
            return true;
        }
    }
    double ignored = 0;
    return read_number(ignored);
}

bool StoredGeometryReader::read_position(Position& out) {
    if (!expect('[', "expected a position")) return false;
    double v[3];
    int n = 0;
    do {
        if (n == 3) return fail("a position has two or three numbers");
        if (!read_number(v[n++])) return false;
    } while (take(','));
    if (!expect(']', "expected ',' or ']'")) return false;
    if (n < 2) return fail("a position has two or three numbers");
    out = Position{v[0], v[1]};
    if (!std::isfinite(out.lon) || out.lon < -180.0 || out.lon > 180.0) {
        return fail("longitude out of range");
    }
    if (!std::isfinite(out.lat) || out.lat < -90.0 || out.lat > 90.0) {
        return fail("latitude out of range");
    }
    return true;
}

bool StoredGeometryReader::read_ring(Ring& out) {
    if (!expect('[', "expected a linear ring")) return false;
    if (!take(']')) {
        do {
            Position p;
            if (!read_position(p)) return false;
            out.push_back(p);
        } while (take(','));
        if (!expect(']', "expected ',' or ']'")) return false;
    }
    if (out.size() < 4) return fail("a linear ring needs at least four positions");
    if (!(out.front() == out.back())) return fail("a linear ring must end where it starts");
    return true;
}

bool StoredGeometryReader::read_polygon(Polygon& out) {
    if (!expect('[', "expected a polygon")) return false;
    do {
        if (!read_ring(out.rings.emplace_back())) return false;
    } while (take(','));
    return expect(']', "expected ',' or ']'");
}

bool StoredGeometryReader::read_coordinates(Kind kind, Geometry& out) {
    switch (kind) {
    case Kind::point: {
        Point p;
        if (!read_position(p.position)) return false;
        out = p;
        return true;
    }
    case Kind::polygon: {
        Polygon p;
        if (!read_polygon(p)) return false;
        out = std::move(p);
        return true;
    }
    case Kind::multipolygon: {
        MultiPolygon mp;
        if (!expect('[', "expected an array of polygons")) return false;
        do {
            if (!read_polygon(mp.polygons.emplace_back())) return false;
        } while (take(','));
        if (!expect(']', "expected ',' or ']'")) return false;
        out = std::move(mp);
        return true;
    }
    }
    return false;
}

bool StoredGeometryReader::read(Geometry& out) {
    if (!expect('{', "expected a GeoJSON geometry object")) return false;
    std::optional<Kind> kind;
    std::optional<std::size_t> early; // where coordinates that come before the type start
    bool have_coordinates = false;
    if (!take('}')) {
        do {
            std::string_view key;
            if (!read_string(key) || !expect(':', "expected ':'")) return false;
            if (key == "type") {
                std::string_view type;
                if (kind) return fail("the type is given twice");
                if (!read_string(type)) return false;
                if (type == "Point") {
                    kind = Kind::point;
                } else if (type == "Polygon") {
                    kind = Kind::polygon;
                } else if (type == "MultiPolygon") {
                    kind = Kind::multipolygon;
                } else {
                    return fail("the type is not Point, Polygon or MultiPolygon");
                }
            } else if (key == "coordinates") {
                if (have_coordinates || early) return fail("the coordinates are given twice");
                if (kind) {
                    if (!read_coordinates(*kind, out)) return false;
                    have_coordinates = true;
                } else {
                    skip_space();
                    early = m_pos; // read once the type is known
                    if (!skip_value(0)) return false;
                }
            } else if (!skip_value(0)) {
                return false;
            }
        } while (take(','));
        if (!expect('}', "expected ',' or '}'")) return false;
    }
    if (!kind) return fail("the type is missing");
    if (early) {
        const std::size_t end = m_pos;
        m_pos = *early;
        if (!read_coordinates(*kind, out)) return false;
        m_pos = end;
    } else if (!have_coordinates) {
        return fail("the coordinates are missing");
    }
    skip_space();
    return m_pos == m_text.size() || fail("unexpected text after the geometry");
}

} // namespace

Geometry geometry_from_text(std::string_view text) {
    StoredGeometryReader reader(text);
    Geometry out;
    if (reader.read(out)) return out;
    // Text this program did not write (a byte-order mark, escapes, members given twice): the
    // general reader takes whatever it took before the dedicated one existed.
    FieldErrors errors;
    auto j = json::parse(text, nullptr, false);
    auto g = j.is_discarded() ? std::nullopt : read_geometry(j, "", errors, false);
    if (!g) {
        throw Error(ErrorKind::storage, "stored geometry cannot be read: " + reader.error(),
                    "run 'impetus db check' on the database");
    }
    return std::move(*g);
}

void append_number(std::string& out, double v) {
    char buf[32];
    auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, p);
}

namespace {

void append_position(std::string& out, const Position& p) {
    out += '[';
    append_number(out, p.lon);
    out += ',';
    append_number(out, p.lat);
    out += ']';
}

void append_polygon(std::string& out, const Polygon& poly) {
    out += '[';
    for (std::size_t r = 0; r < poly.rings.size(); ++r) {
        if (r) out += ',';
        out += '[';
        for (std::size_t i = 0; i < poly.rings[r].size(); ++i) {
            if (i) out += ',';
            append_position(out, poly.rings[r][i]);
        }
        out += ']';
    }
    out += ']';
}

} // namespace

const char* geometry_type_name(const Geometry& g) noexcept {
    switch (g.index()) {
    case 0: return "Point";
    case 1: return "Polygon";
    default: return "MultiPolygon";
    }
}

void append_geometry_text(std::string& out, const Geometry& g) {
    out += "{\"type\":\"";
    out += geometry_type_name(g);
    out += "\",\"coordinates\":";
    if (auto* pt = std::get_if<Point>(&g)) {
        append_position(out, pt->position);
    } else if (auto* poly = std::get_if<Polygon>(&g)) {
        append_polygon(out, *poly);
    } else {
        const auto& mp = std::get<MultiPolygon>(g);
        out += '[';
        for (std::size_t i = 0; i < mp.polygons.size(); ++i) {
            if (i) out += ',';
            append_polygon(out, mp.polygons[i]);
        }
        out += ']';
    }
    out += '}';
}

std::string geometry_to_text(const Geometry& g) {
    std::string out;
    append_geometry_text(out, g);
    return out;
}

json geometry_to_json(const Geometry& g) { return json::parse(geometry_to_text(g)); }

} // namespace impetus::geo
