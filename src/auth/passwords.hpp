#pragma once

// Password hashing with Argon2id (libargon2, RFC 9106). The encoded hash records its own
// parameters ("$argon2id$v=19$m=65536,t=3,p=1$salt$hash"), so the parameters can be raised
// later: a hash made with weaker ones is verified as before and replaced at the next sign-in.

#include <cstdint>
#include <string>
#include <string_view>

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

} // namespace impetus::auth
