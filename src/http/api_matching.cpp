// The matching of a call over HTTP: officers run the allocation engine (matching/) on the call's
// eligible applications (the shortlist, when there is one) with the jury's aggregated scores,
// fix pairs by hand (locks and exclusions) and run it again, then publish: every applicant's
// decision with its explanation, in one transaction with the mails that tell them.

#include "core/doc_reader.hpp"
#include "core/error.hpp"
#include "http/routes.hpp"
#include "matching/json.hpp"
#include "services/calls.hpp"

#include <algorithm>
#include <set>

namespace impetus::http {

using nlohmann::json;

void add_matching_routes(Router& router, Services& s) {
    const std::string call = "/api/v1/workspaces/{workspace}/calls/{call}";

    router.add("POST", call + "/matching", "runMatching", Access::staff, [&s](Context& ctx) {
        Workspace w = workspace_of(s, ctx);
        Call c = require_call(s, ctx, w);
        const json body = read_json_body(ctx.request);
        FieldErrors errors;
        DocReader r(body, "", errors);
        r.reject_unknown({"solver"});
        auto solver = r.enumeration<matching::SolverChoice>("solver");
        errors.throw_if_any("invalid matching request");
        json proposal = s.calls.run_matching(w, c.id, solver);
        return json_response(200, proposal);
    });

    router.add("GET", call + "/matching", "getMatching", Access::staff, [&s](Context& ctx) {
        Workspace w = workspace_of(s, ctx);
        Call c = require_call(s, ctx, w);
        json proposal = s.calls.proposal(w, c.id);
        return json_response(200, proposal);
    });

    router.add("PUT", call + "/adjustments", "setAdjustments", Access::staff, [&s](Context& ctx) {
        Workspace w = workspace_of(s, ctx);
        Call c = require_call(s, ctx, w);
        const json body = read_json_body(ctx.request);
        FieldErrors errors;
        DocReader r(body, "", errors);
        r.reject_unknown({"items"});
        std::vector<MatchingAdjustment> items;
        const json* list = r.get("items");
        if (!list || !list->is_array()) {
            errors.add("/items", "is required: an array of {application_id, space_id, locked}");
        } else {
            for (std::size_t i = 0; i < list->size(); ++i) {
                DocReader ir((*list)[i], "/items/" + std::to_string(i), errors);
                if (!ir.ok()) continue;
                ir.reject_unknown({"application_id", "space_id", "locked"});
                MatchingAdjustment adj;
                adj.application_id = ir.integer("application_id", 1, INT64_MAX, true).value_or(0);
                adj.space_id = ir.integer("space_id", 1, INT64_MAX, true).value_or(0);
                adj.locked = ir.boolean("locked").value_or(true);
                items.push_back(adj);
            }
        }
        errors.throw_if_any("invalid adjustments");
        Call out = s.calls.set_adjustments(w, c.id, items, if_match_version(ctx.request));
        return json_response(200, call_json(s, ctx, out, false));
    });

    router.add("POST", call + "/publish", "publishDecisions", Access::staff, [&s](Context& ctx) {
        Workspace w = workspace_of(s, ctx);
        Call c = require_call(s, ctx, w);
        const json body = read_json_body(ctx.request);
        FieldErrors errors;
        DocReader r(body, "", errors);
        r.reject_unknown({});
        errors.throw_if_any("invalid publication");
        const services::PublishedDecisions out = s.calls.publish_decisions(w, c.id);
        return json_response(200, json{{"call", call_json(s, ctx, out.call, false)},
                                       {"decisions", out.decisions},
                                       {"allocated", out.allocated},
                                       {"mails", out.mails}});
    });
}

} // namespace impetus::http
