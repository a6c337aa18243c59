// Who may call what. A table of its own says, for every operation of the server, what the
// product allows each kind of caller: anonymous, a signed-in stranger, members and non-members
// of the applying organisation, the jurors of this call and of another, officers of this
// workspace and of another, its administrator, an instance administrator, a session that
// forgets its CSRF token and a read-only API token. Each operation is called with real ids (an
// open call with a draft application and its attachment, an evaluating call with a submitted
// eligible application, a report with a photo, a job, a spare token per caller), so that the
// checks inside the handlers run too. The table is checked against the routes the server has
// and against the OpenAPI document, so that neither a route declared with the wrong Access nor
// a route the table does not know passes. Nothing of one workspace can be reached through
// another's URLs, and the public does not see internal notes or contacts.

#include "api_test.hpp"
#include "auth/secrets.hpp"
#include "core/dates.hpp"
#include "http/router.hpp"

#include <fstream>
#include <map>
#include <sstream>

namespace impetus::test {
namespace {

std::string file_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string pdf_bytes() { return "%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"; }

// The callers, in the order each operation is called: those whose allowed call changes the
// most (the officers, the applicant who may withdraw the application) come last, so that an
// earlier caller's check still meets the records as the fixture made them.
enum class Who {
    anonymous,
    stranger,       // signed in, no role, in no organisation
    non_member,     // applicant of the workspace, member of another organisation
    juror,          // evaluator of the evaluating call
    other_juror,    // evaluator of another call only
    other_officer,  // officer of another workspace
    no_csrf,        // the officer's session cookie without its CSRF token
    read_only,      // the officer's API token with the read scope only
    officer,
    admin,          // administrator of the workspace
    instance_admin,
    member,         // applicant, member of the applying organisation
};

constexpr Who k_callers[] = {Who::anonymous,     Who::stranger,      Who::non_member,
                             Who::juror,         Who::other_juror,   Who::other_officer,
                             Who::no_csrf,       Who::read_only,     Who::officer,
                             Who::admin,         Who::instance_admin, Who::member};

std::string who_name(Who w) {
    switch (w) {
    case Who::anonymous: return "anonymous";
    case Who::stranger: return "signed-in stranger";
    case Who::non_member: return "applicant outside the organisation";
    case Who::juror: return "juror of the call";
    case Who::other_juror: return "juror of another call";
    case Who::other_officer: return "officer of another workspace";
    case Who::no_csrf: return "officer's cookie without CSRF token";
    case Who::read_only: return "officer's read-only token";
    case Who::officer: return "officer";
    case Who::admin: return "workspace administrator";
    case Who::instance_admin: return "instance administrator";
    case Who::member: return "applicant in the organisation";
    }
    return "?";
}

enum class Outcome { allowed, unauthenticated, forbidden, hidden };

std::string outcome_name(Outcome o) {
    switch (o) {
    case Outcome::allowed: return "allowed";
    case Outcome::unauthenticated: return "401";
    case Outcome::forbidden: return "403";
    case Outcome::hidden: return "404";
    }
    return "?";
}

// What the product allows, beyond the route's Access where a handler applies finer rules.
enum class Rule {
    anyone,
    signed_in,
    staff,                // of the path's workspace
    staff_any_workspace,  // routes without a workspace: officers of any workspace
    workspace_admin,
    instance_admin,
    read_application,     // the draft application: its organisation's members and the staff
    change_application,   // the draft application: its organisation's members only
    read_sheets,          // the evaluated application's sheets: the call's jurors and the staff
    score,                // the call's jurors only
    evaluation_queue,     // the call's jurors only (the call itself is public)
    apply,                // members of the organisation named in the body
};

bool is_staff(Who w) {
    return w == Who::officer || w == Who::admin || w == Who::instance_admin || w == Who::no_csrf ||
           w == Who::read_only;
}

// Whether the organisation's applicant, jurors and strangers would see the draft application.
bool sees_draft(Who w) { return w == Who::member || is_staff(w); }

Outcome expected(Rule rule, Who w, bool write) {
    if (rule == Rule::anyone) return Outcome::allowed;
    if (w == Who::anonymous) return Outcome::unauthenticated;
    // Both are the officer's: refused before any rule of the route when they write.
    if (write && (w == Who::no_csrf || w == Who::read_only)) return Outcome::forbidden;
    const auto allow = [](bool yes) { return yes ? Outcome::allowed : Outcome::forbidden; };
    switch (rule) {
    case Rule::anyone:
    case Rule::signed_in: return Outcome::allowed;
    case Rule::staff: return allow(is_staff(w));
    case Rule::staff_any_workspace: return allow(is_staff(w) || w == Who::other_officer);
    case Rule::workspace_admin: return allow(w == Who::admin || w == Who::instance_admin);
    case Rule::instance_admin: return allow(w == Who::instance_admin);
    case Rule::read_application: return sees_draft(w) ? Outcome::allowed : Outcome::hidden;
    case Rule::change_application:
        if (!sees_draft(w)) return Outcome::hidden;
        return allow(w == Who::member);
    case Rule::read_sheets:
        if (w == Who::juror || is_staff(w)) return Outcome::allowed;
        return w == Who::member ? Outcome::forbidden : Outcome::hidden;
    case Rule::score:
        if (w == Who::juror) return Outcome::allowed;
        return w == Who::member || is_staff(w) ? Outcome::forbidden : Outcome::hidden;
    case Rule::evaluation_queue: return allow(w == Who::juror);
    case Rule::apply: return allow(w == Who::member);
    }
    return Outcome::forbidden;
}

struct Expectation {
    const char* operation;
    http::Access access; // as the route must declare it
    Rule rule;
};

using A = http::Access;

// Every operation of the server, in the order the matrix calls them: the operations that end a
// caller's session or token come last, each followed by fresh credentials for all.
const Expectation k_table[] = {
    // discovery and metadata
    {"getApiIndex", A::anyone, Rule::anyone},
    {"getHealth", A::anyone, Rule::anyone},
    {"getOpenApi", A::anyone, Rule::anyone},
    {"getLandingPage", A::anyone, Rule::anyone},
    {"getConformance", A::anyone, Rule::anyone},
    {"getCollections", A::anyone, Rule::anyone},
    {"describeCollection", A::anyone, Rule::anyone},
    {"getFeatures", A::anyone, Rule::anyone},
    {"getFeature", A::anyone, Rule::anyone},
    // workspaces, organisations, spaces
    {"listWorkspaces", A::anyone, Rule::anyone},
    {"createWorkspace", A::instance_admin, Rule::instance_admin},
    {"getWorkspace", A::anyone, Rule::anyone},
    {"updateWorkspace", A::workspace_admin, Rule::workspace_admin},
    {"listOrganisations", A::anyone, Rule::anyone},
    {"createOrganisation", A::staff, Rule::staff},
    {"getOrganisation", A::anyone, Rule::anyone},
    {"updateOrganisation", A::staff, Rule::staff},
    {"listOrganisationMembers", A::staff, Rule::staff},
    {"addOrganisationMember", A::staff, Rule::staff},
    {"removeOrganisationMember", A::staff, Rule::staff},
    {"listAllSpaces", A::anyone, Rule::anyone},
    {"listSpaces", A::anyone, Rule::anyone},
    {"createSpace", A::staff, Rule::staff},
    {"getSpace", A::anyone, Rule::anyone},
    {"updateSpace", A::staff, Rule::staff},
    {"transitionSpace", A::staff, Rule::staff},
    {"getSpaceHistory", A::anyone, Rule::anyone},
    {"exportSpacesGeoJson", A::anyone, Rule::anyone},
    {"exportSpacesCsv", A::anyone, Rule::anyone},
    {"importSpaces", A::staff, Rule::staff},
    // roles and audit
    {"listMembers", A::workspace_admin, Rule::workspace_admin},
    {"addMember", A::workspace_admin, Rule::workspace_admin},
    {"setMemberRole", A::workspace_admin, Rule::workspace_admin},
    {"removeMember", A::workspace_admin, Rule::workspace_admin},
    {"listWorkspaceAudit", A::workspace_admin, Rule::workspace_admin},
    {"exportWorkspaceAudit", A::workspace_admin, Rule::workspace_admin},
    {"listAudit", A::instance_admin, Rule::instance_admin},
    // discovery jobs
    {"listExtracts", A::staff, Rule::staff_any_workspace},
    {"startDiscovery", A::staff, Rule::staff},
    {"listJobs", A::staff, Rule::staff},
    {"getJob", A::staff, Rule::staff},
    {"cancelJob", A::staff, Rule::staff},
    // citizens' reports
    {"getReportForm", A::anyone, Rule::anyone},
    {"createReport", A::anyone, Rule::anyone},
    {"followReport", A::anyone, Rule::anyone},
    {"addReportPhoto", A::anyone, Rule::anyone},
    {"listReports", A::staff, Rule::staff},
    {"getReport", A::staff, Rule::staff},
    {"getReportPhoto", A::staff, Rule::staff},
    {"mergeReport", A::staff, Rule::staff},
    {"acceptReport", A::staff, Rule::staff},
    {"rejectReport", A::staff, Rule::staff},
    // calls and applications
    {"listCalls", A::anyone, Rule::anyone},
    {"createCall", A::staff, Rule::staff},
    {"getCall", A::anyone, Rule::anyone},
    {"updateCall", A::staff, Rule::staff},
    {"transitionCall", A::staff, Rule::staff},
    {"listApplications", A::signed_in, Rule::signed_in},
    {"listMyApplications", A::signed_in, Rule::signed_in},
    {"createApplication", A::signed_in, Rule::apply},
    {"getApplication", A::signed_in, Rule::read_application},
    {"updateApplication", A::signed_in, Rule::change_application},
    {"getAttachment", A::signed_in, Rule::read_application},
    {"addAttachment", A::signed_in, Rule::change_application},
    {"removeAttachment", A::signed_in, Rule::change_application},
    {"submitApplication", A::signed_in, Rule::change_application},
    {"withdrawApplication", A::signed_in, Rule::change_application},
    {"setEligibility", A::staff, Rule::staff},
    {"setShortlisted", A::staff, Rule::staff},
    {"listEvaluations", A::signed_in, Rule::read_sheets},
    {"saveEvaluation", A::signed_in, Rule::score},
    {"myEvaluationQueue", A::signed_in, Rule::evaluation_queue},
    {"getRanking", A::staff, Rule::staff},
    {"runMatching", A::staff, Rule::staff},
    {"getMatching", A::staff, Rule::staff},
    {"setAdjustments", A::staff, Rule::staff},
    {"publishDecisions", A::staff, Rule::staff},
    // accounts
    {"register", A::anyone, Rule::anyone},
    {"verifyEmail", A::anyone, Rule::anyone},
    {"login", A::anyone, Rule::anyone},
    {"requestPasswordReset", A::anyone, Rule::anyone},
    {"confirmPasswordReset", A::anyone, Rule::anyone},
    {"unlockAccount", A::anyone, Rule::anyone},
    {"getMe", A::signed_in, Rule::signed_in},
    {"changePassword", A::signed_in, Rule::signed_in},
    {"resendVerification", A::signed_in, Rule::signed_in},
    {"listTokens", A::signed_in, Rule::signed_in},
    {"createToken", A::signed_in, Rule::signed_in},
    {"exportMyData", A::signed_in, Rule::signed_in},
    {"eraseMe", A::signed_in, Rule::signed_in},
    {"revokeToken", A::signed_in, Rule::signed_in},
    {"logout", A::signed_in, Rule::signed_in},
    {"logoutEverywhere", A::signed_in, Rule::signed_in},
};

std::string access_name(http::Access a) {
    switch (a) {
    case A::anyone: return "anyone";
    case A::signed_in: return "signed_in";
    case A::staff: return "staff";
    case A::workspace_admin: return "workspace_admin";
    case A::instance_admin: return "instance_admin";
    }
    return "?";
}

const Expectation* expectation_of(const std::string& operation) {
    for (const auto& e : k_table) {
        if (operation == e.operation) return &e;
    }
    return nullptr;
}

class Permissions : public ApiTest {
protected:
    Permissions() {
        create_workspace("lille");
        create_workspace("roubaix");
        lille_space = create_space("lille", space_body("Old mill", point_geometry(3.06, 50.63)))["id"];
        roubaix_space =
            create_space("roubaix", space_body("Depot", point_geometry(3.17, 50.69)))["id"];

        accounts[Who::stranger] = person("sam@example.org", std::nullopt);
        accounts[Who::non_member] = person("bob@example.org", Role::applicant);
        accounts[Who::juror] = person("eve@example.org", Role::citizen);
        accounts[Who::other_juror] = person("finn@example.org", Role::citizen);
        accounts[Who::other_officer] = person("rita@example.org", Role::officer, "roubaix");
        accounts[Who::officer] = person("olga@example.org", Role::officer);
        accounts[Who::admin] = person("adam@example.org", Role::admin);
        accounts[Who::instance_admin] = person("ivy@example.org", std::nullopt);
        server.store().set_instance_admin(accounts[Who::instance_admin].id, true);
        accounts[Who::member] = person("ana@example.org", Role::applicant);
        emails = {{Who::stranger, "sam@example.org"},       {Who::non_member, "bob@example.org"},
                  {Who::juror, "eve@example.org"},          {Who::other_juror, "finn@example.org"},
                  {Who::other_officer, "rita@example.org"}, {Who::officer, "olga@example.org"},
                  {Who::admin, "adam@example.org"},         {Who::instance_admin, "ivy@example.org"},
                  {Who::member, "ana@example.org"}};
        // The member the /members/{id} and organisation member routes change: nobody who calls.
        bystander = person("bystander@example.org", Role::citizen).id;

        const Account& olga = accounts[Who::officer];
        lille_org = organisation("City", "public_authority", {"bystander@example.org"});
        coop = organisation("Friches Coop", "cooperative", {"ana@example.org"});
        organisation("Shiny Ltd", "private_company", {"bob@example.org"});
        roubaix_org = require_status(http.post(orgs_path("roubaix"),
                                               {{"name", "Town"}, {"type", "public_authority"}}),
                                     201)
                          .json()["id"];

        // The evaluating call: the coop's application submitted with its document, found
        // eligible, and eve on the jury.
        evaluating_call = open_call("Meanwhile spaces 2027");
        evaluated_app = apply(evaluating_call, "Theatre workshop");
        require_status(as(accounts[Who::member], "POST", app_path(evaluated_app) + "/submit"), 200);
        transition(evaluating_call, "closed");
        require_status(as(olga, "PUT", app_path(evaluated_app) + "/eligibility",
                          {{"status", "eligible"}}),
                       200);
        require_status(as(olga, "PATCH", call_path(evaluating_call), {{"evaluators", {"eve@example.org"}}}),
                       200);
        transition(evaluating_call, "evaluating");

        // Another call with finn on its jury.
        const Id other_call = open_call("Summer yards");
        require_status(as(olga, "PATCH", call_path(other_call), {{"evaluators", {"finn@example.org"}}}),
                       200);

        // The open call with the coop's draft application and its attachment.
        winter_call = open_call("Winter halls");
        draft_app = apply(winter_call, "Community kitchen");
        attachment = require_status(attach(accounts[Who::member], draft_app), 201).json()["id"];

        // A citizen's report with a photo.
        const std::string form = require_status(people.get(reports_path() + "/form"), 200)
                                     .json()["form_token"];
        const json report = require_status(people.post(reports_path(), report_body(form)), 201).json();
        follow_token = report["follow_token"];
        require_status(people.send_body("POST", "/api/v1/reports/" + follow_token + "/photos",
                                        photo(), "image/png"),
                       201);
        const json queue = list(reports_path());
        report_id = queue["items"][0]["id"];
        const json detail = list(reports_path() + "/" + std::to_string(report_id));
        photo_target = http.target_of(detail["photos"][0]["href"]);

        // A discovery job.
        job = require_status(http.send_body("POST",
                                            "/api/v1/workspaces/lille/discoveries?file_name=town.osm.pbf",
                                            file_bytes(std::string(IMPETUS_GENERATED_DATA) +
                                                       "/discovery/town.osm.pbf"),
                                            "application/octet-stream"),
                             202)
                  .json()["id"];

        refresh_credentials();
    }

