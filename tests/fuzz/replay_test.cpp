// Replays the saved inputs of every fuzz target (tests/fuzz/<name>_fuzz.cpp) in the ordinary
// test build: the seed corpus in corpus/<name>/ and the inputs that once crashed a target in
// regressions/<name>/ (the PBF checks also the shared OpenStreetMap extracts). A crash, a broken promise or an exception other than impetus::Error
// fails the target's test. Each target's entry function is compiled here under the name
// impetus_fuzz_<name> instead of LLVMFuzzerTestOneInput (tests/fuzz/CMakeLists.txt).

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace {

namespace fs = std::filesystem;
using FuzzEntry = int (*)(const std::uint8_t*, std::size_t);

// The files of one folder, in name order (directory order differs between machines).
std::vector<fs::path> files_in(const fs::path& dir) {
    std::vector<fs::path> out;
    if (!fs::is_directory(dir)) return out;
    for (const auto& e : fs::directory_iterator(dir)) {
        if (e.is_regular_file() && e.path().filename().string().front() != '.') {
            out.push_back(e.path());
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

struct Input {
    std::string label;
    std::string bytes;
};

std::string read_all(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string{std::istreambuf_iterator<char>(in), {}};
}

// Real OpenStreetMap extracts are not copied into the repository: the PBF checks replay the
// shared extracts (../shared/data/osm), whole and cut inside their data, and the test fixture
// the build makes from its OPL source.
std::vector<Input> extracts() {
    std::vector<Input> out;
    const fs::path shared = fs::path(IMPETUS_SHARED_DATA) / "osm";
    auto files = files_in(shared);
    std::erase_if(files, [](const fs::path& p) { return p.extension() != ".pbf"; });
    if (files.empty() && std::getenv("CI")) {
        ADD_FAILURE() << "no OpenStreetMap extracts in " << shared;
    }
    files.push_back(fs::path(IMPETUS_GENERATED_DATA) / "discovery" / "town.osm.pbf");
    for (const auto& f : files) {
        std::string bytes = read_all(f);
        EXPECT_FALSE(bytes.empty()) << f;
        for (std::size_t cut : {std::size_t{300}, std::size_t{4096}}) {
            if (bytes.size() > cut) out.push_back({f.string() + " cut at " + std::to_string(cut),
                                                   bytes.substr(0, cut)});
        }
        out.push_back({f.string(), std::move(bytes)});
    }
    return out;
}

void replay(const std::string& name, FuzzEntry entry) {
    const fs::path root = fs::path(IMPETUS_SOURCE_DIR) / "tests" / "fuzz";
    const auto seeds = files_in(root / "corpus" / name);
    EXPECT_FALSE(seeds.empty()) << "no seed corpus in " << (root / "corpus" / name);
    std::vector<Input> inputs;
    for (const auto& p : seeds) inputs.push_back({p.string(), read_all(p)});
    for (const auto& p : files_in(root / "regressions" / name)) {
        inputs.push_back({p.string(), read_all(p)});
    }
    if (name == "pbf") {
        for (auto& e : extracts()) inputs.push_back(std::move(e));
    }
    for (const auto& input : inputs) {
        const std::string& bytes = input.bytes;
        // Named before the call, so that the output of a crash says which input it was.
        std::fprintf(stderr, "replaying %s\n", input.label.c_str());
        try {
            entry(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
        } catch (const std::exception& e) {
            ADD_FAILURE() << input.label << ": " << e.what();
        } catch (...) {
            ADD_FAILURE() << input.label << ": an exception that is no std::exception";
        }
    }
}

} // namespace

#define IMPETUS_FUZZ_REPLAY(name)                                                                  \
    extern "C" int impetus_fuzz_##name(const std::uint8_t*, std::size_t);                         \
    TEST(FuzzReplay, name) { replay(#name, impetus_fuzz_##name); }

IMPETUS_FUZZ_REPLAY(json)
IMPETUS_FUZZ_REPLAY(geojson)
IMPETUS_FUZZ_REPLAY(csv)
IMPETUS_FUZZ_REPLAY(brownfield)
IMPETUS_FUZZ_REPLAY(cnig)
IMPETUS_FUZZ_REPLAY(wkt)
IMPETUS_FUZZ_REPLAY(query)
IMPETUS_FUZZ_REPLAY(http_head)
IMPETUS_FUZZ_REPLAY(photo)
IMPETUS_FUZZ_REPLAY(pbf)

// A target added to tests/fuzz/ without its line above would never be replayed.
TEST(FuzzReplay, EveryTargetIsReplayed) {
    const auto* suite = ::testing::UnitTest::GetInstance()->current_test_suite();
    std::vector<std::string> replayed;
    for (int i = 0; i < suite->total_test_count(); ++i) {
        replayed.emplace_back(suite->GetTestInfo(i)->name());
    }
    for (const auto& path : files_in(fs::path(IMPETUS_SOURCE_DIR) / "tests" / "fuzz")) {
        const std::string file = path.filename().string();
        const std::string suffix = "_fuzz.cpp";
        if (file.size() <= suffix.size() || !file.ends_with(suffix)) continue;
        const std::string name = file.substr(0, file.size() - suffix.size());
        EXPECT_NE(std::find(replayed.begin(), replayed.end(), name), replayed.end())
            << "tests/fuzz/" << file << " has no IMPETUS_FUZZ_REPLAY(" << name << ")";
    }
}
