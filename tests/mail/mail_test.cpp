// The mail module: message formatting (RFC 5322, MIME quoted-printable, RFC 2047 subjects),
// header-injection and address checks, and real delivery through a local SMTP sink
// (tests/support/smtp_sink.py on python3-aiosmtpd), whose own MIME decoder reads the messages.

#include "core/error.hpp"
#include "mail/mail.hpp"
#include "support/errors.hpp"
#include "support/run_command.hpp"
#include "support/smtp_sink.hpp"

#include <arpa/inet.h>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <nlohmann/json.hpp>
#include <regex>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace impetus::mail {
namespace {

using namespace std::chrono;
using test::catch_error;
using test::field_names;
using Strings = std::vector<std::string>;

const system_clock::time_point k_now = sys_days{2026y / November / 29} + 6h + 57min + 44s;

SmtpSettings settings(std::string url = "smtp://127.0.0.1:2525") {
    SmtpSettings s;
    s.url = std::move(url);
    s.from = "Impetus <noreply@example.org>";
    s.timeout_seconds = 10;
    return s;
}

Message reset_message() {
    Message m;
    m.to = "alice@example.org";
    m.subject = "Reset your password";
    m.text = "Hello Alice,\nfollow this link to choose a new password.\n";
    return m;
}

std::string format(const Message& m, const SmtpSettings& s = settings()) {
    return format_message(m, s, "impetus.example", k_now);
}

// The lines of `text`, split at CRLF.
Strings crlf_lines(const std::string& text) {
    Strings out;
    std::size_t start = 0;
    std::size_t end = 0;
    while ((end = text.find("\r\n", start)) != std::string::npos) {
        out.push_back(text.substr(start, end - start));
        start = end + 2;
    }
    out.push_back(text.substr(start));
    return out;
}

std::string head(const std::string& message) {
    return message.substr(0, message.find("\r\n\r\n"));
}
std::string body(const std::string& message) {
    return message.substr(message.find("\r\n\r\n") + 4);
}

// The value of the header `name`, unfolded (RFC 5322 §2.2.3), or "" when absent.
std::string header(const std::string& message, const std::string& name) {
    Strings lines = crlf_lines(head(message));
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (lines[i].rfind(name + ": ", 0) == 0) {
            std::string value = lines[i].substr(name.size() + 2);
            while (i + 1 < lines.size() && !lines[i + 1].empty() && lines[i + 1][0] == ' ') {
                value += lines[++i];
            }
            return value;
        }
    }
    return {};
}

// Every line break is CRLF: no bare LF, no bare CR.
bool only_crlf(const std::string& text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) {
            return false;
        }
        if (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n')) {
            return false;
        }
    }
    return true;
}

std::string base64_decode(const std::string& in) {
    static const std::string k_alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::uint32_t bits = 0;
    int count = 0;
    for (char c : in) {
        auto pos = k_alphabet.find(c);
        if (pos == std::string::npos) {
            continue; // padding
        }
        bits = (bits << 6) | static_cast<std::uint32_t>(pos);
        if ((count += 6) >= 8) {
            count -= 8;
            out += static_cast<char>((bits >> count) & 0xFF);
        }
    }
    return out;
}

// The text of a header made of RFC 2047 "B" words separated by folding whitespace; each word
// is decoded alone, so a character split between words would show as broken bytes.
Strings decoded_words(const std::string& value) {
    static const std::regex k_word(R"(=\?UTF-8\?B\?([A-Za-z0-9+/=]+)\?=)");
    Strings words;
    for (std::sregex_iterator it(value.begin(), value.end(), k_word), end; it != end; ++it) {
        words.push_back(base64_decode((*it)[1]));
    }
    return words;
}

// Whether `bytes` starts and ends on a UTF-8 character boundary.
bool whole_characters(const std::string& bytes) {
    auto continuation = [&](std::size_t i) {
        return (static_cast<unsigned char>(bytes[i]) & 0xC0) == 0x80;
    };
    if (bytes.empty()) {
        return true;
    }
    if (continuation(0)) {
        return false;
    }
    std::size_t lead = bytes.size() - 1;
    while (continuation(lead)) {
        --lead;
    }
    auto c = static_cast<unsigned char>(bytes[lead]);
    std::size_t length = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    return lead + length == bytes.size();
}