    Account person(const std::string& email, std::optional<Role> role,
                   const std::string& ws = "lille") {
        require_status(people.post("/api/v1/auth/register",
                                   {{"email", email}, {"password", "a long passphrase"}}),
                       202, "register " + email);
        const auto user = server.store().user_by_email(email);
        if (!user) throw std::runtime_error("registering " + email + " made no account");
        server.store().set_email_verified(user->id);
        if (role) server.store().set_role(user->id, server.store().workspace_by_slug(ws)->id, *role);
        return sign_in(email);
    }

    // An organisation of lille with these members, made by the instance administrator.
    Id organisation(const std::string& name, const std::string& type,
                    const std::vector<std::string>& members) {
        const std::string path = orgs_path("lille");
        const json org = require_status(http.post(path, {{"name", name}, {"type", type}}), 201,
                                        "organisation " + name)
                             .json();
        for (const auto& email : members) {
            const json member = {{"email", email}};
            require_status(http.post(path + "/" + std::to_string(org["id"].get<Id>()) + "/members",
                                     member),
                           201, "member " + email);
        }
        return org["id"];
    }

    static std::string calls_path() { return "/api/v1/workspaces/lille/calls"; }
    static std::string call_path(Id id) { return calls_path() + "/" + std::to_string(id); }
    static std::string app_path(Id id) {
        return "/api/v1/workspaces/lille/applications/" + std::to_string(id);
    }
    static std::string reports_path() { return "/api/v1/workspaces/lille/reports"; }

