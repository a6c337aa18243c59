#pragma once

// E-mail for accounts (address verification, password reset, unlock): a message is formatted
// as RFC 5322 text with MIME (RFC 2045-2047) and handed to a real SMTP server through libcurl.
// Only this module speaks SMTP; the rest of the program asks a `Sender`.

#include <chrono>
#include <string>
#include <string_view>

namespace impetus::mail {

struct Message {
    std::string to;       // one plain address, `local@domain`
    std::string subject;  // UTF-8, encoded as RFC 2047 words when not plain ASCII
    std::string text;     // UTF-8 body, required
    std::string html;     // optional; when set the message is multipart/alternative
    std::string reply_to; // optional plain address
};

struct SmtpSettings {
    // "smtp://127.0.0.1:2525" or "smtps://host:465"; empty means mail is disabled.
    std::string url;
    // "Impetus <noreply@example.org>" or a bare address; the address is the envelope sender.
    std::string from;
    std::string username;
    std::string password;
    bool starttls = false; // require STARTTLS on smtp://
    long timeout_seconds = 20;
};

// True when a server is configured; callers pick another Sender (or none) otherwise.
bool mail_enabled(const SmtpSettings& settings) noexcept;

// The message as RFC 5322 text with CRLF line endings, ready for SMTP DATA (without the
// dot-stuffing, which the SMTP client does). `message_id_domain` is the right side of the
// Message-ID; empty takes the domain of the From address. Throws Error(invalid_input) naming
// every bad field: a header value with CR or LF, a To, Reply-To or From that is not one plain
// address, text that is empty or not UTF-8.
std::string format_message(const Message& message, const SmtpSettings& settings,
                           std::string_view message_id_domain,
                           std::chrono::system_clock::time_point now);

// RFC 2045 §6.7 quoted-printable of UTF-8 text: line breaks (CRLF, CR or LF) become CRLF,
// encoded lines stay within 76 characters; the result ends with CRLF.
std::string quoted_printable(std::string_view text);

// The bare address in "Name <local@domain>" or "local@domain"; throws Error(invalid_input).
std::string address_of(std::string_view mailbox);

// Whether `address` is one plain `local@domain` address (dot-atom local part, host-name domain;
// no display name, comments, quoting, spaces, angle brackets or commas).
bool is_plain_address(std::string_view address) noexcept;

class Sender {
  public:
    virtual ~Sender();
    // Delivers or throws: Error(invalid_input) for a bad message, Error(io) when the server
    // cannot be reached or refuses it.
    virtual void send(const Message& message) = 0;
};

// Delivers each message in its own SMTP session; safe to call from several threads at once.
class SmtpSender : public Sender {
  public:
    // Throws Error(invalid_input) when the URL is not smtp:// or smtps://, the From address is
    // not valid or the timeout is not positive. An empty URL is accepted; send() then throws
    // Error(precondition).
    explicit SmtpSender(SmtpSettings settings);

    void send(const Message& message) override;

    const SmtpSettings& settings() const noexcept { return m_settings; }

  private:
    SmtpSettings m_settings;
    std::string m_from_address;
};

} // namespace impetus::mail
