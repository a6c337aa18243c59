#include "core/error.hpp"

namespace impetus {

const char* to_string(ErrorKind kind) noexcept {
    switch (kind) {
    case ErrorKind::invalid_input: return "invalid_input";
    case ErrorKind::not_found: return "not_found";
    case ErrorKind::conflict: return "conflict";
    case ErrorKind::precondition: return "precondition";
    case ErrorKind::too_large: return "too_large";
    case ErrorKind::unsupported_media: return "unsupported_media";
    case ErrorKind::unauthenticated: return "unauthenticated";
    case ErrorKind::forbidden: return "forbidden";
    case ErrorKind::rate_limited: return "rate_limited";
    case ErrorKind::unavailable: return "unavailable";
    case ErrorKind::storage: return "storage";
    case ErrorKind::io: return "io";
    case ErrorKind::internal: return "internal";
    }
    return "internal";
}

Error::Error(ErrorKind kind, const std::string& message, std::string hint,
             std::vector<FieldError> fields)
    : std::runtime_error(message), m_kind(kind), m_hint(std::move(hint)),
      m_fields(std::move(fields)) {}

FieldError FieldError::parameter(std::string name, std::string message) {
    return {std::move(name), std::move(message), FieldLocation::parameter};
}

FieldError FieldError::header(std::string name, std::string message) {
    return {std::move(name), std::move(message), FieldLocation::header};
}

FieldError FieldError::at_line(std::size_t line, std::string message, std::string column) {
    return {std::move(column), std::move(message), FieldLocation::line, line};
}

std::string describe_location(const FieldError& f) {
    switch (f.location) {
    case FieldLocation::pointer: return f.field.empty() ? "(document)" : f.field;
    case FieldLocation::parameter: return f.field;
    case FieldLocation::header: return "header " + f.field;
    case FieldLocation::line:
        return "line " + std::to_string(f.line) + (f.field.empty() ? "" : ", column " + f.field);
    }
    return f.field;
}

void FieldErrors::add(std::string pointer, std::string message) {
    m_errors.push_back({std::move(pointer), std::move(message)});
}

void FieldErrors::add_parameter(std::string name, std::string message) {
    m_errors.push_back(FieldError::parameter(std::move(name), std::move(message)));
}

void FieldErrors::add(FieldError error) { m_errors.push_back(std::move(error)); }

void FieldErrors::throw_if_any(const std::string& what) const {
    if (m_errors.empty()) {
        return;
    }
    std::string msg = what + ": " + std::to_string(m_errors.size()) + " invalid field" +
                      (m_errors.size() == 1 ? "" : "s");
    throw Error(ErrorKind::invalid_input, msg, "correct the fields listed and try again",
                m_errors);
}

} // namespace impetus
