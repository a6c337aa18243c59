#pragma once

// Helpers for checking impetus::Error: which kind was thrown, and which fields it names.

#include "core/error.hpp"

#include <algorithm>
#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace impetus::test {

// Runs `fn` and returns the impetus::Error it throws; records a test failure when it throws
// nothing or something else.
template <typename F> Error catch_error(F&& fn) {
    try {
        fn();
    } catch (const Error& e) {
        return e;
    } catch (const std::exception& e) {
        ADD_FAILURE() << "expected impetus::Error, got: " << e.what();
        return Error(ErrorKind::internal, e.what());
    }
    ADD_FAILURE() << "expected impetus::Error, nothing was thrown";
    return Error(ErrorKind::internal, "nothing thrown");
}

inline std::vector<std::string> field_names(const Error& e) {
    std::vector<std::string> out;
    for (const auto& f : e.fields()) {
        out.push_back(f.field);
    }
    return out;
}

inline std::vector<std::string> field_names(const FieldErrors& errors) {
    std::vector<std::string> out;
    for (const auto& f : errors.list()) {
        out.push_back(f.field);
    }
    return out;
}

// The message given for `field`, or "" when the field is not listed.
inline std::string message_for(const std::vector<FieldError>& fields, const std::string& field) {
    auto it = std::find_if(fields.begin(), fields.end(),
                           [&](const FieldError& f) { return f.field == field; });
    return it == fields.end() ? std::string() : it->message;
}

} // namespace impetus::test
