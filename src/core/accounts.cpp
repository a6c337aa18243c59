#include "core/accounts.hpp"

namespace impetus {

std::pair<nlohmann::json, nlohmann::json> changed_fields(const nlohmann::json& before,
                                                         const nlohmann::json& after) {
    nlohmann::json b = nlohmann::json::object();
    nlohmann::json a = nlohmann::json::object();
    if (!before.is_object() || !after.is_object()) return {before, after};
    for (const auto& [key, value] : after.items()) {
        auto it = before.find(key);
        if (it == before.end() || *it != value) {
            b[key] = it == before.end() ? nlohmann::json(nullptr) : *it;
            a[key] = value;
        }
    }
    for (const auto& [key, value] : before.items()) {
        if (!after.contains(key)) {
            b[key] = value;
            a[key] = nullptr;
        }
    }
    return {b, a};
}

} // namespace impetus
