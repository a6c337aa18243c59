#pragma once

// The texts of the mails the program sends about calls and reports, in the seven languages of
// the interface. A template is chosen by its key and written in the first of the recipient's
// languages that has it (a workspace's languages, its default first), else in English. Values
// fill `{name}` placeholders; a section `{?name}...{/name}` is kept only when `name` has a
// non-empty value (a link the server can only give when it knows its public address).

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace impetus::mail {

struct Letter {
    std::string subject;
    std::string text;
    std::string language; // the language it was written in
};

using Values = std::map<std::string, std::string, std::less<>>;

// Error(internal) for an unknown key or a placeholder without a value: both are bugs of the
// caller, never of the recipient's data.
Letter letter(std::string_view key, const std::vector<std::string>& languages,
              const Values& values);

// The keys of every template, and the languages each is written in (for tests).
std::vector<std::string> template_keys();
std::vector<std::string> template_languages(std::string_view key);

} // namespace impetus::mail
