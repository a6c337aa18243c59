#include "core/doc_reader.hpp"

#include "core/dates.hpp"

#include <algorithm>
#include <cmath>

namespace impetus {

using nlohmann::json;

std::string pointer_escape(std::string_view key) {
    std::string out;
    for (char c : key) {
        if (c == '~') {
            out += "~0";
        } else if (c == '/') {
            out += "~1";
        } else {
            out += c;
        }
    }
    return out;
}

DocReader::DocReader(const json& doc, std::string base, FieldErrors& errors)
    : m_doc(doc), m_base(std::move(base)), m_errors(errors) {
    if (!doc.is_object()) {
        m_ok = false;
        m_errors.add(m_base.empty() ? "" : m_base, "must be a JSON object");
    }
}

std::string DocReader::pointer(std::string_view key) const {
    return m_base + "/" + pointer_escape(key);
}

const json* DocReader::get(std::string_view key) const {
    if (!m_ok) {
        return nullptr;
    }
    auto it = m_doc.find(key);
    if (it == m_doc.end() || it->is_null()) {
        return nullptr;
    }
    return &*it;
}

bool DocReader::present(std::string_view key) const { return get(key) != nullptr; }

std::optional<std::string> DocReader::string(std::string_view key, bool required,
                                             std::size_t max_length) {
    const json* v = get(key);
    if (!v) {
        if (required && m_ok) {
            m_errors.add(pointer(key), "is required");
        }
        return std::nullopt;
    }
    if (!v->is_string()) {
        m_errors.add(pointer(key), "must be a string");
        return std::nullopt;
    }
    auto s = v->get<std::string>();
    if (required && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c); })) {
        m_errors.add(pointer(key), "must not be empty");
        return std::nullopt;
    }
    if (s.size() > max_length) {
        m_errors.add(pointer(key), "is longer than " + std::to_string(max_length) + " bytes");
        return std::nullopt;
    }
    return s;
}

std::optional<double> DocReader::number(std::string_view key, double min, double max,
                                        bool required) {
    const json* v = get(key);
    if (!v) {
        if (required && m_ok) {
            m_errors.add(pointer(key), "is required");
        }
        return std::nullopt;
    }
    if (!v->is_number()) {
        m_errors.add(pointer(key), "must be a number");
        return std::nullopt;
    }
    double d = v->get<double>();
    if (!std::isfinite(d) || d < min || d > max) {
        m_errors.add(pointer(key), "must be between " + json(min).dump() + " and " +
                                       json(max).dump());
        return std::nullopt;
    }
    return d;
}

std::optional<std::int64_t> DocReader::integer(std::string_view key, std::int64_t min,
                                               std::int64_t max, bool required) {
    const json* v = get(key);
    if (!v) {
        if (required && m_ok) {
            m_errors.add(pointer(key), "is required");
        }
        return std::nullopt;
    }
    if (!v->is_number_integer()) {
        m_errors.add(pointer(key), "must be an integer");
        return std::nullopt;
    }
    auto i = v->get<std::int64_t>();
    if (i < min || i > max) {
        m_errors.add(pointer(key),
                     "must be between " + std::to_string(min) + " and " + std::to_string(max));
        return std::nullopt;
    }
    return i;
}

std::optional<bool> DocReader::boolean(std::string_view key) {
    const json* v = get(key);
    if (!v) {
        return std::nullopt;
    }
    if (!v->is_boolean()) {
        m_errors.add(pointer(key), "must be true, false or null");
        return std::nullopt;
    }
    return v->get<bool>();
}

std::optional<std::string> DocReader::date(std::string_view key, bool required) {
    auto s = string(key, required, 32);
    if (!s) {
        return std::nullopt;
    }
    auto d = parse_iso_date(*s);
    if (!d) {
        m_errors.add(pointer(key), "must be a calendar date YYYY-MM-DD");
    }
    return d;
}

void DocReader::reject_unknown(const std::vector<std::string_view>& known,
                               const std::vector<std::string_view>& read_only) {
    if (!m_ok) {
        return;
    }
    for (const auto& [k, v] : m_doc.items()) {
        if (std::find(read_only.begin(), read_only.end(), k) != read_only.end()) {
            m_errors.add(pointer(k), "is read-only");
        } else if (std::find(known.begin(), known.end(), k) == known.end()) {
            m_errors.add(pointer(k), "is not a known field");
        }
    }
}

} // namespace impetus
