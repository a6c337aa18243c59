#pragma once

// The fixture of the store contract tests: each test body runs once per backend of
// backends.hpp, on a fresh store in a temporary folder with one workspace ready, and talks to it
// through `Store&` only (no SQL, no backend header), so that what it checks is the interface's
// promise, not one backend's way of keeping it.
//
// A facet's test file declares its suite and instantiates it over the backends:
//
//     class SpacesContract : public StoreContract {};
//     IMPETUS_STORE_CONTRACT(SpacesContract);
//     TEST_P(SpacesContract, ...) { store().create_space(...); }

#include "store/contract/backends.hpp"

#include "core/calls.hpp"
#include "core/error.hpp"
#include "core/model.hpp"
#include "core/reports.hpp"
#include "store/actor.hpp"
#include "store/store.hpp"
#include "support/errors.hpp"
#include "support/shapes.hpp"
#include "support/temp_dir.hpp"

#include <algorithm>
#include <filesystem>
#include <functional>
#include <gtest/gtest.h>
#include <memory>
#include <ostream>
#include <set>
#include <string>
#include <vector>

namespace impetus::test {

inline std::string backend_name(const ::testing::TestParamInfo<StoreBackend>& info) {
    return info.param.name;
}

// How GoogleTest shows the parameter of a failing test.
inline void PrintTo(const StoreBackend& backend, std::ostream* os) { *os << backend.name; }

// Instantiates a contract suite once per backend, named after it.
#define IMPETUS_STORE_CONTRACT(suite)                                                              \
    INSTANTIATE_TEST_SUITE_P(Backends, suite,                                                      \
                             ::testing::ValuesIn(::impetus::test::store_backends()),               \
                             ::impetus::test::backend_name)

// The kind of impetus::Error that `fn` throws, spelt as the error policy names it ("conflict"),
// so that a failure shows the two names; a test failure is recorded when it throws none.
template <typename F> std::string error_kind(F&& fn) {
    return to_string(catch_error(std::forward<F>(fn)).kind());
}

// The ids in increasing order, to compare lists whose order the interface leaves open.
inline std::vector<Id> sorted_ids(std::vector<Id> ids) {
    std::sort(ids.begin(), ids.end());
    return ids;
}

// ---------------------------------------------------------------------------------------------
// Builders of valid records (what the HTTP layer would have checked before the store sees them).

inline Workspace contract_workspace(const std::string& slug) {
    Workspace w;
    w.slug = slug;
    w.name = "Workspace " + slug;
    w.country = "FR";
    w.languages = {"fr", "en"};
    w.map_view = {3.06, 50.63, 12};
    return w;
}

inline Organisation contract_organisation(const std::string& name,
                                          OrganisationType type = OrganisationType::non_profit) {
    Organisation o;
    o.name = name;
    o.type = type;
    o.contact.email = "contact@" + std::to_string(name.size()) + ".example.org";
    return o;
}

inline SpaceFields contract_fields(const std::string& name, Geometry g = point(3.06, 50.63)) {
    SpaceFields f;
    f.name = name;
    f.kind = SpaceKind::building;
    f.geometry = std::move(g);
    return f;
}

// A call with every writable field set: one space offered for 2025, two weighted criteria, a
// required document, a deadline.
inline Call contract_call(const std::string& title, Id space_id) {
    Call c;
    c.title = title;
    c.description = "The ground floor of the old post office, for a year.";
    c.spaces = {CallSpace{space_id, "2025-01-01", "2026-01-01", 2}};
    c.eligibility.organisation_types = {OrganisationType::non_profit,
                                        OrganisationType::cooperative};
    c.eligibility.min_duration_days = 30;
    c.eligibility.max_duration_days = 365;
    c.criteria = {Criterion{"fit", "Fit with the site", "How the project uses the place", 2.0, 0, 10},
                  Criterion{"team", "Team", "", 1.0, 1, 5}};
    c.documents_required = {"insurance certificate"};
    c.opens_at = "2025-01-01T00:00:00Z";
    c.closes_at = "2025-02-01T00:00:00Z";
    c.fee_model = FeeModel::utilities_only;
    c.fee_details = "water and power at cost";
    c.matching.quotas = {{ProjectCategory::greening, 1}};
    c.matching.aggregation = ScoreAggregation::median;
    return c;
}

// An application with every writable field set.
inline Application contract_application(const Call& call, Id organisation_id, Id user_id,
                                        const std::string& title) {
    Application a;
    a.workspace_id = call.workspace_id;
    a.call_id = call.id;
    a.organisation_id = organisation_id;
    a.created_by = user_id;
    a.fields.title = title;
    a.fields.description = "A repair café and a tool library.";
    a.fields.category = ProjectCategory::social;
    a.fields.needs.min_area_m2 = 50;
    a.fields.needs.max_area_m2 = 400;
    a.fields.needs.setting = Setting::indoor;
    a.fields.needs.utilities.water = true;
    a.fields.needs.step_free_access = true;
    a.fields.period.start = "2025-03-01";
    a.fields.period.end = "2025-09-01";
    if (!call.spaces.empty()) a.fields.preferred_spaces = {call.spaces.front().space_id};
    a.fields.preferred_location = Position{3.07, 50.64};
    a.fields.expected_impact = "200 repairs a year";
    a.fields.team = "Four volunteers";
    a.fields.budget_eur = 1200.0;
    return a;
}

// A sheet scoring `fit` and `team` (the criteria of contract_call).
inline Evaluation contract_sheet(Id application_id, Id evaluator_id, double fit, double team) {
    Evaluation e;
    e.application_id = application_id;
    e.evaluator_id = evaluator_id;
    e.scores["fit"] = {fit, "fit comment"};
    e.scores["team"] = {team, ""};
    return e;
}

// ---------------------------------------------------------------------------------------------

class StoreContract : public ::testing::TestWithParam<StoreBackend> {
protected:
    StoreContract() : m_store(GetParam().open(location())) {
        ws = store().create_workspace(contract_workspace("lille"));
    }

    Store& store() { return *m_store; }

    // Where the test's store lives (inside the test's own temporary folder).
    std::filesystem::path location() const { return dir / "store"; }

    // Closes the store and opens it again at the same location: what a restart sees.
    void reopen() {
        m_store.reset();
        m_store = GetParam().open(location());
    }

    // Opens what Store::backup wrote to `file`.
    std::unique_ptr<Store> open_backup(const std::filesystem::path& file) const {
        const auto& b = GetParam();
        return b.open_backup ? b.open_backup(file) : b.open(file);
    }

    // A space in the test workspace.
    Space add_space(const std::string& name, Geometry g = point(3.06, 50.63),
                    SpaceStatus status = SpaceStatus::reported) {
        return store().create_space(ws.id, contract_fields(name, std::move(g)), status, "test");
    }

    User add_user(const std::string& email, bool admin = false) {
        return store().create_user(email, "Name of " + email, "argon2-hash-of-" + email, admin);
    }

    // The newest audit entry (of the whole instance).
    AuditEntry newest_audit_entry() {
        AuditQuery q;
        q.limit = 1;
        auto log = store().audit_log(q, nullptr);
        if (log.empty()) {
            ADD_FAILURE() << "the audit log is empty";
            return {};
        }
        return log.front();
    }

    // How many entries the whole audit log holds.
    std::size_t audit_size() {
        std::size_t total = 0;
        AuditQuery q;
        q.limit = 1;
        store().audit_log(q, &total);
        return total;
    }

    TempDir dir;

private:
    std::unique_ptr<Store> m_store;

protected:
    Workspace ws;
};

} // namespace impetus::test
