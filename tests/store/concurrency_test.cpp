// One writer and several readers at once: WAL readers never fail and never see half a write.

#include "support/store_fixture.hpp"

#include <atomic>
#include <gtest/gtest.h>
#include <mutex>
#include <thread>

namespace impetus {
namespace {

class ConcurrencyTest : public test::StoreTest {};

TEST_F(ConcurrencyTest, WriterAndReaders) {
    constexpr int k_creates = 200;
    std::atomic<bool> done{false};
    std::atomic<Id> last_id{0};
    std::atomic<int> reads{0};
    std::mutex errors_mutex;
    std::vector<std::string> errors;
    auto record_error = [&](const std::string& who, const std::exception& e) {
        std::lock_guard lock(errors_mutex);
        errors.push_back(who + ": " + e.what());
    };

    std::thread writer([&] {
        try {
            for (int i = 0; i < k_creates; ++i) {
                auto s = store->create_space(
                    ws.id,
                    test::make_fields("Space " + std::to_string(i),
                                      test::square(3.0 + i * 0.001, 50.6, 0.0005)),
                    SpaceStatus::reported, "concurrency");
                last_id = s.id;
            }
        } catch (const std::exception& e) {
            record_error("writer", e);
        }
        done = true;
    });

    std::vector<std::thread> readers;
    for (int r = 0; r < 4; ++r) {
        readers.emplace_back([&, r] {
            try {
                std::size_t previous_total = 0;
                while (!done) {
                    auto q = query();
                    q.limit = 10;
                    q.sort = r % 2 ? SpaceSort::name : SpaceSort::id;
                    if (r == 3) {
                        q.bbox = BBox{3.0, 50.5, 3.1, 50.7};
                    }
                    auto page = store->list_spaces(q);
                    // Totals only grow: a reader sees whole commits.
                    if (*page.total < previous_total) {
                        throw std::runtime_error("total went down");
                    }
                    previous_total = *page.total;
                    if (Id id = last_id; id != 0) {
                        auto s = store->space(ws.id, id);
                        if (!s) {
                            throw std::runtime_error("a committed space is missing");
                        }
                        if (store->space_history(ws.id, id).size() != 1) {
                            throw std::runtime_error("space without its history");
                        }
                    }
                    ++reads;
                }
            } catch (const std::exception& e) {
                record_error("reader " + std::to_string(r), e);
            }
        });
    }
    writer.join();
    for (auto& t : readers) {
        t.join();
    }

    EXPECT_TRUE(errors.empty()) << errors.front();
    EXPECT_GT(reads.load(), 0);
    auto q = query();
    q.limit = 1;
    EXPECT_EQ(store->list_spaces(q).total, static_cast<std::size_t>(k_creates));
    EXPECT_TRUE(store->check().ok);
}

} // namespace
} // namespace impetus
