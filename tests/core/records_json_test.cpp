// Workspace and organisation documents, and JSON Merge Patch (RFC 7396).

#include "core/records_json.hpp"
#include "support/errors.hpp"

#include <gtest/gtest.h>

namespace impetus {
namespace {

using nlohmann::json;
using test::catch_error;
using test::field_names;
using test::message_for;

// -- workspaces

TEST(ReadWorkspace, MinimalDocumentGetsDefaults) {
    auto w = read_workspace(json{{"slug", "lille"}, {"name", "Métropole Européenne de Lille"}});
    EXPECT_EQ(w.slug, "lille");
    EXPECT_EQ(w.name, "Métropole Européenne de Lille");
    EXPECT_EQ(w.country, "");
    EXPECT_EQ(w.languages, (std::vector<std::string>{"en"}));
    EXPECT_EQ(w.id, 0);
}

TEST(ReadWorkspace, FullDocument) {
    auto w = read_workspace(json{{"slug", "riga"},
                                 {"name", "Riga"},
                                 {"country", "lv"},
                                 {"languages", {"lv", "en-GB", "sr-Latn"}},
                                 {"map_view", {{"lon", 24.1}, {"lat", 56.95}, {"zoom", 11}}}});
    EXPECT_EQ(w.country, "LV"); // normalised to upper case
    EXPECT_EQ(w.languages, (std::vector<std::string>{"lv", "en-GB", "sr-Latn"}));
    EXPECT_EQ(w.map_view, (MapView{24.1, 56.95, 11}));
}

TEST(ValidSlug, Rules) {
    for (const char* ok : {"ab", "lille", "las-palmas", "a1-b2", "2024", "x-y-z"}) {
        EXPECT_TRUE(valid_slug(ok)) << ok;
    }
    EXPECT_TRUE(valid_slug(std::string(63, 'a')));
    EXPECT_FALSE(valid_slug(std::string(64, 'a')));
    for (const char* bad : {"", "a", "-ab", "ab-", "Ab", "a_b", "a b", "a.b", "łódź", "ab/"}) {
        EXPECT_FALSE(valid_slug(bad)) << bad;
    }
}

TEST(ReadWorkspace, BadSlugsAreReportedAtSlug) {
    const std::vector<std::string> bad_slugs{
        "a", "-lille", "lille-", "Lille", "lille_2", "li lle", std::string(64, 'a')};
    for (const auto& bad : bad_slugs) {
        auto e = catch_error([&] { read_workspace(json{{"slug", bad}, {"name", "x"}}); });
        EXPECT_EQ(e.kind(), ErrorKind::invalid_input);
        EXPECT_EQ(field_names(e), (std::vector<std::string>{"/slug"})) << bad;
    }
}

TEST(ReadWorkspace, CountryMustBeTwoLetters) {
    for (const char* bad : {"FRA", "F", "F1", "12", "é"}) {
        auto e = catch_error([&] {
            read_workspace(json{{"slug", "ab"}, {"name", "x"}, {"country", bad}});
        });
        EXPECT_EQ(field_names(e), (std::vector<std::string>{"/country"})) << bad;
    }
    EXPECT_EQ(read_workspace(json{{"slug", "ab"}, {"name", "x"}, {"country", "PL"}}).country, "PL");
}

TEST(ReadWorkspace, LanguagesMustBeANonEmptyListOfTags) {
    auto with = [](json langs) {
        return json{{"slug", "ab"}, {"name", "x"}, {"languages", std::move(langs)}};
    };
    EXPECT_EQ(field_names(catch_error([&] { read_workspace(with(json::array())); })),
              (std::vector<std::string>{"/languages"}));
    EXPECT_EQ(field_names(catch_error([&] { read_workspace(with("en")); })),
              (std::vector<std::string>{"/languages"}));
    EXPECT_EQ(
        field_names(catch_error([&] {
            read_workspace(with({"en", "EN", 5, "e", "en-"}));
        })),
        (std::vector<std::string>{"/languages/1", "/languages/2", "/languages/3", "/languages/4"}));
    EXPECT_EQ(read_workspace(with({"pl", "fr-BE"})).languages,
              (std::vector<std::string>{"pl", "fr-BE"}));
}

TEST(ReadWorkspace, MapViewIsChecked) {
    auto e = catch_error([] {
        read_workspace(json{{"slug", "ab"},
                            {"name", "x"},
                            {"map_view", {{"lon", 200}, {"zoom", 30}, {"tilt", 1}}}});
    });
    EXPECT_EQ(field_names(e), (std::vector<std::string>{"/map_view/tilt", "/map_view/lon",
                                                        "/map_view/lat", "/map_view/zoom"}));
    EXPECT_EQ(message_for(e.fields(), "/map_view/lat"), "is required");
    auto e2 = catch_error([] {
        read_workspace(json{{"slug", "ab"}, {"name", "x"}, {"map_view", "here"}});
    });
    EXPECT_EQ(field_names(e2), (std::vector<std::string>{"/map_view"}));
}

TEST(ReadWorkspace, EveryProblemIsReportedAtOnce) {
    auto e = catch_error([] {
        read_workspace(json{{"slug", "Bad Slug"},
                            {"country", "XYZ"},
                            {"id", 3},
                            {"created_at", "2024-01-01T00:00:00Z"},
                            {"colour", "blue"}});
    });
    EXPECT_EQ(e.kind(), ErrorKind::invalid_input);
    const auto& f = e.fields();
    EXPECT_EQ(f.size(), 6u);
    EXPECT_EQ(message_for(f, "/id"), "is read-only");
    EXPECT_EQ(message_for(f, "/created_at"), "is read-only");
    EXPECT_EQ(message_for(f, "/colour"), "is not a known field");
    EXPECT_EQ(message_for(f, "/name"), "is required");
    EXPECT_NE(message_for(f, "/slug"), "");
    EXPECT_NE(message_for(f, "/country"), "");
}

TEST(ReadWorkspace, NotAnObject) {
    auto e = catch_error([] { read_workspace(json::array()); });
    EXPECT_EQ(field_names(e), (std::vector<std::string>{""}));
}

TEST(WorkspaceJson, WritableJsonReadsBackAndToJsonAddsBookkeeping) {
    Workspace w;
    w.id = 7;
    w.slug = "las-palmas";
    w.name = "Las Palmas de Gran Canaria";
    w.country = "ES";
    w.languages = {"es", "en"};
    w.map_view = {-15.43, 28.12, 12};
    w.created_at = "2024-01-01T00:00:00.000Z";
    w.updated_at = "2024-01-02T00:00:00.000Z";
    auto back = read_workspace(writable_json(w));
    EXPECT_EQ(back.slug, w.slug);
    EXPECT_EQ(back.name, w.name);
    EXPECT_EQ(back.country, w.country);
    EXPECT_EQ(back.languages, w.languages);
    EXPECT_EQ(back.map_view, w.map_view);
    auto j = to_json(w);
    EXPECT_EQ(j["id"], 7);
    EXPECT_EQ(j["created_at"], w.created_at);
    EXPECT_FALSE(writable_json(w).contains("id"));
}

// -- organisations

json org(json contact = nullptr) {
    json j{{"name", "Ville de Lille"}, {"type", "public_authority"}};
    if (!contact.is_null()) {
        j["contact"] = std::move(contact);
    }
    return j;
}

TEST(ReadOrganisation, ValidDocument) {
    auto o = read_organisation(org({{"name", "Anne"},
                                    {"email", "anne@lille.fr"},
                                    {"website", "https://www.lille.fr"},
                                    {"phone", "+33 3 20 49 50 00"}}));
    EXPECT_EQ(o.name, "Ville de Lille");
    EXPECT_EQ(o.type, OrganisationType::public_authority);
    EXPECT_EQ(o.contact.email, "anne@lille.fr");
    EXPECT_EQ(o.contact.website, "https://www.lille.fr");
    auto back = read_organisation(writable_json(o));
    EXPECT_EQ(back.contact, o.contact);
    EXPECT_EQ(back.name, o.name);
}

TEST(ReadOrganisation, NameAndTypeAreRequired) {
    auto e = catch_error([] { read_organisation(json::object()); });
    EXPECT_EQ(field_names(e), (std::vector<std::string>{"/name", "/type"}));
    auto e2 = catch_error([] { read_organisation(json{{"name", "x"}, {"type", "club"}}); });
    EXPECT_EQ(field_names(e2), (std::vector<std::string>{"/type"}));
}

TEST(ReadOrganisation, EmailMustLookLikeOne) {
    for (const char* bad :
         {"nobody", "a@b", "@lille.fr", "anne@", "an ne@lille.fr", "a@b@lille.fr"}) {
        auto e = catch_error([&] { read_organisation(org({{"email", bad}})); });
        EXPECT_EQ(field_names(e), (std::vector<std::string>{"/contact/email"})) << bad;
    }
    for (const char* ok : {"anne@lille.fr", "a.b+c@mairie.example.org"}) {
        EXPECT_EQ(read_organisation(org({{"email", ok}})).contact.email, ok);
    }
    EXPECT_EQ(read_organisation(org({{"email", ""}})).contact.email, ""); // empty is "none"
}

TEST(ReadOrganisation, WebsiteMustBeHttp) {
    for (const char* bad : {"www.lille.fr", "ftp://lille.fr", "javascript:alert(1)", "HTTPS//x"}) {
        auto e = catch_error([&] { read_organisation(org({{"website", bad}})); });
        EXPECT_EQ(field_names(e), (std::vector<std::string>{"/contact/website"})) << bad;
    }
    EXPECT_NO_THROW(read_organisation(org({{"website", "http://example.org/a?b=c"}})));
}

TEST(ReadOrganisation, UnknownAndReadOnlyFields) {
    auto doc = org({{"fax", "123"}});
    doc["workspace_id"] = 2;
    doc["logo"] = "x.png";
    auto e = catch_error([&] { read_organisation(doc); });
    EXPECT_EQ(message_for(e.fields(), "/workspace_id"), "is read-only");
    EXPECT_EQ(message_for(e.fields(), "/logo"), "is not a known field");
    EXPECT_EQ(message_for(e.fields(), "/contact/fax"), "is not a known field");
    EXPECT_EQ(e.fields().size(), 3u);
}

TEST(StatusChangeJson, CreationHasNullFrom) {
    StatusChange c{1, 2, "2024-01-01T00:00:00.000Z", std::nullopt, SpaceStatus::reported, "new"};
    auto j = to_json(c);
    EXPECT_TRUE(j["from"].is_null());
    EXPECT_EQ(j["to"], "reported");
    c.from = SpaceStatus::reported;
    c.to = SpaceStatus::verified;
    EXPECT_EQ(to_json(c)["from"], "reported");
}

// -- RFC 7396 JSON Merge Patch: every example of Appendix A.

struct PatchCase {
    const char* target;
    const char* patch;
    const char* result;
};

TEST(MergePatch, Rfc7396AppendixA) {
    const PatchCase cases[] = {
        {R"({"a":"b"})", R"({"a":"c"})", R"({"a":"c"})"},
        {R"({"a":"b"})", R"({"b":"c"})", R"({"a":"b","b":"c"})"},
        {R"({"a":"b"})", R"({"a":null})", R"({})"},
        {R"({"a":"b","b":"c"})", R"({"a":null})", R"({"b":"c"})"},
        {R"({"a":["b"]})", R"({"a":"c"})", R"({"a":"c"})"},
        {R"({"a":"c"})", R"({"a":["b"]})", R"({"a":["b"]})"},
        {R"({"a":{"b":"c"}})", R"({"a":{"b":"d","c":null}})", R"({"a":{"b":"d"}})"},
        {R"({"a":[{"b":"c"}]})", R"({"a":[1]})", R"({"a":[1]})"},
        {R"(["a","b"])", R"(["c","d"])", R"(["c","d"])"},
        {R"({"a":"b"})", R"(["c"])", R"(["c"])"},
        {R"({"a":"foo"})", R"(null)", R"(null)"},
        {R"({"a":"foo"})", R"("bar")", R"("bar")"},
        {R"({"e":null})", R"({"a":1})", R"({"e":null,"a":1})"},
        {R"([1,2])", R"({"a":"b","c":null})", R"({"a":"b"})"},
        {R"({})", R"({"a":{"bb":{"ccc":null}}})", R"({"a":{"bb":{}}})"},
    };
    for (const auto& c : cases) {
        EXPECT_EQ(merge_patch(json::parse(c.target), json::parse(c.patch)), json::parse(c.result))
            << c.target << " + " << c.patch;
    }
}

TEST(MergePatch, PatchingAWorkspaceDocument) {
    Workspace w = read_workspace(json{{"slug", "lille"}, {"name", "Lille"}, {"country", "FR"}});
    auto patched =
        merge_patch(writable_json(w), json{{"name", "MEL"}, {"map_view", {{"zoom", 9}}}});
    auto w2 = read_workspace(patched);
    EXPECT_EQ(w2.name, "MEL");
    EXPECT_EQ(w2.slug, "lille");
    EXPECT_EQ(w2.map_view.zoom, 9);
    EXPECT_EQ(w2.map_view.lon, 0);
}

} // namespace
} // namespace impetus

