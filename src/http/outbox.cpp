#include "http/outbox.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

namespace impetus::http {

OutboxSender::OutboxSender(Store& store, std::unique_ptr<mail::Sender> sender)
    : m_store(store), m_sender(std::move(sender)) {
    if (m_sender) m_thread = std::thread([this] { work(); });
}

OutboxSender::~OutboxSender() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_cv.notify_all();
    if (m_thread.joinable()) m_thread.join();
}

void OutboxSender::wake() {
    {
        std::lock_guard lock(m_mutex);
        m_woken = true;
    }
    m_cv.notify_all();
}

void OutboxSender::work() {
    for (;;) {
        {
            std::unique_lock lock(m_mutex);
            m_cv.wait_for(lock, std::chrono::seconds(10), [this] { return m_woken || m_stopping; });
            if (m_stopping) return;
            m_woken = false;
        }
        try {
            for (const auto& m : m_store.pending_mail(50)) {
                try {
                    m_sender->send(mail::Message{m.to, m.subject, m.text, "", ""});
                    m_store.mark_mail_sent(m.id);
                } catch (const std::exception& e) {
                    m_store.mark_mail_failed(m.id, e.what());
                    spdlog::warn("mail {} to the outbox's recipient not sent (attempt {}): {}",
                                 m.id, m.attempts + 1, e.what());
                }
            }
        } catch (const std::exception& e) {
            spdlog::error("mail outbox: {}", e.what());
        }
    }
}

} // namespace impetus::http
