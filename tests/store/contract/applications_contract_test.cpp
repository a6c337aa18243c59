// Contract of the calls facet, applications: created with every field the applicant writes,
// updated under their version (fields, status, submission time, eligibility, shortlist mark;
// never the decision), listed by call and by organisation, and their attachments (kept byte for
// byte, removed, counted as a change of the application).

#include "store/contract/contract.hpp"

namespace impetus::test {
namespace {

class ApplicationsContract : public StoreContract {
protected:
    ApplicationsContract() {
        space = add_space("Post office");
        org = store().create_organisation(ws.id, contract_organisation("Repair café"));
        other_org = store().create_organisation(ws.id, contract_organisation("Choir"));
        applicant = add_user("applicant@example.org");
        call = new_call("Summer 2025");
    }

    Call new_call(const std::string& title) {
        Call c = contract_call(title, space.id);
        c = store().create_call(ws.id, c);
        return store().set_call_state(ws.id, c.id, CallState::open);
    }

    Application apply(const Call& c, const Organisation& o, const std::string& title) {
        return store().create_application(contract_application(c, o.id, applicant.id, title));
    }

    static Attachment meta(const std::string& name, const std::string& file) {
        return Attachment{0, name, file, "application/pdf", 0, "sha256-of-" + file};
    }

    std::vector<Id> ids(std::optional<Id> call_id, const std::optional<std::vector<Id>>& orgs) {
        std::vector<Id> out;
        for (const auto& a : store().list_applications(ws.id, call_id, orgs)) out.push_back(a.id);
        return sorted_ids(out);
    }