TEST(WorkspaceTiles, TemplateAndAttributionAreReadAndChecked) {
    using impetus::read_workspace;
    auto w = read_workspace(nlohmann::json{
        {"slug", "riga"},
        {"name", "Riga"},
        {"tiles", {{"url", "https://tiles.example.lv/{z}/{x}/{y}.png"}, {"attribution", "© Riga"}}}});
    EXPECT_EQ(w.tiles.url, "https://tiles.example.lv/{z}/{x}/{y}.png");
    EXPECT_EQ(w.tiles.attribution, "© Riga");
    EXPECT_EQ(impetus::to_json(w)["tiles"]["url"], w.tiles.url);

    auto none = read_workspace(nlohmann::json{{"slug", "riga"}, {"name", "Riga"}});
    EXPECT_TRUE(none.tiles.url.empty());
    EXPECT_TRUE(impetus::to_json(none)["tiles"].is_null());

    try {
        read_workspace(nlohmann::json{{"slug", "riga"},
                                      {"name", "Riga"},
                                      {"tiles", {{"url", "ftp://x/{z}/{x}"}, {"extra", 1}}}});
        FAIL() << "expected an error";
    } catch (const impetus::Error& e) {
        std::vector<std::string> fields;
        for (const auto& f : e.fields()) fields.push_back(f.field);
        EXPECT_NE(std::find(fields.begin(), fields.end(), "/tiles/url"), fields.end());
        EXPECT_NE(std::find(fields.begin(), fields.end(), "/tiles/extra"), fields.end());
    }
}
