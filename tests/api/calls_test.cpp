// A call for temporary use from draft to decision over real HTTP: officers write and open it,
// members of applicant organisations apply before the deadline, the rules are checked at the
// deadline and officers overrule, two evaluators score without seeing each other's sheets
// first, the matching allocates with an explanation, officers lock and exclude pairs, and the
// published decisions reach applicants with their explanation and a mail.

#include "api_test.hpp"
#include "auth/passwords.hpp"
#include "core/dates.hpp"

#include <algorithm>
#include <map>

namespace impetus::test {
namespace {

std::string pdf_bytes() { return "%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"; }

class CallsApi : public ApiTest {
protected:
    CallsApi() {
        create_workspace("lille");
        create_workspace("roubaix");
        auto building = [&](const std::string& name, double area, const std::string& kind,
                            bool step_free) {
            json b = space_body(name, point_geometry(3.06, 50.63), kind);
            b["area_m2"] = area;
            b["step_free_access"] = step_free;
            b["utilities"] = {{"water", true}, {"electricity", true}};
            return create_space("lille", b)["id"].get<Id>();
        };
        hall = building("Market hall", 200, "building", true);
        yard = building("Rail yard", 500, "plot", false);
        shop = building("Corner shop", 60, "shop", false);

        olga = add_user("olga@example.org", "lille", Role::officer);
        ana = add_user("ana@example.org", "lille", Role::applicant);
        bob = add_user("bob@example.org", "lille", Role::applicant);
        cleo = add_user("cleo@example.org", "lille", Role::applicant);
        eve = add_user("eve@example.org", "lille", Role::citizen);
        finn = add_user("finn@example.org", "lille", Role::citizen);
        coop = organisation("Friches Coop", "cooperative", {"ana@example.org"});
        firm = organisation("Shiny Ltd", "private_company", {"bob@example.org"});
        garden = organisation("Garden Friends", "non_profit", {"cleo@example.org"});
    }

    Id organisation(const std::string& name, const std::string& type,
                    const std::vector<std::string>& members) {
        const Id id = require_status(as(olga, "POST", orgs_path("lille"),
                                        {{"name", name}, {"type", type}}),
                                     201)
                          .json()["id"];
        for (const auto& m : members) {
            require_status(as(olga, "POST",
                              orgs_path("lille") + "/" + std::to_string(id) + "/members",
                              {{"email", m}}),
                           201);
        }
        return id;
    }

    static std::string calls_path() { return "/api/v1/workspaces/lille/calls"; }
    std::string call_path() const { return calls_path() + "/" + std::to_string(call); }
    static std::string app_path(Id id) {
        return "/api/v1/workspaces/lille/applications/" + std::to_string(id);
    }

    json call_body() const {
        const auto now = std::chrono::system_clock::now();
        return {{"title", "Meanwhile spaces 2027"},
                {"description", "Three places for a year of temporary use."},
                {"spaces",
                 {{{"space_id", hall}, {"available_from", "2027-01-01"}, {"available_to", "2028-01-01"}},
                  {{"space_id", yard}, {"available_from", "2027-01-01"}, {"available_to", "2028-01-01"}},
                  {{"space_id", shop}, {"available_from", "2027-01-01"}, {"available_to", "2028-01-01"}}}},
                {"eligibility",
                 {{"organisation_types", {"non_profit", "cooperative"}},
                  {"min_duration_days", 30},
                  {"max_duration_days", 365}}},
                {"criteria",
                 {{{"key", "fit"}, {"label", "Fit with the site"}, {"weight", 40}},
                  {{"key", "quality"}, {"label", "Team and project"}, {"weight", 60}, {"scale_max", 5}}}},
                {"documents_required", {"insurance certificate"}},
                {"opens_at", format_utc(now - std::chrono::hours(24))},
                {"closes_at", format_utc(now + std::chrono::hours(24))},
                {"fee_model", "utilities_only"},
                {"matching", {{"score_weight", 1}, {"preference_weight", 0.2}}}};
    }

    json application_body(Id organisation_id, const std::string& title,
                          const std::string& category, const std::string& setting,
                          double min_area, std::vector<Id> preferred) const {
        return {{"organisation_id", organisation_id},
                {"title", title},
                {"description", "What we will do there."},
                {"category", category},
                {"needs", {{"min_area_m2", min_area}, {"setting", setting}}},
                {"period", {{"start", "2027-03-01"}, {"end", "2027-09-01"}}},
                {"preferred_spaces", preferred},
                {"team", "Three people"},
                {"budget_eur", 12000}};
    }

