#pragma once

// Secrets: random tokens from the kernel's CSPRNG, and their SHA-256 digests, which is all the
// store keeps of session cookies, API tokens and e-mail links.

#include <cstddef>
#include <string>
#include <string_view>

namespace impetus::auth {

// `bytes` random bytes (getrandom(2)) as unpadded base64url text.
std::string random_token(std::size_t bytes = 32);

// SHA-256 of `text`, as lower-case hex (OpenSSL EVP).
std::string sha256_hex(std::string_view text);

// HMAC-SHA-256 of `text` under `key`, as lower-case hex (OpenSSL).
std::string hmac_sha256_hex(std::string_view key, std::string_view text);

// Compares in time independent of where the two differ.
bool constant_time_equal(std::string_view a, std::string_view b);

} // namespace impetus::auth
