#include "core/rate_limiter.hpp"

#include <algorithm>

namespace impetus {

bool RateLimiter::full_locked(const std::string& key, std::chrono::steady_clock::time_point now) {
    auto it = m_events.find(key);
    if (it == m_events.end()) return m_limit <= 0;
    auto& q = it->second;
    while (!q.empty() && now - q.front() > m_window) q.pop_front();
    return static_cast<int>(q.size()) >= m_limit;
}

bool RateLimiter::full(const std::string& key) {
    std::lock_guard lock(m_mutex);
    return full_locked(key, std::chrono::steady_clock::now());
}

void RateLimiter::count(const std::string& key) {
    std::lock_guard lock(m_mutex);
    if (m_events.size() > 100000) m_events.clear();
    m_events[key].push_back(std::chrono::steady_clock::now());
}

bool RateLimiter::allow(const std::string& key) {
    std::lock_guard lock(m_mutex);
    const auto now = std::chrono::steady_clock::now();
    if (full_locked(key, now)) return false;
    if (m_events.size() > 100000) m_events.clear();
    m_events[key].push_back(now);
    return true;
}

std::chrono::seconds RateLimiter::retry_after(const std::string& key) {
    std::lock_guard lock(m_mutex);
    const auto now = std::chrono::steady_clock::now();
    if (!full_locked(key, now)) return std::chrono::seconds(0);
    auto it = m_events.find(key);
    if (m_limit <= 0 || it == m_events.end() || it->second.empty()) {
        return std::chrono::ceil<std::chrono::seconds>(m_window); // a limit of zero: never
    }
    // The oldest events leave the window one by one; the key is below its limit once enough
    // of them have gone.
    const auto& q = it->second;
    const auto frees_at = q[q.size() - static_cast<std::size_t>(m_limit)] + m_window;
    return std::max(std::chrono::seconds(1),
                    std::chrono::ceil<std::chrono::seconds>(frees_at - now));
}

} // namespace impetus
