// The mail templates: every template in the seven languages of the interface, placeholders and
// sections filled, the recipient's language chosen, English when none of theirs is written.

#include "core/error.hpp"
#include "mail/templates.hpp"
#include "support/errors.hpp"

#include <gtest/gtest.h>
#include <set>

namespace impetus::test {
namespace {

const std::set<std::string> k_languages = {"en", "es", "fr", "it", "lv", "pl", "ro"};

// Values for every placeholder the templates use, each section switched on.
mail::Values all_values() {
    return {{"call", "Ateliers d'été"},     {"link", "https://impetus.example.org/x"},
            {"name", "Ana"},                {"title", "Théâtre des Ponts"},
            {"submitted_at", "2026-05-01T10:00:00Z"},
            {"allocated", "yes"},           {"space", "Former textile mill"},
            {"start", "2026-06-01"},        {"end", "2026-09-01"},
            {"date", "2026-04-02"},         {"accepted", "yes"},
            {"merged", ""},                 {"rejected", ""},
            {"reason", "Seen on site"}};
}

TEST(MailTemplates, EveryTemplateIsWrittenInTheSevenLanguages) {
    ASSERT_FALSE(mail::template_keys().empty());
    for (const auto& key : mail::template_keys()) {
        const auto langs = mail::template_languages(key);
        EXPECT_EQ(std::set<std::string>(langs.begin(), langs.end()), k_languages) << key;
        for (const auto& lang : langs) {
            const mail::Letter l = mail::letter(key, {lang}, all_values());
            EXPECT_EQ(l.language, lang) << key;
            EXPECT_FALSE(l.subject.empty()) << key << " " << lang;
            // Nothing left unfilled.
            EXPECT_EQ(l.text.find('{'), std::string::npos) << key << " " << lang << "\n" << l.text;
            EXPECT_EQ(l.subject.find('{'), std::string::npos) << key << " " << lang;
            EXPECT_NE(l.text.find("-- Impetus"), std::string::npos) << key << " " << lang;
        }
    }
}

TEST(MailTemplates, TheFirstOfTheRecipientsLanguagesThatIsWrittenIsChosen) {
    const auto values = all_values();
    EXPECT_EQ(mail::letter("report.decided", {"pl", "en"}, values).language, "pl");
    EXPECT_EQ(mail::letter("report.decided", {"de", "fr"}, values).language, "fr");
    EXPECT_EQ(mail::letter("report.decided", {"fr-BE"}, values).language, "fr");
    EXPECT_EQ(mail::letter("report.decided", {"LV"}, values).language, "lv");
    EXPECT_EQ(mail::letter("report.decided", {"de"}, values).language, "en");
    EXPECT_EQ(mail::letter("report.decided", {}, values).language, "en");
}

TEST(MailTemplates, SectionsFollowTheirValues) {
    auto values = all_values();
    const mail::Letter with = mail::letter("application.decided", {"en"}, values);
    EXPECT_NE(with.text.find("It was allocated a space: Former textile mill, from 2026-06-01"),
              std::string::npos)
        << with.text;
    EXPECT_NE(with.text.find("page:\nhttps://impetus.example.org/x"), std::string::npos);
    EXPECT_EQ(with.text.find("not allocated"), std::string::npos);

    values["allocated"] = "";
    values["link"] = "";
    values["name"] = "";
    const mail::Letter without = mail::letter("application.decided", {"en"}, values);
    EXPECT_NE(without.text.find("It was not allocated a space this time."), std::string::npos);
    EXPECT_NE(without.text.find("on the application's page.\n"), std::string::npos)
        << without.text;
    EXPECT_EQ(without.text.rfind("Hello,\n", 0), 0u) << without.text;
    EXPECT_EQ(without.text.find("https://"), std::string::npos);
    EXPECT_EQ(without.subject, "Decision on your application: Théâtre des Ponts");
}

TEST(MailTemplates, PolishAndLatvianTextsAreTheirOwn) {
    const mail::Letter pl = mail::letter("application.received", {"pl"}, all_values());
    EXPECT_EQ(pl.subject, "Wniosek przyjęty: Théâtre des Ponts");
    EXPECT_NE(pl.text.find("w naborze „Ateliers d'été”"), std::string::npos) << pl.text;
    const mail::Letter lv = mail::letter("report.decided", {"lv"}, all_values());
    EXPECT_NE(lv.text.find("Tas ir pieņemts"), std::string::npos) << lv.text;
    EXPECT_NE(lv.text.find("Darbinieka piezīme: Seen on site"), std::string::npos);
}

TEST(MailTemplates, AnUnknownTemplateOrAMissingValueIsAnInternalError) {
    EXPECT_EQ(catch_error([] { mail::letter("no.such", {"en"}, {}); }).kind(),
              ErrorKind::internal);
    EXPECT_EQ(catch_error([] { mail::letter("report.decided", {"en"}, {{"name", "Ana"}}); }).kind(),
              ErrorKind::internal);
}

} // namespace
} // namespace impetus::test
