#pragma once

// Counts events per key (a client address) over a sliding window, for limits such as failed
// sign-ins or citizens' reports per address. Thread-safe; memory stays bounded under a flood
// (past 100,000 keys everything is forgotten at once).

#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <string>

namespace impetus {

class RateLimiter {
public:
    RateLimiter(int limit, std::chrono::steady_clock::duration window)
        : m_limit(limit), m_window(window) {}

    // Whether `key` has reached the limit within the window.
    bool full(const std::string& key);
    // Records an event of `key`.
    void count(const std::string& key);
    // Records an event and returns true, unless `key` is full (then records nothing).
    bool allow(const std::string& key);
    // How long until `key` is below its limit again (zero when it is already), in whole
    // seconds rounded up: the Retry-After of a refusal.
    std::chrono::seconds retry_after(const std::string& key);

private:
    bool full_locked(const std::string& key, std::chrono::steady_clock::time_point now);

    const int m_limit;
    const std::chrono::steady_clock::duration m_window;
    std::mutex m_mutex;
    std::map<std::string, std::deque<std::chrono::steady_clock::time_point>> m_events;
};

} // namespace impetus