    static std::string photo() {
        return file_bytes(std::string(IMPETUS_TEST_DATA) + "/reports/one-pixel.png");
    }

    json report_body(const std::string& form_token) const {
        return {{"lon", 3.0601},
                {"lat", 50.6301},
                {"kind", "shop"},
                {"description", "Shutters down since last winter"},
                {"vacant_for", "6_to_12_months"},
                {"contact_name", "Zoé"},
                {"contact_email", "zoe@example.org"},
                {"form_token", form_token}};
    }

    Id open_call(const std::string& title) {
        const auto now = std::chrono::system_clock::now();
        const json body = {
            {"title", title},
            {"description", "A place for a year of temporary use."},
            {"spaces",
             {{{"space_id", lille_space}, {"available_from", "2027-01-01"}, {"available_to", "2028-01-01"}}}},
            {"eligibility", {{"organisation_types", {"non_profit", "cooperative"}}}},
            {"criteria", {{{"key", "fit"}, {"label", "Fit with the site"}, {"weight", 100}}}},
            {"documents_required", {"insurance certificate"}},
            {"opens_at", format_utc(now - std::chrono::hours(24))},
            {"closes_at", format_utc(now + std::chrono::hours(24))},
            {"fee_model", "utilities_only"}};
        const Id id = require_status(as(accounts[Who::officer], "POST", calls_path(), body), 201,
                                     "create call " + title)
                          .json()["id"];
        transition(id, "open");
        return id;
    }

