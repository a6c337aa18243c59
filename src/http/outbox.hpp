#pragma once

// Delivers the store's mail outbox through SMTP on a thread of its own: mails are written in
// the transaction that causes them (a sign-up, a reset request) and sent here, retried on the
// next rounds when the server is down (up to ten attempts, Store::pending_mail).

#include "mail/mail.hpp"
#include "store/store.hpp"

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

namespace impetus::http {

class OutboxSender {
public:
    // `sender` null: mail is disabled; the outbox keeps everything for later.
    OutboxSender(Store& store, std::unique_ptr<mail::Sender> sender);
    ~OutboxSender();
    OutboxSender(const OutboxSender&) = delete;
    OutboxSender& operator=(const OutboxSender&) = delete;

    // Sends what is pending now rather than at the next round.
    void wake();

private:
    void work();

    Store& m_store;
    std::unique_ptr<mail::Sender> m_sender;
    std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_woken = false;
    bool m_stopping = false;
    std::thread m_thread; // last: started once the rest exists
};

} // namespace impetus::http
