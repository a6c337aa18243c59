// Message formatting: RFC 5322 (Internet Message Format), RFC 2045 (MIME, quoted-printable),
// RFC 2046 (multipart/alternative), RFC 2047 (encoded words in headers).

#include "mail/mail.hpp"

#include "core/error.hpp"

#include <array>
#include <cstdio>
#include <optional>
#include <random>
#include <vector>

namespace impetus::mail {

namespace {

constexpr std::string_view k_crlf = "\r\n";
// RFC 5322 §2.1.1: lines SHOULD stay within 78 characters, CRLF excluded.
constexpr std::size_t k_header_width = 78;
// RFC 2045 §6.7 rule 5: encoded lines are at most 76 characters, CRLF excluded.
constexpr std::size_t k_qp_width = 76;
// Bytes of text per RFC 2047 encoded word: 42 bytes are 56 base64 characters, a word of 68
// ("=?UTF-8?B?" + 56 + "?="), which fits after "Subject: " within 78 and under the 75 of §2.
constexpr std::size_t k_word_bytes = 42;

bool has_line_break(std::string_view s) noexcept {
    return s.find_first_of("\r\n") != std::string_view::npos;
}

// Length of the UTF-8 sequence starting with `lead`, or 0 when it cannot start one.
std::size_t utf8_sequence_length(unsigned char lead) noexcept {
    if (lead < 0x80) {
        return 1;
    }
    if (lead >= 0xC2 && lead <= 0xDF) {
        return 2;
    }
    if (lead >= 0xE0 && lead <= 0xEF) {
        return 3;
    }
    if (lead >= 0xF0 && lead <= 0xF4) {
        return 4;
    }
    return 0;
}

// RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF.
bool is_utf8(std::string_view s) noexcept {
    std::size_t i = 0;
    while (i < s.size()) {
        auto lead = static_cast<unsigned char>(s[i]);
        std::size_t n = utf8_sequence_length(lead);
        if (n == 0 || i + n > s.size()) {
            return false;
        }
        for (std::size_t k = 1; k < n; ++k) {
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) {
                return false;
            }
        }
        if (n >= 3) {
            auto second = static_cast<unsigned char>(s[i + 1]);
            if ((lead == 0xE0 && second < 0xA0) || (lead == 0xED && second > 0x9F) ||
                (lead == 0xF0 && second < 0x90) || (lead == 0xF4 && second > 0x8F)) {
                return false;
            }
        }
        i += n;
    }
    return true;
}

bool is_printable_ascii(std::string_view s) noexcept {
    for (char c : s) {
        if (c < 0x20 || c > 0x7E) {
            return false;
        }
    }
    return true;
}

bool is_alnum_ascii(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// RFC 5322 §3.2.3 atext.
bool is_atext(char c) noexcept {
    return is_alnum_ascii(c) ||
           std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

bool is_dot_atom(std::string_view s) noexcept {
    if (s.empty() || s.front() == '.' || s.back() == '.' ||
        s.find("..") != std::string_view::npos) {
        return false;
    }
    for (char c : s) {
        if (c != '.' && !is_atext(c)) {
            return false;
        }
    }
    return true;
}

// RFC 1123 §2.1 host name: dot-separated labels of letters, digits and inner hyphens.
bool is_host_name(std::string_view s) noexcept {
    if (s.empty() || s.size() > 253) {
        return false;
    }
    std::size_t start = 0;
    while (true) {
        std::size_t dot = s.find('.', start);
        std::string_view label =
            s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
            return false;
        }
        for (char c : label) {
            if (!is_alnum_ascii(c) && c != '-') {
                return false;
            }
        }
        if (dot == std::string_view::npos) {
            return true;
        }
        start = dot + 1;
    }
}

std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

struct Mailbox {
    std::string display_name;
    std::string address;
};

// "Name <local@domain>", "\"Name, Inc.\" <local@domain>" or "local@domain".
std::optional<Mailbox> parse_mailbox(std::string_view text) {
    text = trim(text);
    Mailbox box;
    if (!text.empty() && text.back() == '>') {
        std::size_t open = text.rfind('<');
        if (open == std::string_view::npos) {
            return std::nullopt;
        }
        box.address = std::string(text.substr(open + 1, text.size() - open - 2));
        std::string_view name = trim(text.substr(0, open));
        if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
            name = name.substr(1, name.size() - 2);
            for (std::size_t i = 0; i < name.size(); ++i) {
                if (name[i] == '\\' && i + 1 < name.size()) {
                    ++i;
                }
                box.display_name += name[i];
            }
        } else {
            box.display_name = std::string(name);
        }
    } else {
        box.address = std::string(text);
    }
    if (!is_plain_address(box.address)) {
        return std::nullopt;
    }
    return box;
}

std::string base64(std::string_view bytes) {
    static constexpr char k_alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        std::uint32_t group = static_cast<unsigned char>(bytes[i]) << 16;
        if (i + 1 < bytes.size()) {
            group |= static_cast<unsigned char>(bytes[i + 1]) << 8;
        }
        if (i + 2 < bytes.size()) {
            group |= static_cast<unsigned char>(bytes[i + 2]);
        }
        out += k_alphabet[(group >> 18) & 0x3F];
        out += k_alphabet[(group >> 12) & 0x3F];
        out += i + 1 < bytes.size() ? k_alphabet[(group >> 6) & 0x3F] : '=';
        out += i + 2 < bytes.size() ? k_alphabet[group & 0x3F] : '=';
    }
    return out;
}

