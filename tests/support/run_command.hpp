#pragma once

// Runs programs for the CLI and GIS tests: the real `impetus` binary and real GIS clients.

#include <string>
#include <vector>

namespace impetus::test {

struct RunResult {
    int exit_code = -1;
    std::string out;
    std::string err;
};

// Runs argv[0] (looked up on PATH) with the arguments, feeding `input` on standard input.
RunResult run_command(const std::vector<std::string>& argv, const std::string& input = {});

// The impetus binary under test.
RunResult run_impetus(std::vector<std::string> args, const std::string& input = {});

bool program_exists(const std::string& name);

// How a ServeProcess runs: with at most `max_open_files` descriptors (0: as the test runs), and
// its standard error (the log) written to `log_file` (empty: the test's own).
struct ServeLaunch {
    unsigned max_open_files = 0;
    std::string log_file;
};

// `impetus serve --listen 127.0.0.1:0` in the background; the port is read from its first line.
class ServeProcess {
public:
    explicit ServeProcess(const std::string& db, std::vector<std::string> extra = {},
                          const ServeLaunch& launch = {});
    ~ServeProcess();
    ServeProcess(const ServeProcess&) = delete;
    ServeProcess& operator=(const ServeProcess&) = delete;

    int port() const { return m_port; }
    std::string base_url() const { return "http://127.0.0.1:" + std::to_string(m_port); }
    // Sends SIGTERM and waits; returns the exit status.
    int stop();
    // Sends SIGKILL, as a crash would end the process, and waits; returns the exit status.
    int kill_now();

private:
    int end_with(int signal);

    int m_pid = -1;
    int m_port = 0;
    int m_out_fd = -1;
};

// A fresh temporary folder, removed with everything in it when destroyed.
class TempDir {
public:
    TempDir();
    ~TempDir();
    const std::string& path() const { return m_path; }
    std::string file(const std::string& name) const { return m_path + "/" + name; }

private:
    std::string m_path;
};

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& content);

// The shared test data file, or an empty string (and a GoogleTest failure when CI is set).
std::string shared_data(const std::string& relative);

} // namespace impetus::test
