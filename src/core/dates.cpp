#include "core/dates.hpp"

#include <charconv>
#include <chrono>
#include <cstdio>

namespace impetus {

namespace {

bool valid_ymd(int y, int m, int d) {
    using namespace std::chrono;
    return y >= 1000 && y <= 9999 &&
           year_month_day{year{y}, month{static_cast<unsigned>(m)}, day{static_cast<unsigned>(d)}}
               .ok();
}

std::string format_ymd(int y, int m, int d) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
    return buf;
}

bool read_int(std::string_view s, int& out) {
    if (s.empty()) {
        return false;
    }
    for (char c : s) {
        if (c < '0' || c > '9') {
            return false;
        }
    }
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc{} && p == s.data() + s.size();
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' ||
                          s.front() == '\n')) {
        s.remove_prefix(1);
    }
    while (!s.empty() &&
           (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
        s.remove_suffix(1);
    }
    return s;
}

} // namespace

std::optional<std::string> parse_iso_date(std::string_view t) {
    if (t.size() != 10 || t[4] != '-' || t[7] != '-') {
        return std::nullopt;
    }
    int y = 0, m = 0, d = 0;
    if (!read_int(t.substr(0, 4), y) || !read_int(t.substr(5, 2), m) ||
        !read_int(t.substr(8, 2), d) || !valid_ymd(y, m, d)) {
        return std::nullopt;
    }
    return format_ymd(y, m, d);
}

std::optional<std::int64_t> day_number(std::string_view iso_date) {
    auto canonical = parse_iso_date(iso_date);
    if (!canonical) return std::nullopt;
    int y = 0, m = 0, d = 0;
    read_int(std::string_view(*canonical).substr(0, 4), y);
    read_int(std::string_view(*canonical).substr(5, 2), m);
    read_int(std::string_view(*canonical).substr(8, 2), d);
    const std::chrono::sys_days days{std::chrono::year{y} / std::chrono::month{unsigned(m)} /
                                     std::chrono::day{unsigned(d)}};
    return days.time_since_epoch().count();
}

std::string date_of_day(std::int64_t day) {
    const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{day}}};
    return format_ymd(int(ymd.year()), int(unsigned(ymd.month())), int(unsigned(ymd.day())));
}

std::optional<std::string> parse_dmy_date(std::string_view t) {
    auto a = t.find('/');
    if (a == std::string_view::npos) {
        return std::nullopt;
    }
    auto b = t.find('/', a + 1);
    if (b == std::string_view::npos) {
        return std::nullopt;
    }
    int y = 0, m = 0, d = 0;
    auto ds = t.substr(0, a), ms = t.substr(a + 1, b - a - 1), ys = t.substr(b + 1);
    if (ds.size() > 2 || ms.size() > 2 || ys.size() != 4 || !read_int(ds, d) ||
        !read_int(ms, m) || !read_int(ys, y) || !valid_ymd(y, m, d)) {
        return std::nullopt;
    }
    return format_ymd(y, m, d);
}

std::optional<std::string> parse_date_lenient(std::string_view text) {
    auto t = trim(text);
    if (auto iso = parse_iso_date(t)) {
        return iso;
    }
    return parse_dmy_date(t);
}

std::optional<std::string> parse_rfc3339(std::string_view t) {
    // date "T" hh:mm:ss [.frac] ("Z" | ("+"|"-") hh:mm)
    if (t.size() < 20) {
        return std::nullopt;
    }
    auto date = parse_iso_date(t.substr(0, 10));
    if (!date || (t[10] != 'T' && t[10] != 't') || t[13] != ':' || t[16] != ':') {
        return std::nullopt;
    }
    int hh = 0, mi = 0, ss = 0;
    if (!read_int(t.substr(11, 2), hh) || !read_int(t.substr(14, 2), mi) ||
        !read_int(t.substr(17, 2), ss) || hh > 23 || mi > 59 || ss > 60) {
        return std::nullopt;
    }
    std::size_t pos = 19;
    std::string frac;
    if (pos < t.size() && t[pos] == '.') {
        ++pos;
        while (pos < t.size() && t[pos] >= '0' && t[pos] <= '9') {
            if (frac.size() < 3) {
                frac += t[pos];
            }
            ++pos;
        }
        if (frac.empty()) {
            return std::nullopt;
        }
    }
    int offset_min = 0;
    if (pos < t.size() && (t[pos] == 'Z' || t[pos] == 'z') && pos + 1 == t.size()) {
        // UTC
    } else if (pos + 6 == t.size() && (t[pos] == '+' || t[pos] == '-') && t[pos + 3] == ':') {
        int oh = 0, om = 0;
        if (!read_int(t.substr(pos + 1, 2), oh) || !read_int(t.substr(pos + 4, 2), om) ||
            oh > 23 || om > 59) {
            return std::nullopt;
        }
        offset_min = (oh * 60 + om) * (t[pos] == '+' ? 1 : -1);
    } else {
        return std::nullopt;
    }
    using namespace std::chrono;
    int y = 0, m = 0, d = 0;
    read_int(std::string_view(*date).substr(0, 4), y);
    read_int(std::string_view(*date).substr(5, 2), m);
    read_int(std::string_view(*date).substr(8, 2), d);
    sys_days days{year{y} / month{static_cast<unsigned>(m)} / day{static_cast<unsigned>(d)}};
    auto tp = days + hours{hh} + minutes{mi} + seconds{ss} - minutes{offset_min};
    auto dp = floor<std::chrono::days>(tp);
    year_month_day ymd{dp};
    hh_mm_ss hms{tp - dp};
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02ld", int(ymd.year()),
                  unsigned(ymd.month()), unsigned(ymd.day()), long(hms.hours().count()),
                  long(hms.minutes().count()), long(hms.seconds().count()));
    std::string out = buf;
    if (!frac.empty()) {
        while (frac.size() < 3) {
            frac += '0';
        }
        out += "." + frac;
    }
    return out + "Z";
}

std::string now_utc() { return format_utc(std::chrono::system_clock::now()); }

std::string with_milliseconds(std::string_view utc) {
    std::string out(utc);
    if (out.size() == 20 && out[10] == 'T' && out[19] == 'Z') out.insert(19, ".000");
    return out;
}

std::string format_utc(std::chrono::system_clock::time_point t) {
    using namespace std::chrono;
    auto now = time_point_cast<milliseconds>(t);
    auto dp = floor<days>(now);
    year_month_day ymd{dp};
    hh_mm_ss hms{now - dp};
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02ld.%03ldZ", int(ymd.year()),
                  unsigned(ymd.month()), unsigned(ymd.day()), long(hms.hours().count()),
                  long(hms.minutes().count()), long(hms.seconds().count()),
                  long(hms.subseconds().count()));
    return buf;
}

std::string today_utc() { return now_utc().substr(0, 10); }

} // namespace impetus