    void transition(Id call, const std::string& to) {
        require_status(as(accounts[Who::officer], "POST", call_path(call) + "/transitions", {{"to", to}}),
                       200, "call to " + to);
    }

    json application_body(const std::string& title) const {
        return {{"organisation_id", coop},
                {"title", title},
                {"description", "What we will do there."},
                {"category", "culture"},
                {"needs", {{"min_area_m2", 10}, {"setting", "indoor"}}},
                {"period", {{"start", "2027-03-01"}, {"end", "2027-09-01"}}},
                {"preferred_spaces", {lille_space}}};
    }

    // The coop's application to `call`, with its insurance certificate.
    Id apply(Id call, const std::string& title) {
        const Id id = require_status(as(accounts[Who::member], "POST",
                                        call_path(call) + "/applications", application_body(title)),
                                     201, "apply")
                          .json()["id"];
        require_status(attach(accounts[Who::member], id), 201, "attach");
        return id;
    }

    HttpResponse attach(const Account& who, Id application) {
        HttpRequest req;
        req.method = "POST";
        req.target = app_path(application) +
                     "/attachments?name=insurance%20certificate&file_name=cert.pdf";
        req.headers = who.auth;
        req.headers["Content-Type"] = "application/octet-stream";
        req.body = pdf_bytes();
        return people.send(req);
    }

