#pragma once

// Rendered GET responses, kept while the store's data generation stays the same. Any write
// anywhere empties it: simple and always correct. Entries hold their bodies as shared buffers
// (Response::shared_body): a hit copies the headers and a pointer, never the body.

#include "http/message.hpp"

#include <cstdint>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>

namespace impetus::http {

class ResponseCache {
public:
    explicit ResponseCache(std::size_t max_bytes) : m_max_bytes(max_bytes) {}

    std::optional<Response> get(const std::string& key, std::uint64_t generation) const;
    // Shares `response`'s body with the entry (Response::share_body) when it is kept.
    void put(const std::string& key, std::uint64_t generation, Response& response);

private:
    std::size_t m_max_bytes;
    mutable std::shared_mutex m_mutex;
    std::uint64_t m_generation = 0;
    std::size_t m_bytes = 0;
    std::unordered_map<std::string, Response> m_entries;
};

} // namespace impetus::http
