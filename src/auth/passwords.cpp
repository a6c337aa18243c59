#include "auth/passwords.hpp"

#include "auth/secrets.hpp"
#include "core/error.hpp"

#include <argon2.h>
#include <sys/random.h>

#include <algorithm>
#include <cstdio>
#include <thread>
#include <vector>

namespace impetus::auth {

namespace {
constexpr std::size_t k_salt_bytes = 16;
constexpr std::size_t k_hash_bytes = 32;
constexpr std::size_t k_max_password = 1024; // bytes: beyond this is no password but a payload
} // namespace

std::string hash_password(std::string_view password, const PasswordParams& params) {
    unsigned char salt[k_salt_bytes];
    if (::getrandom(salt, sizeof salt, 0) != static_cast<ssize_t>(sizeof salt)) {
        throw Error(ErrorKind::internal, "no random bytes for a salt");
    }
    const std::size_t len = argon2_encodedlen(params.iterations, params.memory_kib,
                                              params.parallelism, k_salt_bytes, k_hash_bytes,
                                              Argon2_id);
    std::vector<char> encoded(len);
    const int rc = argon2id_hash_encoded(params.iterations, params.memory_kib, params.parallelism,
                                         password.data(), password.size(), salt, sizeof salt,
                                         k_hash_bytes, encoded.data(), encoded.size());
    if (rc != ARGON2_OK) {
        throw Error(ErrorKind::internal, std::string("password hashing failed: ") +
                                             argon2_error_message(rc));
    }
    return std::string(encoded.data());
}

bool verify_password(std::string_view password, const std::string& encoded) {
    if (encoded.rfind("$argon2id$", 0) != 0 || password.size() > k_max_password) return false;
    return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

bool needs_rehash(const std::string& encoded, const PasswordParams& params) {
    unsigned version = 0, m = 0, t = 0, p = 0;
    if (std::sscanf(encoded.c_str(), "$argon2id$v=%u$m=%u,t=%u,p=%u$", &version, &m, &t, &p) != 4) {
        return true;
    }
    return version != ARGON2_VERSION_NUMBER || m != params.memory_kib ||
           t != params.iterations || p != params.parallelism;
}

void check_password_strength(std::string_view password, const std::string& field,
                             std::size_t min_length) {
    // Length in characters (UTF-8 continuation bytes not counted).
    std::size_t chars = 0;
    for (unsigned char c : password) chars += (c & 0xC0) != 0x80;
    FieldErrors errors;
    if (chars < min_length) {
        errors.add(field, "must be at least " + std::to_string(min_length) + " characters long");
    } else if (password.size() > k_max_password) {
        errors.add(field, "must be at most " + std::to_string(k_max_password) + " bytes long");
    }
    errors.throw_if_any("the password is not acceptable");
}

namespace {
// One core stays for everything else (hardware_concurrency may say 0: unknown).
unsigned default_hash_slots() {
    const unsigned cores = std::thread::hardware_concurrency();
    return cores > 1 ? cores - 1 : 1;
}
} // namespace

HashGate::HashGate(unsigned slots, std::chrono::milliseconds wait)
    : m_slots(slots > 0 ? slots : default_hash_slots()), m_wait(wait) {}

HashGate::Turn HashGate::enter() {
    std::unique_lock lock(m_mutex);
    auto busy = [&] {
        return Error(ErrorKind::unavailable, "the server is busy checking other passwords",
                     "try again in a moment")
            .with_retry_after(std::max(std::chrono::seconds(1),
                                       std::chrono::ceil<std::chrono::seconds>(m_wait)));
    };
    if (m_running >= m_slots) {
        if (m_waiting >= m_slots) throw busy();
        ++m_waiting;
        const bool turn =
            m_freed.wait_for(lock, m_wait, [&] { return m_running < m_slots; });
        --m_waiting;
        if (!turn) throw busy();
    }
    ++m_running;
    return Turn(*this);
}

unsigned HashGate::waiting() const {
    std::lock_guard lock(m_mutex);
    return m_waiting;
}

void HashGate::leave() {
    {
        std::lock_guard lock(m_mutex);
        --m_running;
    }
    m_freed.notify_one();
}

HashGate::Turn::~Turn() {
    if (m_gate) m_gate->leave();
}

} // namespace impetus::auth