// RFC 2047 "B" encoded words separated by folding whitespace. Each word holds whole UTF-8
// characters (§5: a character must not be split between words).
std::string encoded_words(std::string_view text) {
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t end = i;
        while (end < text.size()) {
            std::size_t n = std::max<std::size_t>(
                1, utf8_sequence_length(static_cast<unsigned char>(text[end])));
            if (end + n - i > k_word_bytes) {
                break;
            }
            end += n;
        }
        if (!out.empty()) {
            out += "\r\n ";
        }
        out += "=?UTF-8?B?";
        out += base64(text.substr(i, end - i));
        out += "?=";
        i = end;
    }
    return out;
}

// "Name: value" folded at spaces (RFC 5322 §2.2.3) so that no line exceeds 78 characters, or
// nothing when a word is too long for that.
std::optional<std::string> folded_header(std::string_view name, std::string_view value) {
    std::string out(name);
    out += ':';
    std::size_t column = out.size();
    std::size_t start = 0;
    while (true) {
        std::size_t space = value.find(' ', start);
        std::string_view word = value.substr(
            start, space == std::string_view::npos ? std::string_view::npos : space - start);
        // A fold goes before the space, never at the start of a line, so that no line is
        // only whitespace.
        if (column + 1 + word.size() > k_header_width && column > name.size() + 1) {
            out += k_crlf;
            column = 0;
        }
        out += ' ';
        out += word;
        column += 1 + word.size();
        if (column > k_header_width) {
            return std::nullopt;
        }
        if (space == std::string_view::npos) {
            return out;
        }
        start = space + 1;
    }
}

// An unstructured header (Subject): as it is when plain ASCII, otherwise encoded words. "=?"
// in plain text would be read as the start of an encoded word, so it is encoded too.
std::string unstructured_header(std::string_view name, std::string_view value) {
    if (is_printable_ascii(value) && value.find("=?") == std::string_view::npos) {
        if (auto plain = folded_header(name, value)) {
            return *plain;
        }
    }
    return std::string(name) + ": " + encoded_words(value);
}

// RFC 5322 §3.4 mailbox: a display name as an atom phrase, a quoted string or encoded words.
std::string mailbox_header(std::string_view name, const Mailbox& box) {
    std::string header = std::string(name) + ": ";
    if (box.display_name.empty()) {
        return header + box.address;
    }
    const std::string& display = box.display_name;
    std::string angle = "<" + box.address + ">";
    if (is_printable_ascii(display) && display.find("=?") == std::string::npos) {
        bool atoms = true;
        std::string quoted = "\"";
        for (char c : display) {
            atoms = atoms && (is_atext(c) || c == ' ');
            if (c == '"' || c == '\\') {
                quoted += '\\';
            }
            quoted += c;
        }
        quoted += '"';
        std::string phrase = atoms ? display : quoted;
        if (header.size() + phrase.size() + 1 + angle.size() <= k_header_width) {
            return header + phrase + " " + angle;
        }
    }
    std::string words = encoded_words(display);
    std::size_t last_line = words.rfind('\n');
    std::size_t column = last_line == std::string::npos ? header.size() + words.size()
                                                        : words.size() - last_line - 1;
    header += words;
    header += column + 1 + angle.size() > k_header_width ? "\r\n " : " ";
    return header + angle;
}

