#include "http/message.hpp"

#include <cctype>
#include <strings.h>

namespace impetus::http {

bool CaseLess::operator()(std::string_view a, std::string_view b) const noexcept {
    const std::size_t n = std::min(a.size(), b.size());
    for (std::size_t i = 0; i < n; ++i) {
        int ca = std::tolower(static_cast<unsigned char>(a[i]));
        int cb = std::tolower(static_cast<unsigned char>(b[i]));
        if (ca != cb) return ca < cb;
    }
    return a.size() < b.size();
}

std::optional<std::string> Request::header(std::string_view name) const {
    auto it = headers.find(std::string(name));
    if (it == headers.end()) return std::nullopt;
    return it->second;
}

Response Response::json(int status, std::string body, std::string content_type) {
    Response r;
    r.status = status;
    r.headers["Content-Type"] = std::move(content_type);
    r.body = std::move(body);
    return r;
}

void Response::share_body() {
    if (shared_body) return;
    shared_body = std::make_shared<const std::string>(std::move(body));
    body.clear();
}

void Response::unshare_body() {
    if (!shared_body) return;
    body = *shared_body;
    shared_body.reset();
}

Response Response::text(int status, std::string body, std::string content_type) {
    return json(status, std::move(body), std::move(content_type));
}

Response Response::redirect(int status, const std::string& location) {
    Response r;
    r.status = status;
    r.headers["Location"] = location;
    return r;
}

Response Response::no_content() {
    Response r;
    r.status = 204;
    return r;
}

std::string url_decode(std::string_view in, bool plus_is_space) {
    std::string out;
    out.reserve(in.size());
    auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    for (std::size_t i = 0; i < in.size(); ++i) {
        char c = in[i];
        if (c == '%' && i + 2 < in.size()) {
            int h = hex(in[i + 1]), l = hex(in[i + 2]);
            if (h >= 0 && l >= 0) {
                out += static_cast<char>(h * 16 + l);
                i += 2;
                continue;
            }
        }
        out += (c == '+' && plus_is_space) ? ' ' : c;
    }
    return out;
}

std::string url_encode(std::string_view in) {
    static const char* digits = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : in) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += digits[c >> 4];
            out += digits[c & 15];
        }
    }
    return out;
}

} // namespace impetus::http
