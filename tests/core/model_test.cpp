// The space status lifecycle (DOMAIN.md, "Spaces and their status") and the enum name tables.

#include "core/error.hpp"
#include "core/model.hpp"
#include "core/query.hpp"

#include <gtest/gtest.h>
#include <set>
#include <utility>

namespace impetus {
namespace {

using S = SpaceStatus;

// The lifecycle written out independently of model.cpp: any change to the table must be a
// deliberate change to this list too.
const std::set<std::pair<S, S>> k_expected_edges = {
    {S::reported, S::verified},    {S::reported, S::withdrawn},    {S::reported, S::demolished},
    {S::reported, S::redeveloped}, {S::reported, S::ended},        {S::verified, S::available},
    {S::verified, S::withdrawn},   {S::verified, S::demolished},   {S::verified, S::redeveloped},
    {S::verified, S::ended},       {S::available, S::allocated},   {S::available, S::withdrawn},
    {S::available, S::demolished}, {S::available, S::redeveloped}, {S::available, S::ended},
    {S::allocated, S::in_use},     {S::allocated, S::available},   {S::allocated, S::withdrawn},
    {S::in_use, S::ended},         {S::in_use, S::available},      {S::ended, S::available},
    {S::ended, S::redeveloped},    {S::ended, S::demolished},      {S::withdrawn, S::verified},
    {S::withdrawn, S::available},
};

std::vector<S> all_statuses() {
    std::vector<S> out;
    for (const auto& [v, name] : EnumNames<S>::values) {
        out.push_back(v);
    }
    return out;
}

TEST(Lifecycle, EveryPairFollowsTheTable) {
    for (S from : all_statuses()) {
        for (S to : all_statuses()) {
            bool expected = k_expected_edges.count({from, to}) > 0;
            EXPECT_EQ(transition_allowed(from, to), expected)
                << enum_name(from) << " -> " << enum_name(to);
        }
    }
}

TEST(Lifecycle, AllowedTransitionsListsExactlyTheAllowedOnes) {
    for (S from : all_statuses()) {
        std::set<S> listed;
        for (S to : allowed_transitions(from)) {
            EXPECT_TRUE(listed.insert(to).second) << "listed twice: " << enum_name(to);
            EXPECT_TRUE(transition_allowed(from, to));
        }
        std::set<S> expected;
        for (const auto& [f, t] : k_expected_edges) {
            if (f == from) {
                expected.insert(t);
            }
        }
        EXPECT_EQ(listed, expected) << enum_name(from);
    }
}

TEST(Lifecycle, TheHappyPathOfATemporaryUse) {
    const S path[] = {S::reported, S::verified, S::available, S::allocated, S::in_use, S::ended};
    for (std::size_t i = 0; i + 1 < std::size(path); ++i) {
        EXPECT_TRUE(transition_allowed(path[i], path[i + 1]))
            << enum_name(path[i]) << " -> " << enum_name(path[i + 1]);
    }
}

TEST(Lifecycle, SomeForbiddenSteps) {
    EXPECT_FALSE(transition_allowed(S::reported, S::in_use)); // skips verification
    EXPECT_FALSE(transition_allowed(S::reported, S::allocated));
    EXPECT_FALSE(transition_allowed(S::verified, S::in_use));
    EXPECT_FALSE(transition_allowed(S::available, S::in_use)); // must be allocated first
    EXPECT_FALSE(transition_allowed(S::in_use, S::allocated));
    EXPECT_FALSE(transition_allowed(S::in_use, S::reported));
    EXPECT_FALSE(transition_allowed(S::ended, S::in_use));
    EXPECT_FALSE(transition_allowed(S::withdrawn, S::in_use));
}

TEST(Lifecycle, NoStatusMovesToItselfOrBackToReported) {
    for (S s : all_statuses()) {
        EXPECT_FALSE(transition_allowed(s, s)) << enum_name(s);
        EXPECT_FALSE(transition_allowed(s, S::reported)) << enum_name(s);
    }
}

TEST(Lifecycle, EndedAndWithdrawnSpacesCanBeOfferedAgain) {
    EXPECT_TRUE(transition_allowed(S::ended, S::available));
    EXPECT_TRUE(transition_allowed(S::withdrawn, S::available));
    EXPECT_TRUE(transition_allowed(S::withdrawn, S::verified));
    EXPECT_FALSE(is_terminal(S::ended));
    EXPECT_FALSE(is_terminal(S::withdrawn));
}

TEST(Lifecycle, TerminalStatusesHaveNoWayOut) {
    std::set<S> terminal;
    for (S s : all_statuses()) {
        if (is_terminal(s)) {
            terminal.insert(s);
        }
        if (is_terminal(s)) {
            EXPECT_TRUE(allowed_transitions(s).empty()) << enum_name(s);
        } else {
            EXPECT_FALSE(allowed_transitions(s).empty()) << enum_name(s);
        }
    }
    EXPECT_EQ(terminal, (std::set<S>{S::redeveloped, S::demolished}));
}

TEST(Lifecycle, CheckTransitionRefusesWhatTheTableForbidsAndNamesTheWaysOut) {
    for (S from : all_statuses()) {
        for (S to : all_statuses()) {
            if (transition_allowed(from, to)) {
                EXPECT_NO_THROW(check_transition(from, to));
                continue;
            }
            try {
                check_transition(from, to);
                ADD_FAILURE() << enum_name(from) << " -> " << enum_name(to);
            } catch (const Error& e) {
                EXPECT_EQ(e.kind(), ErrorKind::conflict);
                ASSERT_EQ(e.fields().size(), 1u);
                EXPECT_EQ(e.fields()[0].field, "/to");
                if (allowed_transitions(from).empty()) {
                    EXPECT_EQ(e.hint(), "this status is final");
                } else {
                    for (S next : allowed_transitions(from)) {
                        EXPECT_NE(e.hint().find(enum_name(next)), std::string::npos);
                    }
                }
            }
        }
    }
}

TEST(ImportRules, ANewSpaceStartsEndedWhenTheSourceSaysSo) {
    EXPECT_EQ(imported_status(S::reported, false), S::reported);
    EXPECT_EQ(imported_status(S::available, false), S::available);
    EXPECT_EQ(imported_status(S::reported, true), S::ended);
}

TEST(ImportRules, ASpaceIsReviewedOnceItsStatusMovedOnOrSomeoneEditedIt) {
    EXPECT_FALSE(import_reviewed(S::reported, S::reported, false));
    EXPECT_TRUE(import_reviewed(S::reported, S::reported, true));
    EXPECT_TRUE(import_reviewed(S::verified, S::reported, false));
    EXPECT_FALSE(import_reviewed(S::available, S::available, false));
}

TEST(ImportRules, TheSourceWinsButParentAndOwnerPeopleSetStay) {
    SpaceFields current;
    current.name = "Old name";
    current.parent_id = 4;
    current.owner_organisation_id = 5;
    SpaceFields incoming;
    incoming.name = "New name";
    SpaceFields merged = import_merge(current, incoming);
    EXPECT_EQ(merged.name, "New name");
    EXPECT_EQ(merged.parent_id, 4);
    EXPECT_EQ(merged.owner_organisation_id, 5);
    incoming.parent_id = 6;
    incoming.owner_organisation_id = 7;
    merged = import_merge(current, incoming);
    EXPECT_EQ(merged.parent_id, 6);
    EXPECT_EQ(merged.owner_organisation_id, 7);
}

TEST(ImportRules, AnEndFromTheSourceEndsOnlyWhereTheLifecycleAllows) {
    for (S s : all_statuses()) {
        EXPECT_FALSE(import_ends(s, false)) << enum_name(s);
        EXPECT_EQ(import_ends(s, true), s != S::ended && transition_allowed(s, S::ended))
            << enum_name(s);
    }
    EXPECT_TRUE(import_ends(S::in_use, true));
    EXPECT_FALSE(import_ends(S::ended, true));
    EXPECT_FALSE(import_ends(S::demolished, true));
}

TEST(ImportRules, SpacesMissingFromAFullSource) {
    using M = MissingFromSource;
    EXPECT_EQ(missing_from_source(S::ended, false), M::ignore);
    EXPECT_EQ(missing_from_source(S::redeveloped, false), M::ignore);
    EXPECT_EQ(missing_from_source(S::demolished, true), M::ignore);
    EXPECT_EQ(missing_from_source(S::reported, false), M::end);
    EXPECT_EQ(missing_from_source(S::available, false), M::end);
    EXPECT_EQ(missing_from_source(S::reported, true), M::keep);
    // The lifecycle has no step from these to ended: they stay, reported as kept.
    EXPECT_EQ(missing_from_source(S::allocated, false), M::keep);
    EXPECT_EQ(missing_from_source(S::withdrawn, false), M::keep);
}

// Spaces 1 <- 2 <- 3 in workspace 7 (3 inside 2 inside 1), space 9 in workspace 8.
std::optional<ParentLink> tree_link(Id id) {
    switch (id) {
    case 1: return ParentLink{7, std::nullopt};
    case 2: return ParentLink{7, 1};
    case 3: return ParentLink{7, 2};
    case 9: return ParentLink{8, std::nullopt};
    default: return std::nullopt;
    }
}

TEST(ParentSpace, AnySpaceOfTheWorkspaceOutsideTheSpaceItself) {
    EXPECT_EQ(parent_problem(7, std::nullopt, 3, tree_link), std::nullopt);
    EXPECT_EQ(parent_problem(7, 3, 1, tree_link), std::nullopt);
    EXPECT_EQ(parent_problem(7, 1, 1, tree_link), "a space cannot be inside itself");
    EXPECT_EQ(parent_problem(7, 99, 42, tree_link), "no such space in this workspace");
    EXPECT_EQ(parent_problem(7, std::nullopt, 9, tree_link), "no such space in this workspace");
}

TEST(ParentSpace, NoSpaceMayMoveInsideItsOwnDescendant) {
    EXPECT_EQ(parent_problem(7, 1, 3, tree_link), "a space cannot be inside itself");
    EXPECT_EQ(parent_problem(7, 2, 3, tree_link), "a space cannot be inside itself");
}

TEST(ParentSpace, TheWalkUpACorruptCycleEnds) {
    // 5 and 6 name each other, which the check never lets a store write: the walk stops.
    int lookups = 0;
    auto cyclic = [&](Id id) -> std::optional<ParentLink> {
        ++lookups;
        return ParentLink{7, id == 5 ? 6 : 5};
    };
    EXPECT_EQ(parent_problem(7, 1, 5, cyclic), std::nullopt);
    EXPECT_EQ(lookups, 65);
}

TEST(Lifecycle, EveryStatusIsReachableFromReported) {
    std::set<S> seen{S::reported};
    std::vector<S> todo{S::reported};
    while (!todo.empty()) {
        S s = todo.back();
        todo.pop_back();
        for (S t : allowed_transitions(s)) {
            if (seen.insert(t).second) {
                todo.push_back(t);
            }
        }
    }
    EXPECT_EQ(seen.size(), all_statuses().size());
}

// -- enum names

template <typename E> void expect_round_trip() {
    std::set<std::string_view> names;
    for (const auto& [value, name] : EnumNames<E>::values) {
        EXPECT_FALSE(name.empty());
        EXPECT_TRUE(names.insert(name).second) << "duplicate name " << name;
        EXPECT_EQ(enum_name(value), name);
        auto back = parse_enum<E>(name);
        ASSERT_TRUE(back.has_value()) << name;
        EXPECT_EQ(*back, value) << name;
        EXPECT_EQ(name.find_first_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ -"), std::string_view::npos)
            << "external names are lower-case snake_case: " << name;
    }
    EXPECT_EQ(enum_name_list<E>().size(), EnumNames<E>::values.size());
    EXPECT_FALSE(parse_enum<E>("").has_value());
    EXPECT_FALSE(parse_enum<E>("no_such_value").has_value());
}

TEST(EnumNames, EveryTableRoundTrips) {
    expect_round_trip<OrganisationType>();
    expect_round_trip<SpaceKind>();
    expect_round_trip<OwnerType>();
    expect_round_trip<Condition>();
    expect_round_trip<VacancyDegree>();
    expect_round_trip<BuildingType>();
    expect_round_trip<SpaceStatus>();
    expect_round_trip<SpaceSort>();
}

TEST(EnumNames, ExternalSpellingsThatDifferFromTheIdentifier) {
    EXPECT_EQ(enum_name(OwnerType::public_owner), "public");
    EXPECT_EQ(enum_name(OwnerType::private_owner), "private");
    EXPECT_EQ(enum_name(BuildingType::public_building), "public");
    EXPECT_EQ(parse_enum<OwnerType>("public"), OwnerType::public_owner);
}

TEST(EnumNames, ParsingIsExactAndCaseSensitive) {
    EXPECT_FALSE(parse_enum<SpaceKind>("Building").has_value());
    EXPECT_FALSE(parse_enum<SpaceKind>(" building").has_value());
    EXPECT_FALSE(parse_enum<SpaceStatus>("in-use").has_value());
    EXPECT_EQ(parse_enum<SpaceStatus>("in_use"), SpaceStatus::in_use);
}

TEST(EnumNames, ChoicesReadAsAList) {
    EXPECT_EQ(enum_choices<VacancyDegree>(), "complete or partial");
    EXPECT_EQ(enum_choices<SpaceKind>(), "building, unit, shop, plot or open_space");
}

} // namespace
} // namespace impetus
