#pragma once

// Shared by the fuzz targets (<name>_fuzz.cpp). Each target feeds its bytes to the program's
// own entry functions for one kind of outside input. An impetus::Error is the expected answer
// to bad input (the edges turn it into a problem or a message); anything else escaping, a
// crash, a sanitizer report or a broken promise checked here is a finding.

#include "core/error.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace impetus::fuzz {

inline std::string_view bytes_of(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

// The code under test broke a promise of its interface: say which, and abort so that libFuzzer
// keeps the input (and the replay test fails).
[[noreturn]] inline void violated(const char* what, const char* file, int line) {
    std::fprintf(stderr, "%s:%d: broken promise: %s\n", file, line, what);
    std::abort();
}

// Runs `f`, taking an impetus::Error as the answer it is, except one of kind internal, which
// stands for a bug (error.hpp). Every other exception goes on.
template <typename F> void expecting_errors(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::internal) violated(e.what(), __FILE__, __LINE__);
    }
}

} // namespace impetus::fuzz

#define IMPETUS_FUZZ_CHECK(condition)                                                              \
    ((condition) ? void(0) : ::impetus::fuzz::violated(#condition, __FILE__, __LINE__))
