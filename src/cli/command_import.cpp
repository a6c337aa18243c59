#include "cli/commands.hpp"
#include "core/error.hpp"
#include "importers/import.hpp"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace impetus::cli {

namespace {

std::string read_input(const std::string& file) {
    std::ostringstream ss;
    if (file == "-") {
        ss << std::cin.rdbuf();
        return ss.str();
    }
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec)) {
        throw Error(ErrorKind::not_found, "no file " + file, "check the path");
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        throw Error(ErrorKind::io, "cannot read " + file, "check its permissions");
    }
    ss << in.rdbuf();
    return ss.str();
}

} // namespace

void ImportCommand::setup(CLI::App& parent) {
    m_app = parent.add_subcommand(
        "import", "Import spaces from a GeoJSON, brownfield register or CNIG friches file");
    add_db_option(*m_app, m_db);
    m_app->add_option("FILE", m_file, "The file to import (- for standard input)")->required();
    m_app->add_option("--workspace,-w", m_workspace, "Workspace slug")->required();
    m_app->add_option("--format", m_format, "Force the format instead of detecting it")
        ->check(CLI::IsMember({"geojson", "brownfield", "cnig"}));
    m_app->add_option("--source", m_source,
                      "Source name the records are keyed by (default: from the file)");
    m_app->add_flag("--strict", m_strict, "Import nothing when any row is rejected");
    m_app->add_flag("--dry-run", m_dry_run, "Report what would change, change nothing");
    m_app->add_flag("--json", m_json, "Print the report as JSON");
}

int ImportCommand::run() {
    const std::string content = read_input(m_file);
    auto store = open_store_at(m_db, true);
    const Workspace ws = require_workspace(*store, m_workspace);
    importers::ImportOptions opt;
    if (!m_format.empty()) opt.format = parse_enum<importers::ImportFormat>(m_format);
    opt.strict = m_strict;
    opt.dry_run = m_dry_run;
    opt.file_name = m_file == "-" ? "stdin" : std::filesystem::path(m_file).filename().string();
    if (!m_source.empty()) opt.source = m_source;
    auto report = importers::run_import(*store, ws.id, content, opt);
    if (m_json) {
        std::cout << importers::to_json(report).dump(2) << "\n";
    } else {
        std::cout << (report.dry_run ? "dry run: " : "") << opt.file_name << " ("
                  << enum_name(report.format) << ", " << report.encoding << ", source "
                  << report.source << "): " << report.rows << " rows, " << report.created
                  << " created, " << report.updated << " updated, " << report.unchanged
                  << " unchanged, " << report.rejected.size() << " rejected";
        if (report.ended) std::cout << " (" << report.ended << " ended by the source)";
        std::cout << "\n";
        for (const auto& r : report.rejected) {
            std::cout << "  rejected line " << r.line
                      << (r.reference.empty() ? "" : " (" + r.reference + ")") << ": " << r.reason
                      << "\n";
        }
        for (const auto& w : report.warnings) {
            std::cout << "  warning line " << w.line
                      << (w.reference.empty() ? "" : " (" + w.reference + ")") << ": " << w.reason
                      << "\n";
        }
    }
    // Rows were rejected but the rest went in: the run did what it was asked, and says so.
    return k_exit_ok;
}

} // namespace impetus::cli
