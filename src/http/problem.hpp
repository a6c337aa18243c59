#pragma once

// RFC 9457 problem details: every error the API returns.

#include "core/error.hpp"
#include "http/message.hpp"

#include <string>

namespace impetus::http {

int status_for(ErrorKind kind) noexcept;

// {"type", "title", "status", "detail", "instance", "hint", "errors": [{"pointer", "detail"}]}
Response problem(int status, const std::string& title, const std::string& detail,
                 const std::string& instance = {}, const std::string& hint = {},
                 const std::vector<FieldError>& fields = {});
Response problem(const Error& e, const std::string& instance);

} // namespace impetus::http
