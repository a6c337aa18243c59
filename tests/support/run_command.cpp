#include "support/run_command.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <poll.h>
#include <spawn.h>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace impetus::test {

namespace {

std::vector<char*> c_args(const std::vector<std::string>& argv) {
    std::vector<char*> out;
    for (const auto& a : argv) out.push_back(const_cast<char*>(a.c_str()));
    out.push_back(nullptr);
    return out;
}

} // namespace

RunResult run_command(const std::vector<std::string>& argv, const std::string& input) {
    int in_pipe[2], out_pipe[2], err_pipe[2];
    if (pipe(in_pipe) || pipe(out_pipe) || pipe(err_pipe)) throw std::runtime_error("pipe");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in_pipe[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
    posix_spawn_file_actions_adddup2(&fa, err_pipe[1], 2);
    for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) {
        posix_spawn_file_actions_addclose(&fa, fd);
    }
    pid_t pid = 0;
    auto args = c_args(argv);
    int rc = posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    close(in_pipe[0]);
    close(out_pipe[1]);
    close(err_pipe[1]);
    RunResult r;
    if (rc != 0) {
        close(in_pipe[1]);
        close(out_pipe[0]);
        close(err_pipe[0]);
        r.err = std::string("cannot start ") + argv[0] + ": " + std::strerror(rc);
        return r;
    }
    std::size_t written = 0;
    if (input.empty()) {
        close(in_pipe[1]);
        in_pipe[1] = -1;
    }
    pollfd fds[3] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}, {in_pipe[1], POLLOUT, 0}};
    int open_fds = 2;
    while (open_fds > 0) {
        int nfds = in_pipe[1] >= 0 ? 3 : 2;
        if (poll(fds, static_cast<nfds_t>(nfds), 120000) <= 0) break;
        char buf[65536];
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd >= 0 && (fds[i].revents & (POLLIN | POLLHUP))) {
                ssize_t n = read(fds[i].fd, buf, sizeof buf);
                if (n <= 0) {
                    close(fds[i].fd);
                    fds[i].fd = -1;
                    --open_fds;
                } else {
                    (i == 0 ? r.out : r.err).append(buf, static_cast<std::size_t>(n));
                }
            }
        }
        if (in_pipe[1] >= 0 && (fds[2].revents & (POLLOUT | POLLERR))) {
            ssize_t n = write(in_pipe[1], input.data() + written, input.size() - written);
            if (n > 0) written += static_cast<std::size_t>(n);
            if (n <= 0 || written == input.size()) {
                close(in_pipe[1]);
                in_pipe[1] = -1;
            }
        }
    }
    if (in_pipe[1] >= 0) close(in_pipe[1]);
    for (auto& f : fds) {
        if (f.fd >= 0 && f.fd != in_pipe[1]) close(f.fd);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return r;
}

RunResult run_impetus(std::vector<std::string> args, const std::string& input) {
    args.insert(args.begin(), IMPETUS_BINARY);
    return run_command(args, input);
}

bool program_exists(const std::string& name) {
    return run_command({"sh", "-c", "command -v " + name}).exit_code == 0;
}

ServeProcess::ServeProcess(const std::string& db, std::vector<std::string> extra,
                           const ServeLaunch& launch) {
    int out_pipe[2];
    if (pipe(out_pipe)) throw std::runtime_error("pipe");
    std::vector<std::string> argv{IMPETUS_BINARY, "serve", "--db", db, "--listen",
                                  "127.0.0.1:0"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    if (launch.max_open_files > 0) {
        // util-linux prlimit sets the soft and the hard limit, then runs the server.
        const std::string n = std::to_string(launch.max_open_files);
        argv.insert(argv.begin(), {"/usr/bin/prlimit", "--nofile=" + n + ":" + n, "--"});
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (!launch.log_file.empty()) {
        posix_spawn_file_actions_addopen(&fa, 2, launch.log_file.c_str(),
                                         O_WRONLY | O_CREAT | O_TRUNC, 0644);
    }
    posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
    posix_spawn_file_actions_addclose(&fa, out_pipe[0]);
    posix_spawn_file_actions_addclose(&fa, out_pipe[1]);
    auto args = c_args(argv);
    pid_t pid = 0;
    int rc = posix_spawn(&pid, args[0], &fa, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    close(out_pipe[1]);
    if (rc != 0) throw std::runtime_error("cannot start impetus serve");
    m_pid = pid;
    m_out_fd = out_pipe[0];
    std::string line;
    pollfd p{m_out_fd, POLLIN, 0};
    while (line.find('\n') == std::string::npos && poll(&p, 1, 20000) > 0) {
        char buf[256];
        ssize_t n = read(m_out_fd, buf, sizeof buf);
        if (n <= 0) break;
        line.append(buf, static_cast<std::size_t>(n));
    }
    line = line.substr(0, line.find('\n')); // the log may follow on the same read
    auto colon = line.rfind(':');
    if (line.find("listening on") == std::string::npos || colon == std::string::npos) {
        stop();
        throw std::runtime_error("impetus serve did not start: " + line);
    }
    m_port = std::atoi(line.c_str() + colon + 1);
}

int ServeProcess::stop() { return end_with(SIGTERM); }

int ServeProcess::kill_now() { return end_with(SIGKILL); }

int ServeProcess::end_with(int signal) {
    if (m_pid <= 0) return -1;
    kill(m_pid, signal);
    int status = 0;
    waitpid(m_pid, &status, 0);
    m_pid = -1;
    if (m_out_fd >= 0) close(m_out_fd);
    m_out_fd = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

ServeProcess::~ServeProcess() { stop(); }

TempDir::TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "impetus-test-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp");
    m_path = tmpl;
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void write_file(const std::string& path, const std::string& content) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
}

std::string shared_data(const std::string& relative) {
    std::string path = std::string(IMPETUS_SHARED_DATA) + "/" + relative;
    if (std::filesystem::exists(path)) return path;
    if (std::getenv("CI")) {
        ADD_FAILURE() << "shared test data missing in CI: " << path;
    }
    return {};
}

} // namespace impetus::test
