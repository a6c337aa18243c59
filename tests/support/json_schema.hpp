#pragma once

// A small checker for the subset of JSON Schema that OpenAPI 3.0 Schema Objects use in our
// document (src/http/openapi.json): type, nullable, enum, required, properties,
// additionalProperties, items, minItems/maxItems, minimum/maximum (with the 3.0 boolean
// exclusiveMinimum/exclusiveMaximum), minLength/maxLength, pattern, allOf/anyOf/oneOf and local
// $ref. Annotations (description, example, format, default ...) are not checked.
// known_keywords() lists what it understands, so that a test can refuse a document that uses
// anything else rather than pass it unchecked.

#include "core/doc_reader.hpp"
#include <cmath>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace impetus::test {

class SchemaChecker {
public:
    // `root` is the whole document; "#/..." references are resolved in it.
    explicit SchemaChecker(const nlohmann::json& root) : m_root(root) {}

    // The failures of `value` against `schema`, each "<JSON Pointer>: <what>"; empty when the
    // value conforms.
    std::vector<std::string> check(const nlohmann::json& schema,
                                   const nlohmann::json& value) const {
        std::vector<std::string> out;
        check(schema, value, "", out, 0);
        return out;
    }

    // Follows `$ref` (repeatedly) and returns the object referred to; throws when a reference
    // does not resolve.
    const nlohmann::json& resolve(const nlohmann::json& node) const {
        const nlohmann::json* n = &node;
        for (int hops = 0; n->is_object() && n->contains("$ref"); ++hops) {
            if (hops > 32) throw std::runtime_error("$ref loop");
            n = &resolve_ref((*n)["$ref"].get<std::string>());
        }
        return *n;
    }

    const nlohmann::json& resolve_ref(const std::string& ref) const {
        if (ref.rfind("#/", 0) != 0 && ref != "#") {
            throw std::runtime_error("not a local reference: " + ref);
        }
        // at() throws json::out_of_range for a pointer that names nothing.
        return m_root.at(nlohmann::json::json_pointer(ref.substr(1)));
    }

    static const std::set<std::string>& known_keywords() {
        static const std::set<std::string> k{
            "$ref",      "type",      "nullable",  "enum",        "required",
            "properties", "additionalProperties",  "items",       "minItems",
            "maxItems",  "minimum",   "maximum",   "exclusiveMinimum", "exclusiveMaximum",
            "minLength", "maxLength", "pattern",   "allOf",       "anyOf",
            "oneOf",
            // annotations: nothing to check
            "description", "example", "format", "default", "title", "readOnly", "writeOnly"};
        return k;
    }

private:
    static bool has_type(const nlohmann::json& v, const std::string& type) {
        if (type == "object") return v.is_object();
        if (type == "array") return v.is_array();
        if (type == "string") return v.is_string();
        if (type == "boolean") return v.is_boolean();
        if (type == "number") return v.is_number();
        if (type == "integer") {
            if (v.is_number_integer()) return true;
            if (!v.is_number_float()) return false;
            const double d = v.get<double>();
            return std::isfinite(d) && std::floor(d) == d;
        }
        return false;
    }

    static std::size_t utf8_length(const std::string& s) {
        std::size_t n = 0;
        for (unsigned char c : s) {
            if ((c & 0xC0) != 0x80) ++n;
        }
        return n;
    }

