#include "core/model.hpp"

#include "core/error.hpp"

#include <algorithm>

namespace impetus {

namespace {

using S = SpaceStatus;

struct Edge {
    S from;
    S to;
};

// The lifecycle as one table. Forward steps follow the life of a temporary use; a use that
// falls through goes back to `available`; any live status may leave through the exits.
constexpr Edge k_edges[] = {
    {S::reported, S::verified},    {S::reported, S::withdrawn},   {S::reported, S::demolished},
    {S::reported, S::redeveloped}, {S::reported, S::ended},

    {S::verified, S::available},   {S::verified, S::withdrawn},   {S::verified, S::demolished},
    {S::verified, S::redeveloped}, {S::verified, S::ended},

    {S::available, S::allocated},  {S::available, S::withdrawn},  {S::available, S::demolished},
    {S::available, S::redeveloped}, {S::available, S::ended},

    {S::allocated, S::in_use},     {S::allocated, S::available},  {S::allocated, S::withdrawn},

    {S::in_use, S::ended},         {S::in_use, S::available},

    // After a use ends the space can be offered again, or leave the inventory.
    {S::ended, S::available},      {S::ended, S::redeveloped},    {S::ended, S::demolished},

    // A withdrawn offer may come back.
    {S::withdrawn, S::verified},   {S::withdrawn, S::available},
};

} // namespace

bool transition_allowed(SpaceStatus from, SpaceStatus to) noexcept {
    return std::any_of(std::begin(k_edges), std::end(k_edges),
                       [&](const Edge& e) { return e.from == from && e.to == to; });
}

std::vector<SpaceStatus> allowed_transitions(SpaceStatus from) {
    std::vector<SpaceStatus> out;
    for (const auto& e : k_edges) {
        if (e.from == from) {
            out.push_back(e.to);
        }
    }
    return out;
}

bool is_terminal(SpaceStatus status) noexcept {
    return status == S::redeveloped || status == S::demolished;
}

void check_transition(SpaceStatus from, SpaceStatus to) {
    if (transition_allowed(from, to)) return;
    std::string allowed;
    for (auto s : allowed_transitions(from)) {
        allowed += (allowed.empty() ? "" : ", ") + std::string(enum_name(s));
    }
    throw Error(ErrorKind::conflict,
                "a space cannot go from " + std::string(enum_name(from)) + " to " +
                    std::string(enum_name(to)),
                allowed.empty() ? "this status is final" : "allowed from here: " + allowed,
                {{"/to", "not allowed from " + std::string(enum_name(from))}});
}

SpaceStatus imported_status(SpaceStatus initial, bool source_says_ended) noexcept {
    return source_says_ended ? S::ended : initial;
}

bool import_reviewed(SpaceStatus status, SpaceStatus initial, bool edited) noexcept {
    return status != initial || edited;
}

SpaceFields import_merge(const SpaceFields& current, const SpaceFields& incoming) {
    SpaceFields merged = incoming;
    if (!merged.owner_organisation_id) merged.owner_organisation_id = current.owner_organisation_id;
    if (!merged.parent_id) merged.parent_id = current.parent_id;
    return merged;
}

bool import_ends(SpaceStatus status, bool source_says_ended) noexcept {
    return source_says_ended && status != S::ended && transition_allowed(status, S::ended);
}

MissingFromSource missing_from_source(SpaceStatus status, bool protected_review) noexcept {
    if (status == S::ended || is_terminal(status)) return MissingFromSource::ignore;
    if (protected_review || !transition_allowed(status, S::ended)) return MissingFromSource::keep;
    return MissingFromSource::end;
}

std::optional<std::string> parent_problem(
    Id workspace_id, std::optional<Id> self, Id parent_id,
    const std::function<std::optional<ParentLink>(Id)>& link) {
    Id cur = parent_id;
    for (int depth = 0;; ++depth) {
        if (self && cur == *self) return "a space cannot be inside itself";
        auto up = link(cur);
        if (!up || up->workspace_id != workspace_id) {
            if (depth == 0) return "no such space in this workspace";
            return std::nullopt;
        }
        if (!up->parent_id || depth >= 64) return std::nullopt;
        cur = *up->parent_id;
    }
}

void require_version(std::int64_t stored, std::optional<std::int64_t> expected,
                     const std::string& what) {
    if (!expected || *expected == stored) return;
    throw Error(ErrorKind::precondition,
                what + " has changed since version " + std::to_string(*expected) + " was read",
                "read it again and repeat the change");
}

} // namespace impetus
