#include "core/records_json.hpp"

#include "core/doc_reader.hpp"

#include <algorithm>
#include <cctype>

namespace impetus {

using nlohmann::json;

namespace {

bool valid_language_tag(const std::string& tag) {
    // BCP 47, the subset used for interface languages: en, pl, fr-BE, sr-Latn ...
    std::size_t i = 0;
    std::size_t n = 0;
    while (i < tag.size() && std::islower(static_cast<unsigned char>(tag[i]))) {
        ++i;
        ++n;
    }
    if (n < 2 || n > 3) {
        return false;
    }
    while (i < tag.size()) {
        if (tag[i] != '-') {
            return false;
        }
        ++i;
        std::size_t len = 0;
        while (i < tag.size() && std::isalnum(static_cast<unsigned char>(tag[i]))) {
            ++i;
            ++len;
        }
        if (len < 2 || len > 8) {
            return false;
        }
    }
    return true;
}

bool plausible_email(const std::string& s) {
    auto at = s.find('@');
    return at != std::string::npos && at > 0 && at + 1 < s.size() &&
           s.find('.', at) != std::string::npos && s.find(' ') == std::string::npos &&
           s.find('@', at + 1) == std::string::npos;
}

} // namespace

bool valid_slug(std::string_view slug) {
    if (slug.size() < 2 || slug.size() > 63 || slug.front() == '-' || slug.back() == '-') {
        return false;
    }
    return std::all_of(slug.begin(), slug.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
}

json to_json(const Workspace& w) {
    json j = writable_json(w);
    j["id"] = w.id;
    j["created_at"] = w.created_at;
    j["updated_at"] = w.updated_at;
    return j;
}

json writable_json(const Workspace& w) {
    return json{{"slug", w.slug},
                {"name", w.name},
                {"country", w.country},
                {"languages", w.languages},
                {"map_view",
                 {{"lon", w.map_view.lon}, {"lat", w.map_view.lat}, {"zoom", w.map_view.zoom}}},
                {"tiles", w.tiles.url.empty()
                              ? json(nullptr)
                              : json{{"url", w.tiles.url}, {"attribution", w.tiles.attribution}}},
                {"geometry_limits",
                 {{"max_vertices", w.geometry_limits.max_vertices},
                  {"max_rings", w.geometry_limits.max_rings}}}};
}

Workspace read_workspace(const json& doc) {
    FieldErrors errors;
    DocReader r(doc, "", errors);
    r.reject_unknown({"slug", "name", "country", "languages", "map_view", "tiles",
                      "geometry_limits"},
                     {"id", "created_at", "updated_at"});
    Workspace w;
    if (auto s = r.string("slug", true, 63)) {
        if (!valid_slug(*s)) {
            errors.add("/slug", "use 2 to 63 lower-case letters, digits and inner hyphens");
        }
        w.slug = *s;
    }
    if (auto s = r.string("name", true, 200)) {
        w.name = *s;
    }
    if (auto s = r.string("country", false, 2)) {
        std::string c = *s;
        std::transform(c.begin(), c.end(), c.begin(), [](unsigned char ch) { return std::toupper(ch); });
        if (c.size() != 2 || !std::isalpha(static_cast<unsigned char>(c[0])) ||
            !std::isalpha(static_cast<unsigned char>(c[1]))) {
            errors.add("/country", "must be an ISO 3166-1 alpha-2 code such as FR or PL");
        }
        w.country = c;
    }
    if (const json* langs = r.get("languages")) {
        if (!langs->is_array() || langs->empty()) {
            errors.add("/languages", "must be a non-empty array of language tags such as \"en\"");
        } else {
            for (std::size_t i = 0; i < langs->size(); ++i) {
                const auto& l = (*langs)[i];
                if (!l.is_string() || !valid_language_tag(l.get<std::string>())) {
                    errors.add("/languages/" + std::to_string(i),
                               "must be a BCP 47 language tag such as \"pl\" or \"fr-BE\"");
                } else {
                    w.languages.push_back(l.get<std::string>());
                }
            }
        }
    } else {
        w.languages = {"en"};
    }
    if (const json* mv = r.get("map_view")) {
        DocReader m(*mv, "/map_view", errors);
        m.reject_unknown({"lon", "lat", "zoom"});
        w.map_view.lon = m.number("lon", -180, 180, true).value_or(0.0);
        w.map_view.lat = m.number("lat", -90, 90, true).value_or(0.0);
        w.map_view.zoom = m.number("zoom", 0, 22).value_or(12.0);
    }
    if (const json* limits = r.get("geometry_limits")) {
        DocReader gl(*limits, "/geometry_limits", errors);
        gl.reject_unknown({"max_vertices", "max_rings"});
        constexpr GeometryLimits defaults;
        w.geometry_limits.max_vertices = static_cast<std::size_t>(
            gl.integer("max_vertices", 4, GeometryLimits::vertices_ceiling)
                .value_or(static_cast<std::int64_t>(defaults.max_vertices)));
        w.geometry_limits.max_rings = static_cast<std::size_t>(
            gl.integer("max_rings", 1, GeometryLimits::rings_ceiling)
                .value_or(static_cast<std::int64_t>(defaults.max_rings)));
    }
    if (const json* tiles = r.get("tiles")) {
        DocReader tr(*tiles, "/tiles", errors);
        tr.reject_unknown({"url", "attribution"});
        w.tiles.url = tr.string("url", true, 500).value_or("");
        w.tiles.attribution = tr.string("attribution", false, 1000).value_or("");
        const auto& u = w.tiles.url;
        if (!u.empty() && ((u.rfind("https://", 0) != 0 && u.rfind("http://", 0) != 0) ||
                           u.find("{z}") == std::string::npos || u.find("{x}") == std::string::npos ||
                           u.find("{y}") == std::string::npos)) {
            errors.add("/tiles/url",
                       "must be an http(s) URL template with {z}, {x} and {y}, as Leaflet reads it");
        }
    }
    errors.throw_if_any("invalid workspace");
    return w;
}

json writable_json(const Organisation& o) {
    return json{{"name", o.name},
                {"type", std::string(enum_name(o.type))},
                {"contact",
                 {{"name", o.contact.name},
                  {"email", o.contact.email},
                  {"phone", o.contact.phone},
                  {"website", o.contact.website},
                  {"address", o.contact.address}}},
                {"notes", o.notes}};
}

json to_json(const Organisation& o) {
    json j = writable_json(o);
    j["id"] = o.id;
    j["workspace_id"] = o.workspace_id;
    j["created_at"] = o.created_at;
    j["updated_at"] = o.updated_at;
    return j;
}

Organisation read_organisation(const json& doc) {
    FieldErrors errors;
    DocReader r(doc, "", errors);
    r.reject_unknown({"name", "type", "contact", "notes"},
                     {"id", "workspace_id", "created_at", "updated_at"});
    Organisation o;
    o.name = r.string("name", true, 300).value_or("");
    o.type = r.enumeration<OrganisationType>("type", true).value_or(OrganisationType::other);
    o.notes = r.string("notes", false, 10000).value_or("");
    if (const json* c = r.get("contact")) {
        DocReader cr(*c, "/contact", errors);
        cr.reject_unknown({"name", "email", "phone", "website", "address"});
        o.contact.name = cr.string("name", false, 300).value_or("");
        o.contact.email = cr.string("email", false, 320).value_or("");
        o.contact.phone = cr.string("phone", false, 64).value_or("");
        o.contact.website = cr.string("website", false, 2000).value_or("");
        o.contact.address = cr.string("address", false, 1000).value_or("");
        if (!o.contact.email.empty() && !plausible_email(o.contact.email)) {
            errors.add("/contact/email", "is not an email address");
        }
        if (!o.contact.website.empty() && o.contact.website.rfind("http://", 0) != 0 &&
            o.contact.website.rfind("https://", 0) != 0) {
            errors.add("/contact/website", "must be an http:// or https:// address");
        }
    }
    errors.throw_if_any("invalid organisation");
    return o;
}

json to_json(const StatusChange& c) {
    json j{{"id", c.id},
           {"space_id", c.space_id},
           {"at", c.at},
           {"from", c.from ? json(std::string(enum_name(*c.from))) : json(nullptr)},
           {"to", std::string(enum_name(c.to))},
           {"reason", c.reason}};
    return j;
}

json to_json(const Job& j) {
    auto opt_text = [](const std::string& s) { return s.empty() ? json(nullptr) : json(s); };
    return json{{"id", j.id},
                {"workspace_id", j.workspace_id},
                {"kind", j.kind},
                {"status", std::string(enum_name(j.status))},
                {"params", j.params},
                {"progress", j.progress},
                {"result", j.result},
                {"error", opt_text(j.error)},
                {"created_at", j.created_at},
                {"started_at", opt_text(j.started_at)},
                {"finished_at", opt_text(j.finished_at)}};
}

json merge_patch(json target, const json& patch) {
    if (!patch.is_object()) {
        return patch;
    }
    if (!target.is_object()) {
        target = json::object();
    }
    for (const auto& [k, v] : patch.items()) {
        if (v.is_null()) {
            target.erase(k);
        } else {
            target[k] = merge_patch(target.contains(k) ? target[k] : json(nullptr), v);
        }
    }
    return target;
}

} // namespace impetus