    // Writes, opens and returns the call; three applications submitted.
    void open_call_with_applications() {
        auto r = as(olga, "POST", calls_path(), call_body());
        ASSERT_EQ(r.status, 201) << r.body;
        call = r.json()["id"];
        ASSERT_EQ(as(olga, "POST", call_path() + "/transitions", {{"to", "open"}}).status, 200);

        r = as(ana, "POST", call_path() + "/applications",
               application_body(coop, "Theatre workshop", "culture", "indoor", 100, {hall}));
        ASSERT_EQ(r.status, 201) << r.body;
        theatre = r.json()["id"];
        attach(ana, theatre, "insurance certificate", pdf_bytes());
        r = as(ana, "POST", app_path(theatre) + "/submit");
        ASSERT_EQ(r.status, 200) << r.body;
        EXPECT_EQ(r.json()["warnings"].size(), 0u) << r.body;

        r = as(bob, "POST", call_path() + "/applications",
               application_body(firm, "Pop-up store", "economic", "indoor", 50, {shop}));
        ASSERT_EQ(r.status, 201) << r.body;
        store = r.json()["id"];
        attach(bob, store, "insurance certificate", pdf_bytes());
        r = as(bob, "POST", app_path(store) + "/submit");
        ASSERT_EQ(r.status, 200) << r.body;
        EXPECT_EQ(r.json()["warnings"], json::array({"organisation_type"}));

        r = as(cleo, "POST", call_path() + "/applications",
               application_body(garden, "Community garden", "greening", "outdoor", 200, {yard}));
        ASSERT_EQ(r.status, 201) << r.body;
        gardening = r.json()["id"];
        r = as(cleo, "POST", app_path(gardening) + "/submit");
        ASSERT_EQ(r.status, 200) << r.body;
        EXPECT_EQ(r.json()["warnings"], json::array({"document_missing:insurance certificate"}));
    }

    HttpResponse attach(const Account& who, Id application, const std::string& name,
                        const std::string& bytes) {
        HttpRequest req;
        req.method = "POST";
        req.target = app_path(application) + "/attachments?name=" + url_encode(name) +
                     "&file_name=cert.pdf";
        req.headers = who.auth;
        req.headers["Content-Type"] = "application/octet-stream";
        req.body = bytes;
        return people.send(req);
    }

    static std::string url_encode(const std::string& s) {
        std::string out;
        for (char c : s) out += c == ' ' ? std::string("%20") : std::string(1, c);
        return out;
    }

    // Closes the call, overrules the garden's missing document, and starts the evaluation with
    // eve and finn as the jury.
    void close_and_start_evaluation() {
        ASSERT_EQ(as(olga, "POST", call_path() + "/transitions", {{"to", "closed"}}).status, 200);
        auto r = as(olga, "PUT", app_path(gardening) + "/eligibility",
                    {{"status", "eligible"}, {"note", "certificate sent by post"}});
        ASSERT_EQ(r.status, 200) << r.body;
        r = as(olga, "PATCH", call_path(), {{"evaluators", {"nobody@example.org"}}});
        ASSERT_TRUE(is_problem(r, 400));
        EXPECT_TRUE(error_pointers(r).contains("/evaluators/0")) << r.body;
        // The jury by e-mail address or by account id.
        r = as(olga, "PATCH", call_path(), {{"evaluators", {"Eve@example.org", finn.id}}});
        ASSERT_EQ(r.status, 200) << r.body;
        EXPECT_EQ(r.json()["evaluators"], json::array({eve.id, finn.id}));
        EXPECT_EQ(r.json()["jury"][0]["email"], "eve@example.org");
        EXPECT_FALSE(people.get(call_path()).json().contains("jury"));
        ASSERT_EQ(as(olga, "POST", call_path() + "/transitions", {{"to", "evaluating"}}).status, 200);
    }

    HttpResponse score(const Account& who, Id application, double fit, double quality,
                       bool submit) {
        return as(who, "PUT", app_path(application) + "/evaluation",
                  {{"scores",
                    {{"fit", {{"value", fit}, {"comment", "fit"}}},
                     {"quality", {{"value", quality}, {"comment", "team"}}}}},
                   {"submit", submit}});
    }

