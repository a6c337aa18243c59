// Contract of the reports facet: citizens' reports created and followed by the hash of their
// link, listed by status, their photos (listed without bytes, read one with them), and the
// decisions on a pending report, each in one transaction: accept (creates the space), merge
// (into a space of the workspace), reject; a decided report refuses another decision.

#include "store/contract/contract.hpp"

namespace impetus::test {
namespace {

class ReportsContract : public StoreContract {
protected:
    Report report_in(Id workspace_id, const std::string& follow_hash,
                     const std::string& description = "Empty shop, shutters down") {
        Report r;
        r.workspace_id = workspace_id;
        r.position = {3.0701, 50.6372};
        r.kind = SpaceKind::shop;
        r.description = description;
        r.vacant_for = VacantFor::years_1_to_3;
        r.contact_name = "Jo";
        r.contact_email = "jo@example.org";
        return store().create_report(r, follow_hash);
    }
    Report new_report(const std::string& follow_hash) { return report_in(ws.id, follow_hash); }

    // How many spaces the test workspace holds.
    std::size_t spaces_in_workspace() {
        SpaceQuery q;
        q.workspace_id = ws.id;
        return store().list_spaces(q).total.value_or(0);
    }

    std::vector<Id> listed(std::optional<ReportStatus> status, std::size_t* total = nullptr) {
        std::vector<Id> out;
        for (const auto& r : store().list_reports(ws.id, status, 100, 0, total)) {
            out.push_back(r.id);
        }
        return sorted_ids(out);
    }
};
IMPETUS_STORE_CONTRACT(ReportsContract);

TEST_P(ReportsContract, AReportIsKeptPendingAndFollowedByItsHash) {
    const User reporter = add_user("jo@example.org");
    Report in;
    in.workspace_id = ws.id;
    in.position = {3.0701, 50.6372};
    in.kind = SpaceKind::plot;
    in.description = "Fenced lot, weeds, no works for years";
    in.vacant_for = VacantFor::over_3_years;
    in.contact_name = "Jo";
    in.contact_email = "jo@example.org";
    in.reporter_user_id = reporter.id;
    in.status = ReportStatus::accepted; // a new report is pending whatever it says
    const Report r = store().create_report(in, "follow-hash-1");
    EXPECT_GT(r.id, 0);
    EXPECT_EQ(r.status, ReportStatus::pending);
    EXPECT_FALSE(r.created_at.empty());
    EXPECT_TRUE(r.decided_at.empty());
    EXPECT_FALSE(r.space_id);
    EXPECT_EQ(r.photo_count, 0);
    reopen();
    const auto back = store().report(ws.id, r.id);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->workspace_id, ws.id);
    EXPECT_TRUE(back->position == in.position);
    EXPECT_EQ(back->kind, SpaceKind::plot);
    EXPECT_EQ(back->description, in.description);
    EXPECT_EQ(back->vacant_for, VacantFor::over_3_years);
    EXPECT_EQ(back->contact_name, "Jo");
    EXPECT_EQ(back->contact_email, "jo@example.org");
    EXPECT_EQ(back->reporter_user_id, reporter.id);
    EXPECT_EQ(back->status, ReportStatus::pending);

