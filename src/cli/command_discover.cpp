#include "cli/commands.hpp"
#include "core/error.hpp"
#include "discovery/discovery.hpp"
#include "discovery/scan.hpp"

#include <CLI/CLI.hpp>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>

namespace impetus::cli {

namespace {

std::string human_count(double n) {
    char buf[32];
    if (n >= 1e6) {
        std::snprintf(buf, sizeof buf, "%.1fM", n / 1e6);
    } else if (n >= 1e4) {
        std::snprintf(buf, sizeof buf, "%.0fk", n / 1e3);
    } else {
        std::snprintf(buf, sizeof buf, "%.0f", n);
    }
    return buf;
}

std::string human_duration(double seconds) {
    const auto s = static_cast<long>(std::lround(seconds));
    char buf[32];
    if (seconds < 10) {
        std::snprintf(buf, sizeof buf, "%.1fs", seconds);
    } else if (s >= 3600) {
        std::snprintf(buf, sizeof buf, "%ldh%02ldm", s / 3600, (s % 3600) / 60);
    } else if (s >= 60) {
        std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
    } else {
        std::snprintf(buf, sizeof buf, "%lds", s);
    }
    return buf;
}

// Progress on standard error: one line redrawn in place on a terminal, a line per tenth of the
// file (and per phase) otherwise, so logs of scripted runs stay short.
class ProgressPrinter {
public:
    ProgressPrinter() : m_tty(::isatty(STDERR_FILENO) == 1) {}

    void operator()(const discovery::Progress& p) {
        const auto now = std::chrono::steady_clock::now();
        const int tenth = static_cast<int>(p.share_read * 10.0);
        const bool phase_changed = p.phase != m_phase;
        if (m_tty) {
            if (!phase_changed && p.phase != "done" && now - m_last < std::chrono::milliseconds(200)) {
                return;
            }
        } else if (!phase_changed && tenth == m_tenth) {
            return;
        }
        m_last = now;
        m_tenth = tenth;
        m_phase = p.phase;

        std::ostringstream line;
        const int width = 24;
        const int filled = static_cast<int>(std::clamp(p.share_read, 0.0, 1.0) * width);
        line << '[' << std::string(static_cast<std::size_t>(filled), '#')
             << std::string(static_cast<std::size_t>(width - filled), ' ') << "] "
             << static_cast<int>(std::lround(p.share_read * 100.0)) << "% " << p.phase << ", "
             << human_count(static_cast<double>(p.objects)) << " objects";
        if (p.objects_per_second > 0) {
            line << ", " << human_count(p.objects_per_second) << "/s";
        }
        if (p.seconds_left > 0 && p.phase != "done") {
            line << ", " << human_duration(p.seconds_left) << " left";
        }
        if (m_tty) {
            std::string s = line.str();
            if (s.size() < m_width) s.append(m_width - s.size(), ' ');
            m_width = s.size();
            std::cerr << '\r' << s << std::flush;
        } else {
            std::cerr << line.str() << '\n';
        }
    }

    // Ends the redrawn line before anything else is printed.
    void finish() {
        if (m_tty && m_width > 0) std::cerr << '\n';
        m_width = 0;
    }

private:
    bool m_tty;
    std::chrono::steady_clock::time_point m_last{};
    int m_tenth = -1;
    std::string m_phase;
    std::size_t m_width = 0;
};

void print_summary(const discovery::ScanSummary& s, const std::string& workspace) {
    std::cout << (s.dry_run ? "dry run: " : "") << s.file << ": " << s.candidates
              << " candidates in workspace " << workspace << ": " << s.created << " created, "
              << s.updated << " updated, " << s.unchanged << " unchanged, " << s.kept
              << " kept as reviewed, " << s.ended << " ended (no longer in the extract)";
    if (s.kept_missing) {
        std::cout << ", " << s.kept_missing << " no longer in the extract but kept as reviewed";
    }
    std::cout << "\n";
    for (const auto& [rule, n] : s.per_rule) std::cout << "  " << rule << ": " << n << "\n";
    std::cout << "  " << s.objects_read << " objects read in " << human_duration(s.seconds)
              << "\n";
}

} // namespace

void DiscoverCommand::setup(CLI::App& parent) {
    m_app = parent.add_subcommand(
        "discover", "Find candidate vacant spaces in an OpenStreetMap extract (.osm.pbf)");
    add_db_option(*m_app, m_db);
    m_app->add_option("FILE", m_file, "The OpenStreetMap extract (.osm.pbf)")->required();
    auto* ws = m_app->add_option("--workspace,-w", m_workspace,
                                 "Put the candidates into this workspace (status reported)");
    auto* gj = m_app->add_option("--geojson", m_geojson,
                                 "Write the candidates as GeoJSON to this file (- for standard "
                                 "output) instead of the store");
    ws->excludes(gj);
    gj->excludes(ws);
    m_app->add_option("--weights", m_weights,
                      "Score weights (JSON; default: the built-in values documented in "
                      "config/discovery-weights.json)");
    m_app->add_flag("--dry-run", m_dry_run, "Report what would change in the workspace, change nothing");
    m_app->add_flag("--json", m_json, "Print the summary as JSON");
    m_app->add_flag("--quiet,-q", m_quiet, "No progress on standard error");
}

int DiscoverCommand::run() {
    if (m_workspace.empty() && m_geojson.empty()) {
        throw Error(ErrorKind::invalid_input, "say where the candidates go",
                    "add --workspace SLUG (into the store) or --geojson FILE (a file only)");
    }
    if (m_dry_run && !m_geojson.empty()) {
        throw Error(ErrorKind::invalid_input, "--dry-run applies to --workspace only",
                    "--geojson never touches the store");
    }

    discovery::DiscoverOptions options;
    if (!m_weights.empty()) options.weights = discovery::load_weights(m_weights);

    // Everything that can be refused is checked before the extract is read.
    std::unique_ptr<Store> store;
    std::optional<Workspace> ws;
    if (!m_workspace.empty()) {
        store = open_store_at(m_db, true);
        ws = require_workspace(*store, m_workspace);
    }

    ProgressPrinter printer;
    if (!m_quiet) options.progress = [&printer](const discovery::Progress& p) { printer(p); };
    discovery::DiscoveryResult result;
    try {
        result = discovery::discover(m_file, options);
    } catch (...) {
        printer.finish();
        throw;
    }
    printer.finish();

    const std::string file_name = std::filesystem::path(m_file).filename().string();
    if (!m_geojson.empty()) {
        std::string out;
        discovery::write_geojson(result, out);
        if (m_geojson == "-") {
            std::cout << out;
            std::cout.flush();
        } else {
            write_file_atomically(m_geojson, out);
        }
        if (m_json) {
            nlohmann::json j{{"file", file_name},
                             {"candidates", result.candidates.size()},
                             {"per_rule", result.per_rule},
                             {"objects_read", result.objects_read},
                             {"seconds", result.seconds}};
            std::cerr << j.dump(2) << "\n";
        } else {
            std::cerr << result.candidates.size() << " candidates written to "
                      << (m_geojson == "-" ? "standard output" : m_geojson) << "\n";
        }
        return k_exit_ok;
    }

    const auto summary = discovery::apply_scan(*store, ws->id, result, file_name, m_dry_run);
    if (m_json) {
        std::cout << discovery::to_json(summary).dump(2) << "\n";
    } else {
        print_summary(summary, ws->slug);
    }
    return k_exit_ok;
}

} // namespace impetus::cli