// RFC 5322 §3.3 date-time in UTC; names spelled out so that the locale plays no part.
std::string rfc5322_date(std::chrono::system_clock::time_point now) {
    static constexpr std::array<const char*, 7> k_weekdays = {"Sun", "Mon", "Tue", "Wed",
                                                              "Thu", "Fri", "Sat"};
    static constexpr std::array<const char*, 12> k_months = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    using namespace std::chrono;
    auto secs = floor<seconds>(now);
    auto day = floor<days>(secs);
    year_month_day ymd{day};
    hh_mm_ss<seconds> time{secs - day};
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02lld:%02lld:%02lld +0000",
                  k_weekdays[weekday{day}.c_encoding()], static_cast<unsigned>(ymd.day()),
                  k_months[static_cast<unsigned>(ymd.month()) - 1], static_cast<int>(ymd.year()),
                  static_cast<long long>(time.hours().count()),
                  static_cast<long long>(time.minutes().count()),
                  static_cast<long long>(time.seconds().count()));
    return buf;
}

std::string random_hex(std::size_t bytes) {
    static constexpr char k_hex[] = "0123456789abcdef";
    std::random_device device; // one per call: random_device is not safe to share
    std::string out;
    while (out.size() < bytes * 2) {
        auto value = device();
        for (int k = 0; k < 4 && out.size() < bytes * 2; ++k) {
            out += k_hex[value & 0xF];
            out += k_hex[(value >> 4) & 0xF];
            value >>= 8;
        }
    }
    return out;
}

// The text split at CRLF, CR or LF; a final line break does not start another line.
std::vector<std::string_view> lines_of(std::string_view text) {
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find_first_of("\r\n", start);
        if (end == std::string_view::npos) {
            lines.push_back(text.substr(start));
            break;
        }
        lines.push_back(text.substr(start, end - start));
        bool crlf = text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n';
        start = end + (crlf ? 2 : 1);
    }
    return lines;
}

} // namespace

// RFC 2045 §6.7. Line breaks in the text become hard CRLF breaks; soft breaks ("=" CRLF) keep
// encoded lines within 76 characters and do not split a UTF-8 character, so that each line
// stays readable. Leading dots are left to the SMTP client's dot-stuffing (RFC 5321 §4.5.2).
std::string quoted_printable(std::string_view text) {
    static constexpr char k_hex[] = "0123456789ABCDEF";
    std::string out;
    for (std::string_view line : lines_of(text)) {
        std::size_t column = 0;
        for (std::size_t i = 0; i < line.size(); ++i) {
            auto c = static_cast<unsigned char>(line[i]);
            bool last = i + 1 == line.size();
            bool literal = (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !last);
            std::size_t width = literal ? 1 : 3;
            std::size_t span = 1; // bytes that should stay on one line
            if (c >= 0xC0) {
                span = std::max<std::size_t>(1, utf8_sequence_length(c));
                span = std::min(span, line.size() - i);
            }
            // The soft break's "=" needs a column unless the line ends here.
            std::size_t limit = i + span == line.size() ? k_qp_width : k_qp_width - 1;
            if (column + width * span > limit && column > 0) {
                out += "=\r\n";
                column = 0;
            }
            if (literal) {
                out += static_cast<char>(c);
            } else {
                out += '=';
                out += k_hex[c >> 4];
                out += k_hex[c & 0xF];
            }
            column += width;
        }
        out += k_crlf;
    }
    return out;
}

bool mail_enabled(const SmtpSettings& settings) noexcept {
    return !settings.url.empty();
}

bool is_plain_address(std::string_view address) noexcept {
    std::size_t at = address.find('@');
    if (address.size() > 254 || at == std::string_view::npos || at != address.rfind('@')) {
        return false;
    }
    std::string_view local = address.substr(0, at);
    return local.size() <= 64 && is_dot_atom(local) && is_host_name(address.substr(at + 1));
}

