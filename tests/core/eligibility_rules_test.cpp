// The eligibility rules no other test reached (core/calls.hpp, eligibility_reasons): the
// duration bounds, the period the call offers, and the ranked spaces a call may require. Each
// case is worked out by hand from the rule's comment, at its boundaries.

#include "core/calls.hpp"

#include <gtest/gtest.h>

namespace impetus {
namespace {

// A call offering one space from 2027-01-01 to 2028-01-01 (exclusive), 30 to 365 days of use.
Call one_space_call() {
    Call c;
    c.spaces = {{7, "2027-01-01", "2028-01-01", 1}};
    c.eligibility.min_duration_days = 30;
    c.eligibility.max_duration_days = 365;
    return c;
}

Application fixed(const std::string& start, const std::string& end) {
    Application a;
    a.fields.period.start = start;
    a.fields.period.end = end;
    return a;
}

std::vector<std::string> reasons(const Call& c, const Application& a) {
    return eligibility_reasons(c, a, OrganisationType::non_profit);
}

using Reasons = std::vector<std::string>;

TEST(EligibilityRules, TheDurationMustLieWithinTheCallsBounds) {
    const Call c = one_space_call();
    EXPECT_EQ(reasons(c, fixed("2027-03-01", "2027-03-30")), Reasons{"duration_too_short"}) << "29 days";
    EXPECT_EQ(reasons(c, fixed("2027-03-01", "2027-03-31")), Reasons{}) << "30 days";
    EXPECT_EQ(reasons(c, fixed("2027-01-01", "2028-01-01")), Reasons{}) << "365 days";
    Call longer = c;
    longer.spaces[0].available_to = "2029-01-01";
    EXPECT_EQ(reasons(longer, fixed("2027-01-01", "2028-01-02")), Reasons{"duration_too_long"})
        << "366 days";
    Call unbounded = c;
    unbounded.eligibility.min_duration_days.reset();
    unbounded.eligibility.max_duration_days.reset();
    EXPECT_EQ(reasons(unbounded, fixed("2027-03-01", "2027-03-02")), Reasons{}) << "no bounds";
}

TEST(EligibilityRules, ThePeriodMustLieInASpaceTheCallOffers) {
    Call c = one_space_call();
    EXPECT_EQ(reasons(c, fixed("2026-12-31", "2027-03-01")), Reasons{"period_outside_call"})
        << "a day before the offer";
    EXPECT_EQ(reasons(c, fixed("2027-11-01", "2028-01-02")), Reasons{"period_outside_call"})
        << "a day after the offer (its end is exclusive)";
    EXPECT_EQ(reasons(c, fixed("2027-11-01", "2028-01-01")), Reasons{}) << "up to the end";
    // Another space of the call may hold it.
    c.spaces.push_back({8, "2027-06-01", "2029-01-01", 1});
    EXPECT_EQ(reasons(c, fixed("2027-11-01", "2028-03-01")), Reasons{});
    // A flexible period inside the offer.
    Application flexible;
    flexible.fields.period.duration_days = 60;
    flexible.fields.period.earliest_start = "2027-02-01";
    flexible.fields.period.latest_end = "2027-06-01";
    EXPECT_EQ(reasons(one_space_call(), flexible), Reasons{});
    flexible.fields.period.earliest_start = "2028-02-01";
    flexible.fields.period.latest_end = "2028-06-01";
    EXPECT_EQ(reasons(one_space_call(), flexible), Reasons{"period_outside_call"});
}

TEST(EligibilityRules, ACallThatWantsRankedSpacesGetsThem) {
    Call c = one_space_call();
    const Application a = fixed("2027-03-01", "2027-06-01");
    EXPECT_EQ(reasons(c, a), Reasons{}) << "ranking is optional by default";
    c.matching.preferences_required = true;
    EXPECT_EQ(reasons(c, a), Reasons{"no_ranked_space"});
    Application ranked = a;
    ranked.fields.preferred_spaces = {7};
    EXPECT_EQ(reasons(c, ranked), Reasons{});
}

TEST(EligibilityRules, EveryFailingRuleIsReported) {
    Call c = one_space_call();
    c.matching.preferences_required = true;
    c.documents_required = {"insurance"};
    c.eligibility.organisation_types = {OrganisationType::cooperative};
    EXPECT_EQ(reasons(c, fixed("2026-12-01", "2026-12-11")),
              (Reasons{"organisation_type", "duration_too_short", "period_outside_call",
                       "document_missing:insurance", "no_ranked_space"}));
}

} // namespace
} // namespace impetus
