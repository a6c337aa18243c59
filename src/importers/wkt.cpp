#include "importers/wkt.hpp"

#include "importers/text.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

namespace impetus::importers {

namespace {

class WktParser {
  public:
    explicit WktParser(std::string_view s) : m_s(s) {}

    std::optional<WktGeometry> parse(std::string& error) {
        WktGeometry out;
        skip_ws();
        if (match_word("SRID")) {
            if (!match('=')) {
                return fail(error, "SRID must be followed by '='");
            }
            auto v = number();
            if (!v || *v != std::floor(*v)) {
                return fail(error, "SRID must be an integer");
            }
            // Within an int before the cast (EPSG codes have at most six digits).
            if (std::fabs(*v) > std::numeric_limits<int>::max()) {
                return fail(error, "SRID is out of range");
            }
            out.srid = static_cast<int>(*v);
            if (!match(';')) {
                return fail(error, "SRID=n must be followed by ';'");
            }
        }
        std::string word = keyword();
        // Dimension tags (Z, M, ZM) may follow the type; extra ordinates are read and dropped.
        std::string dim = keyword();
        if (dim == "EMPTY") {
            return fail(error, word + " EMPTY has no position");
        }
        if (!dim.empty() && dim != "Z" && dim != "M" && dim != "ZM") {
            return fail(error, "unexpected '" + dim + "' after " + word);
        }
        if (match_word("EMPTY")) {
            return fail(error, word + " EMPTY has no position");
        }
        if (word == "POINT") {
            if (!match('(')) {
                return fail(error, "POINT needs '('");
            }
            auto p = position(error);
            if (!p) {
                return std::nullopt;
            }
            if (!match(')')) {
                return fail(error, "POINT needs ')'");
            }
            out.geometry = Point{*p};
        } else if (word == "POLYGON") {
            auto poly = polygon(error);
            if (!poly) {
                return std::nullopt;
            }
            out.geometry = std::move(*poly);
        } else if (word == "MULTIPOLYGON") {
            if (!match('(')) {
                return fail(error, "MULTIPOLYGON needs '('");
            }
            MultiPolygon mp;
            do {
                auto poly = polygon(error);
                if (!poly) {
                    return std::nullopt;
                }
                mp.polygons.push_back(std::move(*poly));
            } while (match(','));
            if (!match(')')) {
                return fail(error, "MULTIPOLYGON needs ')'");
            }
            out.geometry = std::move(mp);
        } else if (word.empty()) {
            return fail(error, "not WKT: expected POINT, POLYGON or MULTIPOLYGON");
        } else {
            return fail(error,
                        "'" + word + "' is not accepted: use POINT, POLYGON or MULTIPOLYGON");
        }
        skip_ws();
        if (m_i != m_s.size()) {
            return fail(error, "unexpected text after the geometry");
        }
        return out;
    }

  private:
    std::optional<WktGeometry> fail(std::string& error, std::string msg) {
        error = std::move(msg);
        return std::nullopt;
    }

    void skip_ws() {
        while (m_i < m_s.size() && std::isspace(static_cast<unsigned char>(m_s[m_i]))) {
            ++m_i;
        }
    }

    bool match(char c) {
        skip_ws();
        if (m_i < m_s.size() && m_s[m_i] == c) {
            ++m_i;
            return true;
        }
        return false;
    }

    std::string keyword() {
        skip_ws();
        std::string w;
        while (m_i < m_s.size() && std::isalpha(static_cast<unsigned char>(m_s[m_i]))) {
            w += static_cast<char>(std::toupper(static_cast<unsigned char>(m_s[m_i++])));
        }
        return w;
    }

    bool match_word(std::string_view w) {
        skip_ws();
        std::size_t save = m_i;
        if (keyword() == w) {
            return true;
        }
        m_i = save;
        return false;
    }

    std::optional<double> number() {
        skip_ws();
        std::size_t b = m_i;
        while (m_i < m_s.size() &&
               (std::isdigit(static_cast<unsigned char>(m_s[m_i])) || m_s[m_i] == '.' ||
                m_s[m_i] == '-' || m_s[m_i] == '+' || m_s[m_i] == 'e' || m_s[m_i] == 'E')) {
            ++m_i;
        }
        return parse_number(m_s.substr(b, m_i - b));
    }

    std::optional<Position> position(std::string& error) {
        auto x = number();
        auto y = number();
        if (!x || !y) {
            error = "a position is two numbers 'x y'";
            return std::nullopt;
        }
        // Z and M ordinates: read and dropped.
        for (int k = 0; k < 2; ++k) {
            skip_ws();
            if (m_i < m_s.size() && m_s[m_i] != ',' && m_s[m_i] != ')') {
                if (!number()) {
                    error = "a position holds numbers only";
                    return std::nullopt;
                }
            }
        }
        return Position{*x, *y};
    }

    std::optional<Polygon> polygon(std::string& error) {
        if (!match('(')) {
            error = "a polygon needs '('";
            return std::nullopt;
        }
        Polygon poly;
        do {
            if (!match('(')) {
                error = "a ring needs '('";
                return std::nullopt;
            }
            Ring ring;
            do {
                auto p = position(error);
                if (!p) {
                    return std::nullopt;
                }
                ring.push_back(*p);
            } while (match(','));
            if (!match(')')) {
                error = "a ring needs ')'";
                return std::nullopt;
            }
            poly.rings.push_back(std::move(ring));
        } while (match(','));
        if (!match(')')) {
            error = "a polygon needs ')'";
            return std::nullopt;
        }
        return poly;
    }

    std::string_view m_s;
    std::size_t m_i = 0;
};

} // namespace

std::optional<WktGeometry> read_wkt(std::string_view text, std::string& error) {
    return WktParser(text).parse(error);
}

} // namespace impetus::importers