    // Sessions for every account, the officer's cookie without its CSRF token, the officer's
    // read-only token, and a spare token per caller for revokeToken.
    void refresh_credentials() {
        for (const auto& [who, email] : emails) {
            accounts[who] = sign_in(email);
            spare_token[who] = server.store()
                                   .create_api_token(accounts[who].id, "spare",
                                                     auth::sha256_hex("imp_spare_" + email +
                                                                      std::to_string(++generation)),
                                                     {"read"})
                                   .id;
        }
        HeaderMap cookie_only = sign_in(emails[Who::officer]).auth;
        cookie_only.erase("X-CSRF-Token");
        no_csrf = cookie_only;
        const std::string secret = "imp_read_only_" + std::to_string(++generation);
        const Id olga = accounts[Who::officer].id;
        server.store().create_api_token(olga, "read only", auth::sha256_hex(secret), {"read"});
        read_only = {{"Authorization", "Bearer " + secret}};
        spare_token[Who::no_csrf] = spare_token[Who::officer];
        spare_token[Who::read_only] = spare_token[Who::officer];
    }

    HeaderMap credentials(Who w) const {
        switch (w) {
        case Who::anonymous: return {};
        case Who::no_csrf: return no_csrf;
        case Who::read_only: return read_only;
        default: return accounts.at(w).auth;
        }
    }

