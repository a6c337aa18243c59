#pragma once

// Reads fields of a JSON document with validation, collecting every failing field (RFC 6901
// pointers) instead of stopping at the first. A JSON null reads as "absent".

#include "core/enum_names.hpp"
#include "core/error.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace impetus {

class DocReader {
public:
    DocReader(const nlohmann::json& doc, std::string base, FieldErrors& errors);

    bool ok() const noexcept { return m_ok; } // the document itself is an object
    bool present(std::string_view key) const; // present and not null
    const nlohmann::json* get(std::string_view key) const;
    std::string pointer(std::string_view key) const;
    FieldErrors& errors() { return m_errors; }

    std::optional<std::string> string(std::string_view key, bool required = false,
                                      std::size_t max_length = 1000);
    std::optional<double> number(std::string_view key, double min, double max,
                                 bool required = false);
    std::optional<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max,
                                        bool required = false);
    std::optional<bool> boolean(std::string_view key);
    std::optional<std::string> date(std::string_view key, bool required = false);

    template <typename E> std::optional<E> enumeration(std::string_view key, bool required = false) {
        auto s = string(key, required, 64);
        if (!s) {
            return std::nullopt;
        }
        auto v = parse_enum<E>(*s);
        if (!v) {
            m_errors.add(pointer(key), "'" + *s + "' is not one of " + enum_choices<E>());
        }
        return v;
    }

    // Adds an error for every key of the document not in `known`, and for those in
    // `read_only` a message saying so.
    void reject_unknown(const std::vector<std::string_view>& known,
                        const std::vector<std::string_view>& read_only = {});

private:
    const nlohmann::json& m_doc;
    std::string m_base;
    FieldErrors& m_errors;
    bool m_ok = true;
};

// Escapes a key for use in a JSON Pointer (RFC 6901).
std::string pointer_escape(std::string_view key);

} // namespace impetus
