#include "cli/commands.hpp"
#include "core/error.hpp"
#include "core/records_json.hpp"

#include <CLI/CLI.hpp>

#include <iostream>

namespace impetus::cli {

void WorkspaceCommand::setup(CLI::App& parent) {
    m_app = parent.add_subcommand("workspace", "Create and list workspaces");
    m_app->require_subcommand(1);
    m_create = m_app->add_subcommand("create", "Create a workspace");
    add_db_option(*m_create, m_db);
    m_create->add_option("SLUG", m_slug, "Short name used in URLs (a-z, 0-9, -)")->required();
    m_create->add_option("--name", m_name, "Display name")->required();
    m_create->add_option("--country", m_country, "ISO 3166-1 alpha-2 country code");
    m_create->add_option("--languages", m_languages, "Interface languages, first is default")
        ->delimiter(',');
    m_create->add_option("--center", m_center, "Default map centre LON,LAT");
    m_create->add_option("--zoom", m_zoom, "Default map zoom (0-22)")->default_val(12);
    m_create->add_flag("--if-missing", m_if_missing,
                       "Succeed without change when the workspace exists");
    m_list = m_app->add_subcommand("list", "List workspaces");
    add_db_option(*m_list, m_db);
    m_list->add_flag("--json", m_json, "Print JSON");
}

int WorkspaceCommand::run() {
    if (m_list->parsed()) {
        auto store = open_store_at(m_db, false);
        auto all = store->list_workspaces();
        if (m_json) {
            nlohmann::json items = nlohmann::json::array();
            for (const auto& w : all) items.push_back(to_json(w));
            std::cout << items.dump(2) << "\n";
        } else {
            for (const auto& w : all) {
                std::cout << w.slug << "\t" << w.name << "\t" << w.country << "\n";
            }
        }
        return k_exit_ok;
    }
    nlohmann::json doc{{"slug", m_slug}, {"name", m_name}};
    if (!m_country.empty()) doc["country"] = m_country;
    if (!m_languages.empty()) doc["languages"] = m_languages;
    if (!m_center.empty()) {
        auto comma = m_center.find(',');
        try {
            if (comma == std::string::npos) throw std::invalid_argument("center");
            doc["map_view"] = {{"lon", std::stod(m_center.substr(0, comma))},
                               {"lat", std::stod(m_center.substr(comma + 1))},
                               {"zoom", m_zoom}};
        } catch (const std::exception&) {
            throw Error(ErrorKind::invalid_input, "--center must be LON,LAT",
                        "for example --center 3.06,50.63");
        }
    }
    Workspace w = read_workspace(doc);
    auto store = open_store_at(m_db, true);
    if (m_if_missing && store->workspace_by_slug(w.slug)) {
        std::cout << "workspace " << w.slug << " exists\n";
        return k_exit_ok;
    }
    w = store->create_workspace(w);
    std::cout << "workspace " << w.slug << " created\n";
    return k_exit_ok;
}

} // namespace impetus::cli
