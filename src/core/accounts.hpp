#pragma once

// People and what they may do: user accounts, their role in each workspace, sessions, personal
// API tokens, one-time e-mail links, the mail outbox and the audit log. No I/O here: the store
// keeps these records, auth/ hashes and checks credentials, http/ enforces the roles.

#include "core/enum_names.hpp"
#include "core/model.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace impetus {

// A role in one workspace. The instance administrator (User::instance_admin) stands above all
// workspaces.
enum class Role { citizen, applicant, owner, officer, admin };

template <> struct EnumNames<Role> {
    static constexpr std::array<std::pair<Role, std::string_view>, 5> values{{
        {Role::citizen, "citizen"},
        {Role::applicant, "applicant"},
        {Role::owner, "owner"},
        {Role::officer, "officer"},
        {Role::admin, "admin"},
    }};
};

struct User {
    Id id = 0;
    std::string email;         // lower case; empty once erased
    std::string display_name;
    bool instance_admin = false;
    std::string email_verified_at; // empty: not verified
    std::string locked_until;      // empty: not locked
    int failed_logins = 0;
    std::string created_at;
    std::string erased_at;         // empty: live account
};

// An organisation a person belongs to (an owner or an applicant organisation): its members
// act for it, for instance when they apply to a call.
struct OrganisationRef {
    Id id = 0;
    std::string name;
    OrganisationType type = OrganisationType::other;
};

struct Membership {
    Id workspace_id = 0;
    std::string workspace_slug;
    Role role = Role::citizen;
    // The organisations of this workspace the person is a member of. Belonging to one needs a
    // role in the workspace; losing the role ends the organisation memberships there.
    std::vector<OrganisationRef> organisations;
};

struct Session {
    Id id = 0;
    Id user_id = 0;
    std::string csrf_token;
    std::string created_at;
    std::string expires_at;
};

// Scopes of a personal API token: "read" (GET only) or "write" (everything the user may do).
struct ApiToken {
    Id id = 0;
    Id user_id = 0;
    std::string name;
    std::vector<std::string> scopes;
    std::string created_at;
    std::string last_used_at;
    std::string revoked_at;
};

// What ending a person's access ended: sessions (signed out) and personal API tokens
// (revoked).
struct EndedAccess {
    std::size_t sessions = 0;
    std::size_t tokens = 0;
};

enum class EmailTokenPurpose { verify_email, reset_password, unlock };

template <> struct EnumNames<EmailTokenPurpose> {
    static constexpr std::array<std::pair<EmailTokenPurpose, std::string_view>, 3> values{{
        {EmailTokenPurpose::verify_email, "verify_email"},
        {EmailTokenPurpose::reset_password, "reset_password"},
        {EmailTokenPurpose::unlock, "unlock"},
    }};
};

struct OutgoingMail {
    Id id = 0;
    std::string to;
    std::string subject;
    std::string text;
    int attempts = 0;
    std::string created_at;
};

// Who makes the changes of the current request or command (recorded in the audit log).
struct Actor {
    std::optional<Id> user_id;
    std::string label = "system"; // e-mail, "cli", "anonymous", "system"
    std::string address;          // client address, when known
};

struct AuditEntry {
    Id id = 0;
    std::string at;
    std::optional<Id> user_id;
    std::string actor;
    std::string address;
    std::optional<Id> workspace_id;
    std::string entity;     // "workspace", "organisation", "space", "user", "membership", ...
    Id entity_id = 0;
    std::string action;     // "create", "update", "transition", "import", "erase", ...
    nlohmann::json before;  // changed fields before (null on creation)
    nlohmann::json after;   // changed fields after
};

struct AuditQuery {
    std::optional<Id> workspace_id;
    std::optional<std::string> entity;
    std::optional<Id> entity_id;
    std::optional<Id> user_id;
    std::optional<std::string> from; // RFC 3339, inclusive
    std::optional<std::string> to;   // RFC 3339, exclusive
    std::size_t limit = 100;
    std::size_t offset = 0;
};

// The fields of `after` that differ from `before` (both JSON objects), as {before, after}
// objects holding only those fields. For the audit log.
std::pair<nlohmann::json, nlohmann::json> changed_fields(const nlohmann::json& before,
                                                         const nlohmann::json& after);

} // namespace impetus
