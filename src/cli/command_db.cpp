#include "cli/commands.hpp"
#include "core/error.hpp"

#include <CLI/CLI.hpp>

#include <iostream>

namespace impetus::cli {

void DbCommand::setup(CLI::App& parent) {
    m_app = parent.add_subcommand("db", "Database administration");
    m_app->require_subcommand(1);
    add_db_option(*m_app, m_db);
    m_migrate = m_app->add_subcommand("migrate", "Create the database or bring its schema up to date");
    add_db_option(*m_migrate, m_db);
    m_backup = m_app->add_subcommand("backup", "Copy the database consistently, even while in use");
    add_db_option(*m_backup, m_db);
    m_backup->add_option("FILE", m_backup_file, "Where to write the copy")->required();
    m_check = m_app->add_subcommand("check", "Check integrity, indexes and lifecycle records");
    add_db_option(*m_check, m_db);
}

int DbCommand::run() {
    if (m_migrate->parsed()) {
        auto store = open_store_at(m_db, true);
        std::cout << m_db << ": schema version " << store->schema_version() << "\n";
        return k_exit_ok;
    }
    if (m_backup->parsed()) {
        auto store = open_store_at(m_db, false);
        store->backup(m_backup_file);
        std::cout << "backup of " << m_db << " written to " << m_backup_file << "\n";
        return k_exit_ok;
    }
    auto store = open_store_at(m_db, false);
    auto r = store->check();
    std::cout << m_db << ": schema version " << r.schema_version << ", " << r.workspaces
              << " workspaces, " << r.organisations << " organisations, " << r.spaces
              << " spaces\n";
    for (const auto& p : r.problems) std::cout << "problem: " << p << "\n";
    std::cout << (r.ok ? "ok" : "problems found") << "\n";
    return r.ok ? k_exit_ok : k_exit_failure;
}

} // namespace impetus::cli
