#pragma once

// Officers' decisions on citizens' reports: accept (a new space), merge into a space of the
// workspace, or reject with a reason. Each is one store transaction with the mail that tells
// the reporter, when they left an address, in the workspace's language.

#include "core/model.hpp"
#include "core/reports.hpp"
#include "store/store.hpp"

#include <functional>
#include <string>

namespace impetus::services {

class ReportService {
public:
    // `mail_queued` is told after a transaction that queued mail has committed.
    explicit ReportService(Store& store, std::function<void()> mail_queued = {});

    // The space made from the report (`fields`), created with `status`; the report accepted.
    Space accept(const Workspace& w, Id report_id, const SpaceFields& fields, SpaceStatus status,
                 const std::string& reason);
    Report merge(const Workspace& w, Id report_id, Id space_id, const std::string& reason);
    Report reject(const Workspace& w, Id report_id, const std::string& reason);

private:
    // Queues the reporter's mail for the decided report, inside the caller's transaction;
    // whether there was an address to write to.
    bool mail_decision(const Workspace& w, Id report_id);
    void after(bool mailed);

    Store& m_store;
    std::function<void()> m_mail_queued;
};

} // namespace impetus::services