std::string joined(const Strings& parts) {
    std::string out;
    for (const auto& p : parts) {
        out += p;
    }
    return out;
}

TEST(MailFormat, HeadersAndCrlfLineEndings) {
    std::string m = format(reset_message());
    EXPECT_TRUE(only_crlf(m));
    Strings lines = crlf_lines(head(m));
    ASSERT_EQ(lines.size(), 9u) << m;
    EXPECT_EQ(lines[0], "Date: Sun, 29 Nov 2026 06:57:44 +0000");
    EXPECT_EQ(lines[1], "From: Impetus <noreply@example.org>");
    EXPECT_EQ(lines[2], "To: alice@example.org");
    EXPECT_EQ(lines[3], "Subject: Reset your password");
    EXPECT_TRUE(
        std::regex_match(lines[4], std::regex("Message-ID: <[0-9a-f]{32}@impetus\\.example>")))
        << lines[4];
    EXPECT_EQ(lines[5], "Auto-Submitted: auto-generated");
    EXPECT_EQ(lines[6], "MIME-Version: 1.0");
    EXPECT_EQ(lines[7], "Content-Type: text/plain; charset=UTF-8");
    EXPECT_EQ(lines[8], "Content-Transfer-Encoding: quoted-printable");
    EXPECT_EQ(body(m), "Hello Alice,\r\nfollow this link to choose a new password.\r\n");
    EXPECT_EQ(header(m, "Reply-To"), "");
}

TEST(MailFormat, ReplyToAndDistinctMessageIds) {
    Message msg = reset_message();
    msg.reply_to = "support@example.org";
    std::string a = format(msg);
    std::string b = format(msg);
    EXPECT_EQ(header(a, "Reply-To"), "support@example.org");
    EXPECT_NE(header(a, "Message-ID"), header(b, "Message-ID"));
}

TEST(MailFormat, DateIsUtcInRfc5322Form) {
    auto date = [](system_clock::time_point t) {
        return header(format_message(reset_message(), settings(), "x.example", t), "Date");
    };
    EXPECT_EQ(date(sys_days{2024y / February / 5}), "Mon, 05 Feb 2024 00:00:00 +0000");
    EXPECT_EQ(date(sys_days{1999y / December / 31} + 23h + 59min + 59s + 900ms),
              "Fri, 31 Dec 1999 23:59:59 +0000");
}

TEST(MailFormat, MessageIdDomainDefaultsToTheSendersDomain) {
    std::string m = format_message(reset_message(), settings(), "", k_now);
    EXPECT_TRUE(
        std::regex_match(header(m, "Message-ID"), std::regex("<[0-9a-f]{32}@example\\.org>")));
}

TEST(MailFormat, NonAsciiSubjectIsEncodedAsUtf8Words) {
    Message msg = reset_message();
    msg.subject = "Réinitialisation du mot de passe";
    std::string m = format(msg);
    EXPECT_EQ(header(m, "Subject"), "=?UTF-8?B?UsOpaW5pdGlhbGlzYXRpb24gZHUgbW90IGRlIHBhc3Nl?=");
}

TEST(MailFormat, LongEncodedSubjectIsFoldedBetweenWholeCharacters) {
    Message msg = reset_message();
    // two-byte é and four-byte 🔑 at every offset against the word size
    for (const std::string unit : {"é", "aé", "🔑", "a🔑", "ab🔑"}) {
        msg.subject.clear();
        while (msg.subject.size() < 200) {
            msg.subject += unit;
        }
        std::string m = format(msg);
        for (const auto& line : crlf_lines(head(m))) {
            EXPECT_LE(line.size(), 78u) << line;
        }
        Strings words = decoded_words(header(m, "Subject"));
        EXPECT_GT(words.size(), 3u);
        EXPECT_EQ(joined(words), msg.subject);
        for (const auto& w : words) {
            EXPECT_TRUE(whole_characters(w)) << unit;
        }
    }
}

TEST(MailFormat, LongAsciiSubjectIsFoldedAtSpaces) {
    Message msg = reset_message();
    msg.subject = "Your request to use the vacant plot at 12 Station Road has been reviewed by "
                  "the neighbourhood committee and accepted";
    std::string m = format(msg);
    Strings lines = crlf_lines(head(m));
    for (const auto& line : lines) {
        EXPECT_LE(line.size(), 78u) << line;
    }
    EXPECT_EQ(header(m, "Subject"), msg.subject); // unfolding gives the subject back
    EXPECT_NE(head(m).find("\r\n "), std::string::npos);
}

