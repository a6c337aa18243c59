// The sliding-window counter behind the limits per client address.

#include "core/rate_limiter.hpp"

#include <thread>

#include <gtest/gtest.h>

using namespace impetus;

TEST(RateLimiter, AllowsUpToTheLimitPerKey) {
    RateLimiter limiter(2, std::chrono::hours(1));
    EXPECT_TRUE(limiter.allow("192.0.2.1"));
    EXPECT_TRUE(limiter.allow("192.0.2.1"));
    EXPECT_FALSE(limiter.allow("192.0.2.1"));
    EXPECT_FALSE(limiter.allow("192.0.2.1")) << "a refusal is not counted, and not forgotten";
    EXPECT_TRUE(limiter.allow("192.0.2.2")) << "each key has its own count";
}

TEST(RateLimiter, CountsAndChecksSeparately) {
    RateLimiter limiter(3, std::chrono::hours(1));
    EXPECT_FALSE(limiter.full("a"));
    for (int i = 0; i < 3; ++i) limiter.count("a");
    EXPECT_TRUE(limiter.full("a"));
    EXPECT_FALSE(limiter.full("b"));
}

TEST(RateLimiter, ForgetsEventsOlderThanTheWindow) {
    RateLimiter limiter(1, std::chrono::milliseconds(1));
    EXPECT_TRUE(limiter.allow("a"));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_TRUE(limiter.allow("a"));
}

TEST(RateLimiter, SaysHowLongUntilAKeyIsBelowItsLimit) {
    RateLimiter limiter(2, std::chrono::hours(1));
    EXPECT_EQ(limiter.retry_after("a").count(), 0) << "not full: no wait";
    limiter.count("a");
    limiter.count("a");
    const auto wait = limiter.retry_after("a");
    EXPECT_GT(wait.count(), 0);
    EXPECT_LE(wait, std::chrono::hours(1)) << "never beyond the window";
    EXPECT_EQ(limiter.retry_after("b").count(), 0);
    RateLimiter closed(0, std::chrono::minutes(5));
    EXPECT_EQ(closed.retry_after("a"), std::chrono::minutes(5)) << "a limit of zero never opens";
}
