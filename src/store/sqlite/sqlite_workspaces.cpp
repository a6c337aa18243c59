// Workspaces and organisations in SQLite.

#include "core/dates.hpp"
#include "core/error.hpp"
#include "core/records_json.hpp"
#include "store/sqlite/sqlite_collation.hpp"
#include "store/sqlite/sqlite_rows.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace impetus::sqlite {

using nlohmann::json;

namespace {

Workspace read_workspace_row(const Statement& st) {
    Workspace w;
    w.id = st.int64(0);
    w.slug = st.text(1);
    w.name = st.text(2);
    w.country = st.text(3);
    auto langs = json::parse(st.text_view(4), nullptr, false);
    if (langs.is_array()) {
        for (const auto& l : langs) {
            if (l.is_string()) w.languages.push_back(l.get<std::string>());
        }
    }
    w.map_view = MapView{st.real(5), st.real(6), st.real(7)};
    w.created_at = st.text(8);
    w.updated_at = st.text(9);
    w.tiles = TileSettings{st.text(10), st.text(11)};
    w.geometry_limits.max_vertices = static_cast<std::size_t>(st.int64(12));
    w.geometry_limits.max_rings = static_cast<std::size_t>(st.int64(13));
    return w;
}

constexpr const char* k_workspace_columns =
    "id, slug, name, country, languages, map_lon, map_lat, map_zoom, created_at, updated_at, "
    "tile_url, tile_attribution, max_vertices, max_rings";

Organisation read_organisation_row(const Statement& st) {
    Organisation o;
    o.id = st.int64(0);
    o.workspace_id = st.int64(1);
    o.name = st.text(2);
    o.type = enum_col<OrganisationType>(st, 3);
    auto c = json::parse(st.text_view(4), nullptr, false);
    if (c.is_object()) {
        o.contact.name = c.value("name", "");
        o.contact.email = c.value("email", "");
        o.contact.phone = c.value("phone", "");
        o.contact.website = c.value("website", "");
        o.contact.address = c.value("address", "");
    }
    o.notes = st.text(5);
    o.created_at = st.text(6);
    o.updated_at = st.text(7);
    return o;
}

constexpr const char* k_organisation_columns =
    "id, workspace_id, name, type, contact, notes, created_at, updated_at";

std::string contact_json(const Contact& c) {
    return json{{"name", c.name},
                {"email", c.email},
                {"phone", c.phone},
                {"website", c.website},
                {"address", c.address}}
        .dump();
}

} // namespace

// ---------------------------------------------------------------------------------------------
// Workspaces

