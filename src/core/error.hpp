#pragma once

// Error policy (see src/README.md): expected outcomes are values; what aborts an operation is an
// impetus::Error with a category, caught only at the edges (CLI main, HTTP dispatcher).

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

namespace impetus {

enum class ErrorKind {
    invalid_input,     // the request or file is wrong; the user can fix it
    not_found,         // the named thing does not exist (or is not visible here)
    conflict,          // the operation clashes with the current state (transition, duplicate)
    precondition,      // an If-Match or version check failed
    too_large,         // a body, file or page exceeds a limit
    unsupported_media, // a content type or file format we do not read
    unauthenticated,   // the caller must sign in (or present a token) first
    forbidden,         // the caller may not do this
    rate_limited,      // too many attempts; try again later
    unavailable,       // the server cannot do this now (not configured for it, or busy)
    storage,           // the database refused or failed
    io,                // a file or socket failed
    internal           // a bug
};

const char* to_string(ErrorKind kind) noexcept;

// One failing field of a validated document. `field` is a JSON Pointer (RFC 6901) into the
// submitted document, or a column name for file imports.
struct FieldError {
    std::string field;
    std::string message;

    bool operator==(const FieldError&) const = default;
};

class Error : public std::runtime_error {
public:
    Error(ErrorKind kind, const std::string& message, std::string hint = {},
          std::vector<FieldError> fields = {});

    ErrorKind kind() const noexcept { return m_kind; }
    const std::string& hint() const noexcept { return m_hint; }
    const std::vector<FieldError>& fields() const noexcept { return m_fields; }
    // When trying again may succeed (rate_limited, unavailable); zero when unknown. HTTP sends
    // it as Retry-After.
    std::chrono::seconds retry_after() const noexcept { return m_retry_after; }
    Error& with_retry_after(std::chrono::seconds wait) noexcept {
        m_retry_after = wait;
        return *this;
    }

private:
    ErrorKind m_kind;
    std::string m_hint;
    std::vector<FieldError> m_fields;
    std::chrono::seconds m_retry_after{0};
};

// Collects field errors while a document is read, then throws them all at once.
class FieldErrors {
public:
    void add(std::string field, std::string message);
    bool empty() const noexcept { return m_errors.empty(); }
    const std::vector<FieldError>& list() const noexcept { return m_errors; }
    // Throws Error(invalid_input) listing every field when any was added.
    void throw_if_any(const std::string& what) const;

private:
    std::vector<FieldError> m_errors;
};

} // namespace impetus
