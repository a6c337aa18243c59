#pragma once

// One class per CLI command (command_<name>.cpp): setup() declares its options on a CLI11
// subcommand, run() does the work and returns the exit code. Errors are impetus::Error and are
// turned into a message, a hint and an exit code in one place (main.cpp).

#include "core/error.hpp"
#include "store/actor.hpp"
#include "store/store.hpp"

#include <memory>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace impetus::cli {

class Command {
public:
    virtual ~Command() = default;
    virtual void setup(CLI::App& parent) = 0;
    virtual int run() = 0;
    // The CLI11 subcommand this command registered (to know which one the user chose).
    CLI::App* app() const noexcept { return m_app; }

protected:
    CLI::App* m_app = nullptr;
};

// Every command, in the order `impetus --help` lists them.
std::vector<std::unique_ptr<Command>> make_commands();

// Adds --db PATH (default impetus.db) to a subcommand.
void add_db_option(CLI::App& app, std::string& path);
std::unique_ptr<Store> open_store_at(const std::string& path, bool create);
// The workspace with this slug; Error(not_found) with a hint to create it otherwise.
Workspace require_workspace(Store& store, const std::string& slug);

// Writes `content` beside `path` and renames it into place: never half a file under the final
// name. Error(io) when the folder is missing or not writable.
void write_file_atomically(const std::string& path, const std::string& content);

// Exit codes, stable for scripts.
enum ExitCode : int {
    k_exit_ok = 0,
    k_exit_failure = 1,   // the operation ran and reports failure (check found problems)
    k_exit_usage = 2,     // bad arguments or input
    k_exit_not_found = 3, // a named thing does not exist
    k_exit_conflict = 4,  // clashes with the current state
    k_exit_storage = 5,   // database or file system failure
    k_exit_internal = 70  // a bug (EX_SOFTWARE)
};

int exit_code_for(ErrorKind kind) noexcept;

} // namespace impetus::cli
