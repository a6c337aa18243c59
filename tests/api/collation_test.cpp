// Lists sorted by name follow the alphabet of the workspace's first language.

#include "api_test.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace impetus::test {
namespace {

class CollationApi : public ApiTest {
protected:
    void workspace_in(const std::string& slug, const std::string& language) {
        json body = workspace_body(slug);
        body["languages"] = {language, "en"};
        require_status(http.post("/api/v1/workspaces", body), 201, "create workspace " + slug);
    }

    void add(const std::string& ws, const std::vector<std::string>& names) {
        for (const auto& n : names) {
            create_space(ws, space_body(n, point_geometry(3.06, 50.63)));
            const json org{{"name", n}, {"type", "private_company"}};
            require_status(http.post(orgs_path(ws), org), 201, "create organisation " + n);
        }
    }

    std::vector<std::string> names_at(const std::string& target) {
        std::vector<std::string> out;
        const json page = list(target); // the loop below reads into it
        for (const auto& item : page.at("items")) {
            out.push_back(item.at("name").get<std::string>());
        }
        return out;
    }
};

TEST_F(CollationApi, SpacesAndOrganisationsSortInTheWorkspacesLanguage) {
    workspace_in("krakow", "pl");
    workspace_in("lyon", "fr");
    workspace_in("riga", "lv");
    add("krakow", {"Zamość", "Łódź", "Śrem", "Lwówek", "Sztum"});
    add("lyon", {"Zénith", "Étable", "Eze", "école", "Elne"});
    add("riga", {"Ģertrūdes", "Čaka", "Hanza", "Gulbene", "Cukurs"});

    const std::vector<std::string> polish{"Lwówek", "Łódź", "Sztum", "Śrem", "Zamość"};
    const std::vector<std::string> french{"école", "Elne", "Étable", "Eze", "Zénith"};
    const std::vector<std::string> latvian{"Cukurs", "Čaka", "Gulbene", "Ģertrūdes", "Hanza"};
    EXPECT_EQ(names_at(spaces_path("krakow") + "?sort=name"), polish);
    EXPECT_EQ(names_at(orgs_path("krakow")), polish);
    EXPECT_EQ(names_at(spaces_path("lyon") + "?sort=name"), french);
    EXPECT_EQ(names_at(orgs_path("lyon")), french);
    EXPECT_EQ(names_at(spaces_path("riga") + "?sort=name"), latvian);
    EXPECT_EQ(names_at(orgs_path("riga")), latvian);

    std::vector<std::string> descending = latvian;
    std::reverse(descending.begin(), descending.end());
    EXPECT_EQ(names_at(spaces_path("riga") + "?sort=-name"), descending);
}

} // namespace
} // namespace impetus::test
