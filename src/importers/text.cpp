#include "importers/text.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>

namespace impetus::importers {

namespace {

// Windows-1252 bytes 0x80..0x9F (WHATWG Encoding Standard, index-windows-1252). Zero marks the
// five bytes the code page leaves undefined; they decode to U+FFFD.
constexpr std::array<char32_t, 32> k_cp1252_c1{
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, // 80..87
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,      // 88..8F
    0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, // 90..97
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178, // 98..9F
};

void append_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

constexpr std::string_view k_bom = "\xEF\xBB\xBF";
constexpr std::string_view k_nbsp = "\xC2\xA0";

// Length of the white space sequence starting at s[i] (0 when none).
std::size_t space_at(std::string_view s, std::size_t i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f') {
        return 1;
    }
    if (s.substr(i, 2) == k_nbsp) {
        return 2;
    }
    if (s.substr(i, 3) == k_bom) {
        return 3;
    }
    return 0;
}

// Length of the white space sequence ending just before s[end] (0 when none).
std::size_t space_before(std::string_view s, std::size_t end) {
    if (end >= 1 && space_at(s, end - 1) == 1) {
        return 1;
    }
    if (end >= 2 && s.substr(end - 2, 2) == k_nbsp) {
        return 2;
    }
    if (end >= 3 && s.substr(end - 3, 3) == k_bom) {
        return 3;
    }
    return 0;
}

} // namespace

bool is_valid_utf8(std::string_view s) {
    std::size_t i = 0;
    const std::size_t n = s.size();
    while (i < n) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t len = 0;
        char32_t cp = 0;
        char32_t min = 0;
        if ((c & 0xE0) == 0xC0) {
            len = 2, cp = c & 0x1F, min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3, cp = c & 0x0F, min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4, cp = c & 0x07, min = 0x10000;
        } else {
            return false; // a continuation byte or 0xF8..0xFF where a sequence should start
        }
        if (i + len > n) {
            return false;
        }
        for (std::size_t k = 1; k < len; ++k) {
            unsigned char cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xC0) != 0x80) {
                return false;
            }
            cp = (cp << 6) | (cc & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return false; // overlong, out of range, or a UTF-16 surrogate (RFC 3629 section 3)
        }
        i += len;
    }
    return true;
}

std::string cp1252_to_utf8(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size() + bytes.size() / 8);
    for (char ch : bytes) {
        unsigned char c = static_cast<unsigned char>(ch);
        if (c < 0x80) {
            out += ch;
        } else if (c < 0xA0) {
            char32_t cp = k_cp1252_c1[c - 0x80];
            append_utf8(out, cp ? cp : 0xFFFD);
        } else {
            append_utf8(out, c); // 0xA0..0xFF are Latin-1, U+00A0..U+00FF
        }
    }
    return out;
}

DecodedText decode_text(std::string_view bytes) {
    if (bytes.substr(0, 3) == k_bom) {
        bytes.remove_prefix(3);
        // A BOM promises UTF-8; should the rest not be, Windows-1252 is still the better guess.
        if (is_valid_utf8(bytes)) {
            return {std::string(bytes), "utf-8-bom"};
        }
        return {cp1252_to_utf8(bytes), "windows-1252"};
    }
    if (is_valid_utf8(bytes)) {
        return {std::string(bytes), "utf-8"};
    }
    return {cp1252_to_utf8(bytes), "windows-1252"};
}

std::string_view trim_view(std::string_view s) {
    std::size_t b = 0;
    while (b < s.size()) {
        std::size_t k = space_at(s, b);
        if (k == 0) {
            break;
        }
        b += k;
    }
    std::size_t e = s.size();
    while (e > b) {
        std::size_t k = space_before(s, e);
        if (k == 0) {
            break;
        }
        e -= k;
    }
    return s.substr(b, e - b);
}

std::string trim(std::string_view s) {
    return std::string(trim_view(s));
}

std::string collapse_whitespace(std::string_view s) {
    s = trim_view(s);
    std::string out;
    out.reserve(s.size());
    bool in_space = false;
    for (std::size_t i = 0; i < s.size();) {
        if (std::size_t k = space_at(s, i); k > 0) {
            in_space = true;
            i += k;
            continue;
        }
        if (in_space) {
            out += ' ';
            in_space = false;
        }
        out += s[i++];
    }
    return out;
}

std::string truncate_utf8(std::string_view s, std::size_t max_bytes) {
    if (s.size() <= max_bytes) {
        return std::string(s);
    }
    std::size_t end = max_bytes;
    // Step back over continuation bytes so that no sequence is cut in two.
    while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) {
        --end;
    }
    return std::string(s.substr(0, end));
}

std::string normalise_newlines(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\r') {
            out += '\n';
            if (i + 1 < s.size() && s[i + 1] == '\n') {
                ++i;
            }
        } else {
            out += s[i];
        }
    }
    return out;
}

std::string lower_ascii(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

std::string slugify(std::string_view s) {
    std::string out;
    bool dash = false;
    for (char c : s) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            if (dash && !out.empty()) {
                out += '-';
            }
            dash = false;
            out += c;
        } else {
            dash = true;
        }
    }
    return out;
}

std::string file_stem(std::string_view file_name) {
    auto slash = file_name.find_last_of("/\\");
    if (slash != std::string_view::npos) {
        file_name.remove_prefix(slash + 1);
    }
    auto dot = file_name.rfind('.');
    if (dot != std::string_view::npos && dot > 0) {
        file_name = file_name.substr(0, dot);
    }
    return std::string(file_name);
}

std::optional<double> parse_number(std::string_view s) {
    s = trim_view(s);
    if (!s.empty() && s.front() == '+') {
        s.remove_prefix(1);
    }
    if (s.empty()) {
        return std::nullopt;
    }
    double v = 0.0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size() || !std::isfinite(v)) {
        return std::nullopt;
    }
    return v;
}

} // namespace impetus::importers
