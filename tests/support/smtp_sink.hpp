#pragma once

// tests/support/smtp_sink.py (python3-aiosmtpd) in the background on 127.0.0.1: every message
// it receives is written to a temporary folder, with Python's own decoding of it, for tests of
// real mail delivery.

#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <vector>
#include <optional>
#include <string>
#include <thread>

#include <sys/types.h>
#include <unistd.h>

namespace impetus::test {

// A Python interpreter that has aiosmtpd: $IMPETUS_PYTHON, python3 on PATH (which may be a
// virtual environment without Debian's packages), then Debian's own. Empty when none has it.
inline std::string python_with_aiosmtpd() {
    std::vector<std::string> candidates;
    if (const char* env = std::getenv("IMPETUS_PYTHON")) candidates.emplace_back(env);
    candidates.insert(candidates.end(), {"python3", "/usr/bin/python3"});
    for (const auto& python : candidates) {
        const std::string probe = "'" + python + "' -c 'import aiosmtpd' >/dev/null 2>&1";
        if (std::system(probe.c_str()) == 0) return python;
    }
    return {};
}

class SmtpSink {
public:
    // Throws std::runtime_error when the sink cannot start (callers skip or fail on that).
    explicit SmtpSink(const std::string& python) {
        std::string templ = (std::filesystem::temp_directory_path() / "impetus-smtp-XXXXXX").string();
        if (!::mkdtemp(templ.data())) throw std::runtime_error("cannot make a folder for the sink");
        m_dir = templ;
        const std::string command = "exec '" + python + "' '" + std::string(IMPETUS_SOURCE_DIR) +
                                    "/tests/support/smtp_sink.py' '" + m_dir.string() +
                                    "' --lifetime 300";
        m_pipe = ::popen(command.c_str(), "r");
        if (!m_pipe) throw std::runtime_error("cannot start the SMTP sink");
        char line[64] = {};
        if (!std::fgets(line, sizeof line, m_pipe) ||
            std::sscanf(line, "%d %d", &m_port, &m_pid) != 2) {
            ::pclose(m_pipe);
            m_pipe = nullptr;
            throw std::runtime_error("the SMTP sink did not start");
        }
    }
    ~SmtpSink() {
        if (m_pid > 0) ::kill(m_pid, SIGTERM);
        if (m_pipe) ::pclose(m_pipe);
        std::error_code ec;
        std::filesystem::remove_all(m_dir, ec);
    }
    SmtpSink(const SmtpSink&) = delete;
    SmtpSink& operator=(const SmtpSink&) = delete;

    int port() const { return m_port; }
    std::string url() const { return "smtp://127.0.0.1:" + std::to_string(m_port); }

    std::size_t received_count() const {
        std::size_t n = 0;
        for (const auto& entry : std::filesystem::directory_iterator(m_dir)) {
            n += entry.path().extension() == ".json";
        }
        return n;
    }

    // The sink's record of the n-th message (from 1): mail_from, rcpt_tos, subject, text, ...
    // Null when it has not arrived.
    nlohmann::json received(int n) const {
        char name[16];
        std::snprintf(name, sizeof name, "%04d.json", n);
        const std::filesystem::path path = m_dir / name;
        if (!std::filesystem::exists(path)) return nullptr;
        std::ifstream in(path);
        return nlohmann::json::parse(in, nullptr, false);
    }

    // Waits (bounded: 200 times 50 ms) until `count` messages have arrived.
    bool wait_for(std::size_t count) const {
        for (int i = 0; i < 200; ++i) {
            if (received_count() >= count) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return false;
    }

private:
    std::filesystem::path m_dir;
    FILE* m_pipe = nullptr;
    int m_port = 0;
    int m_pid = 0;
};

} // namespace impetus::test