    void check(const nlohmann::json& schema_node, const nlohmann::json& value,
               const std::string& at, std::vector<std::string>& out, int depth) const {
        if (depth > 64) {
            out.push_back(at + ": schema nesting too deep");
            return;
        }
        const nlohmann::json& s = resolve(schema_node);
        if (!s.is_object()) {
            out.push_back(at + ": the schema is not an object");
            return;
        }
        auto fail = [&](const std::string& what) { out.push_back(at + ": " + what); };

        if (value.is_null() && s.value("nullable", false)) {
            return;
        }
        if (auto t = s.find("type"); t != s.end()) {
            if (!has_type(value, t->get<std::string>())) {
                fail("is " + std::string(value.type_name()) + ", not " + t->get<std::string>());
                return;
            }
        }
        if (auto e = s.find("enum"); e != s.end()) {
            bool found = false;
            for (const auto& v : *e) found = found || v == value;
            if (!found) fail(value.dump() + " is not one of " + e->dump());
        }
        if (value.is_number()) {
            const double d = value.get<double>();
            if (auto m = s.find("minimum"); m != s.end()) {
                const bool excl = s.value("exclusiveMinimum", false);
                if (excl ? d <= m->get<double>() : d < m->get<double>()) {
                    fail(value.dump() + " is below the minimum " + m->dump());
                }
            }
            if (auto m = s.find("maximum"); m != s.end()) {
                const bool excl = s.value("exclusiveMaximum", false);
                if (excl ? d >= m->get<double>() : d > m->get<double>()) {
                    fail(value.dump() + " is above the maximum " + m->dump());
                }
            }
        }
        if (value.is_string()) {
            const auto& str = value.get_ref<const std::string&>();
            const std::size_t length = utf8_length(str);
            if (auto m = s.find("minLength"); m != s.end() && length < m->get<std::size_t>()) {
                fail("is shorter than " + m->dump());
            }
            if (auto m = s.find("maxLength"); m != s.end() && length > m->get<std::size_t>()) {
                fail("is longer than " + m->dump());
            }
            if (auto p = s.find("pattern"); p != s.end()) {
                // JSON Schema patterns are ECMA 262 and not anchored.
                if (!std::regex_search(str, std::regex(p->get<std::string>()))) {
                    fail(value.dump() + " does not match " + p->dump());
                }
            }
        }
        if (value.is_array()) {
            if (auto m = s.find("minItems"); m != s.end() && value.size() < m->get<std::size_t>()) {
                fail("has fewer than " + m->dump() + " items");
            }
            if (auto m = s.find("maxItems"); m != s.end() && value.size() > m->get<std::size_t>()) {
                fail("has more than " + m->dump() + " items");
            }
            if (auto items = s.find("items"); items != s.end()) {
                for (std::size_t i = 0; i < value.size(); ++i) {
                    check(*items, value[i], at + "/" + std::to_string(i), out, depth + 1);
                }
            }
        }
        if (value.is_object()) {
            if (auto req = s.find("required"); req != s.end()) {
                for (const auto& k : *req) {
                    if (!value.contains(k.get<std::string>())) {
                        fail("lacks the required member \"" + k.get<std::string>() + "\"");
                    }
                }
            }
            const nlohmann::json* props = nullptr;
            if (auto p = s.find("properties"); p != s.end()) props = &*p;
            const nlohmann::json* additional = nullptr;
            if (auto a = s.find("additionalProperties"); a != s.end()) additional = &*a;
            for (const auto& [k, v] : value.items()) {
                const std::string where = at + "/" + escape(k);
                if (props && props->contains(k)) {
                    check((*props)[k], v, where, out, depth + 1);
                } else if (additional && additional->is_boolean() && !additional->get<bool>()) {
                    out.push_back(where + ": is not an allowed member");
                } else if (additional && additional->is_object()) {
                    check(*additional, v, where, out, depth + 1);
                }
            }
        }
        if (auto all = s.find("allOf"); all != s.end()) {
            for (const auto& sub : *all) check(sub, value, at, out, depth + 1);
        }
        if (auto any = s.find("anyOf"); any != s.end()) {
            bool matched = false;
            std::vector<std::string> why;
            for (const auto& sub : *any) {
                std::vector<std::string> e;
                check(sub, value, at, e, depth + 1);
                if (e.empty()) {
                    matched = true;
                    break;
                }
                why.insert(why.end(), e.begin(), e.end());
            }
            if (!matched) fail("matches none of anyOf (" + join(why) + ")");
        }
        if (auto one = s.find("oneOf"); one != s.end()) {
            std::size_t matched = 0;
            std::vector<std::string> why;
            for (const auto& sub : *one) {
                std::vector<std::string> e;
                check(sub, value, at, e, depth + 1);
                if (e.empty()) {
                    ++matched;
                } else {
                    why.insert(why.end(), e.begin(), e.end());
                }
            }
            if (matched == 0) fail("matches none of oneOf (" + join(why) + ")");
            if (matched > 1) fail("matches " + std::to_string(matched) + " schemas of oneOf");
        }
    }

    static std::string escape(const std::string& key) { return impetus::pointer_escape(key); }

    static std::string join(const std::vector<std::string>& parts) {
        std::string out;
        for (const auto& p : parts) out += (out.empty() ? "" : "; ") + p;
        return out;
    }

    const nlohmann::json& m_root;
};

} // namespace impetus::test