    // The route's pattern with the fixture's ids.
    std::string concrete(const http::Route& r, Who w) const {
        std::string out = r.pattern;
        auto put = [&](const std::string& param, const std::string& value) {
            for (std::size_t p; (p = out.find(param)) != std::string::npos;) {
                out.replace(p, param.size(), value);
            }
        };
        const std::string& op = r.operation_id;
        const bool evaluation = op == "setEligibility" || op == "setShortlisted" ||
                                op == "listEvaluations" || op == "saveEvaluation" ||
                                op == "myEvaluationQueue" || op == "getRanking" ||
                                op == "getMatching" || op == "runMatching" ||
                                op == "setAdjustments" || op == "publishDecisions";
        if (op == "getReportPhoto") return photo_target;
        put("{workspace}", "lille");
        put("{collectionId}", "spaces");
        put("{featureId}", std::to_string(lille_space));
        put("{call}", std::to_string(evaluation ? evaluating_call : winter_call));
        put("{application}", std::to_string(evaluation ? evaluated_app : draft_app));
        put("{attachment}", std::to_string(attachment));
        put("{token}", follow_token);
        put("{user}", std::to_string(bystander));
        std::string id = "0";
        if (out.find("/organisations/{id}") != std::string::npos) id = std::to_string(lille_org);
        if (out.find("/members/{id}") != std::string::npos) id = std::to_string(bystander);
        if (out.find("/spaces/{id}") != std::string::npos) id = std::to_string(lille_space);
        if (out.find("/jobs/{id}") != std::string::npos) id = std::to_string(job);
        if (out.find("/reports/{id}") != std::string::npos) id = std::to_string(report_id);
        if (out.find("/tokens/{id}") != std::string::npos && w != Who::anonymous) {
            id = std::to_string(spare_token.at(w));
        }
        put("{id}", id);
        if (op == "addAttachment") out += "?name=insurance%20certificate&file_name=cert.pdf";
        if (op == "startDiscovery" || op == "importSpaces") out += "?file_name=town.osm.pbf";
        return out;
    }

    // A body that lets the handler's own checks run: real where the rule depends on it.
    void fill_body(const http::Route& r, HttpRequest& req) {
        const std::string& op = r.operation_id;
        if (r.method == "GET") return;
        req.headers["Content-Type"] = r.method == "PATCH" ? "application/merge-patch+json"
                                                         : "application/json";
        req.body = "{}";
        if (op == "createApplication") {
            req.body = application_body("Another idea").dump();
        } else if (op == "addAttachment") {
            req.headers["Content-Type"] = "application/octet-stream";
            req.body = pdf_bytes();
        } else if (op == "addReportPhoto") {
            req.headers["Content-Type"] = "image/png";
            req.body = photo();
        } else if (op == "startDiscovery") {
            req.headers["Content-Type"] = "application/octet-stream";
            req.body = "not an extract";
        } else if (op == "saveEvaluation") {
            req.body = json{{"scores", {{"fit", {{"value", 3}, {"comment", "fit"}}}}},
                            {"submit", false}}
                           .dump();
        } else if (op == "setEligibility") {
            req.body = json{{"status", "eligible"}}.dump();
        } else if (op == "setShortlisted") {
            req.body = json{{"shortlisted", true}}.dump();
        }
    }

    // Puts back what a caller allowed to remove removed, so that the next caller's check meets
    // the same records.
    void restore(const std::string& op) {
        if (op == "removeOrganisationMember") {
            const auto r = http.post(orgs_path("lille") + "/" + std::to_string(lille_org) + "/members",
                                     {{"email", "bystander@example.org"}});
            ASSERT_TRUE(r.status == 201 || r.status == 409) << r.body;
        } else if (op == "removeMember") {
            server.store().set_role(bystander, server.store().workspace_by_slug("lille")->id,
                                    Role::citizen);
        }
    }

