#pragma once

// The commands of the `impetus` executable.

#include "cli/command.hpp"

#include <optional>
#include <string>
#include <vector>

namespace impetus::cli {

class ServeCommand final : public Command {
public:
    void setup(CLI::App& parent) override;
    int run() override;

private:
    std::string m_db;
    std::string m_listen = "127.0.0.1:8080";
    std::string m_web_root;
    unsigned m_threads = 0;
    std::size_t m_max_connections = 0;
    std::size_t m_max_connections_per_address = 128;
    std::string m_log_level = "info";
    std::string m_extracts_dir;
    std::string m_upload_dir;
    std::size_t m_max_upload_mb = 512;
    std::string m_weights;
    std::string m_public_url;
    std::string m_smtp_url;
    std::string m_mail_from = "Impetus <noreply@localhost>";
};

class ImportCommand final : public Command {
public:
    void setup(CLI::App& parent) override;
    int run() override;

private:
    std::string m_db;
    std::string m_file;
    std::string m_workspace;
    std::string m_format;
    std::string m_source;
    bool m_strict = false;
    bool m_dry_run = false;
    bool m_json = false;
};

class ExportCommand final : public Command {
public:
    void setup(CLI::App& parent) override;
    int run() override;

private:
    std::string m_db;
    std::string m_workspace;
    std::string m_format = "geojson";
    std::string m_output;
    std::vector<std::string> m_status;
    std::vector<std::string> m_kind;
    std::string m_bbox;
    std::string m_text;
};

class DiscoverCommand final : public Command {
public:
    void setup(CLI::App& parent) override;
    int run() override;

private:
    std::string m_db;
    std::string m_file;
    std::string m_workspace;
    std::string m_geojson;
    std::string m_weights;
    bool m_dry_run = false;
    bool m_json = false;
    bool m_quiet = false;
};

class UserCommand final : public Command {
public:
    void setup(CLI::App& parent) override;
    int run() override;

private:
    std::string m_db;
    std::string m_email;
    std::string m_name;
    std::string m_workspace;
    std::string m_role;
    bool m_admin = false;
    bool m_password_stdin = false;
    bool m_json = false;
    CLI::App* m_create = nullptr;
    CLI::App* m_list = nullptr;
    CLI::App* m_set_role = nullptr;
};

class DbCommand final : public Command {
public:
    void setup(CLI::App& parent) override;
    int run() override;

private:
    std::string m_db;
    std::string m_backup_file;
    CLI::App* m_migrate = nullptr;
    CLI::App* m_backup = nullptr;
    CLI::App* m_check = nullptr;
};

class WorkspaceCommand final : public Command {
public:
    void setup(CLI::App& parent) override;
    int run() override;

private:
    std::string m_db;
    std::string m_slug;
    std::string m_name;
    std::string m_country;
    std::vector<std::string> m_languages;
    std::string m_center;
    double m_zoom = 12;
    bool m_if_missing = false;
    bool m_json = false;
    CLI::App* m_create = nullptr;
    CLI::App* m_list = nullptr;
};

} // namespace impetus::cli
