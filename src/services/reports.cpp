#include "services/reports.hpp"

#include "core/error.hpp"
#include "mail/templates.hpp"

namespace impetus::services {

ReportService::ReportService(Store& store, std::function<void()> mail_queued)
    : m_store(store), m_mail_queued(std::move(mail_queued)) {}

void ReportService::after(bool mailed) {
    if (mailed && m_mail_queued) m_mail_queued();
}

bool ReportService::mail_decision(const Workspace& w, Id report_id) {
    auto r = m_store.report(w.id, report_id);
    if (!r) throw Error(ErrorKind::not_found, "report " + std::to_string(report_id) + " not found");
    if (r->contact_email.empty()) return false;
    const mail::Letter l = mail::letter(
        "report.decided", w.languages,
        {{"name", r->contact_name},
         {"date", r->created_at.substr(0, 10)},
         {"accepted", r->status == ReportStatus::accepted ? "yes" : ""},
         {"merged", r->status == ReportStatus::merged ? "yes" : ""},
         {"rejected", r->status == ReportStatus::rejected ? "yes" : ""},
         {"reason", r->decision_reason}});
    m_store.enqueue_mail(r->contact_email, l.subject, l.text);
    return true;
}

Space ReportService::accept(const Workspace& w, Id report_id, const SpaceFields& fields,
                            SpaceStatus status, const std::string& reason) {
    bool mailed = false;
    Space out = in_transaction(m_store, [&] {
        Space sp = m_store.accept_report(w.id, report_id, fields, status, reason);
        mailed = mail_decision(w, report_id);
        return sp;
    });
    after(mailed);
    return out;
}

Report ReportService::merge(const Workspace& w, Id report_id, Id space_id,
                            const std::string& reason) {
    bool mailed = false;
    Report out = in_transaction(m_store, [&] {
        Report r = m_store.merge_report(w.id, report_id, space_id, reason);
        mailed = mail_decision(w, report_id);
        return r;
    });
    after(mailed);
    return out;
}

Report ReportService::reject(const Workspace& w, Id report_id, const std::string& reason) {
    bool mailed = false;
    Report out = in_transaction(m_store, [&] {
        Report r = m_store.reject_report(w.id, report_id, reason);
        mailed = mail_decision(w, report_id);
        return r;
    });
    after(mailed);
    return out;
}

} // namespace impetus::services
