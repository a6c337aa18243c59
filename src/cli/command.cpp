#include "cli/command.hpp"

#include "cli/commands.hpp"
#include "core/error.hpp"

#include <CLI/CLI.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace impetus::cli {

std::vector<std::unique_ptr<Command>> make_commands() {
    std::vector<std::unique_ptr<Command>> out;
    out.push_back(std::make_unique<ServeCommand>());
    out.push_back(std::make_unique<ImportCommand>());
    out.push_back(std::make_unique<ExportCommand>());
    out.push_back(std::make_unique<DiscoverCommand>());
    out.push_back(std::make_unique<DbCommand>());
    out.push_back(std::make_unique<WorkspaceCommand>());
    out.push_back(std::make_unique<UserCommand>());
    return out;
}

void add_db_option(CLI::App& app, std::string& path) {
    app.add_option("--db", path, "SQLite database file")
        ->default_val("impetus.db")
        ->envname("IMPETUS_DB");
}

namespace {

// IMPETUS_SYNCHRONOUS=normal trades the last commits before a power loss for faster writes
// (see Durability, and README, "Durability and backups"); unset or "full", every acknowledged
// write is on the disk.
Durability durability_from_environment() {
    const char* v = std::getenv("IMPETUS_SYNCHRONOUS");
    const std::string value = v ? v : "";
    if (value.empty() || value == "full") return Durability::full;
    if (value == "normal") return Durability::normal;
    throw Error(ErrorKind::invalid_input,
                "IMPETUS_SYNCHRONOUS is '" + value + "', not full or normal",
                "leave it unset for full durability, or set it to normal to accept losing the "
                "last writes on a power loss");
}

} // namespace

std::unique_ptr<Store> open_store_at(const std::string& path, bool create) {
    StoreOptions o;
    o.location = path;
    o.create = create;
    o.durability = durability_from_environment();
    return open_store(o);
}

Workspace require_workspace(Store& store, const std::string& slug) {
    auto ws = store.workspace_by_slug(slug);
    if (!ws) {
        throw Error(ErrorKind::not_found, "workspace '" + slug + "' not found",
                    "create it with: impetus workspace create " + slug +
                        " --name NAME (impetus workspace list shows the others)");
    }
    return *ws;
}

void write_file_atomically(const std::string& path, const std::string& content) {
    const std::filesystem::path tmp = path + ".part";
    {
        std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
        f << content;
        f.flush();
        if (!f) {
            std::error_code ec;
            std::filesystem::remove(tmp, ec);
            throw Error(ErrorKind::io, "cannot write " + path,
                        "check the folder exists and is writable");
        }
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
        std::filesystem::remove(tmp, ec);
        throw Error(ErrorKind::io, "cannot write " + path + ": " + ec.message(),
                    "check the folder exists and is writable");
    }
}

int exit_code_for(ErrorKind kind) noexcept {
    switch (kind) {
    case ErrorKind::invalid_input:
    case ErrorKind::too_large:
    case ErrorKind::unsupported_media: return k_exit_usage;
    case ErrorKind::not_found: return k_exit_not_found;
    case ErrorKind::conflict:
    case ErrorKind::precondition: return k_exit_conflict;
    case ErrorKind::storage:
    case ErrorKind::io: return k_exit_storage;
    case ErrorKind::unauthenticated:
    case ErrorKind::forbidden:
    case ErrorKind::rate_limited:
    case ErrorKind::unavailable: return k_exit_failure;
    case ErrorKind::internal: return k_exit_internal;
    }
    return k_exit_internal;
}

} // namespace impetus::cli
