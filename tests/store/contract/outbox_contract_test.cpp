// Contract of the outbox facet: mails queued, handed out oldest first, marked sent, or failed
// and handed out again on the next rounds, up to ten attempts (http/outbox.hpp).

#include "store/contract/contract.hpp"

namespace impetus::test {
namespace {

class OutboxContract : public StoreContract {};
IMPETUS_STORE_CONTRACT(OutboxContract);

TEST_P(OutboxContract, QueuedMailIsHandedOutOldestFirst) {
    EXPECT_TRUE(store().pending_mail(10).empty());
    store().enqueue_mail("a@example.org", "First", "Text one\nwith two lines");
    store().enqueue_mail("b@example.org", "Second", "Text two");
    store().enqueue_mail("c@example.org", "Third", "Text three");
    reopen();
    const auto all = store().pending_mail(10);
    ASSERT_EQ(all.size(), 3u);
    EXPECT_EQ(all[0].to, "a@example.org");
    EXPECT_EQ(all[0].subject, "First");
    EXPECT_EQ(all[0].text, "Text one\nwith two lines");
    EXPECT_EQ(all[0].attempts, 0);
    EXPECT_FALSE(all[0].created_at.empty());
    EXPECT_EQ(all[1].subject, "Second");
    EXPECT_EQ(all[2].subject, "Third");
    EXPECT_LT(all[0].id, all[1].id);
    const auto two = store().pending_mail(2);
    ASSERT_EQ(two.size(), 2u);
    EXPECT_EQ(two[0].id, all[0].id);
    EXPECT_EQ(two[1].id, all[1].id);
}

TEST_P(OutboxContract, SentMailLeavesTheQueue) {
    store().enqueue_mail("a@example.org", "One", "x");
    store().enqueue_mail("b@example.org", "Two", "y");
    const auto pending = store().pending_mail(10);
    store().mark_mail_sent(pending[0].id);
    const auto left = store().pending_mail(10);
    ASSERT_EQ(left.size(), 1u);
    EXPECT_EQ(left[0].id, pending[1].id);
}

TEST_P(OutboxContract, FailedMailIsRetriedWithItsAttemptsCounted) {
    store().enqueue_mail("a@example.org", "One", "x");
    store().enqueue_mail("b@example.org", "Two", "y");
    const Id first = store().pending_mail(10)[0].id;
    store().mark_mail_failed(first, "connection refused");
    store().mark_mail_failed(first, "connection refused");
    const auto pending = store().pending_mail(10);
    ASSERT_EQ(pending.size(), 2u) << "a failed mail stays for the next round";
    EXPECT_EQ(pending[0].id, first);
    EXPECT_EQ(pending[0].attempts, 2);
    EXPECT_EQ(pending[1].attempts, 0);
    store().mark_mail_sent(first);
    ASSERT_EQ(store().pending_mail(10).size(), 1u);
}

TEST_P(OutboxContract, AMailIsGivenUpAfterTenAttempts) {
    store().enqueue_mail("a@example.org", "Bounces", "x");
    const Id id = store().pending_mail(1)[0].id;
    for (int i = 1; i <= 9; ++i) store().mark_mail_failed(id, "mailbox unavailable");
    ASSERT_EQ(store().pending_mail(10).size(), 1u) << "nine attempts: one more to go";
    EXPECT_EQ(store().pending_mail(10)[0].attempts, 9);
    store().mark_mail_failed(id, "mailbox unavailable");
    EXPECT_TRUE(store().pending_mail(10).empty());
}

// docs/privacy.md: unsent mail is deleted with the account.
TEST_P(OutboxContract, UnsentMailGoesWithTheAccountOfItsRecipient) {
    const User u = add_user("gone@example.org");
    store().enqueue_mail("gone@example.org", "Your account", "x");
    store().enqueue_mail("stays@example.org", "Hello", "y");
    store().erase_user(u.id);
    const auto pending = store().pending_mail(10);
    ASSERT_EQ(pending.size(), 1u);
    EXPECT_EQ(pending[0].to, "stays@example.org");
}

} // namespace
} // namespace impetus::test