    Space space;
    Organisation org;
    Organisation other_org;
    User applicant;
    Call call;
};
IMPETUS_STORE_CONTRACT(ApplicationsContract);

TEST_P(ApplicationsContract, AnApplicationKeepsEveryFieldItsAuthorWrote) {
    const Application want = contract_application(call, org.id, applicant.id, "Repair café");
    const Application a = store().create_application(want);
    EXPECT_GT(a.id, 0);
    EXPECT_EQ(a.workspace_id, ws.id);
    EXPECT_EQ(a.call_id, call.id);
    EXPECT_EQ(a.organisation_id, org.id);
    EXPECT_EQ(a.created_by, applicant.id);
    EXPECT_EQ(a.status, ApplicationStatus::draft);
    EXPECT_EQ(a.eligibility.status, EligibilityStatus::pending);
    EXPECT_FALSE(a.shortlisted);
    EXPECT_EQ(a.decision.outcome, DecisionOutcome::none);
    EXPECT_EQ(a.version, 1);
    EXPECT_TRUE(a.attachments.empty());
    EXPECT_FALSE(a.created_at.empty());
    EXPECT_TRUE(a.submitted_at.empty());
    EXPECT_TRUE(a.fields == want.fields);
    reopen();
    const auto back = store().application(ws.id, a.id);
    ASSERT_TRUE(back);
    EXPECT_TRUE(back->fields == want.fields) << "every field survives a reopening";
    EXPECT_EQ(back->version, 1);
    EXPECT_FALSE(store().application(ws.id, a.id + 1000));
    const Workspace other = store().create_workspace(contract_workspace("roubaix"));
    EXPECT_FALSE(store().application(other.id, a.id));
}

TEST_P(ApplicationsContract, AFlexiblePeriodIsKept) {
    Application want = contract_application(call, org.id, applicant.id, "Garden");
    want.fields.period = WantedPeriod{"", "", 90, "2025-02-01", "2025-12-01"};
    want.fields.preferred_location.reset();
    want.fields.budget_eur.reset();
    const Application a = store().create_application(want);
    EXPECT_TRUE(store().application(ws.id, a.id)->fields.period == want.fields.period);
}

TEST_P(ApplicationsContract, AnApplicationBelongsToACallOfItsWorkspace) {
    const Workspace other = store().create_workspace(contract_workspace("roubaix"));
    Application a = contract_application(call, org.id, applicant.id, "Lost");
    a.workspace_id = other.id;
    EXPECT_EQ(error_kind([&] { store().create_application(a); }), "not_found");
    a.workspace_id = ws.id;
    a.call_id = call.id + 1000;
    EXPECT_EQ(error_kind([&] { store().create_application(a); }), "not_found");
    EXPECT_TRUE(store().list_applications(ws.id, std::nullopt, std::nullopt).empty());
}

TEST_P(ApplicationsContract, UpdateWritesWhatItSaysUnderTheVersionRead) {
    const Application a = apply(call, org, "Café");
    Application edit = a;
    edit.fields.title = "Repair café and tool library";
    edit.fields.needs.utilities.electricity = true;
    edit.status = ApplicationStatus::submitted;
    edit.submitted_at = "2025-01-15T09:30:00.000Z";
    edit.eligibility = {EligibilityStatus::ineligible, {"organisation_type", "other"}, "a company",
                        true};
    edit.shortlisted = true;
    // Not written by update_application:
    edit.decision.outcome = DecisionOutcome::allocated;
    edit.decision.space_id = space.id;
    edit.organisation_id = other_org.id;
    edit.call_id = new_call("Another").id;
    edit.created_by = applicant.id + 1000;

    const Application v2 = store().update_application(edit);
    EXPECT_EQ(v2.version, 2);
    const auto back = store().application(ws.id, a.id);
    EXPECT_TRUE(back->fields == edit.fields);
    EXPECT_EQ(back->status, ApplicationStatus::submitted);
    EXPECT_EQ(back->submitted_at, "2025-01-15T09:30:00.000Z");
    EXPECT_TRUE(back->eligibility == edit.eligibility);
    EXPECT_TRUE(back->shortlisted);
    EXPECT_EQ(back->decision.outcome, DecisionOutcome::none) << "decisions are published";
    EXPECT_EQ(back->organisation_id, org.id);
    EXPECT_EQ(back->call_id, call.id);
    EXPECT_EQ(back->created_by, applicant.id);

    Application stale = a; // read at version 1
    stale.fields.title = "written from a stale read";
    EXPECT_EQ(error_kind([&] { store().update_application(stale); }), "precondition");
    EXPECT_EQ(store().application(ws.id, a.id)->fields.title, "Repair café and tool library");
    EXPECT_EQ(store().application(ws.id, a.id)->version, 2);

    Application withdrawn = *back;
    withdrawn.status = ApplicationStatus::withdrawn;
    EXPECT_EQ(store().update_application(withdrawn).status, ApplicationStatus::withdrawn);

    const Workspace other = store().create_workspace(contract_workspace("roubaix"));
    Application elsewhere = *store().application(ws.id, a.id);
    elsewhere.workspace_id = other.id;
    EXPECT_EQ(error_kind([&] { store().update_application(elsewhere); }), "not_found");
}

TEST_P(ApplicationsContract, ListsFilterByCallAndByOrganisation) {
    const Call second = new_call("Winter");
    const Id a1 = apply(call, org, "a1").id;
    const Id a2 = apply(call, other_org, "a2").id;
    const Id b1 = apply(second, org, "b1").id;
    const Workspace other = store().create_workspace(contract_workspace("roubaix"));
    const Call foreign_call = store().create_call(other.id, contract_call("Elsewhere", space.id));
    store().create_application(
        contract_application(foreign_call, org.id, applicant.id, "in another workspace"));

    EXPECT_EQ(ids(std::nullopt, std::nullopt), sorted_ids({a1, a2, b1}));
    EXPECT_EQ(ids(call.id, std::nullopt), sorted_ids({a1, a2}));
    EXPECT_EQ(ids(second.id, std::nullopt), std::vector<Id>{b1});
    EXPECT_EQ(ids(std::nullopt, std::vector<Id>{org.id}), sorted_ids({a1, b1}));
    EXPECT_EQ(ids(call.id, std::vector<Id>{org.id}), std::vector<Id>{a1});
    EXPECT_EQ(ids(call.id, std::vector<Id>{org.id, other_org.id}), sorted_ids({a1, a2}));
    EXPECT_TRUE(ids(std::nullopt, std::vector<Id>{}).empty()) << "no organisation: nothing";
    EXPECT_TRUE(ids(call.id + 1000, std::nullopt).empty());
}

TEST_P(ApplicationsContract, AttachmentsAreKeptByteForByte) {
    const Application a = apply(call, org, "Café");
    const char raw[] = "%PDF-1.7\0\xff\xfe binary \r\n end";
    const std::string pdf(raw, sizeof raw - 1); // with a NUL byte and bytes beyond ASCII
    const Attachment att = store().add_attachment(ws.id, a.id, meta("insurance certificate",
                                                                    "insurance.pdf"), pdf);
    EXPECT_GT(att.id, 0);
    EXPECT_EQ(att.name, "insurance certificate");
    EXPECT_EQ(att.file_name, "insurance.pdf");
    EXPECT_EQ(att.content_type, "application/pdf");
    EXPECT_EQ(att.size, static_cast<std::int64_t>(pdf.size()));
    EXPECT_EQ(att.sha256, "sha256-of-insurance.pdf");
    const Attachment second =
        store().add_attachment(ws.id, a.id, meta("statutes", "statutes.pdf"), "text");
    reopen();

    const auto back = store().application(ws.id, a.id);
    ASSERT_EQ(back->attachments.size(), 2u);
    const auto& listed = back->attachments[0].id == att.id ? back->attachments[0]
                                                           : back->attachments[1];
    EXPECT_TRUE(listed == att);
    EXPECT_EQ(store().attachment_bytes(ws.id, a.id, att.id), pdf);
    EXPECT_EQ(store().attachment_bytes(ws.id, a.id, second.id), "text");
    EXPECT_EQ(back->version, a.version + 2) << "each attachment changes the application";

    // Only through its own application and workspace.
    const Application other_app = apply(call, other_org, "Choir");
    EXPECT_FALSE(store().attachment_bytes(ws.id, other_app.id, att.id));
    const Workspace other = store().create_workspace(contract_workspace("roubaix"));
    EXPECT_FALSE(store().attachment_bytes(other.id, a.id, att.id));
    EXPECT_FALSE(store().attachment_bytes(ws.id, a.id, att.id + 1000));
    EXPECT_EQ(error_kind([&] { store().add_attachment(other.id, a.id, meta("x", "x"), "x"); }),
              "not_found");
    EXPECT_EQ(error_kind([&] { store().remove_attachment(other.id, a.id, att.id); }),
              "not_found");
    EXPECT_FALSE(store().remove_attachment(ws.id, other_app.id, att.id));
    EXPECT_TRUE(store().attachment_bytes(ws.id, a.id, att.id)) << "still there";
}

TEST_P(ApplicationsContract, RemovingAnAttachmentIsAChangeOfTheApplication) {
    const Application a = apply(call, org, "Café");
    const Attachment att = store().add_attachment(ws.id, a.id, meta("statutes", "s.pdf"), "x");
    const Application with = *store().application(ws.id, a.id);

    EXPECT_TRUE(store().remove_attachment(ws.id, a.id, att.id));
    EXPECT_FALSE(store().remove_attachment(ws.id, a.id, att.id)) << "removed once";
    EXPECT_FALSE(store().attachment_bytes(ws.id, a.id, att.id));
    const Application without = *store().application(ws.id, a.id);
    EXPECT_TRUE(without.attachments.empty());
    EXPECT_EQ(without.version, with.version + 1);

    Application stale = with; // read before the removal
    stale.fields.team = "six";
    EXPECT_EQ(error_kind([&] { store().update_application(stale); }), "precondition")
        << "the application changed since that version was read";
}

} // namespace
} // namespace impetus::test
