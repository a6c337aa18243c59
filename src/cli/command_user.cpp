#include "auth/accounts.hpp"
#include "auth/secrets.hpp"
#include "cli/commands.hpp"
#include "core/error.hpp"

#include <CLI/CLI.hpp>

#include <iostream>
#include <string>

namespace impetus::cli {

void UserCommand::setup(CLI::App& parent) {
    m_app = parent.add_subcommand("user", "Create accounts and give them roles");
    m_app->require_subcommand(1);

    m_create = m_app->add_subcommand("create", "Create a verified account");
    add_db_option(*m_create, m_db);
    m_create->add_option("EMAIL", m_email, "The account's e-mail address")->required();
    m_create->add_option("--name", m_name, "Display name");
    m_create->add_flag("--admin", m_admin, "Make the account an instance administrator");
    m_create->add_flag("--password-stdin", m_password_stdin,
                       "Read the password from the first line of standard input (otherwise a "
                       "random one is generated and printed once)");

    m_list = m_app->add_subcommand("list", "List accounts and their roles");
    add_db_option(*m_list, m_db);
    m_list->add_flag("--json", m_json, "Print JSON");

    m_set_role = m_app->add_subcommand("set-role", "Give an account a role in a workspace");
    add_db_option(*m_set_role, m_db);
    m_set_role->add_option("EMAIL", m_email, "The account's e-mail address")->required();
    m_set_role->add_option("--workspace,-w", m_workspace, "Workspace slug")->required();
    m_set_role->add_option("--role", m_role,
                           "admin, officer, owner, applicant, citizen, or none to remove it")
        ->required()
        ->check(CLI::IsMember({"admin", "officer", "owner", "applicant", "citizen", "none"}));
}

int UserCommand::run() {
    auto store = open_store_at(m_db, !m_list->parsed());
    ActorScope actor(Actor{std::nullopt, "cli", ""});
    auth::AccountService accounts(*store, auth::AuthSettings{});

    if (m_create->parsed()) {
        std::string password;
        bool generated = false;
        if (m_password_stdin) {
            std::getline(std::cin, password);
            if (!password.empty() && password.back() == '\r') password.pop_back();
        } else {
            password = auth::random_token(15);
            generated = true;
        }
        User u = accounts.create_user(m_email, password, m_name, m_admin);
        std::cout << "user " << u.email << " created" << (u.instance_admin ? " (administrator)" : "")
                  << "\n";
        if (generated) std::cout << "password: " << password << "\n";
        return k_exit_ok;
    }
    if (m_list->parsed()) {
        nlohmann::json items = nlohmann::json::array();
        for (const auto& u : store->list_users()) {
            nlohmann::json roles = nlohmann::json::object();
            for (const auto& m : store->memberships(u.id)) {
                roles[m.workspace_slug] = enum_name(m.role);
            }
            if (m_json) {
                items.push_back({{"id", u.id},
                                 {"email", u.email},
                                 {"display_name", u.display_name},
                                 {"instance_admin", u.instance_admin},
                                 {"email_verified", !u.email_verified_at.empty()},
                                 {"roles", roles}});
            } else {
                std::cout << u.email << "\t" << (u.instance_admin ? "admin" : "-");
                for (const auto& [ws, role] : roles.items()) {
                    std::cout << "\t" << ws << ":" << role.get<std::string>();
                }
                std::cout << "\n";
            }
        }
        if (m_json) std::cout << items.dump(2) << "\n";
        return k_exit_ok;
    }
    const auto role = m_role == "none" ? std::nullopt : parse_enum<Role>(m_role);
    // A role goes only to a confirmed address: anybody can register someone else's.
    auto u = role ? accounts.verified_account(m_email) : store->user_by_email(m_email);
    if (!u) {
        throw Error(ErrorKind::not_found, "no verified account " + m_email,
                    "create it with: impetus user create " + m_email +
                        " (a self-registered account confirms its address first)");
    }
    const Workspace ws = require_workspace(*store, m_workspace);
    store->set_role(u->id, ws.id, role);
    std::cout << u->email << " in " << ws.slug << ": " << m_role << "\n";
    return k_exit_ok;
}

} // namespace impetus::cli
