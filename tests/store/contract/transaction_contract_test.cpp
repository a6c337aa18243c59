// Store::transaction: a unit of work over several facets, all or nothing, whose reads see its
// own writes; writes that fail inside it roll back only themselves.

#include "store/contract/contract.hpp"

namespace impetus::test {
namespace {

class TransactionContract : public StoreContract {};
IMPETUS_STORE_CONTRACT(TransactionContract);

TEST_P(TransactionContract, CommitsEveryWriteTogether) {
    const std::uint64_t before = store().data_generation();
    Id space_id = 0;
    store().transaction([&] {
        space_id = add_space("Former bakery").id;
        store().enqueue_mail("ana@example.org", "Subject", "Text");
        // Reads inside the unit of work see its writes.
        ASSERT_TRUE(store().space(ws.id, space_id));
        EXPECT_EQ(store().pending_mail(10).size(), 1u);
    });
    EXPECT_TRUE(store().space(ws.id, space_id));
    EXPECT_EQ(store().pending_mail(10).size(), 1u);
    EXPECT_NE(store().data_generation(), before);
}

TEST_P(TransactionContract, AnExceptionRollsEveryWriteBack) {
    const std::uint64_t before = store().data_generation();
    const auto audit_before = store().audit_log(AuditQuery{}, nullptr).size();
    EXPECT_THROW(store().transaction([&] {
                     add_space("Former bakery");
                     store().enqueue_mail("ana@example.org", "Subject", "Text");
                     store().create_organisation(ws.id, contract_organisation("Friends"));
                     throw Error(ErrorKind::conflict, "changed my mind");
                 }),
                 Error);
    SpaceQuery q;
    q.workspace_id = ws.id;
    EXPECT_EQ(store().list_spaces(q).total, 0u);
    EXPECT_TRUE(store().pending_mail(10).empty());
    std::size_t orgs = 0;
    store().list_organisations(ws.id, 10, 0, &orgs);
    EXPECT_EQ(orgs, 0u);
    EXPECT_EQ(store().audit_log(AuditQuery{}, nullptr).size(), audit_before);
    EXPECT_EQ(store().data_generation(), before);
}

TEST_P(TransactionContract, AFailedWriteInsideRollsBackOnlyItself) {
    const User ana = add_user("ana@example.org");
    store().transaction([&] {
        add_space("Kept");
        // A refused write (the address is taken) leaves nothing of itself behind, and the unit
        // of work goes on.
        EXPECT_EQ(error_kind([&] { add_user("ana@example.org"); }), "conflict");
        store().enqueue_mail(ana.email, "Subject", "Text");
    });
    SpaceQuery q;
    q.workspace_id = ws.id;
    EXPECT_EQ(store().list_spaces(q).total, 1u);
    EXPECT_EQ(store().pending_mail(10).size(), 1u);
    EXPECT_EQ(store().list_users().size(), 1u);
}

TEST_P(TransactionContract, NestedUnitsJoinTheOuterOne) {
    EXPECT_THROW(store().transaction([&] {
                     store().transaction([&] { add_space("Inner"); });
                     throw Error(ErrorKind::conflict, "the outer unit fails");
                 }),
                 Error);
    SpaceQuery q;
    q.workspace_id = ws.id;
    EXPECT_EQ(store().list_spaces(q).total, 0u);
}

TEST_P(TransactionContract, InTransactionReturnsTheResult) {
    const Space s = in_transaction(store(), [&] { return add_space("Returned"); });
    EXPECT_EQ(store().space(ws.id, s.id)->fields.name, "Returned");
}

} // namespace
} // namespace impetus::test
