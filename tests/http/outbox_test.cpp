// The mail outbox's retries (http/outbox.cpp): a mail the SMTP server refuses stays in the
// outbox with the attempt counted, is sent on a later round, and is given up after ten
// attempts. The sender fails on command, as a failing SMTP server does (Error(io)).

#include "core/error.hpp"
#include "http/app_fixture.hpp"
#include "http/outbox.hpp"

#include <atomic>
#include <thread>

namespace impetus::test {
namespace {

class ScriptedSender : public mail::Sender {
public:
    explicit ScriptedSender(std::shared_ptr<std::atomic<int>> failures_left,
                            std::shared_ptr<std::atomic<int>> calls)
        : m_failures(std::move(failures_left)), m_calls(std::move(calls)) {}
    void send(const mail::Message&) override {
        ++*m_calls;
        if (--*m_failures >= 0) {
            throw Error(ErrorKind::io, "421 the SMTP server is unavailable");
        }
    }

private:
    std::shared_ptr<std::atomic<int>> m_failures;
    std::shared_ptr<std::atomic<int>> m_calls;
};

class Outbox : public ::testing::Test {
protected:
    // Waits (bounded) until `done` holds, waking the sender for another round meanwhile.
    template <typename F> bool eventually(http::OutboxSender& outbox, F done) {
        for (int i = 0; i < 400; ++i) {
            if (done()) return true;
            outbox.wake();
            std::this_thread::sleep_for(std::chrono::milliseconds(25));
        }
        return done();
    }

    TempDir dir;
    std::unique_ptr<Store> store = open_test_store(dir.path() / "impetus.db");
    std::shared_ptr<std::atomic<int>> failures = std::make_shared<std::atomic<int>>(0);
    std::shared_ptr<std::atomic<int>> calls = std::make_shared<std::atomic<int>>(0);
};

TEST_F(Outbox, AFailedMailIsMarkedAndSentOnALaterRound) {
    failures->store(1);
    http::OutboxSender outbox(*store, std::make_unique<ScriptedSender>(failures, calls));
    store->enqueue_mail("zoe@example.org", "Hello", "Text");
    // The first attempt fails: the mail stays, with its attempt counted.
    ASSERT_TRUE(eventually(outbox, [&] { return calls->load() >= 1; }));
    // Then a later round sends it.
    ASSERT_TRUE(eventually(outbox, [&] { return store->pending_mail(10).empty(); }))
        << "attempts: " << calls->load();
    EXPECT_EQ(calls->load(), 2);
}

TEST_F(Outbox, AMailIsGivenUpAfterTenAttempts) {
    failures->store(1000);
    {
        http::OutboxSender outbox(*store, std::make_unique<ScriptedSender>(failures, calls));
        store->enqueue_mail("zoe@example.org", "Hello", "Text");
        ASSERT_TRUE(eventually(outbox, [&] {
            const auto pending = store->pending_mail(10);
            return pending.empty();
        })) << "attempts: " << calls->load();
    }
    EXPECT_EQ(calls->load(), 10);
}

TEST_F(Outbox, TheAttemptsAreCountedWhileItFails) {
    failures->store(1000);
    http::OutboxSender outbox(*store, std::make_unique<ScriptedSender>(failures, calls));
    store->enqueue_mail("zoe@example.org", "Hello", "Text");
    ASSERT_TRUE(eventually(outbox, [&] {
        const auto pending = store->pending_mail(10);
        return !pending.empty() && pending[0].attempts >= 3;
    }));
    const auto pending = store->pending_mail(10);
    ASSERT_EQ(pending.size(), 1u);
    EXPECT_EQ(pending[0].to, "zoe@example.org");
}

} // namespace
} // namespace impetus::test