    HttpResponse call(const http::Route& r, Who w) {
        HttpRequest req;
        req.method = r.method;
        req.target = concrete(r, w);
        req.headers = credentials(w);
        fill_body(r, req);
        return people.send(req);
    }

    std::map<Who, Account> accounts;
    std::map<Who, std::string> emails;
    std::map<Who, Id> spare_token;
    HeaderMap no_csrf, read_only;
    int generation = 0;
    Id lille_space = 0, roubaix_space = 0, lille_org = 0, roubaix_org = 0, coop = 0, bystander = 0;
    Id evaluating_call = 0, evaluated_app = 0, winter_call = 0, draft_app = 0, attachment = 0;
    Id report_id = 0, job = 0;
    std::string follow_token, photo_target;
};

TEST_F(Permissions, TheTableListsEveryRouteAndTheRoutesDeclareWhatItSays) {
    std::map<std::string, const http::Route*> routes;
    for (const auto& r : server.app().router().routes()) routes[r.operation_id] = &r;
    for (const auto& [op, r] : routes) {
        const Expectation* e = expectation_of(op);
        EXPECT_NE(e, nullptr) << "the permission table does not list " << r->method << " "
                              << r->pattern << " (" << op << ")";
        if (e) {
            EXPECT_EQ(access_name(r->access), access_name(e->access))
                << op << " is declared with the wrong access";
        }
    }
    for (const auto& e : k_table) {
        EXPECT_TRUE(routes.contains(e.operation)) << e.operation << " is no route of the server";
    }

    // The OpenAPI document says the same: the access, and the credentials it takes (a cookie
    // write needs its CSRF token; public operations take none).
    const json doc = list("/api/v1/openapi.json");
    std::set<std::string> documented;
    for (const auto& [path, ops] : doc["paths"].items()) {
        for (const auto& [method, op] : ops.items()) {
            if (!op.is_object() || !op.contains("operationId")) continue;
            const std::string id = op["operationId"];
            documented.insert(id);
            SCOPED_TRACE(id);
            const Expectation* e = expectation_of(id);
            ASSERT_NE(e, nullptr) << "the OpenAPI document has an operation the table lacks";
            EXPECT_EQ(op.value("x-impetus-access", ""), access_name(e->access));
            ASSERT_TRUE(op.contains("security") && op["security"].is_array());
            const json& security = op["security"];
            const bool write = method != "get";
            if (e->access == A::anyone) {
                EXPECT_EQ(security[0], json::object()) << "public operations take no credential";
            } else {
                json session = {{"session", json::array()}};
                if (write) session["csrf"] = json::array();
                EXPECT_EQ(security, json::array({session, {{"bearer", json::array()}}}));
            }
        }
    }
    for (const auto& e : k_table) {
        EXPECT_TRUE(documented.contains(e.operation)) << e.operation << " is not in openapi.json";
    }
}

TEST_F(Permissions, EveryCallerIsRefusedOrAllowedEveryOperationAsTheProductSays) {
    std::size_t checked = 0;
    for (const auto& e : k_table) {
        const http::Route* route = nullptr;
        for (const auto& r : server.app().router().routes()) {
            if (r.operation_id == e.operation) route = &r;
        }
        ASSERT_NE(route, nullptr) << e.operation;
        const bool write = route->method != "GET";
        for (Who w : k_callers) {
            const Outcome want = expected(e.rule, w, write);
            SCOPED_TRACE(std::string(e.operation) + " (" + route->method + " " +
                         concrete(*route, w) + ") as " + who_name(w) + ": expected " +
                         outcome_name(want));
            const auto resp = call(*route, w);
            ++checked;
            restore(e.operation);
            switch (want) {
            case Outcome::allowed:
                EXPECT_NE(resp.status, 401) << resp.body;
                EXPECT_NE(resp.status, 403) << resp.body;
                EXPECT_NE(resp.status, 404) << resp.body;
                EXPECT_LT(resp.status, 500) << resp.body;
                break;
            case Outcome::unauthenticated: EXPECT_TRUE(is_problem(resp, 401)); break;
            case Outcome::forbidden: EXPECT_TRUE(is_problem(resp, 403)); break;
            case Outcome::hidden: EXPECT_TRUE(is_problem(resp, 404)); break;
            }
        }
        const std::string op = e.operation;
        if (op == "logout" || op == "logoutEverywhere" || op == "revokeToken") {
            refresh_credentials();
        }
    }
    EXPECT_EQ(checked, std::size(k_table) * std::size(k_callers));
}

TEST_F(Permissions, AWorkspacesRecordsCannotBeReachedThroughAnotherWorkspace) {
    // Roubaix's space and organisation, asked for through Lille's URLs, even by an instance
    // administrator: not found.
    const std::string sp = space_path("lille", roubaix_space);
    EXPECT_TRUE(is_problem(http.get(sp), 404));
    EXPECT_TRUE(is_problem(http.get(sp + "/history"), 404));
    EXPECT_TRUE(is_problem(http.patch(sp, {{"notes", "x"}}), 404));
    EXPECT_TRUE(is_problem(http.post(sp + "/transitions", {{"to", "verified"}, {"reason", "x"}}), 404));
    const std::string org = orgs_path("lille") + "/" + std::to_string(roubaix_org);
    EXPECT_TRUE(is_problem(http.get(org), 404));
    EXPECT_TRUE(is_problem(http.patch(org, {{"notes", "x"}}), 404));
    EXPECT_EQ(list(spaces_path("lille") + "?id=" + std::to_string(roubaix_space))["items"].size(), 0u);
    auto audit = list("/api/v1/workspaces/lille/audit?entity=space&entity_id=" +
                      std::to_string(roubaix_space));
    EXPECT_EQ(audit["total"], 0);
    EXPECT_EQ(get_space("roubaix", roubaix_space)["version"], 1);

    // Roubaix's officer can change nothing in Lille.
    const Account& rita = accounts[Who::other_officer];
    EXPECT_TRUE(is_problem(as(rita, "PATCH", space_path("lille", lille_space), {{"notes", "x"}}), 403));
    EXPECT_TRUE(is_problem(as(rita, "POST", spaces_path("lille"),
                              space_body("Mine", point_geometry(3.06, 50.63))),
                           403));
    HttpRequest patch;
    patch.method = "PATCH";
    patch.target = space_path("roubaix", roubaix_space);
    patch.headers = rita.auth;
    patch.headers["Content-Type"] = "application/merge-patch+json";
    patch.body = json{{"notes", "ok"}}.dump();
    EXPECT_EQ(people.send(patch).status, 200);
}

TEST_F(Permissions, ThePublicDoesNotSeeInternalNotesOrContacts) {
    require_status(http.patch(space_path("lille", lille_space), {{"notes", "key under the mat"}}), 200);
    require_status(http.patch(orgs_path("lille") + "/" + std::to_string(lille_org),
                              {{"contact", {{"email", "mayor@example.org"}}}, {"notes", "ask Tom"}}),
                   200);
    for (const std::string target :
         {space_path("lille", lille_space), spaces_path("lille"), std::string("/api/v1/spaces"),
          spaces_path("lille") + ".geojson", spaces_path("lille") + ".csv",
          std::string("/ogc/collections/spaces/items"),
          "/ogc/collections/spaces/items/" + std::to_string(lille_space),
          orgs_path("lille"), orgs_path("lille") + "/" + std::to_string(lille_org)}) {
        SCOPED_TRACE(target);
        const auto pub = people.get(target);
        ASSERT_EQ(pub.status, 200) << pub.body;
        EXPECT_EQ(pub.body.find("key under the mat"), std::string::npos);
        EXPECT_EQ(pub.body.find("mayor@example.org"), std::string::npos);
        EXPECT_EQ(pub.body.find("ask Tom"), std::string::npos);
        // A citizen of the workspace sees what the public sees.
        EXPECT_EQ(as(accounts[Who::juror], "GET", target).body.find("key under the mat"),
                  std::string::npos);
    }
    // Officers do see them.
    EXPECT_NE(as(accounts[Who::officer], "GET", space_path("lille", lille_space))
                  .body.find("key under the mat"),
              std::string::npos);
    EXPECT_NE(as(accounts[Who::officer], "GET", orgs_path("lille")).body.find("mayor@example.org"),
              std::string::npos);
}

} // namespace
} // namespace impetus::test