    Id hall = 0, yard = 0, shop = 0, coop = 0, firm = 0, garden = 0;
    Id call = 0, theatre = 0, store = 0, gardening = 0;
    Account olga, ana, bob, cleo, eve, finn;
};

TEST_F(CallsApi, ADraftIsTheOfficersAndAnOpenCallIsPublicWithItsSpaces) {
    auto r = as(olga, "POST", calls_path(), call_body());
    ASSERT_EQ(r.status, 201) << r.body;
    call = r.json()["id"];
    EXPECT_EQ(r.json()["state"], "draft");
    EXPECT_TRUE(is_problem(people.get(call_path()), 404));
    EXPECT_EQ(people.get(calls_path()).json()["items"].size(), 0u);
    EXPECT_TRUE(is_problem(as(ana, "POST", calls_path(), call_body()), 403));
    EXPECT_TRUE(is_problem(as(ana, "POST", call_path() + "/applications",
                              application_body(coop, "Early", "culture", "indoor", 10, {})),
                           404))
        << "nobody applies to a draft";

    // Opening needs something to offer and rules to judge by.
    json empty = call_body();
    empty.erase("criteria");
    const Id bare = as(olga, "POST", calls_path(), empty).json()["id"];
    r = as(olga, "POST", calls_path() + "/" + std::to_string(bare) + "/transitions", {{"to", "open"}});
    EXPECT_TRUE(is_problem(r, 400));
    EXPECT_TRUE(error_pointers(r).contains("/criteria")) << r.body;

    ASSERT_EQ(as(olga, "POST", call_path() + "/transitions", {{"to", "open"}}).status, 200);
    r = people.get(call_path());
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(r.json()["accepting_applications"]);
    EXPECT_EQ(r.json()["offered_spaces"].size(), 3u);
    EXPECT_EQ(r.json()["offered_spaces"][0]["call"]["capacity"], 1);
    EXPECT_FALSE(r.json().contains("evaluators"));
    EXPECT_EQ(people.get(calls_path() + "?state=open").json()["items"].size(), 1u);

    // Once open, the published rules stay: only the description and a later deadline change.
    EXPECT_TRUE(is_problem(as(olga, "PATCH", call_path(), {{"documents_required", json::array()}}), 409));
    EXPECT_EQ(as(olga, "PATCH", call_path(), {{"description", "Clarified."}}).status, 200);
    EXPECT_TRUE(is_problem(as(olga, "POST", call_path() + "/transitions", {{"to", "decided"}}), 409));
    EXPECT_TRUE(is_problem(as(olga, "POST", call_path() + "/transitions", {{"to", "evaluating"}}), 409));

    // Spaces of another workspace cannot be offered.
    json foreign = call_body();
    const Id depot = create_space("roubaix", space_body("Depot", point_geometry(3.17, 50.69)))["id"];
    foreign["spaces"][0]["space_id"] = depot;
    r = as(olga, "POST", calls_path(), foreign);
    EXPECT_TRUE(is_problem(r, 400));
    EXPECT_TRUE(error_pointers(r).contains("/spaces/0/space_id")) << r.body;
}

TEST_F(CallsApi, ApplicantsApplyForTheirOrganisationBeforeTheDeadlineOnly) {
    open_call_with_applications();
    // Only members act for an organisation; others' applications do not exist for them.
    EXPECT_TRUE(is_problem(as(ana, "POST", call_path() + "/applications",
                              application_body(firm, "Not mine", "culture", "indoor", 10, {})),
                           403));
    EXPECT_TRUE(is_problem(people.post(call_path() + "/applications",
                                       application_body(coop, "Anon", "culture", "indoor", 10, {})),
                           401));
    EXPECT_TRUE(is_problem(as(bob, "GET", app_path(theatre)), 404));
    EXPECT_EQ(as(ana, "GET", app_path(theatre)).json()["status"], "submitted");
    EXPECT_EQ(as(ana, "GET", call_path() + "/applications").json()["items"].size(), 1u);
    EXPECT_EQ(as(olga, "GET", call_path() + "/applications").json()["items"].size(), 3u);
    {
        auto mine = as(ana, "GET", "/api/v1/me/applications");
        ASSERT_EQ(mine.status, 200) << mine.body;
        ASSERT_EQ(mine.json()["items"].size(), 1u);
        EXPECT_EQ(mine.json()["items"][0]["call"]["title"], "Meanwhile spaces 2027");
    }

    // A submitted application is final; a draft changes and can be withdrawn.
    EXPECT_TRUE(is_problem(as(ana, "PATCH", app_path(theatre), {{"title", "Changed"}}), 409));
    auto r = as(ana, "POST", call_path() + "/applications",
                application_body(coop, "Second idea", "social", "either", 10, {}));
    const Id second = r.json()["id"];
    r = as(ana, "PATCH", app_path(second), {{"title", "Second idea, better"}, {"budget_eur", nullptr}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["title"], "Second idea, better");
    EXPECT_TRUE(r.json()["budget_eur"].is_null());
    r = as(ana, "PATCH", app_path(second), {{"period", {{"start", "2027-05-01"}, {"end", "2027-04-01"}}}});
    EXPECT_TRUE(is_problem(r, 400));
    EXPECT_TRUE(error_pointers(r).contains("/period/end")) << r.body;
    EXPECT_EQ(as(ana, "POST", app_path(second) + "/withdraw").json()["status"], "withdrawn");

    // Attachments are recognised by their content.
    r = as(ana, "POST", call_path() + "/applications",
           application_body(coop, "Third", "sport", "either", 10, {}));
    const Id third = r.json()["id"];
    EXPECT_TRUE(is_problem(attach(ana, third, "budget", "MZ\x90\x00 not a document"), 415));
    EXPECT_TRUE(is_problem(attach(ana, third, "", pdf_bytes()), 400));
    r = attach(ana, third, "budget", pdf_bytes());
    ASSERT_EQ(r.status, 201) << r.body;
    const Id att = r.json()["id"];
    auto file = as(ana, "GET", app_path(third) + "/attachments/" + std::to_string(att));
    EXPECT_EQ(file.body, pdf_bytes());
    EXPECT_EQ(file.header("Content-Type"), "application/pdf");
    EXPECT_TRUE(is_problem(as(bob, "GET", app_path(third) + "/attachments/" + std::to_string(att)), 404));
    EXPECT_EQ(as(ana, "DELETE", app_path(third) + "/attachments/" + std::to_string(att)).status, 204);

    // Past the deadline (server time) nothing changes.
    Store& st = server.store();
    Call c = *st.call(st.workspace_by_slug("lille")->id, call);
    c.closes_at = format_utc(std::chrono::system_clock::now() - std::chrono::seconds(1));
    st.update_call(c.workspace_id, c);
    EXPECT_FALSE(people.get(call_path()).json()["accepting_applications"]);
    EXPECT_TRUE(is_problem(as(ana, "POST", app_path(third) + "/submit"), 409));
    EXPECT_TRUE(is_problem(as(ana, "PATCH", app_path(third), {{"title", "Late"}}), 409));
    EXPECT_TRUE(is_problem(as(ana, "POST", app_path(theatre) + "/withdraw"), 409));
    EXPECT_TRUE(is_problem(as(ana, "POST", call_path() + "/applications",
                              application_body(coop, "Late", "culture", "indoor", 10, {})),
                           409));
    EXPECT_EQ(as(ana, "GET", app_path(third)).json()["status"], "draft");

    // Another workspace's URLs do not reach Lille's applications.
    EXPECT_TRUE(is_problem(as(olga, "GET", "/api/v1/workspaces/roubaix/applications/" +
                                               std::to_string(theatre)),
                           404));
}

TEST_F(CallsApi, TheRulesAreCheckedAtTheDeadlineAndOfficersOverrule) {
    open_call_with_applications();
    ASSERT_EQ(as(olga, "POST", call_path() + "/transitions", {{"to", "closed"}}).status, 200);
    auto check = [&](Id id) { return as(olga, "GET", app_path(id)).json()["eligibility"]; };
    EXPECT_EQ(check(theatre)["status"], "eligible");
    EXPECT_EQ(check(store)["status"], "ineligible");
    EXPECT_EQ(check(store)["reasons"], json::array({"organisation_type"}));
    EXPECT_EQ(check(gardening)["reasons"], json::array({"document_missing:insurance certificate"}));
    // The applicant sees the verdict; not the shortlist.
    EXPECT_EQ(as(bob, "GET", app_path(store)).json()["eligibility"]["status"], "ineligible");
    EXPECT_FALSE(as(bob, "GET", app_path(store)).json().contains("shortlisted"));

    auto r = as(olga, "PUT", app_path(gardening) + "/eligibility", {{"status", "ineligible"}});
    EXPECT_TRUE(is_problem(r, 400)) << "an ineligible verdict needs a reason";
    EXPECT_TRUE(is_problem(as(ana, "PUT", app_path(theatre) + "/eligibility", {{"status", "eligible"}}), 403));
    r = as(olga, "PUT", app_path(gardening) + "/eligibility",
           {{"status", "eligible"}, {"note", "certificate sent by post"}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(r.json()["eligibility"]["by_officer"]);
    EXPECT_EQ(r.json()["eligibility"]["reasons"].size(), 0u);

    // Evaluation needs a jury.
    EXPECT_TRUE(is_problem(as(olga, "POST", call_path() + "/transitions", {{"to", "evaluating"}}), 409));
    EXPECT_TRUE(is_problem(as(olga, "PATCH", call_path(), {{"title", "Renamed"}}), 409));
}

TEST_F(CallsApi, EvaluatorsScoreBlindUntilTheySubmitAndDeclareConflicts) {
    open_call_with_applications();
    close_and_start_evaluation();

    // The queue: eligible applications only.
    auto r = as(eve, "GET", call_path() + "/evaluation");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(ids_of(r.json()["items"]), (std::vector<std::int64_t>{theatre, gardening}));
    EXPECT_TRUE(is_problem(as(ana, "GET", call_path() + "/evaluation"), 403));
    EXPECT_TRUE(is_problem(as(eve, "GET", app_path(store)), 404)) << "ineligible: not the jury's";
    EXPECT_TRUE(is_problem(score(ana, theatre, 5, 5, false), 403)) << "applicants do not score";

    // Scales are the criteria's; a submitted sheet has every criterion.
    r = score(eve, theatre, 11, 3, false);
    EXPECT_TRUE(is_problem(r, 400));
    EXPECT_TRUE(error_pointers(r).contains("/scores/fit/value")) << r.body;
    r = as(eve, "PUT", app_path(theatre) + "/evaluation",
           {{"scores", {{"fit", {{"value", 8}}}}}, {"submit", true}});
    EXPECT_TRUE(is_problem(r, 400));
    EXPECT_TRUE(error_pointers(r).contains("/scores/quality")) << r.body;

    ASSERT_EQ(score(eve, theatre, 8, 4, false).status, 200);
    ASSERT_EQ(score(finn, theatre, 6, 5, true).status, 200);
    r = as(eve, "GET", app_path(theatre) + "/evaluations");
    EXPECT_FALSE(r.json()["others_visible"]);
    EXPECT_EQ(r.json()["items"].size(), 1u) << "eve sees her own draft only";
    ASSERT_EQ(score(eve, theatre, 8, 4, true).status, 200);
    EXPECT_TRUE(is_problem(score(eve, theatre, 1, 1, true), 409)) << "a submitted sheet is final";
    r = as(eve, "GET", app_path(theatre) + "/evaluations");
    EXPECT_TRUE(r.json()["others_visible"]);
    EXPECT_EQ(r.json()["items"].size(), 2u);
    // eve: 40% * 0.8 + 60% * 0.8 = 80; finn: 40% * 0.6 + 60% * 1.0 = 84.
    EXPECT_NEAR(r.json()["aggregate"]["score"].get<double>(), 82.0, 1e-9);
    EXPECT_NEAR(r.json()["aggregate"]["min"].get<double>(), 80.0, 1e-9);
    EXPECT_NEAR(r.json()["aggregate"]["max"].get<double>(), 84.0, 1e-9);

    // A conflict of interest: the sheet counts for nothing.
    r = as(eve, "PUT", app_path(gardening) + "/evaluation",
           {{"conflict_of_interest", true}, {"conflict_note", "my sister runs it"}, {"submit", true}});
    ASSERT_EQ(r.status, 200) << r.body;
    ASSERT_EQ(score(finn, gardening, 10, 5, true).status, 200);
    r = as(olga, "GET", call_path() + "/ranking");
    ASSERT_EQ(r.status, 200) << r.body;
    const json ranking = r.json();
    const auto& items = ranking["items"];
    ASSERT_EQ(items.size(), 2u);
    EXPECT_EQ(items[0]["application_id"], gardening);
    EXPECT_NEAR(items[0]["score"].get<double>(), 100.0, 1e-9);
    EXPECT_EQ(items[0]["sheets"], 1);
    EXPECT_EQ(items[1]["application_id"], theatre);
    EXPECT_TRUE(is_problem(as(eve, "GET", call_path() + "/ranking"), 403));
}

TEST_F(CallsApi, TheMatchingAllocatesExplainsAndIsPublishedWithMails) {
    open_call_with_applications();
    close_and_start_evaluation();
    for (const auto* who : {&eve, &finn}) {
        ASSERT_EQ(score(*who, theatre, 8, 4, true).status, 200);
        ASSERT_EQ(score(*who, gardening, 6, 3, true).status, 200);
    }
    EXPECT_TRUE(is_problem(as(olga, "POST", call_path() + "/publish", json::object()), 409))
        << "nothing to publish before a run";

    auto r = as(olga, "POST", call_path() + "/matching", json::object());
    ASSERT_EQ(r.status, 200) << r.body;
    json proposal = r.json();
    EXPECT_EQ(proposal["solver"], "flow");
    EXPECT_TRUE(proposal["optimal"]);
    std::map<Id, Id> got;
    for (const auto& a : proposal["assignments"]) got[a["request"].get<Id>()] = a["space"].get<Id>();
    EXPECT_EQ(got, (std::map<Id, Id>{{theatre, hall}, {gardening, yard}}));
    // Why the theatre did not get the yard or the shop.
    const json* theatre_why = nullptr;
    for (const auto& e : proposal["explanations"]) {
        if (e["request"] == theatre) theatre_why = &e;
    }
    ASSERT_NE(theatre_why, nullptr) << "no explanation for the theatre: " << proposal.dump();
    std::map<Id, json> verdicts;
    for (const auto& v : (*theatre_why)["spaces"]) verdicts[v["space"].get<Id>()] = v["reasons"];
    ASSERT_TRUE(verdicts.contains(yard) && verdicts.contains(shop)) << theatre_why->dump();
    EXPECT_EQ(verdicts[yard], json::array({"indoor_mismatch"}));
    EXPECT_EQ(verdicts[shop], json::array({"area_too_small"}));
    EXPECT_TRUE(as(olga, "GET", call_path() + "/matching").json()["current"]);

    // Officers exclude a pair and run again: the theatre has nowhere else to go.
    r = as(olga, "PUT", call_path() + "/adjustments",
           {{"items", {{{"application_id", theatre}, {"space_id", hall}, {"locked", false}}}}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_FALSE(as(olga, "GET", call_path() + "/matching").json()["current"]);
    EXPECT_TRUE(is_problem(as(olga, "POST", call_path() + "/publish", json::object()), 409))
        << "the proposal is stale";
    r = as(olga, "POST", call_path() + "/matching", json::object());
    EXPECT_EQ(r.json()["assignments"].size(), 1u);
    r = as(olga, "PUT", call_path() + "/adjustments",
           {{"items", {{{"application_id", theatre}, {"space_id", 999}}}}});
    EXPECT_TRUE(is_problem(r, 400));
    ASSERT_EQ(as(olga, "PUT", call_path() + "/adjustments", {{"items", json::array()}}).status, 200);
    ASSERT_EQ(as(olga, "POST", call_path() + "/matching", json::object()).status, 200);

    // Decisions are not visible before they are published.
    EXPECT_FALSE(as(ana, "GET", app_path(theatre)).json().contains("decision"));
    r = as(olga, "POST", call_path() + "/publish", json::object());
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["decisions"], 3);
    EXPECT_EQ(r.json()["allocated"], 2);
    EXPECT_EQ(r.json()["mails"], 3);
    EXPECT_EQ(r.json()["call"]["state"], "decided");

    auto theatre_now = as(ana, "GET", app_path(theatre)).json();
    EXPECT_EQ(theatre_now["decision"]["outcome"], "allocated");
    EXPECT_EQ(theatre_now["decision"]["space_id"], hall);
    EXPECT_EQ(theatre_now["decision"]["start"], "2027-03-01");
    EXPECT_EQ(theatre_now["decision"]["explanation"]["assignment"]["space_name"], "Market hall");
    auto store_now = as(bob, "GET", app_path(store)).json();
    EXPECT_EQ(store_now["decision"]["outcome"], "not_allocated");
    EXPECT_EQ(store_now["decision"]["explanation"]["reason"], "ineligible");

    // The mails wait in the outbox: a receipt per submission, one per evaluator, and a
    // decision per application, in the workspace's language (Lille speaks French first).
    const auto mail = server.store().pending_mail(100);
    auto mails = [&](const std::string& subject) {
        return std::count_if(mail.begin(), mail.end(), [&](const OutgoingMail& m) {
            return m.subject.rfind(subject, 0) == 0;
        });
    };
    EXPECT_EQ(mails("Candidature reçue : "), 3);
    EXPECT_EQ(mails("Candidatures à évaluer : Meanwhile spaces 2027"), 2);
    EXPECT_EQ(mails("Décision sur votre candidature : "), 3);
    // Their links lead to the pages at the server's public URL.
    std::size_t linked = 0;
    for (const auto& m : mail) {
        if (m.subject.rfind("Confirm your e-mail address", 0) == 0) continue; // the sign-ups
        ++linked;
        const std::string page = m.subject.rfind("Candidatures à évaluer", 0) == 0
                                     ? "http://impetus.test/w/lille/calls/" + std::to_string(call) +
                                           "/evaluate"
                                     : "http://impetus.test/w/lille/applications/";
        EXPECT_NE(m.text.find(page), std::string::npos) << m.text;
    }
    EXPECT_EQ(linked, 8u) << "the receipts, the jury's and the decisions all carry their link";

    // Decided is final.
    EXPECT_TRUE(is_problem(as(olga, "POST", call_path() + "/publish", json::object()), 409));
    EXPECT_TRUE(is_problem(as(olga, "POST", call_path() + "/matching", json::object()), 409));
    EXPECT_TRUE(is_problem(as(olga, "PATCH", call_path(), {{"description", "x"}}), 409));
}

TEST_F(CallsApi, ASeasonOfConsecutiveUsesIsSolvedByTheProgramme) {
    // One yard, two projects that want it one after the other, one that overlaps both.
    json body = call_body();
    body["spaces"] = {{{"space_id", yard}, {"available_from", "2027-01-01"}, {"available_to", "2028-01-01"}}};
    body["documents_required"] = json::array();
    auto r = as(olga, "POST", calls_path(), body);
    call = r.json()["id"];
    ASSERT_EQ(as(olga, "POST", call_path() + "/transitions", {{"to", "open"}}).status, 200);
    std::vector<Id> ids;
    for (auto [title, start, end] : {std::tuple{"Spring market", "2027-03-01", "2027-06-01"},
                                     std::tuple{"Summer cinema", "2027-06-01", "2027-09-01"},
                                     std::tuple{"Long festival", "2027-04-01", "2027-08-01"}}) {
        json a = application_body(garden, title, "culture", "outdoor", 100, {});
        a["period"] = {{"start", start}, {"end", end}};
        r = as(cleo, "POST", call_path() + "/applications", a);
        ASSERT_EQ(r.status, 201) << r.body;
        ids.push_back(r.json()["id"]);
        ASSERT_EQ(as(cleo, "POST", app_path(ids.back()) + "/submit").status, 200);
    }
    ASSERT_EQ(as(olga, "POST", call_path() + "/transitions", {{"to", "closed"}}).status, 200);
    ASSERT_EQ(as(olga, "PATCH", call_path(), {{"evaluators", {eve.id}}}).status, 200);
    ASSERT_EQ(as(olga, "POST", call_path() + "/transitions", {{"to", "evaluating"}}).status, 200);
    ASSERT_EQ(score(eve, ids[0], 6, 3, true).status, 200);
    ASSERT_EQ(score(eve, ids[1], 6, 3, true).status, 200);
    ASSERT_EQ(score(eve, ids[2], 10, 5, true).status, 200);
    r = as(olga, "POST", call_path() + "/matching", json::object());
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["solver"], "mip");
    EXPECT_TRUE(r.json()["optimal"]);
    // Two consecutive uses (60 + 60) are worth more than the best single one (100).
    std::set<Id> got;
    const json season = r.json();
    for (const auto& a : season["assignments"]) got.insert(a["request"].get<Id>());
    EXPECT_EQ(got, (std::set<Id>{ids[0], ids[1]}));
    const json* festival = nullptr;
    for (const auto& e : season["explanations"]) {
        if (e["request"] == ids[2]) festival = &e;
    }
    ASSERT_NE(festival, nullptr) << "no explanation for the long festival: " << season.dump();
    ASSERT_EQ((*festival)["spaces"].size(), 1u);
    EXPECT_EQ((*festival)["spaces"][0]["reasons"], json::array({"capacity_taken"}));
    EXPECT_EQ((*festival)["spaces"][0]["taken_by"].size(), 2u);
}

TEST_F(CallsApi, AWorkspacesCallsCannotBeReachedThroughAnother) {
    open_call_with_applications();
    Account rob = add_user("rob@example.org", "roubaix", Role::officer);
    const std::string via_roubaix = "/api/v1/workspaces/roubaix/calls/" + std::to_string(call);
    for (const std::string target : {via_roubaix, via_roubaix + "/applications",
                                     via_roubaix + "/ranking", via_roubaix + "/matching"}) {
        EXPECT_TRUE(is_problem(as(rob, "GET", target), 404)) << target;
        EXPECT_TRUE(is_problem(http.get(target), 404)) << target << " (instance administrator)";
    }
    EXPECT_TRUE(is_problem(as(rob, "POST", via_roubaix + "/transitions", {{"to", "closed"}}), 404));
    EXPECT_TRUE(is_problem(as(rob, "PUT", "/api/v1/workspaces/roubaix/applications/" +
                                              std::to_string(theatre) + "/eligibility",
                              {{"status", "eligible"}}),
                           404));
    // Roubaix's officer has no say over Lille's call either.
    EXPECT_TRUE(is_problem(as(rob, "POST", call_path() + "/transitions", {{"to", "closed"}}), 403));
    EXPECT_TRUE(is_problem(as(rob, "GET", app_path(theatre)), 404));
    EXPECT_EQ(people.get(call_path()).json()["state"], "open");
}

TEST_F(CallsApi, AnOfficerCannotLearnAddressesByNamingAccountNumbers) {
    auto r = as(olga, "POST", calls_path(), call_body());
    ASSERT_EQ(r.status, 201) << r.body;
    call = r.json()["id"];
    // Rita has an account, in Roubaix only; 999999 is nobody's number.
    const Account rita = add_user("rita@example.org", "roubaix", Role::officer);
    const auto elsewhere = as(olga, "PATCH", call_path(), {{"evaluators", {rita.id}}});
    const auto unknown = as(olga, "PATCH", call_path(), {{"evaluators", {999999}}});
    ASSERT_TRUE(is_problem(elsewhere, 400));
    EXPECT_TRUE(error_pointers(elsewhere).contains("/evaluators/0")) << elsewhere.body;
    EXPECT_EQ(elsewhere.body, unknown.body) << "another workspace's account and nobody, alike";
    json body = call_body();
    body["evaluators"] = {rita.id};
    EXPECT_TRUE(is_problem(as(olga, "POST", calls_path(), body), 400));
    r = as(olga, "GET", call_path());
    EXPECT_EQ(r.body.find("rita@example.org"), std::string::npos) << r.body;
    EXPECT_EQ(r.json()["jury"].size(), 0u);

    // Named by her address, Rita is on the jury; her number, the call's own now, and the
    // number of a member of the workspace then do.
    r = as(olga, "PATCH", call_path(), {{"evaluators", {"rita@example.org"}}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["jury"][0]["email"], "rita@example.org");
    EXPECT_EQ(as(olga, "PATCH", call_path(), {{"description", "Clarified."}}).status, 200);
    r = as(olga, "PATCH", call_path(), {{"evaluators", {rita.id, finn.id}}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["evaluators"], json::array({rita.id, finn.id}));
}

// A server without a public URL writes its call mails without links rather than with bare
// paths that lead nowhere.
class CallMailsWithoutPublicUrl : public ApiTest {
protected:
    CallMailsWithoutPublicUrl()
        : ApiTest([] {
              TestServerOptions o;
              o.app.auth.public_url.clear();
              return o;
          }()) {}

    // A verified account with a role in Lille, signed in (sign-up needs a public URL).
    Account person(const std::string& email, Role role) {
        const User u = server.store().create_user(
            email, "", auth::hash_password("a long passphrase", auth::PasswordParams{1024, 1, 1}),
            false);
        server.store().set_email_verified(u.id);
        server.store().set_role(u.id, server.store().workspace_by_slug("lille")->id, role);
        return sign_in(email);
    }
};

TEST_F(CallMailsWithoutPublicUrl, CarryNoLinkRatherThanABarePath) {
    create_workspace("lille");
    const Id hall = create_space("lille", space_body("Hall", point_geometry(3.06, 50.63)))["id"];
    const Account olga = person("olga@example.org", Role::officer);
    const Account ana = person("ana@example.org", Role::applicant);
    person("eve@example.org", Role::citizen);
    const Id coop = require_status(as(olga, "POST", orgs_path("lille"),
                                      {{"name", "Coop"}, {"type", "cooperative"}}),
                                   201)
                        .json()["id"];
    require_status(as(olga, "POST", orgs_path("lille") + "/" + std::to_string(coop) + "/members",
                      {{"email", "ana@example.org"}}),
                   201, "member");
    const auto now = std::chrono::system_clock::now();
    auto r = as(olga, "POST", "/api/v1/workspaces/lille/calls",
                {{"title", "Meanwhile 2027"},
                 {"spaces", {{{"space_id", hall},
                              {"available_from", "2027-01-01"},
                              {"available_to", "2028-01-01"}}}},
                 {"criteria", {{{"key", "fit"}, {"label", "Fit"}, {"weight", 1}}}},
                 {"opens_at", format_utc(now - std::chrono::hours(1))},
                 {"closes_at", format_utc(now + std::chrono::hours(1))}});
    ASSERT_EQ(r.status, 201) << r.body;
    const std::string path = "/api/v1/workspaces/lille/calls/" + r.json()["id"].dump();
    require_status(as(olga, "POST", path + "/transitions", {{"to", "open"}}), 200, "open");
    r = as(ana, "POST", path + "/applications",
           {{"organisation_id", coop},
            {"title", "Theatre"},
            {"description", "Plays."},
            {"category", "culture"},
            {"period", {{"start", "2027-03-01"}, {"end", "2027-09-01"}}}});
    ASSERT_EQ(r.status, 201) << r.body;
    require_status(as(ana, "POST", "/api/v1/workspaces/lille/applications/" + r.json()["id"].dump() +
                                       "/submit"),
                   200, "submit");
    require_status(as(olga, "POST", path + "/transitions", {{"to", "closed"}}), 200, "close");
    require_status(as(olga, "PATCH", path, {{"evaluators", {"eve@example.org"}}}), 200, "jury");
    require_status(as(olga, "POST", path + "/transitions", {{"to", "evaluating"}}), 200, "evaluate");
    require_status(as(olga, "POST", path + "/matching", json::object()), 200, "matching");
    require_status(as(olga, "POST", path + "/publish", json::object()), 200, "publish");

    const auto mails = server.store().pending_mail(100);
    ASSERT_EQ(mails.size(), 3u) << "a receipt, the jury's, the decision";
    for (const auto& m : mails) {
        EXPECT_EQ(m.text.find("/w/"), std::string::npos) << m.subject << ":\n" << m.text;
        EXPECT_EQ(m.text.find("http"), std::string::npos) << m.subject << ":\n" << m.text;
    }
    EXPECT_NE(mails[2].text.find("sur la page de la candidature."), std::string::npos) << mails[2].text;
}

} // namespace
} // namespace impetus::test
