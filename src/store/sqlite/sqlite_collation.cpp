#include "store/sqlite/sqlite_collation.hpp"

#include <algorithm>
#include <string>
#include <sqlite3.h>
#include <unicode/ucol.h>

namespace impetus::sqlite {

namespace {

constexpr std::string_view k_prefix = "icu_";

int compare(void* collator, int a_len, const void* a, int b_len, const void* b) {
    UErrorCode status = U_ZERO_ERROR;
    const UCollationResult r =
        ucol_strcollUTF8(static_cast<UCollator*>(collator), static_cast<const char*>(a), a_len,
                         static_cast<const char*>(b), b_len, &status);
    if (U_FAILURE(status)) { // invalid UTF-8 cannot be stored; fall back to the bytes
        const int n = std::min(a_len, b_len);
        const int c = std::char_traits<char>::compare(static_cast<const char*>(a),
                                                      static_cast<const char*>(b),
                                                      static_cast<std::size_t>(n));
        return c != 0 ? c : a_len - b_len;
    }
    return r == UCOL_LESS ? -1 : r == UCOL_GREATER ? 1 : 0;
}

void close_collator(void* collator) { ucol_close(static_cast<UCollator*>(collator)); }

// SQLite asks for a collation a statement names that the connection does not have yet.
void on_collation_needed(void*, sqlite3* db, int, const char* name) {
    const std::string_view n(name);
    if (n.size() <= k_prefix.size() || n.substr(0, k_prefix.size()) != k_prefix) {
        return; // not ours: preparing the statement fails with "no such collation sequence"
    }
    const std::string locale(n.substr(k_prefix.size()));
    UErrorCode status = U_ZERO_ERROR;
    UCollator* collator = ucol_open(locale == "root" ? "" : locale.c_str(), &status);
    if (U_FAILURE(status) || collator == nullptr) {
        return;
    }
    // The name as the statement wrote it, so that the lookup that follows finds it.
    sqlite3_create_collation_v2(db, name, SQLITE_UTF8, collator, compare, close_collator);
}

} // namespace

void register_collations(Connection& c) {
    sqlite3_collation_needed(c.handle(), nullptr, on_collation_needed);
}

std::string collation_for_language(std::string_view tag) {
    std::string out(k_prefix);
    if (tag.empty() || tag.size() > 35) {
        return out + "root";
    }
    for (char ch : tag) {
        const bool alnum = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                           (ch >= '0' && ch <= '9');
        if (alnum) {
            out += ch;
        } else if (ch == '-' || ch == '_') {
            out += '_';
        } else {
            return std::string(k_prefix) + "root";
        }
    }
    return out;
}

std::string name_collation(Connection& c, std::optional<Id> workspace_id) {
    if (!workspace_id) {
        return collation_for_language({});
    }
    auto st = c.prepare_cached("SELECT json_extract(languages, '$[0]') FROM workspace WHERE id = ?");
    st.bind(1, *workspace_id);
    if (!st.step() || st.is_null(0)) {
        return collation_for_language({});
    }
    return collation_for_language(st.text(0));
}

} // namespace impetus::sqlite
