#pragma once

// One table per enum maps values to their stable external names (API, CSV, database).
// Specialise EnumNames<E> with a `values` array of {value, name} pairs.

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace impetus {

template <typename E> struct EnumNames;

template <typename E> std::string_view enum_name(E value) {
    for (const auto& [v, name] : EnumNames<E>::values) {
        if (v == value) {
            return name;
        }
    }
    return {};
}

template <typename E> std::optional<E> parse_enum(std::string_view name) {
    for (const auto& [v, n] : EnumNames<E>::values) {
        if (n == name) {
            return v;
        }
    }
    return std::nullopt;
}

// "a, b or c": for error messages that list the accepted names.
template <typename E> std::string enum_choices() {
    std::string out;
    const auto& values = EnumNames<E>::values;
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i > 0) {
            out += (i + 1 == values.size()) ? " or " : ", ";
        }
        out += values[i].second;
    }
    return out;
}

template <typename E> std::vector<std::string> enum_name_list() {
    std::vector<std::string> out;
    for (const auto& [v, n] : EnumNames<E>::values) {
        out.emplace_back(n);
    }
    return out;
}

} // namespace impetus
