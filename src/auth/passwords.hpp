#pragma once

// Password hashing with Argon2id (libargon2, RFC 9106). The encoded hash records its own
// parameters ("$argon2id$v=19$m=65536,t=3,p=1$salt$hash"), so the parameters can be raised
// later: a hash made with weaker ones is verified as before and replaced at the next sign-in.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

namespace impetus::auth {

struct PasswordParams {
    std::uint32_t memory_kib = 64 * 1024; // RFC 9106's second recommended option
    std::uint32_t iterations = 3;
    std::uint32_t parallelism = 1;
    bool operator==(const PasswordParams&) const = default;
};

std::string hash_password(std::string_view password, const PasswordParams& params);
bool verify_password(std::string_view password, const std::string& encoded);
// True when `encoded` was made with parameters other than `params` (or is not Argon2id).
bool needs_rehash(const std::string& encoded, const PasswordParams& params);

// Refuses passwords too short or too long, listing the problem as a field error on `field`.
void check_password_strength(std::string_view password, const std::string& field,
                             std::size_t min_length);

// Bounds the Argon2 computations running at once, so that anonymous sign-ups and sign-ins
// cannot take every core, and every server thread, from the other requests: at most `slots`
// run (0: one less than the cores, at least one), as many more may wait up to `wait` for a
// turn, and anyone beyond, or still waiting after `wait`, is refused with Error(unavailable)
// carrying a Retry-After.
class HashGate {
public:
    HashGate(unsigned slots, std::chrono::milliseconds wait);

    // Holds a turn until destroyed.
    class Turn {
    public:
        explicit Turn(HashGate& gate) : m_gate(&gate) {}
        Turn(Turn&& other) noexcept : m_gate(std::exchange(other.m_gate, nullptr)) {}
        Turn(const Turn&) = delete;
        Turn& operator=(const Turn&) = delete;
        Turn& operator=(Turn&&) = delete;
        ~Turn();

    private:
        HashGate* m_gate;
    };

    Turn enter();
    unsigned slots() const noexcept { return m_slots; }
    // How many callers wait for a turn now.
    unsigned waiting() const;

private:
    void leave();

    const unsigned m_slots;
    const std::chrono::milliseconds m_wait;
    mutable std::mutex m_mutex;
    std::condition_variable m_freed;
    unsigned m_running = 0;
    unsigned m_waiting = 0;
};

} // namespace impetus::auth
