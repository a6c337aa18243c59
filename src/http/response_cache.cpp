#include "http/response_cache.hpp"

#include <mutex>

namespace impetus::http {

std::optional<Response> ResponseCache::get(const std::string& key,
                                           std::uint64_t generation) const {
    std::shared_lock lock(m_mutex);
    if (generation != m_generation) return std::nullopt;
    auto it = m_entries.find(key);
    if (it == m_entries.end()) return std::nullopt;
    return it->second;
}

void ResponseCache::put(const std::string& key, std::uint64_t generation,
                        Response& response) {
    const std::size_t size = key.size() + response.body_size();
    if (size > m_max_bytes / 4) return; // one huge export must not evict everything
    std::unique_lock lock(m_mutex);
    if (generation < m_generation) return; // rendered from older data
    if (generation != m_generation || m_bytes + size > m_max_bytes) {
        m_entries.clear();
        m_bytes = 0;
        m_generation = generation;
    }
    response.share_body();
    if (m_entries.emplace(key, response).second) m_bytes += size;
}

} // namespace impetus::http