    const auto followed = store().report_by_follow_hash("follow-hash-1");
    ASSERT_TRUE(followed);
    EXPECT_EQ(followed->id, r.id);
    EXPECT_FALSE(store().report_by_follow_hash("follow-hash-2"));
    const Workspace other = store().create_workspace(contract_workspace("roubaix"));
    EXPECT_FALSE(store().report(other.id, r.id)) << "seen in its workspace only";
    EXPECT_FALSE(store().report(ws.id, r.id + 1000));
}

TEST_P(ReportsContract, ReportsAreListedByStatusInPages) {
    const Id a = new_report("a").id;
    const Id b = new_report("b").id;
    const Id c = new_report("c").id;
    const Id d = new_report("d").id;
    const Workspace other = store().create_workspace(contract_workspace("roubaix"));
    report_in(other.id, "elsewhere");
    store().reject_report(ws.id, b, "a duplicate");
    store().merge_report(ws.id, c, add_space("Known shop").id, "known");

    std::size_t total = 0;
    EXPECT_EQ(listed(std::nullopt, &total), sorted_ids({a, b, c, d}));
    EXPECT_EQ(total, 4u);
    EXPECT_EQ(listed(ReportStatus::pending, &total), sorted_ids({a, d}));
    EXPECT_EQ(total, 2u);
    EXPECT_EQ(listed(ReportStatus::rejected), std::vector<Id>{b});
    EXPECT_EQ(listed(ReportStatus::merged), std::vector<Id>{c});
    EXPECT_TRUE(listed(ReportStatus::accepted).empty());

    std::vector<Id> paged;
    for (std::size_t offset = 0; offset < 4; offset += 3) {
        const auto page = store().list_reports(ws.id, std::nullopt, 3, offset, &total);
        EXPECT_EQ(total, 4u) << "the total ignores the page";
        for (const auto& r : page) paged.push_back(r.id);
    }
    EXPECT_EQ(sorted_ids(paged), sorted_ids({a, b, c, d})) << "the pages hold each one once";
}

TEST_P(ReportsContract, PhotosAreListedWithoutTheirBytesAndReadOneByOne) {
    const Report r = new_report("f");
    const Report other = new_report("g");
    const char jpeg_raw[] = "\xff\xd8\xff\xe0\0JFIF\0 big";
    const char thumb_raw[] = "\xff\xd8\xff\xe0\0JFIF\0 small";
    ReportPhoto p;
    p.width = 1600;
    p.height = 1200;
    p.jpeg = std::string(jpeg_raw, sizeof jpeg_raw - 1);
    p.thumbnail = std::string(thumb_raw, sizeof thumb_raw - 1);
    const ReportPhoto first = store().add_report_photo(r.id, p);
    EXPECT_GT(first.id, 0);
    EXPECT_EQ(first.report_id, r.id);
    p.width = 800;
    const ReportPhoto second = store().add_report_photo(r.id, p);
    reopen();

    EXPECT_EQ(store().report(ws.id, r.id)->photo_count, 2);
    EXPECT_EQ(store().report(ws.id, other.id)->photo_count, 0);
    const auto list = store().report_photos(r.id);
    ASSERT_EQ(list.size(), 2u);
    std::vector<Id> ids;
    for (const auto& x : list) {
        ids.push_back(x.id);
        EXPECT_EQ(x.report_id, r.id);
        EXPECT_TRUE(x.jpeg.empty()) << "no bytes in the list";
        EXPECT_TRUE(x.thumbnail.empty());
        EXPECT_EQ(x.height, 1200);
        EXPECT_EQ(x.width, x.id == first.id ? 1600 : 800);
    }
    EXPECT_EQ(sorted_ids(ids), sorted_ids({first.id, second.id}));

    const auto one = store().report_photo(r.id, first.id);
    ASSERT_TRUE(one);
    EXPECT_EQ(one->jpeg, std::string(jpeg_raw, sizeof jpeg_raw - 1));
    EXPECT_EQ(one->thumbnail, std::string(thumb_raw, sizeof thumb_raw - 1));
    EXPECT_EQ(one->width, 1600);
    EXPECT_FALSE(store().report_photo(other.id, first.id)) << "only through its own report";
    EXPECT_TRUE(store().report_photos(other.id).empty());
}

TEST_P(ReportsContract, AcceptingCreatesTheSpace) {
    const Report r = new_report("f");
    SpaceFields f = contract_fields("Shop on rue Solférino", point(3.0701, 50.6372));
    f.kind = SpaceKind::shop;
    const Space s = store().accept_report(ws.id, r.id, f, SpaceStatus::verified, "seen on site");
    EXPECT_EQ(s.workspace_id, ws.id);
    EXPECT_EQ(s.status, SpaceStatus::verified);
    EXPECT_TRUE(s.fields == f);
    ASSERT_TRUE(store().space(ws.id, s.id));
    const auto history = store().space_history(ws.id, s.id);
    ASSERT_EQ(history.size(), 1u);
    EXPECT_EQ(history[0].to, SpaceStatus::verified);
    EXPECT_EQ(history[0].reason, "seen on site");

    const Report after = *store().report(ws.id, r.id);
    EXPECT_EQ(after.status, ReportStatus::accepted);
    EXPECT_EQ(after.space_id, s.id);
    EXPECT_EQ(after.decision_reason, "seen on site");
    EXPECT_FALSE(after.decided_at.empty());
}

// A refused acceptance leaves the report pending and creates no space.
TEST_P(ReportsContract, AcceptingIsAllOrNothing) {
    const Report r = new_report("f");
    const Workspace other = store().create_workspace(contract_workspace("roubaix"));
    const Space foreign =
        store().create_space(other.id, contract_fields("Elsewhere"), SpaceStatus::reported, "");
    SpaceFields f = contract_fields("Unit in a foreign building");
    f.parent_id = foreign.id; // not of this workspace
    const auto generation = store().data_generation();
    const auto audit_before = audit_size();
    EXPECT_EQ(error_kind([&] {
                  store().accept_report(ws.id, r.id, f, SpaceStatus::reported, "accepted");
              }),
              "invalid_input");
    const Report after = *store().report(ws.id, r.id);
    EXPECT_EQ(after.status, ReportStatus::pending);
    EXPECT_FALSE(after.space_id);
    EXPECT_EQ(spaces_in_workspace(), 0u);
    EXPECT_EQ(audit_size(), audit_before);
    EXPECT_EQ(store().data_generation(), generation);
    EXPECT_EQ(error_kind([&] {
                  store().accept_report(other.id, r.id, contract_fields("x"),
                                        SpaceStatus::reported, "");
              }),
              "not_found")
        << "a report is decided in its own workspace";
}

TEST_P(ReportsContract, MergingLinksTheReportToASpaceOfItsWorkspace) {
    const Report r = new_report("f");
    const Space known = add_space("Known shop");
    const Workspace other = store().create_workspace(contract_workspace("roubaix"));
    const Space foreign =
        store().create_space(other.id, contract_fields("Elsewhere"), SpaceStatus::reported, "");
    EXPECT_EQ(error_kind([&] { store().merge_report(ws.id, r.id, foreign.id, "same"); }),
              "not_found");
    EXPECT_EQ(store().report(ws.id, r.id)->status, ReportStatus::pending);

    const Report merged = store().merge_report(ws.id, r.id, known.id, "already known");
    EXPECT_EQ(merged.status, ReportStatus::merged);
    EXPECT_EQ(merged.space_id, known.id);
    EXPECT_EQ(merged.decision_reason, "already known");
    EXPECT_FALSE(merged.decided_at.empty());
    EXPECT_EQ(store().report(ws.id, r.id)->status, ReportStatus::merged);
}

TEST_P(ReportsContract, RejectingKeepsTheReason) {
    const Report r = new_report("f");
    const Report rejected = store().reject_report(ws.id, r.id, "a private garden");
    EXPECT_EQ(rejected.status, ReportStatus::rejected);
    EXPECT_EQ(rejected.decision_reason, "a private garden");
    EXPECT_FALSE(rejected.space_id);
    EXPECT_FALSE(rejected.decided_at.empty());
    EXPECT_EQ(store().report_by_follow_hash("f")->status, ReportStatus::rejected);
}

TEST_P(ReportsContract, ADecidedReportRefusesAnotherDecision) {
    const Space known = add_space("Known");
    const Report accepted = new_report("a");
    store().accept_report(ws.id, accepted.id, contract_fields("New"), SpaceStatus::reported, "");
    const Report merged = new_report("m");
    store().merge_report(ws.id, merged.id, known.id, "");
    const Report rejected = new_report("r");
    store().reject_report(ws.id, rejected.id, "");
    for (const Report& r : {accepted, merged, rejected}) {
        SCOPED_TRACE(r.description + " " + std::to_string(r.id));
        const Report before = *store().report(ws.id, r.id);
        const auto spaces = spaces_in_workspace();
        EXPECT_EQ(error_kind([&] {
                      store().accept_report(ws.id, r.id, contract_fields("Again"),
                                            SpaceStatus::reported, "");
                  }),
                  "conflict");
        EXPECT_EQ(error_kind([&] { store().merge_report(ws.id, r.id, known.id, ""); }),
                  "conflict");
        EXPECT_EQ(error_kind([&] { store().reject_report(ws.id, r.id, ""); }), "conflict");
        const Report after = *store().report(ws.id, r.id);
        EXPECT_EQ(after.status, before.status);
        EXPECT_EQ(after.space_id, before.space_id);
        EXPECT_EQ(after.decided_at, before.decided_at);
        EXPECT_EQ(spaces_in_workspace(), spaces);
    }
    EXPECT_EQ(error_kind([&] { store().reject_report(ws.id, 999999, ""); }), "not_found");
}

// docs/privacy.md: the contact is removed when the reporter's account is erased; the report
// stays (it is about a place).
TEST_P(ReportsContract, ErasingTheReportersAccountRemovesTheContact) {
    const User jo = add_user("jo@example.org");
    Report in;
    in.workspace_id = ws.id;
    in.contact_name = "Jo";
    in.contact_email = "jo@example.org";
    in.reporter_user_id = jo.id;
    const Report r = store().create_report(in, "f");
    const Report other = report_in(ws.id, "g"); // a report with the same address, no account
    store().erase_user(jo.id);
    const Report after = *store().report(ws.id, r.id);
    EXPECT_EQ(after.contact_name, "");
    EXPECT_EQ(after.contact_email, "");
    EXPECT_EQ(after.reporter_user_id, jo.id);
    EXPECT_EQ(store().report(ws.id, other.id)->contact_email, "")
        << "the erased address is removed from every report";
}

} // namespace
} // namespace impetus::test
