// Results from chosen options: assignments, the objective and an explanation per request.

#include "matching/model.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <numeric>

namespace impetus::matching::detail {

namespace {

Assignment to_assignment(const Model& m, const Option& o) {
    Assignment a;
    a.request = m.requests[o.request]->id;
    a.space = m.spaces[o.space]->id;
    a.start = o.start;
    a.end = o.end;
    a.units = o.units;
    a.contribution = static_cast<double>(o.units) / k_units_per_contribution;
    a.terms = o.terms;
    a.locked = m.locked_space[o.request] >= 0;
    return a;
}

SpaceVerdict verdict(const Model& m, int r, int s, int own, const std::vector<int>& chosen,
                     const std::vector<std::vector<int>>& on_space) {
    SpaceVerdict v;
    v.space = m.spaces[s]->id;
    if (own >= 0 && m.options[own].space == s) {
        v.reasons = {"assigned"};
        return v;
    }
    if (std::uint32_t mm = pair_mismatch(m, r, s)) {
        v.reasons = reason_codes(mm);
        return v;
    }
    // compatible: is the capacity taken in every period the request could have had here?
    std::vector<Period> uses;
    std::vector<int> others;
    for (int c : on_space[s]) {
        const Option& o = m.options[chosen[c]];
        if (o.request != r) {
            uses.push_back({o.start, o.end});
            others.push_back(chosen[c]);
        }
    }
    bool blocked = true;
    std::vector<bool> blocking(others.size(), false);
    for (int i = m.first_option[r]; i < m.first_option[r + 1]; ++i) {
        const Option& o = m.options[i];
        if (o.space != s) {
            continue;
        }
        Period want{o.start, o.end};
        if (max_overlap(uses, want) < m.spaces[s]->capacity) {
            blocked = false;
            break;
        }
        for (std::size_t k = 0; k < uses.size(); ++k) {
            blocking[k] = blocking[k] || uses[k].overlaps(want);
        }
    }
    if (blocked) {
        v.reasons = {"capacity_taken"};
        for (std::size_t k = 0; k < others.size(); ++k) {
            if (blocking[k]) {
                const Option& o = m.options[others[k]];
                v.taken_by.push_back(TakenBy{m.requests[o.request]->id, m.requests[o.request]->score,
                                             static_cast<double>(o.units) / k_units_per_contribution,
                                             o.start, o.end});
            }
        }
    } else {
        v.reasons = {own >= 0 ? "assigned_elsewhere" : "not_chosen"};
    }
    return v;
}

} // namespace

Result make_result(const Model& m, std::vector<int> chosen, SolverKind solver, bool explain) {
    std::sort(chosen.begin(), chosen.end());
    Result res;
    res.solver = solver;
    const int n = static_cast<int>(m.requests.size());
    std::vector<int> of_request(n, -1);
    std::vector<std::vector<int>> on_space(m.spaces.size());
    for (std::size_t c = 0; c < chosen.size(); ++c) {
        const Option& o = m.options[chosen[c]];
        of_request[o.request] = chosen[c];
        on_space[o.space].push_back(static_cast<int>(c));
        res.assignments.push_back(to_assignment(m, o));
        res.objective_units += o.units;
    }
    res.objective = static_cast<double>(res.objective_units) / k_units_per_contribution;
    res.bound = res.objective;
    if (!explain) {
        return res;
    }
    res.explanations.reserve(n);
    for (int r = 0; r < n; ++r) {
        Explanation e;
        e.request = m.requests[r]->id;
        e.score = m.requests[r]->score;
        if (of_request[r] >= 0) {
            const Option& o = m.options[of_request[r]];
            e.assignment = to_assignment(m, o);
            int rank = preference_rank(*m.requests[r], m.spaces[o.space]->id);
            if (rank >= 0) {
                e.preference_rank = rank + 1;
            }
        }
        for (int s = 0; s < static_cast<int>(m.spaces.size()); ++s) {
            e.spaces.push_back(verdict(m, r, s, of_request[r], chosen, on_space));
        }
        res.explanations.push_back(std::move(e));
    }
    return res;
}

std::vector<int> solve_greedy(const Model& m) {
    const int n = static_cast<int>(m.requests.size());
    std::vector<int> order(n);
    std::iota(order.begin(), order.end(), 0);
    // officers' locks first, then by score, highest first, ties by lower id
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        bool la = m.locked_space[a] >= 0;
        bool lb = m.locked_space[b] >= 0;
        if (la != lb) {
            return la;
        }
        return m.requests[a]->score > m.requests[b]->score;
    });
    std::vector<std::vector<Period>> used(m.spaces.size());
    std::vector<int> chosen;
    std::vector<int> opts;
    for (int r : order) {
        opts.clear();
        for (int i = m.first_option[r]; i < m.first_option[r + 1]; ++i) {
            opts.push_back(i);
        }
        std::stable_sort(opts.begin(), opts.end(), [&](int a, int b) {
            return m.value(m.options[a]) > m.value(m.options[b]);
        });
        bool placed = false;
        for (int i : opts) {
            const Option& o = m.options[i];
            Period p{o.start, o.end};
            if (max_overlap(used[o.space], p) < m.spaces[o.space]->capacity) {
                used[o.space].push_back(p);
                chosen.push_back(i);
                placed = true;
                break;
            }
        }
        if (!placed && m.locked_space[r] >= 0) {
            throw Error(ErrorKind::conflict,
                        "the locks cannot all be kept: space " +
                            std::to_string(m.spaces[m.locked_space[r]]->id) +
                            " has no capacity left for request " + std::to_string(m.requests[r]->id),
                        "remove one of the locks on that space");
        }
    }
    return chosen;
}

} // namespace impetus::matching::detail
