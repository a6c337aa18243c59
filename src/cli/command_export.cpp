#include "cli/commands.hpp"
#include "core/error.hpp"
#include "exports/exports.hpp"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace impetus::cli {

void ExportCommand::setup(CLI::App& parent) {
    m_app = parent.add_subcommand("export", "Export the spaces of a workspace as GeoJSON or CSV");
    add_db_option(*m_app, m_db);
    m_app->add_option("--workspace,-w", m_workspace, "Workspace slug")->required();
    m_app->add_option("--format", m_format, "geojson or csv")
        ->check(CLI::IsMember({"geojson", "csv"}))
        ->default_val("geojson");
    m_app->add_option("--output,-o", m_output, "File to write (default: standard output)");
    m_app->add_option("--status", m_status, "Only these statuses (repeatable)")->delimiter(',');
    m_app->add_option("--kind", m_kind, "Only these kinds (repeatable)")->delimiter(',');
    m_app->add_option("--bbox", m_bbox, "MINLON,MINLAT,MAXLON,MAXLAT");
    m_app->add_option("--q", m_text, "Words in name, address or notes");
}

int ExportCommand::run() {
    auto store = open_store_at(m_db, false);
    const Workspace ws = require_workspace(*store, m_workspace);
    SpaceQuery q;
    q.workspace_id = ws.id;
    FieldErrors errors;
    for (const auto& s : m_status) {
        if (auto v = parse_enum<SpaceStatus>(s)) q.statuses.insert(*v);
        else
            errors.add_parameter("--status",
                                 "'" + s + "' is not one of " + enum_choices<SpaceStatus>());
    }
    for (const auto& k : m_kind) {
        if (auto v = parse_enum<SpaceKind>(k)) q.kinds.insert(*v);
        else
            errors.add_parameter("--kind",
                                 "'" + k + "' is not one of " + enum_choices<SpaceKind>());
    }
    if (!m_bbox.empty()) {
        std::vector<double> v;
        std::stringstream ss(m_bbox);
        std::string part;
        while (std::getline(ss, part, ',')) {
            try {
                v.push_back(std::stod(part));
            } catch (const std::exception&) {
                v.clear();
                break;
            }
        }
        if (v.size() != 4 || v[0] > v[2] || v[1] > v[3]) {
            errors.add_parameter("--bbox", "must be MINLON,MINLAT,MAXLON,MAXLAT");
        } else {
            q.bbox = BBox{v[0], v[1], v[2], v[3]};
        }
    }
    if (!m_text.empty()) q.text = m_text;
    q.search_internal = true; // the file holds the notes too
    errors.throw_if_any("invalid export filters");

    auto slug = [&](Id) { return ws.slug; };
    std::string out;
    std::size_t n = m_format == "csv" ? exports::write_csv(*store, q, slug, out)
                                      : exports::write_geojson(*store, q, slug, out);
    if (m_output.empty() || m_output == "-") {
        std::cout << out;
        std::cout.flush();
    } else {
        write_file_atomically(m_output, out);
        std::cerr << n << " spaces written to " << m_output << "\n";
    }
    return k_exit_ok;
}

} // namespace impetus::cli
