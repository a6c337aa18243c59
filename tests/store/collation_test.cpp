// Names sort as the workspace's first language sorts them (ICU collations on every
// connection), and in the neutral root order where a list spans workspaces.

#include "support/store_fixture.hpp"

#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace impetus {
namespace {

class CollationTest : public test::StoreTest {
  protected:
    Workspace workspace_in(const std::string& slug, const std::string& language) {
        Workspace w = test::make_workspace(slug);
        w.languages = {language, "en"};
        return store->create_workspace(w);
    }

    std::vector<std::string> organisation_names(Id workspace_id) {
        std::vector<std::string> out;
        for (const auto& o : store->list_organisations(workspace_id, 100, 0, nullptr)) {
            out.push_back(o.name);
        }
        return out;
    }

    std::vector<std::string> space_names(Id workspace_id) {
        SpaceQuery q;
        q.workspace_id = workspace_id;
        q.sort = SpaceSort::name;
        std::vector<std::string> out;
        for (const auto& s : store->list_spaces(q).items) {
            out.push_back(s.fields.name);
        }
        return out;
    }

    void add_organisations(Id workspace_id, const std::vector<std::string>& names) {
        for (const auto& n : names) {
            store->create_organisation(workspace_id, test::make_organisation(n));
        }
    }

    void add_spaces(Id workspace_id, const std::vector<std::string>& names) {
        for (const auto& n : names) {
            store->create_space(workspace_id, test::make_fields(n), SpaceStatus::reported, "");
        }
    }
};

TEST_F(CollationTest, PolishPutsLStrokeAfterLAndSAcuteAfterS) {
    const Workspace pl = workspace_in("krakow", "pl");
    const std::vector<std::string> names{"Zamość", "Łódź", "Śrem", "Lwówek", "Sztum"};
    add_organisations(pl.id, names);
    add_spaces(pl.id, names);
    const std::vector<std::string> expected{"Lwówek", "Łódź", "Sztum", "Śrem", "Zamość"};
    EXPECT_EQ(organisation_names(pl.id), expected);
    EXPECT_EQ(space_names(pl.id), expected);
}

TEST_F(CollationTest, FrenchSortsEAcuteWithE) {
    const Workspace fr = workspace_in("lyon", "fr");
    const std::vector<std::string> names{"Zénith", "Étable", "Eze", "école", "Elne"};
    add_organisations(fr.id, names);
    add_spaces(fr.id, names);
    // Not after Z as their bytes would, nor split by case.
    const std::vector<std::string> expected{"école", "Elne", "Étable", "Eze", "Zénith"};
    EXPECT_EQ(organisation_names(fr.id), expected);
    EXPECT_EQ(space_names(fr.id), expected);
}

TEST_F(CollationTest, LatvianPutsCCaronAfterCAndGCedillaAfterG) {
    const Workspace lv = workspace_in("riga", "lv");
    const std::vector<std::string> names{"Ģertrūdes", "Čaka", "Hanza", "Gulbene", "Cukurs"};
    add_organisations(lv.id, names);
    add_spaces(lv.id, names);
    const std::vector<std::string> expected{"Cukurs", "Čaka", "Gulbene", "Ģertrūdes", "Hanza"};
    EXPECT_EQ(organisation_names(lv.id), expected);
    EXPECT_EQ(space_names(lv.id), expected);
}

TEST_F(CollationTest, AListAcrossWorkspacesSortsInTheRootOrder) {
    const Workspace lv = workspace_in("riga", "lv");
    const Workspace pl = workspace_in("krakow", "pl");
    add_spaces(lv.id, {"Čaka", "Cukurs"});
    add_spaces(pl.id, {"Sztum", "Śrem"});
    SpaceQuery q; // no workspace: every one of them
    q.sort = SpaceSort::name;
    std::vector<std::string> names;
    for (const auto& s : store->list_spaces(q).items) {
        names.push_back(s.fields.name);
    }
    // The root order of the Unicode Collation Algorithm: a letter with a diacritic beside the
    // letter without it, of no language's alphabet.
    const std::vector<std::string> expected{"Čaka", "Cukurs", "Śrem", "Sztum"};
    EXPECT_EQ(names, expected);
}

} // namespace
} // namespace impetus