Workspace SqliteStore::create_workspace(const Workspace& w) {
    return write([&](Connection& c) {
        auto exists = c.prepare("SELECT 1 FROM workspace WHERE slug = ?");
        exists.bind(1, w.slug);
        if (exists.step()) {
            throw Error(ErrorKind::conflict, "workspace '" + w.slug + "' already exists",
                        "choose another slug", {{"/slug", "is already used"}});
        }
        auto now = now_utc();
        auto st = c.prepare("INSERT INTO workspace (slug, name, country, languages, map_lon, "
                            "map_lat, map_zoom, created_at, updated_at, tile_url, "
                            "tile_attribution, max_vertices, max_rings) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        st.bind(1, w.slug).bind(2, w.name).bind(3, w.country).bind(4, json(w.languages).dump());
        st.bind(5, w.map_view.lon).bind(6, w.map_view.lat).bind(7, w.map_view.zoom);
        st.bind(8, now).bind(9, now).bind(10, w.tiles.url).bind(11, w.tiles.attribution);
        st.bind(12, static_cast<std::int64_t>(w.geometry_limits.max_vertices));
        st.bind(13, static_cast<std::int64_t>(w.geometry_limits.max_rings));
        st.run();
        Workspace out = w;
        out.id = c.last_insert_rowid();
        out.created_at = out.updated_at = now;
        record_audit(c, out.id, "workspace", out.id, "create", nullptr, to_json(out));
        return out;
    });
}

Workspace SqliteStore::update_workspace(Id id, const Workspace& w) {
    return write([&](Connection& c) {
        auto old = c.prepare(std::string("SELECT ") + k_workspace_columns +
                             " FROM workspace WHERE id = ?");
        old.bind(1, id);
        const json before = old.step() ? to_json(read_workspace_row(old)) : json(nullptr);
        auto clash = c.prepare("SELECT 1 FROM workspace WHERE slug = ? AND id <> ?");
        clash.bind(1, w.slug).bind(2, id);
        if (clash.step()) {
            throw Error(ErrorKind::conflict, "workspace '" + w.slug + "' already exists",
                        "choose another slug", {{"/slug", "is already used"}});
        }
        auto now = now_utc();
        auto st = c.prepare("UPDATE workspace SET slug = ?, name = ?, country = ?, languages = "
                            "?, map_lon = ?, map_lat = ?, map_zoom = ?, updated_at = ?, "
                            "tile_url = ?, tile_attribution = ?, max_vertices = ?, max_rings = ? "
                            "WHERE id = ?");
        st.bind(1, w.slug).bind(2, w.name).bind(3, w.country).bind(4, json(w.languages).dump());
        st.bind(5, w.map_view.lon).bind(6, w.map_view.lat).bind(7, w.map_view.zoom);
        st.bind(8, now).bind(9, w.tiles.url).bind(10, w.tiles.attribution);
        st.bind(11, static_cast<std::int64_t>(w.geometry_limits.max_vertices));
        st.bind(12, static_cast<std::int64_t>(w.geometry_limits.max_rings)).bind(13, id);
        st.run();
        if (c.changes() == 0) {
            throw Error(ErrorKind::not_found, "workspace not found");
        }
        auto rd = c.prepare(std::string("SELECT ") + k_workspace_columns +
                            " FROM workspace WHERE id = ?");
        rd.bind(1, id);
        rd.step();
        Workspace out = read_workspace_row(rd);
        record_audit(c, id, "workspace", id, "update", before, to_json(out));
        return out;
    });
}

std::optional<Workspace> SqliteStore::workspace_by_slug(std::string_view slug) {
    auto c = reader();
    auto st = c->prepare(std::string("SELECT ") + k_workspace_columns +
                         " FROM workspace WHERE slug = ?");
    st.bind(1, slug);
    if (!st.step()) return std::nullopt;
    return read_workspace_row(st);
}

std::optional<Workspace> SqliteStore::workspace_by_id(Id id) {
    auto c = reader();
    auto st = c->prepare(std::string("SELECT ") + k_workspace_columns +
                         " FROM workspace WHERE id = ?");
    st.bind(1, id);
    if (!st.step()) return std::nullopt;
    return read_workspace_row(st);
}

std::vector<Workspace> SqliteStore::list_workspaces() {
    auto c = reader();
    auto st = c->prepare(std::string("SELECT ") + k_workspace_columns +
                         " FROM workspace ORDER BY slug");
    std::vector<Workspace> out;
    while (st.step()) out.push_back(read_workspace_row(st));
    return out;
}

// ---------------------------------------------------------------------------------------------
// Organisations

Organisation SqliteStore::create_organisation(Id workspace_id, const Organisation& o) {
    return write([&](Connection& c) {
        auto now = now_utc();
        auto st = c.prepare("INSERT INTO organisation (workspace_id, name, type, contact, notes, "
                            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
        st.bind(1, workspace_id).bind(2, o.name).bind(3, enum_name(o.type));
        st.bind(4, contact_json(o.contact)).bind(5, o.notes).bind(6, now).bind(7, now);
        st.run();
        Organisation out = o;
        out.id = c.last_insert_rowid();
        out.workspace_id = workspace_id;
        out.created_at = out.updated_at = now;
        record_audit(c, workspace_id, "organisation", out.id, "create", nullptr, to_json(out));
        return out;
    });
}

Organisation SqliteStore::update_organisation(Id workspace_id, Id id, const Organisation& o) {
    return write([&](Connection& c) {
        auto old = c.prepare(std::string("SELECT ") + k_organisation_columns +
                             " FROM organisation WHERE id = ? AND workspace_id = ?");
        old.bind(1, id).bind(2, workspace_id);
        const json before = old.step() ? to_json(read_organisation_row(old)) : json(nullptr);
        auto now = now_utc();
        auto st = c.prepare("UPDATE organisation SET name = ?, type = ?, contact = ?, notes = ?, "
                            "updated_at = ? WHERE id = ? AND workspace_id = ?");
        st.bind(1, o.name).bind(2, enum_name(o.type)).bind(3, contact_json(o.contact));
        st.bind(4, o.notes).bind(5, now).bind(6, id).bind(7, workspace_id);
        st.run();
        if (c.changes() == 0) {
            throw Error(ErrorKind::not_found, "organisation " + std::to_string(id) + " not found");
        }
        auto rd = c.prepare(std::string("SELECT ") + k_organisation_columns +
                            " FROM organisation WHERE id = ?");
        rd.bind(1, id);
        rd.step();
        Organisation out = read_organisation_row(rd);
        record_audit(c, workspace_id, "organisation", id, "update", before, to_json(out));
        return out;
    });
}

std::optional<Organisation> SqliteStore::organisation(Id workspace_id, Id id) {
    auto c = reader();
    auto st = c->prepare(std::string("SELECT ") + k_organisation_columns +
                         " FROM organisation WHERE id = ? AND workspace_id = ?");
    st.bind(1, id).bind(2, workspace_id);
    if (!st.step()) return std::nullopt;
    return read_organisation_row(st);
}

std::vector<Organisation> SqliteStore::list_organisations(Id workspace_id, std::size_t limit,
                                                          std::size_t offset,
                                                          std::size_t* total) {
    auto c = reader();
    ReadTransaction snapshot(*c);
    if (total) {
        auto n = c->prepare("SELECT count(*) FROM organisation WHERE workspace_id = ?");
        n.bind(1, workspace_id);
        n.step();
        *total = static_cast<std::size_t>(n.int64(0));
    }
    auto st = c->prepare(std::string("SELECT ") + k_organisation_columns +
                         " FROM organisation WHERE workspace_id = ? ORDER BY name COLLATE " +
                         name_collation(*c, workspace_id) + ", id LIMIT ? OFFSET ?");
    st.bind(1, workspace_id)
        .bind(2, static_cast<std::int64_t>(limit))
        .bind(3, static_cast<std::int64_t>(offset));
    std::vector<Organisation> out;
    while (st.step()) out.push_back(read_organisation_row(st));
    return out;
}

} // namespace impetus::sqlite
