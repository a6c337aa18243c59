// The `impetus` executable: parses the command line and turns every error into a message, a
// hint and an exit code (the only place that does).

#include "cli/command.hpp"
#include "core/error.hpp"
#include "store/actor.hpp"

#include <CLI/CLI.hpp>

#include <iostream>

int main(int argc, char** argv) {
    using namespace impetus;
    CLI::App app{"Impetus: the inventory of vacant and underused spaces for temporary use"};
    app.name("impetus");
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string("impetus 0.1.0"));
    auto commands = cli::make_commands();
    for (auto& c : commands) c->setup(app);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int rc = app.exit(e);
        return rc == 0 ? 0 : cli::k_exit_usage;
    }
    for (auto& c : commands) {
        if (!c->app()->parsed()) continue;
        try {
            // The audit log names the command line as the author of what a command changes.
            ActorScope actor(Actor{std::nullopt, "cli", ""});
            return c->run();
        } catch (const Error& e) {
            std::cerr << "impetus: error: " << e.what() << "\n";
            for (const auto& f : e.fields()) {
                std::cerr << "  " << describe_location(f) << ": " << f.message << "\n";
            }
            if (!e.hint().empty()) std::cerr << "hint: " << e.hint() << "\n";
            return cli::exit_code_for(e.kind());
        } catch (const std::exception& e) {
            std::cerr << "impetus: internal error: " << e.what() << "\n"
                      << "hint: this is a bug; please report it with the command you ran\n";
            return cli::k_exit_internal;
        }
    }
    return cli::k_exit_usage;
}
