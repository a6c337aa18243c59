#pragma once

// Error policy (see src/README.md): expected outcomes are values; what aborts an operation is an
// impetus::Error with a category, caught only at the edges (CLI main, HTTP dispatcher).

#include <chrono>
#include <cstddef>
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

// Which kind of place a FieldError names; HTTP renders each as its own RFC 9457 extension
// member of an `errors` entry ("pointer", "parameter", "header", "line").
enum class FieldLocation {
    pointer,   // `field` is a JSON Pointer (RFC 6901) into the submitted document ("": all of it)
    parameter, // `field` names a query parameter (or a command-line option, a setting)
    header,    // `field` names a request header
    line       // `line` is a line of an uploaded file; `field` its column when one is meant
};

// One failing field of a validated document, a request or an uploaded file.
struct FieldError {
    std::string field;
    std::string message;
    FieldLocation location = FieldLocation::pointer;
    std::size_t line = 0; // 1-based, with FieldLocation::line

    static FieldError parameter(std::string name, std::string message);
    static FieldError header(std::string name, std::string message);
    static FieldError at_line(std::size_t line, std::string message, std::string column = {});

    bool operator==(const FieldError&) const = default;
};

// The place a field error names, as people read it: "/name", "limit", "header If-Match",
// "line 12", "line 1, column GeoX", "(document)".
std::string describe_location(const FieldError& f);

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
    // A JSON Pointer into the document being read.
    void add(std::string pointer, std::string message);
    void add_parameter(std::string name, std::string message);
    void add(FieldError error);
    bool empty() const noexcept { return m_errors.empty(); }
    const std::vector<FieldError>& list() const noexcept { return m_errors; }
    // Throws Error(invalid_input) listing every field when any was added.
    void throw_if_any(const std::string& what) const;

private:
    std::vector<FieldError> m_errors;
};

} // namespace impetus