TEST(MailFormat, AsciiSubjectsThatCannotStayPlainAreEncoded) {
    Message msg = reset_message();
    msg.subject = "=?UTF-8?B?SGk=?="; // would be decoded as "Hi" if sent plain
    EXPECT_EQ(joined(decoded_words(header(format(msg), "Subject"))), msg.subject);
    msg.subject = "tab\there";
    EXPECT_EQ(joined(decoded_words(header(format(msg), "Subject"))), msg.subject);
    msg.subject = std::string(90, 'x'); // one word longer than a line
    std::string m = format(msg);
    EXPECT_EQ(joined(decoded_words(header(m, "Subject"))), msg.subject);
    for (const auto& line : crlf_lines(head(m))) {
        EXPECT_LE(line.size(), 78u) << line;
    }
}

TEST(MailFormat, FromDisplayNames) {
    auto from = [](const std::string& value) {
        SmtpSettings s = settings();
        s.from = value;
        return header(format(reset_message(), s), "From");
    };
    EXPECT_EQ(from("noreply@example.org"), "noreply@example.org");
    EXPECT_EQ(from("  Impetus   <noreply@example.org> "), "Impetus <noreply@example.org>");
    EXPECT_EQ(from("Impetus, Lyon <noreply@example.org>"),
              "\"Impetus, Lyon\" <noreply@example.org>");
    EXPECT_EQ(from("\"Say \\\"hi\\\"\" <noreply@example.org>"),
              "\"Say \\\"hi\\\"\" <noreply@example.org>");
    std::string encoded = from("Équipe Impetus <noreply@example.org>");
    EXPECT_EQ(joined(decoded_words(encoded)), "Équipe Impetus");
    EXPECT_TRUE(encoded.ends_with(" <noreply@example.org>")) << encoded;
}

TEST(QuotedPrintable, NonAsciiEqualsSignAndLineBreaks) {
    EXPECT_EQ(quoted_printable("Bonjour Zoë,\nle lien expire à 12:00 = midi.\n"),
              "Bonjour Zo=C3=AB,\r\nle lien expire =C3=A0 12:00 =3D midi.\r\n");
    // CRLF, CR and LF all become CRLF; a final break does not add an empty line
    EXPECT_EQ(quoted_printable("a\r\nb\rc\n\nd"), "a\r\nb\r\nc\r\n\r\nd\r\n");
    EXPECT_EQ(quoted_printable("\n"), "\r\n");
}

TEST(QuotedPrintable, WhitespaceAtTheEndOfALineIsEncoded) {
    EXPECT_EQ(quoted_printable("end \nnext\t\nin side\n"), "end=20\r\nnext=09\r\nin side\r\n");
}

TEST(QuotedPrintable, LeadingDotsAreLeftToTheSmtpClient) {
    // libcurl dot-stuffs the DATA (RFC 5321 §4.5.2); the delivery test checks the round trip.
    EXPECT_EQ(quoted_printable(".\n..two\n.end"), ".\r\n..two\r\n.end\r\n");
}

TEST(QuotedPrintable, LongLinesGetSoftBreaks) {
    std::string encoded = quoted_printable(std::string(200, 'a'));
    Strings lines = crlf_lines(encoded);
    ASSERT_EQ(lines.size(), 4u); // 75 + 75 + 50 characters and the empty rest after CRLF
    EXPECT_EQ(lines[0], std::string(75, 'a') + "=");
    EXPECT_EQ(lines[1], std::string(75, 'a') + "=");
    EXPECT_EQ(lines[2], std::string(50, 'a'));
    // exactly 76 characters need no soft break
    EXPECT_EQ(quoted_printable(std::string(76, 'b')), std::string(76, 'b') + "\r\n");
}

