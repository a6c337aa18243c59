#include "core/json_text.hpp"

#include "core/doc_reader.hpp"
#include "core/error.hpp"

#include <algorithm>
#include <vector>

namespace impetus {

using nlohmann::json;

namespace {

// A SAX handler that builds the document as nlohmann's own DOM parser does, and also knows
// where it is (for the JSON Pointer of an error) and how deep (to stop before the limit).
class BoundedBuilder {
public:
    BoundedBuilder(json& root, int max_depth) : m_root(root), m_max_depth(max_depth) {}

    bool null() { return value(nullptr); }
    bool boolean(bool v) { return value(v); }
    bool number_integer(json::number_integer_t v) { return value(v); }
    bool number_unsigned(json::number_unsigned_t v) { return value(v); }
    bool number_float(json::number_float_t v, const std::string&) { return value(v); }
    bool string(json::string_t& v) { return value(std::move(v)); }
    bool binary(json::binary_t& v) { return value(std::move(v)); }

    bool start_object(std::size_t) { return open(json::value_t::object); }
    bool start_array(std::size_t) { return open(json::value_t::array); }
    bool key(json::string_t& k) {
        m_levels.back().key = k;
        m_slot = &(*m_levels.back().node)[k];
        return true;
    }
    bool end_object() { return close(); }
    bool end_array() { return close(); }

    bool parse_error(std::size_t byte, const std::string& token,
                     const nlohmann::detail::exception& e) {
        m_error_byte = byte;
        m_error_token = token;
        m_error_id = e.id;
        return false;
    }

    // Where the parser is: the pointer of the value it reads now.
    std::string pointer() const {
        std::string out;
        for (std::size_t i = 0; i < m_levels.size(); ++i) {
            const auto& l = m_levels[i];
            // An array holds the values of the levels below it already; the innermost one's
            // current value is not in it yet.
            const bool inner = i + 1 == m_levels.size();
            out += '/';
            out += l.node->is_array() ? std::to_string(l.node->size() - (inner ? 0 : 1))
                                      : pointer_escape(l.key);
        }
        return out;
    }

    bool too_deep = false;
    std::size_t m_error_byte = 0;
    std::string m_error_token;
    int m_error_id = 0;

private:
    struct Level {
        json* node;
        std::string key; // objects: the member being read
    };

    template <typename V> json* place(V&& v) {
        if (m_levels.empty()) {
            m_root = json(std::forward<V>(v));
            return &m_root;
        }
        json* top = m_levels.back().node;
        if (top->is_array()) {
            top->emplace_back(std::forward<V>(v));
            return &top->back();
        }
        *m_slot = json(std::forward<V>(v));
        return m_slot;
    }
    template <typename V> bool value(V&& v) {
        place(std::forward<V>(v));
        return true;
    }
    bool open(json::value_t type) {
        if (static_cast<int>(m_levels.size()) >= m_max_depth) {
            too_deep = true;
            return false;
        }
        json* node = place(json(type));
        m_levels.push_back({node, {}});
        return true;
    }
    bool close() {
        m_levels.pop_back();
        return true;
    }

    json& m_root;
    int m_max_depth;
    std::vector<Level> m_levels;
    json* m_slot = nullptr;
};

std::string line_of(std::string_view text, std::size_t byte) {
    const auto end = text.begin() + static_cast<std::ptrdiff_t>(std::min(byte, text.size()));
    return std::to_string(1 + std::count(text.begin(), end, '\n'));
}

} // namespace

json parse_json(std::string_view text, std::string_view what, const JsonLimits& limits) {
    json root;
    BoundedBuilder builder(root, std::max(1, limits.max_depth));
    const bool ok = json::sax_parse(text.begin(), text.end(), &builder);
    if (ok) return root;
    const std::string subject(what);
    if (builder.too_deep) {
        const std::string limit = std::to_string(limits.max_depth);
        throw Error(ErrorKind::invalid_input,
                    subject + " nests objects and arrays deeper than " + limit + " levels",
                    "flatten the document: at most " + limit + " levels of nesting are read",
                    {{builder.pointer(), "is nested deeper than " + limit + " levels"}});
    }
    // 406: a number the lexer read but a double cannot hold (1e400).
    if (builder.m_error_id == 406) {
        throw Error(ErrorKind::invalid_input, subject + " has a number out of range",
                    "numbers must lie within the range of a 64-bit floating point value",
                    {{builder.pointer(),
                      "'" + builder.m_error_token + "' is out of the range of numbers"}});
    }
    throw Error(ErrorKind::invalid_input,
                subject + " is not valid JSON (line " + line_of(text, builder.m_error_byte) +
                    ", byte " + std::to_string(builder.m_error_byte) + ")",
                "check the JSON syntax");
}

} // namespace impetus