std::string address_of(std::string_view mailbox) {
    auto box = parse_mailbox(mailbox);
    if (!box || has_line_break(mailbox)) {
        throw Error(ErrorKind::invalid_input,
                    "not a mail address: \"" + std::string(mailbox.substr(0, 100)) + "\"",
                    "write one address as local@domain or Name <local@domain>");
    }
    return box->address;
}

std::string format_message(const Message& message, const SmtpSettings& settings,
                           std::string_view message_id_domain,
                           std::chrono::system_clock::time_point now) {
    FieldErrors errors;
    auto check_address = [&](const char* field, const std::string& value) {
        if (has_line_break(value)) {
            errors.add_parameter(field, "contains a line break");
        } else if (!is_plain_address(value)) {
            errors.add_parameter(field, "is not one plain address of the form local@domain");
        }
    };
    check_address("to", message.to);
    if (!message.reply_to.empty()) {
        check_address("reply_to", message.reply_to);
    }
    if (has_line_break(message.subject)) {
        errors.add_parameter("subject", "contains a line break");
    } else if (!is_utf8(message.subject)) {
        errors.add_parameter("subject", "is not valid UTF-8");
    }
    if (message.text.empty()) {
        errors.add_parameter("text", "is required");
    } else if (!is_utf8(message.text)) {
        errors.add_parameter("text", "is not valid UTF-8");
    }
    if (!is_utf8(message.html)) {
        errors.add_parameter("html", "is not valid UTF-8");
    }
    std::optional<Mailbox> from;
    if (has_line_break(settings.from)) {
        errors.add_parameter("from", "contains a line break");
    } else if (!(from = parse_mailbox(settings.from))) {
        errors.add_parameter("from",
                             "is not an address of the form local@domain or Name <local@domain>");
    } else if (!is_utf8(from->display_name)) {
        errors.add_parameter("from", "the name is not valid UTF-8");
    }
    if (!message_id_domain.empty() && !is_host_name(message_id_domain)) {
        errors.add_parameter("message_id_domain", "is not a host name");
    }
    errors.throw_if_any("mail message");

    std::string domain(message_id_domain);
    if (domain.empty()) {
        domain = from->address.substr(from->address.find('@') + 1);
    }

    std::string out;
    auto header = [&](std::string line) {
        out += line;
        out += k_crlf;
    };
    header("Date: " + rfc5322_date(now));
    header(mailbox_header("From", *from));
    header("To: " + message.to);
    if (!message.reply_to.empty()) {
        header("Reply-To: " + message.reply_to);
    }
    header(unstructured_header("Subject", message.subject));
    header("Message-ID: <" + random_hex(16) + "@" + domain + ">");
    // RFC 3834 §5: asks autoresponders not to answer verification and reset messages.
    header("Auto-Submitted: auto-generated");
    header("MIME-Version: 1.0");
    const std::string text_headers = "Content-Type: text/plain; charset=UTF-8\r\n"
                                     "Content-Transfer-Encoding: quoted-printable\r\n";
    if (message.html.empty()) {
        out += text_headers;
        out += k_crlf;
        out += quoted_printable(message.text);
        return out;
    }
    // "=_" cannot occur in quoted-printable text, so the boundary cannot appear in a part
    // (RFC 2045 §6.7, RFC 2046 §5.1.1).
    std::string boundary = "=_impetus_" + random_hex(12);
    header("Content-Type: multipart/alternative;");
    header(" boundary=\"" + boundary + "\"");
    out += k_crlf;
    // RFC 2046 §5.1.1: the CRLF before a delimiter belongs to the delimiter, so each part's own
    // final line break is followed by another. §5.1.4: the last part is the preferred one.
    out += "--" + boundary + "\r\n" + text_headers + "\r\n" + quoted_printable(message.text);
    out += "\r\n--" + boundary + "\r\n" +
           "Content-Type: text/html; charset=UTF-8\r\n"
           "Content-Transfer-Encoding: quoted-printable\r\n\r\n" +
           quoted_printable(message.html);
    out += "\r\n--" + boundary + "--\r\n";
    return out;
}

Sender::~Sender() = default;

} // namespace impetus::mail