TEST(QuotedPrintable, LongNonAsciiLinesKeepCharactersWhole) {
    std::string line;
    while (line.size() < 300) {
        line += "Réunion à l’hôtel de ville ";
    }
    Strings lines = crlf_lines(quoted_printable(line));
    ASSERT_EQ(lines.back(), "");
    lines.pop_back();
    std::string decoded;
    for (const auto& l : lines) {
        EXPECT_LE(l.size(), 76u) << l;
        bool soft = l.ends_with("=");
        std::string bytes;
        for (std::size_t i = 0; i + soft < l.size(); ++i) {
            if (l[i] == '=') {
                bytes += static_cast<char>(std::stoi(l.substr(i + 1, 2), nullptr, 16));
                i += 2;
            } else {
                bytes += l[i];
            }
        }
        // a soft break never falls inside a character
        EXPECT_TRUE(whole_characters(bytes)) << l;
        decoded += bytes + (soft ? "" : "\n");
    }
    EXPECT_EQ(decoded, line + "\n");
}

TEST(MailFormat, MultipartAlternativeWhenHtmlIsGiven) {
    Message msg = reset_message();
    msg.html =
        "<p>Hello Alice,</p>\n<p><a href=\"https://impetus.example/reset?t=1\">Reset</a></p>\n";
    std::string m = format(msg);
    EXPECT_TRUE(only_crlf(m));
    std::smatch match;
    std::string type = header(m, "Content-Type");
    ASSERT_TRUE(std::regex_match(type, match,
                                 std::regex(R"re(multipart/alternative; boundary="([^"]+)")re")))
        << type;
    std::string boundary = match[1];
    EXPECT_EQ(header(m, "Content-Transfer-Encoding"), "");
    std::string expected = "--" + boundary +
                           "\r\n"
                           "Content-Type: text/plain; charset=UTF-8\r\n"
                           "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
                           "Hello Alice,\r\nfollow this link to choose a new password.\r\n"
                           "\r\n--" +
                           boundary +
                           "\r\n"
                           "Content-Type: text/html; charset=UTF-8\r\n"
                           "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
                           "<p>Hello Alice,</p>\r\n"
                           "<p><a href=3D\"https://impetus.example/reset?t=3D1\">Reset</a></p>\r\n"
                           "\r\n--" +
                           boundary + "--\r\n";
    EXPECT_EQ(body(m), expected);
}

TEST(MailFormat, HeaderInjectionIsRejected) {
    Message msg = reset_message();
    msg.subject = "Hello\r\nBcc: mallory@example.net";
    msg.to = "alice@example.org\r\nBcc: mallory@example.net";
    msg.reply_to = "support@example.org\nBcc: mallory@example.net";
    SmtpSettings s = settings();
    s.from = "Impetus\r <noreply@example.org>";
    Error e = catch_error([&] { format_message(msg, s, "impetus.example\n", k_now); });
    EXPECT_EQ(e.kind(), ErrorKind::invalid_input);
    EXPECT_EQ(field_names(e), (Strings{"to", "reply_to", "subject", "from", "message_id_domain"}));
    EXPECT_EQ(test::message_for(e.fields(), "subject"), "contains a line break");

    for (const std::string bad : {"a\rb", "a\nb", "\r\n", "x\r\n\r\nbody"}) {
        Message one = reset_message();
        one.subject = bad;
        EXPECT_EQ(field_names(catch_error([&] { format(one); })), (Strings{"subject"})) << bad;
    }
}

TEST(MailFormat, RecipientMustBeOnePlainAddress) {
    for (const std::string good :
         {"alice@example.org", "a.b+tag@sub.example.co.uk", "o'neil@example.ie", "x@localhost",
          "user_1-2@xn--rpublique-d4a.fr"}) {
        Message msg = reset_message();
        msg.to = good;
        EXPECT_NO_THROW(format(msg)) << good;
        EXPECT_TRUE(is_plain_address(good)) << good;
    }
    for (const std::string bad : {"",
                                  "alice",
                                  "alice@",
                                  "@example.org",
                                  "Alice <alice@example.org>",
                                  "<alice@example.org>",
                                  "alice@example.org>",
                                  "alice@example.org, bob@example.org",
                                  "alice@example.org,bob@example.org",
                                  "alice @example.org",
                                  "alice@exa mple.org",
                                  " alice@example.org",
                                  "a..b@example.org",
                                  ".a@example.org",
                                  "a.@example.org",
                                  "a@b@example.org",
                                  "alice@-example.org",
                                  "alice@example..org",
                                  "alice@example.org.",
                                  "alice@[127.0.0.1]",
                                  "\"alice\"@example.org",
                                  "alicé@example.org",
                                  "alice@exämple.org",
                                  "alice(comment)@example.org",
                                  "alice@example.org\tbob@example.org"}) {
        Message msg = reset_message();
        msg.to = bad;
        Error e = catch_error([&] { format(msg); });
        EXPECT_EQ(e.kind(), ErrorKind::invalid_input) << bad;
        EXPECT_EQ(field_names(e), (Strings{"to"})) << bad;
        msg.to = "alice@example.org";
        msg.reply_to = bad;
        if (!bad.empty()) { // an empty Reply-To means none
            EXPECT_EQ(field_names(catch_error([&] { format(msg); })), (Strings{"reply_to"})) << bad;
        }
    }
    EXPECT_FALSE(is_plain_address(std::string(65, 'a') + "@example.org"));
    EXPECT_FALSE(is_plain_address("a@" + std::string(64, 'b') + ".org"));
}

TEST(MailFormat, TextIsRequiredAndEverythingIsUtf8) {
    Message msg = reset_message();
    msg.text.clear();
    msg.subject = "caf\xe9"; // Latin-1
    msg.html = "\xc3\x28";
    Error e = catch_error([&] { format(msg); });
    EXPECT_EQ(field_names(e), (Strings{"subject", "text", "html"}));
    EXPECT_EQ(test::message_for(e.fields(), "text"), "is required");
    msg.text = "overlong \xc0\xaf and surrogate \xed\xa0\x80";
    msg.subject = "ok";
    msg.html.clear();
    EXPECT_EQ(field_names(catch_error([&] { format(msg); })), (Strings{"text"}));
}

TEST(SmtpSender, SettingsAreCheckedUpFront) {
    SmtpSettings s = settings("http://127.0.0.1:2525");
    s.from = "Impetus";
    s.timeout_seconds = 0;
    Error e = catch_error([&] { SmtpSender sender(s); });
    EXPECT_EQ(e.kind(), ErrorKind::invalid_input);
    EXPECT_EQ(field_names(e), (Strings{"url", "from", "timeout_seconds"}));
    EXPECT_NO_THROW(SmtpSender(settings("SMTPS://mail.example.org:465")));
    EXPECT_EQ(address_of("Impetus <noreply@example.org>"), "noreply@example.org");
    EXPECT_EQ(catch_error([] { address_of("noreply@example.org\r\n"); }).kind(),
              ErrorKind::invalid_input);
}

TEST(SmtpSender, DisabledMailIsAPrecondition) {
    SmtpSettings s;
    EXPECT_FALSE(mail_enabled(s));
    SmtpSender sender(s);
    Error e = catch_error([&] { sender.send(reset_message()); });
    EXPECT_EQ(e.kind(), ErrorKind::precondition);
}

// A loopback port with nothing listening: bound by the OS, then released.
int closed_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
}

TEST(SmtpSender, ClosedPortIsAnIoErrorNamingTheServer) {
    std::string port = std::to_string(closed_port());
    SmtpSettings s = settings("smtp://relay:s3cret@127.0.0.1:" + port);
    SmtpSender sender(s);
    Error e = catch_error([&] { sender.send(reset_message()); });
    EXPECT_EQ(e.kind(), ErrorKind::io);
    std::string what = e.what();
    EXPECT_NE(what.find("cannot deliver mail through smtp://127.0.0.1:" + port), std::string::npos)
        << what;
    EXPECT_NE(what.find("connect"), std::string::npos) << what;
    EXPECT_EQ(what.find("s3cret"), std::string::npos) << what;
    EXPECT_NE(e.hint().find("running and reachable"), std::string::npos) << e.hint();
}

TEST(SmtpSender, InvalidMessageIsRejectedBeforeConnecting) {
    SmtpSender sender(settings("smtp://127.0.0.1:" + std::to_string(closed_port())));
    Message msg = reset_message();
    msg.to = "alice@example.org>\r\nRCPT TO:<mallory@example.net";
    EXPECT_EQ(catch_error([&] { sender.send(msg); }).kind(), ErrorKind::invalid_input);
}

// tests/support/smtp_sink.py in the background, writing what it receives to a temporary folder.
class SmtpDelivery : public ::testing::Test {
  protected:
    void SetUp() override {
        const std::string python = test::python_with_aiosmtpd();
        if (python.empty()) {
            if (std::getenv("CI")) {
                FAIL() << "python3 with aiosmtpd (python3-aiosmtpd) is required in CI";
            }
            GTEST_SKIP() << "python3 with aiosmtpd (python3-aiosmtpd) is not installed";
        }
        m_sink.emplace(python);
    }

    SmtpSettings sink_settings() const { return settings(m_sink->url()); }

    // The sink's record of the n-th message received (from 1).
    nlohmann::json received(int n) const {
        nlohmann::json j = m_sink->received(n);
        if (j.is_null()) {
            ADD_FAILURE() << "no message " << n << " at the sink";
            return nlohmann::json::object();
        }
        return j;
    }

    std::size_t received_count() const { return m_sink->received_count(); }

    std::optional<test::SmtpSink> m_sink;
};

// Line breaks as LF, for comparing bodies decoded by Python's email package.
std::string lf(std::string s) {
    for (std::size_t i; (i = s.find("\r\n")) != std::string::npos;) {
        s.erase(i, 1);
    }
    return s;
}

TEST_F(SmtpDelivery, TwoMessagesArriveWithRecipientsSubjectAndBody) {
    SmtpSender sender(sink_settings());

    Message reset = reset_message();
    reset.subject = "Réinitialisation du mot de passe";
    reset.text = "Bonjour Zoë,\n"
                 ".\n"
                 "..deux points en tête de ligne, puis une ligne longue :\n" +
                 std::string(30, '-') + " « hôtel de ville » " + std::string(120, '=') + "\n" +
                 ".\n";
    sender.send(reset);

    SmtpSettings named = sink_settings();
    named.from = "Équipe Impetus <noreply@example.org>";
    Message verify;
    verify.to = "bob.martin+impetus@example.net";
    verify.reply_to = "support@example.org";
    verify.subject = "Confirmez votre adresse pour rejoindre l’espace « Jardin partagé de la rue "
                     "des Écoles »"; // folded into several encoded words
    verify.text = "Confirm: https://impetus.example/verify?t=abc\n";
    verify.html = "<p><a href=\"https://impetus.example/verify?t=abc\">Confirm</a></p>\n";
    SmtpSender(named).send(verify);

    ASSERT_EQ(received_count(), 2u);
    nlohmann::json first = received(1);
    EXPECT_EQ(first["mail_from"], "noreply@example.org");
    EXPECT_EQ(first["rcpt_tos"], nlohmann::json::array({"alice@example.org"}));
    EXPECT_EQ(first["subject"], "Réinitialisation du mot de passe");
    EXPECT_EQ(first["content_type"], "text/plain");
    EXPECT_EQ(lf(first["text"]), reset.text); // dot-stuffing undone by the server
    EXPECT_EQ(first["headers"]["To"], "alice@example.org");
    EXPECT_EQ(first["headers"]["From"], "Impetus <noreply@example.org>");
    EXPECT_EQ(first["defects"], nlohmann::json::array());

    nlohmann::json second = received(2);
    EXPECT_EQ(second["rcpt_tos"], nlohmann::json::array({"bob.martin+impetus@example.net"}));
    EXPECT_EQ(second["mail_from"], "noreply@example.org");
    EXPECT_EQ(second["subject"], verify.subject);
    EXPECT_EQ(second["headers"]["From"], "Équipe Impetus <noreply@example.org>");
    EXPECT_EQ(second["content_type"], "multipart/alternative");
    EXPECT_EQ(second["headers"]["Reply-To"], "support@example.org");
    EXPECT_EQ(lf(second["text"]), verify.text);
    EXPECT_EQ(lf(second["html"]), verify.html);
    EXPECT_EQ(second["defects"], nlohmann::json::array());
}

TEST_F(SmtpDelivery, SendersOnSeveralThreads) {
    SmtpSender sender(sink_settings());
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int k = 0; k < 3; ++k) {
                Message msg = reset_message();
                msg.to = "user" + std::to_string(t * 10 + k) + "@example.org";
                try {
                    sender.send(msg);
                } catch (const std::exception&) {
                    ++failures;
                }
            }
        });
    }
    for (auto& th : threads) {
        th.join();
    }
    EXPECT_EQ(failures, 0);
    EXPECT_EQ(received_count(), 12u);
}

} // namespace
} // namespace impetus::mail
