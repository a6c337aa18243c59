// Delivery through an SMTP server (RFC 5321) with libcurl: one easy handle per message, so that
// senders on several threads share nothing but libcurl's global state.

#include "core/error.hpp"
#include "mail/mail.hpp"

#include <algorithm>
#include <cstring>
#include <curl/curl.h>
#include <memory>
#include <mutex>

namespace impetus::mail {

namespace {

// curl_global_init is not thread-safe and must run before any other libcurl call.
void init_curl_once() {
    static std::once_flag once;
    static CURLcode result = CURLE_OK;
    std::call_once(once, [] { result = curl_global_init(CURL_GLOBAL_DEFAULT); });
    if (result != CURLE_OK) {
        throw Error(ErrorKind::internal,
                    std::string("libcurl could not be initialised: ") + curl_easy_strerror(result));
    }
}

struct EasyDeleter {
    void operator()(CURL* handle) const noexcept { curl_easy_cleanup(handle); }
};
struct ListDeleter {
    void operator()(curl_slist* list) const noexcept { curl_slist_free_all(list); }
};

struct Upload {
    std::string_view data;
    std::size_t offset = 0;
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t count, void* user) {
    auto* upload = static_cast<Upload*>(user);
    std::size_t n = std::min(size * count, upload->data.size() - upload->offset);
    std::memcpy(buffer, upload->data.data() + upload->offset, n);
    upload->offset += n;
    return n;
}

bool starts_with_ignoring_case(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size()) {
        return false;
    }
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
        if (c != prefix[i]) {
            return false;
        }
    }
    return true;
}

// The URL without "user:password@", for messages and logs.
std::string server_name(std::string_view url) {
    std::size_t scheme = url.find("://");
    std::size_t host = scheme == std::string_view::npos ? 0 : scheme + 3;
    std::size_t at = url.find('@', host);
    if (at != std::string_view::npos && at < url.find('/', host)) {
        return std::string(url.substr(0, host)) + std::string(url.substr(at + 1));
    }
    return std::string(url);
}

std::string hint_for(CURLcode code) {
    switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
        return "check the SMTP server URL and that the server is running and reachable from here";
    case CURLE_LOGIN_DENIED:
        return "check the SMTP username and password";
    case CURLE_USE_SSL_FAILED:
        return "the server does not offer STARTTLS: use smtps:// or turn starttls off";
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
        return "check the server's TLS certificate and that the URL names its host";
    default:
        return "check the SMTP server settings and the server's log";
    }
}

template <typename T> void set(CURL* handle, CURLoption option, T value) {
    CURLcode rc = curl_easy_setopt(handle, option, value);
    if (rc != CURLE_OK) {
        throw Error(ErrorKind::internal,
                    std::string("libcurl refused an SMTP option: ") + curl_easy_strerror(rc));
    }
}

} // namespace

SmtpSender::SmtpSender(SmtpSettings settings) : m_settings(std::move(settings)) {
    if (!mail_enabled(m_settings)) {
        return;
    }
    FieldErrors errors;
    if (!starts_with_ignoring_case(m_settings.url, "smtp://") &&
        !starts_with_ignoring_case(m_settings.url, "smtps://")) {
        errors.add_parameter("url", "must start with smtp:// or smtps://");
    }
    try {
        m_from_address = address_of(m_settings.from);
    } catch (const Error& e) {
        errors.add_parameter("from", e.what());
    }
    if (m_settings.timeout_seconds <= 0) {
        errors.add_parameter("timeout_seconds", "must be a positive number of seconds");
    }
    errors.throw_if_any("SMTP settings");
}

void SmtpSender::send(const Message& message) {
    if (!mail_enabled(m_settings)) {
        throw Error(ErrorKind::precondition, "mail is disabled: no SMTP server is configured",
                    "set the SMTP server URL to send mail");
    }
    // Validates the recipient before it is used in RCPT TO.
    std::string data = format_message(message, m_settings, {}, std::chrono::system_clock::now());

    init_curl_once();
    std::unique_ptr<CURL, EasyDeleter> handle(curl_easy_init());
    if (!handle) {
        throw Error(ErrorKind::internal, "libcurl could not create a handle");
    }
    std::unique_ptr<curl_slist, ListDeleter> recipients(
        curl_slist_append(nullptr, ("<" + message.to + ">").c_str()));
    if (!recipients) {
        throw Error(ErrorKind::internal, "libcurl could not allocate the recipient list");
    }
    std::string mail_from = "<" + m_from_address + ">";
    Upload upload{data};
    char error_buffer[CURL_ERROR_SIZE] = {};

    CURL* h = handle.get();
    set(h, CURLOPT_URL, m_settings.url.c_str());
    set(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    set(h, CURLOPT_NOSIGNAL, 1L); // timeouts must not raise signals in a threaded server
    set(h, CURLOPT_CONNECTTIMEOUT, m_settings.timeout_seconds);
    set(h, CURLOPT_TIMEOUT, m_settings.timeout_seconds);
    set(h, CURLOPT_ERRORBUFFER, error_buffer);
    if (m_settings.starttls) {
        set(h, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
    }
    if (!m_settings.username.empty()) {
        set(h, CURLOPT_USERNAME, m_settings.username.c_str());
        set(h, CURLOPT_PASSWORD, m_settings.password.c_str());
    }
    set(h, CURLOPT_MAIL_FROM, mail_from.c_str());
    set(h, CURLOPT_MAIL_RCPT, recipients.get());
    set(h, CURLOPT_UPLOAD, 1L);
    set(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(data.size()));
    set(h, CURLOPT_READFUNCTION, &read_upload);
    set(h, CURLOPT_READDATA, &upload);

    CURLcode rc = curl_easy_perform(h);
    if (rc == CURLE_OK) {
        return;
    }
    std::string text = std::string("cannot deliver mail through ") + server_name(m_settings.url) +
                       ": " + curl_easy_strerror(rc);
    if (error_buffer[0] != '\0') {
        std::string_view detail(error_buffer);
        while (!detail.empty() && (detail.back() == '\n' || detail.back() == '\r')) {
            detail.remove_suffix(1);
        }
        text += " (" + std::string(detail) + ")";
    }
    long reply = 0;
    if (curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &reply) == CURLE_OK && reply != 0) {
        text += "; last server reply " + std::to_string(reply);
    }
    throw Error(ErrorKind::io, text, hint_for(rc));
}

} // namespace impetus::mail
