#include "core/calls.hpp"
#include "core/error.hpp"

#include <gtest/gtest.h>

namespace impetus {
namespace {

TEST(EvaluationSheet, ADraftOrNoSheetYetMayBeWritten) {
    EXPECT_NO_THROW(check_sheet_editable(std::nullopt));
    Evaluation draft;
    draft.application_id = 1;
    draft.evaluator_id = 2;
    EXPECT_NO_THROW(check_sheet_editable(draft));
}

TEST(EvaluationSheet, ASubmittedSheetIsFinal) {
    Evaluation sheet;
    sheet.submitted_at = "2026-03-01T10:00:00Z";
    try {
        check_sheet_editable(sheet);
        ADD_FAILURE() << "a submitted sheet was accepted for writing";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::conflict);
    }
}

} // namespace
} // namespace impetus
