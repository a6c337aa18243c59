#pragma once

// The JSON representation of calls, applications and evaluation sheets, and their validating
// readers (every failing field reported as a JSON Pointer, Error(invalid_input)). The writable
// form of each record is what a client may send; RFC 7396 merge patches apply to it.

#include "core/calls.hpp"

#include <nlohmann/json.hpp>

namespace impetus {

// `internal`: with the evaluators and the officers' locks and exclusions (staff only).
nlohmann::json to_json(const Call& c, bool internal);
nlohmann::json writable_json(const Call& c);
// Reads a call's writable fields; the result has no id, state or bookkeeping.
Call read_call(const nlohmann::json& doc);

nlohmann::json to_json(const Application& a);
nlohmann::json writable_json(const ApplicationFields& f);
ApplicationFields read_application_fields(const nlohmann::json& doc);

nlohmann::json to_json(const Evaluation& e);
// Reads a sheet for `call`: criterion keys must be the call's, values within their scales.
Evaluation read_evaluation(const nlohmann::json& doc, const Call& call);

nlohmann::json to_json(const Attachment& a);
nlohmann::json adjustments_json(const std::vector<MatchingAdjustment>& adjustments);
std::vector<MatchingAdjustment> read_adjustments(const nlohmann::json& doc);
nlohmann::json to_json(const EligibilityCheck& e);
nlohmann::json to_json(const Decision& d);
Decision read_decision(const nlohmann::json& doc);
EligibilityCheck read_eligibility(const nlohmann::json& doc);
std::vector<Attachment> read_attachments(const nlohmann::json& doc);

} // namespace impetus
