#include "http/problem.hpp"

#include <nlohmann/json.hpp>

namespace impetus::http {

int status_for(ErrorKind kind) noexcept {
    switch (kind) {
    case ErrorKind::invalid_input: return 400;
    case ErrorKind::not_found: return 404;
    case ErrorKind::conflict: return 409;
    case ErrorKind::precondition: return 412;
    case ErrorKind::too_large: return 413;
    case ErrorKind::unsupported_media: return 415;
    case ErrorKind::unauthenticated: return 401;
    case ErrorKind::forbidden: return 403;
    case ErrorKind::rate_limited: return 429;
    case ErrorKind::storage: return 503;
    case ErrorKind::unavailable: return 503;
    case ErrorKind::io: return 500;
    case ErrorKind::internal: return 500;
    }
    return 500;
}

namespace {

const char* title_for(int status) {
    switch (status) {
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 409: return "Conflict";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 429: return "Too Many Requests";
    case 503: return "Service Unavailable";
    default: return "Internal Server Error";
    }
}

} // namespace

Response problem(int status, const std::string& title, const std::string& detail,
                 const std::string& instance, const std::string& hint,
                 const std::vector<FieldError>& fields) {
    nlohmann::json j{{"type", "about:blank"},
                     {"title", title.empty() ? title_for(status) : title},
                     {"status", status},
                     {"detail", detail}};
    if (!instance.empty()) j["instance"] = instance;
    if (!hint.empty()) j["hint"] = hint;
    if (!fields.empty()) {
        auto& errs = j["errors"] = nlohmann::json::array();
        for (const auto& f : fields) {
            // One extension member per kind of place (RFC 9457 section 3.2).
            nlohmann::json e;
            switch (f.location) {
            case FieldLocation::pointer: e["pointer"] = f.field; break;
            case FieldLocation::parameter: e["parameter"] = f.field; break;
            case FieldLocation::header: e["header"] = f.field; break;
            case FieldLocation::line:
                e["line"] = f.line;
                if (!f.field.empty()) e["column"] = f.field;
                break;
            }
            e["detail"] = f.message;
            errs.push_back(std::move(e));
        }
    }
    return Response::json(status, j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                          "application/problem+json");
}

Response problem(const Error& e, const std::string& instance) {
    const int status = status_for(e.kind());
    // Internal details stay in the log; the client gets a stable sentence.
    if (status >= 500 && e.kind() != ErrorKind::storage && e.kind() != ErrorKind::unavailable) {
        return problem(status, "", "the server could not complete the request", instance);
    }
    Response r = problem(status, "", e.what(), instance, e.hint(), e.fields());
    if (e.retry_after().count() > 0) {
        r.headers["Retry-After"] = std::to_string(e.retry_after().count());
    }
    return r;
}

} // namespace impetus::http
