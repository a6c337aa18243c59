// OpenStreetMap discovery over HTTP: a scan started by upload or by a server-side path runs as
// a background job, reports progress, puts its candidates into the workspace, and can be
// cancelled; bad extracts are refused or fail the job, and the workspace stays as it was.

#include "api_test.hpp"

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include <sys/stat.h>

namespace impetus::test {
namespace {

namespace fs = std::filesystem;

// town.osm.pbf, made from tests/data/discovery/town.opl at build time (tests/CMakeLists.txt)
const fs::path k_fixtures = fs::path(IMPETUS_GENERATED_DATA) / "discovery";
const fs::path k_osm = fs::path(IMPETUS_SHARED_DATA) / "osm";

std::string read_bytes(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

TestServerOptions with_extracts(const fs::path& dir, std::size_t max_upload = 512u << 20) {
    TestServerOptions o;
    o.app.extracts_dir = dir;
    o.app.max_upload_body = max_upload;
    return o;
}

// Scans as background jobs, and a way to wait for them.
class JobsApi : public ApiTest {
protected:
    explicit JobsApi(TestServerOptions options) : ApiTest(std::move(options)) {}

    // Polls the job (bounded: 600 times 50 ms) until it has ended; returns it.
    json wait_for(const json& job) {
        const std::string path =
            "/api/v1/workspaces/" + job["workspace"].get<std::string>() + "/jobs/" +
            std::to_string(job["id"].get<std::int64_t>());
        json j;
        for (int i = 0; i < 600; ++i) {
            j = list(path);
            const std::string st = j["status"];
            if (st != "queued" && st != "running") return j;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        ADD_FAILURE() << "the job did not end: " << j.dump();
        return j;
    }
};

class DiscoveryApi : public JobsApi {
protected:
    DiscoveryApi() : JobsApi(with_extracts(k_fixtures, 64 * 1024)) { create_workspace("lille"); }

    HttpResponse upload(const std::string& body, const std::string& query = "file_name=town.osm.pbf",
                        const std::string& ws = "lille",
                        const std::string& content_type = "application/octet-stream") {
        return http.send_body("POST",
                              "/api/v1/workspaces/" + ws + "/discoveries" +
                                  (query.empty() ? "" : "?" + query),
                              body, content_type);
    }

    json osm_spaces(const std::string& ws = "lille") {
        return list(spaces_path(ws) + "?source=osm&limit=1000&sort=id")["items"];
    }

    std::string town = read_bytes(k_fixtures / "town.osm.pbf");
};

TEST_F(DiscoveryApi, AnUploadedExtractBecomesReportedSpaces) {
    auto r = require_status(upload(town), 202, "start");
    const json queued = r.json();
    EXPECT_EQ(queued["kind"], "discovery");
    EXPECT_EQ(queued["workspace"], "lille");
    EXPECT_EQ(queued["params"]["file_name"], "town.osm.pbf");
    EXPECT_EQ(queued["params"]["source"], "upload");
    EXPECT_EQ(r.header("Location"), server.base_url() + "/api/v1/workspaces/lille/jobs/" +
                                        std::to_string(queued["id"].get<std::int64_t>()));

    const json done = wait_for(queued);
    ASSERT_EQ(done["status"], "succeeded") << done.dump();
    EXPECT_EQ(done["progress"]["phase"], "done");
    EXPECT_DOUBLE_EQ(done["progress"]["share_read"].get<double>(), 1.0);
    EXPECT_GT(done["progress"]["objects"].get<int>(), 0);
    EXPECT_EQ(done["result"]["candidates"], 5);
    EXPECT_EQ(done["result"]["created"], 5);
    EXPECT_EQ(done["result"]["per_rule"]["landuse_brownfield"], 1);
    EXPECT_TRUE(done["error"].is_null());

    const json items = osm_spaces();
    ASSERT_EQ(items.size(), 5u);
    for (const auto& s : items) {
        EXPECT_EQ(s["status"], "reported");
        const auto& why = s["source_attributes"];
        EXPECT_TRUE(why.contains("suitability")) << why.dump();
        EXPECT_TRUE(why.contains("greening")) << why.dump();
    }
    // The upload is gone once the job has ended.
    EXPECT_TRUE(fs::is_empty(server.dir() / "uploads"));

    // The history says where the space came from.
    const json history =
        list(space_path("lille", items[0]["id"].get<std::int64_t>()) + "/history")["items"];
    EXPECT_EQ(history[0]["reason"], "OpenStreetMap discovery scan of town.osm.pbf");
}

TEST_F(DiscoveryApi, ReviewedCandidatesSurviveTheNextScan) {
    ASSERT_EQ(wait_for(require_status(upload(town), 202).json())["status"], "succeeded");
    json items = osm_spaces();
    ASSERT_EQ(items.size(), 5u);
    const auto accepted = items[0]["id"].get<std::int64_t>();
    const auto dismissed = items[1]["id"].get<std::int64_t>();
    require_status(http.post(space_path("lille", accepted) + "/transitions",
                             {{"to", "verified"}, {"reason", "visited: empty since 2023"}}),
                   200);
    require_status(http.post(space_path("lille", dismissed) + "/transitions",
                             {{"to", "withdrawn"}, {"reason", "in use again (new tenant)"}}),
                   200);

    const json second = wait_for(require_status(upload(town), 202).json());
    ASSERT_EQ(second["status"], "succeeded");
    EXPECT_EQ(second["result"]["created"], 0);
    EXPECT_EQ(second["result"]["updated"], 0);
    EXPECT_EQ(second["result"]["ended"], 0);
    // The report counts the two reviewed candidates as kept, the others as unchanged.
    EXPECT_EQ(second["result"]["kept"], 2);
    EXPECT_EQ(second["result"]["unchanged"], 3);
    EXPECT_EQ(second["result"]["kept_missing"], 0);
    EXPECT_EQ(get_space("lille", accepted)["status"], "verified");
    EXPECT_EQ(get_space("lille", dismissed)["status"], "withdrawn");

    const json jobs = list("/api/v1/workspaces/lille/jobs");
    ASSERT_EQ(jobs["items"].size(), 2u);
    EXPECT_GT(jobs["items"][0]["id"].get<int>(), jobs["items"][1]["id"].get<int>());
    EXPECT_EQ(list("/api/v1/workspaces/lille/jobs?limit=1")["items"].size(), 1u);
}

TEST_F(DiscoveryApi, AServerSideExtractByPath) {
    const json extracts = list("/api/v1/extracts");
    EXPECT_EQ(extracts["enabled"], true);
    ASSERT_EQ(extracts["items"].size(), 1u);
    EXPECT_EQ(extracts["items"][0]["path"], "town.osm.pbf");
    EXPECT_EQ(extracts["items"][0]["size"], town.size());

    auto r = require_status(http.post("/api/v1/workspaces/lille/discoveries",
                                      {{"path", "town.osm.pbf"}, {"dry_run", true}}),
                            202);
    EXPECT_EQ(r.json()["params"]["source"], "server");
    const json done = wait_for(r.json());
    ASSERT_EQ(done["status"], "succeeded") << done.dump();
    EXPECT_EQ(done["result"]["dry_run"], true);
    EXPECT_EQ(done["result"]["created"], 5);
    EXPECT_EQ(osm_spaces().size(), 0u) << "a dry run writes nothing";
    EXPECT_TRUE(fs::exists(k_fixtures / "town.osm.pbf")) << "a server-side file is never removed";
}

TEST_F(DiscoveryApi, PathsOutsideTheExtractsFolderAreRefused) {
    for (const std::string path : {"../discovery/town.osm.pbf", "/etc/passwd", "", "missing.pbf",
                                   "../../data/import-friches.csv"}) {
        SCOPED_TRACE(path);
        auto r = http.post("/api/v1/workspaces/lille/discoveries", {{"path", path}});
        EXPECT_TRUE(is_problem(r, 400));
        EXPECT_EQ(error_pointers(r), std::set<std::string>{"/path"}) << r.body;
    }
    auto r = http.post("/api/v1/workspaces/lille/discoveries", {{"file", "town.osm.pbf"}});
    EXPECT_TRUE(is_problem(r, 400));
    EXPECT_EQ(error_pointers(r), (std::set<std::string>{"/file", "/path"})) << r.body;
    // The README is in the folder, but it is no extract.
    r = http.post("/api/v1/workspaces/lille/discoveries", {{"path", "README.md"}});
    EXPECT_TRUE(is_problem(r, 400));
    EXPECT_NE(r.body.find("is not an OSM PBF file"), std::string::npos) << r.body;
    EXPECT_EQ(list("/api/v1/workspaces/lille/jobs")["items"].size(), 0u);
}

TEST_F(DiscoveryApi, BadUploadsAreRefusedAtOnce) {
    auto r = upload("");
    EXPECT_TRUE(is_problem(r, 400));
    EXPECT_NE(r.body.find("the uploaded file town.osm.pbf is empty"), std::string::npos) << r.body;

    r = upload("name,lon,lat\nshop,3.06,50.63\n", "file_name=spaces.csv");
    EXPECT_TRUE(is_problem(r, 400));
    EXPECT_NE(r.body.find("spaces.csv is not an OSM PBF file"), std::string::npos) << r.body;

    r = upload(town, "file_name=town.osm.pbf", "lille", "text/plain");
    EXPECT_TRUE(is_problem(r, 415));
    r = upload(town, "file_name=town.osm.pbf", "nowhere");
    EXPECT_TRUE(is_problem(r, 404));
    r = upload(town, "bogus=1");
    EXPECT_TRUE(is_problem(r, 400));
    EXPECT_EQ(error_parameters(r), std::set<std::string>{"bogus"});
    r = upload(std::string(65 * 1024, 'x'));
    EXPECT_TRUE(is_problem(r, 413));

    EXPECT_EQ(list("/api/v1/workspaces/lille/jobs")["items"].size(), 0u);
    EXPECT_TRUE(!fs::exists(server.dir() / "uploads") || fs::is_empty(server.dir() / "uploads"));
}

TEST_F(DiscoveryApi, TruncatedOrCorruptExtractsChangeNothing) {
    ASSERT_EQ(wait_for(require_status(upload(town), 202).json())["status"], "succeeded");
    const json before = osm_spaces();

    // Cut inside a block (here inside the length of the last one, which the PBF reader itself
    // would take for the end of the file): refused at once.
    for (const std::size_t size : {town.size() * 2 / 3, town.size() - 1, std::size_t{30}}) {
        SCOPED_TRACE(size);
        auto r = upload(town.substr(0, size), "file_name=broken.osm.pbf");
        EXPECT_TRUE(is_problem(r, 400));
        EXPECT_NE(r.body.find("the uploaded file broken.osm.pbf is truncated"), std::string::npos)
            << r.body;
    }

    // Damage inside a compressed block shows only when it is read: the job fails.
    std::string corrupt = town;
    for (std::size_t i = corrupt.size() / 2; i < corrupt.size() / 2 + 64; ++i) {
        corrupt[i] = static_cast<char>(corrupt[i] ^ 0x5a);
    }
    const json done =
        wait_for(require_status(upload(corrupt, "file_name=broken.osm.pbf"), 202).json());
    EXPECT_EQ(done["status"], "failed");
    const std::string error = done["error"].is_string() ? done["error"].get<std::string>() : "";
    EXPECT_NE(error.find("broken.osm.pbf is corrupt"), std::string::npos) << error;
    EXPECT_EQ(error.find(server.dir().string()), std::string::npos)
        << "server paths stay private: " << error;
    EXPECT_TRUE(done["result"].is_null());

    EXPECT_EQ(osm_spaces(), before) << "a refused or failed scan must not end or change anything";
    EXPECT_TRUE(fs::is_empty(server.dir() / "uploads"));
}

// Holds every job at its start (the runner has marked it running) until opened, and tells
// which jobs reached it: a job is then certainly running, and those after it queued.
struct JobGate {
    std::mutex mutex;
    std::condition_variable changed;
    bool open = false;
    std::vector<Id> started;

    void enter(Id job) {
        std::unique_lock lock(mutex);
        started.push_back(job);
        changed.notify_all();
        changed.wait(lock, [&] { return open; });
    }
    void release() {
        {
            std::lock_guard lock(mutex);
            open = true;
        }
        changed.notify_all();
    }
    // Whether `n` jobs have started (bounded: a runner that never starts one fails the test).
    bool wait_started(std::size_t n) {
        std::unique_lock lock(mutex);
        return changed.wait_for(lock, std::chrono::seconds(60), [&] { return started.size() >= n; });
    }
};

class GatedJobsApi : public JobsApi {
protected:
    GatedJobsApi() : GatedJobsApi(std::make_shared<JobGate>()) {}
    explicit GatedJobsApi(std::shared_ptr<JobGate> g) : JobsApi(gated(g)), gate(std::move(g)) {
        create_workspace("lille");
    }
    // Opened before the server stops: the runner joins its worker thread.
    ~GatedJobsApi() override { gate->release(); }

    static TestServerOptions gated(const std::shared_ptr<JobGate>& g) {
        TestServerOptions o = with_extracts(k_fixtures, 64 * 1024);
        o.app.job_started = [g](Id job) { g->enter(job); };
        return o;
    }

    json upload() {
        return require_status(http.send_body("POST",
                                             "/api/v1/workspaces/lille/discoveries?file_name=town.osm.pbf",
                                             read_bytes(k_fixtures / "town.osm.pbf"),
                                             "application/octet-stream"),
                              202, "upload")
            .json();
    }
    static std::string job_path(const json& job) {
        return "/api/v1/workspaces/lille/jobs/" + std::to_string(job["id"].get<std::int64_t>());
    }
    HttpResponse cancel(const json& job) {
        return http.send_body("POST", job_path(job) + "/cancel", "", "application/json");
    }

    std::shared_ptr<JobGate> gate;
};

TEST_F(GatedJobsApi, QueuedAndRunningJobsCanBeCancelledFinishedOnesNot) {
    // The runner takes one job at a time: the first is held at its start, the others wait.
    const json first = upload();
    ASSERT_TRUE(gate->wait_started(1));
    EXPECT_EQ(list(job_path(first))["status"], "running");
    const json second = upload();
    const json third = upload();
    EXPECT_EQ(list(job_path(second))["status"], "queued");
    EXPECT_EQ(list(job_path(third))["status"], "queued");

    // A queued job is cancelled at once, before it starts.
    auto r = cancel(third);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["status"], "cancelled");
    // A running one is asked to stop, and stops.
    r = cancel(first);
    ASSERT_EQ(r.status, 200) << r.body;
    gate->release();
    const json first_done = wait_for(first);
    EXPECT_EQ(first_done["status"], "cancelled");
    EXPECT_TRUE(first_done["result"].is_null());
    EXPECT_EQ(wait_for(second)["status"], "succeeded");
    const json third_done = wait_for(third);
    EXPECT_EQ(third_done["status"], "cancelled");
    EXPECT_TRUE(third_done["result"].is_null());
    {
        std::lock_guard lock(gate->mutex);
        EXPECT_EQ(gate->started, (std::vector<Id>{first["id"].get<Id>(), second["id"].get<Id>()}))
            << "the cancelled queued job never started";
    }

    // Finished jobs stay as they ended.
    EXPECT_TRUE(is_problem(cancel(second), 409));
    EXPECT_TRUE(is_problem(cancel(third), 409));
    r = http.send_body("POST", "/api/v1/workspaces/lille/jobs/999/cancel", "", "application/json");
    EXPECT_TRUE(is_problem(r, 404));
    EXPECT_TRUE(is_problem(http.get("/api/v1/workspaces/lille/jobs/999"), 404));
    EXPECT_TRUE(is_problem(http.get("/api/v1/workspaces/lille/jobs/abc"), 404));
}

TEST_F(DiscoveryApi, JobsBelongToTheirWorkspace) {
    create_workspace("roubaix");
    const json job = wait_for(require_status(upload(town), 202).json());
    const std::string id = std::to_string(job["id"].get<std::int64_t>());
    EXPECT_TRUE(is_problem(http.get("/api/v1/workspaces/roubaix/jobs/" + id), 404));
    EXPECT_EQ(list("/api/v1/workspaces/roubaix/jobs")["items"].size(), 0u);
    EXPECT_EQ(osm_spaces("roubaix").size(), 0u);
}

// An extracts folder with everything a folder on a real disk may hold besides extracts, made
// before the server starts: links out of the folder (to a file, to a folder), link loops, a
// dangling link, a FIFO, a file deeper than extracts are read, and next to them good extracts,
// one through a link inside the folder.
struct ExtractsFolder {
    ExtractsFolder() {
        const std::string town = read_bytes(k_fixtures / "town.osm.pbf");
        fs::create_directories(root / "sub");
        fs::create_directories(root / "a" / "b" / "c" / "d");
        fs::create_directories(outside / "maps");
        std::ofstream(root / "good.osm.pbf", std::ios::binary) << town;
        std::ofstream(root / "sub" / "inner.osm.pbf", std::ios::binary) << town;
        // Three folders deep is the deepest extracts are read; four is too deep.
        std::ofstream(root / "a" / "b" / "c" / "deep.osm.pbf", std::ios::binary) << town;
        std::ofstream(root / "a" / "b" / "c" / "d" / "deeper.osm.pbf", std::ios::binary) << town;
        fs::create_symlink("good.osm.pbf", root / "link-inside.osm.pbf");
        // A file outside the folder, as /etc/passwd would be, and a folder of extracts outside.
        std::ofstream(outside / "passwd.osm.pbf") << "root:x:0:0:root:/root:/bin/bash\n";
        std::ofstream(outside / "maps" / "elsewhere.osm.pbf", std::ios::binary) << town;
        fs::create_symlink(outside / "passwd.osm.pbf", root / "passwd.osm.pbf");
        fs::create_symlink("../outside/passwd.osm.pbf", root / "relative-out.osm.pbf");
        fs::create_symlink(outside / "maps", root / "maps.pbf");
        fs::create_symlink(outside / "maps", root / "maps");
        fs::create_symlink("loop.osm.pbf", root / "loop.osm.pbf");
        fs::create_symlink("b.osm.pbf", root / "a.osm.pbf");
        fs::create_symlink("a.osm.pbf", root / "b.osm.pbf");
        fs::create_symlink("nowhere.osm.pbf", root / "dangling.osm.pbf");
        if (::mkfifo((root / "fifo.osm.pbf").c_str(), 0600) != 0) {
            throw std::runtime_error("cannot make a FIFO");
        }
    }
    TempDir dir;
    fs::path root = dir / "extracts";
    fs::path outside = dir / "outside";
};

class ExtractsFolderApi : protected ExtractsFolder, public JobsApi {
protected:
    ExtractsFolderApi() : JobsApi(with_extracts(root)) { create_workspace("lille"); }

    HttpResponse start(const std::string& path) {
        return http.post("/api/v1/workspaces/lille/discoveries",
                         {{"path", path}, {"dry_run", true}});
    }
};

TEST_F(ExtractsFolderApi, OnlyRegularFilesInsideTheFolderAreListed) {
    const auto r = require_status(http.get("/api/v1/extracts"), 200);
    const json items = r.json()["items"];
    std::vector<std::string> paths;
    for (const auto& item : items) paths.push_back(item["path"]);
    EXPECT_EQ(paths, (std::vector<std::string>{"a/b/c/deep.osm.pbf", "good.osm.pbf",
                                               "link-inside.osm.pbf", "sub/inner.osm.pbf"}))
        << r.body;
    // Nothing about what lies outside: no target, no path of the server's disk.
    for (const std::string& secret :
         std::vector<std::string>{"outside", "passwd", "elsewhere", dir.path().string()}) {
        EXPECT_EQ(r.body.find(secret), std::string::npos) << secret << " in " << r.body;
    }
}

TEST_F(ExtractsFolderApi, AnythingButAnExtractInsideIsNotFound) {
    // The answer for a file that does not exist at all: every refusal must read the same, so
    // that it tells nothing about the disk outside the folder.
    const auto missing = start("missing.osm.pbf");
    ASSERT_TRUE(is_problem(missing, 400));
    const json expected = missing.json()["errors"];
    ASSERT_EQ(error_pointers(missing), std::set<std::string>{"/path"});
    EXPECT_NE(expected.dump().find("not found"), std::string::npos) << missing.body;
    for (const std::string path : {"passwd.osm.pbf", "relative-out.osm.pbf", "maps.pbf",
                                   "maps/elsewhere.osm.pbf", "maps", "loop.osm.pbf",
                                   "a.osm.pbf", "dangling.osm.pbf", "fifo.osm.pbf", "sub",
                                   "a/b/c/d/deeper.osm.pbf", "./a/b/c/d/deeper.osm.pbf"}) {
        SCOPED_TRACE(path);
        const auto r = start(path);
        ASSERT_TRUE(is_problem(r, 400));
        EXPECT_EQ(r.json()["errors"], expected) << r.body;
        for (const std::string& secret :
             std::vector<std::string>{"outside", "root:x", dir.path().string()}) {
            EXPECT_EQ(r.body.find(secret), std::string::npos) << secret << " in " << r.body;
        }
    }
    EXPECT_EQ(list("/api/v1/workspaces/lille/jobs")["items"].size(), 0u);

    // The extracts the list shows are accepted, the one behind a link inside the folder too.
    for (const std::string path : {"good.osm.pbf", "link-inside.osm.pbf", "sub/inner.osm.pbf",
                                   "a/b/c/deep.osm.pbf"}) {
        SCOPED_TRACE(path);
        const json done = wait_for(require_status(start(path), 202).json());
        EXPECT_EQ(done["status"], "succeeded") << done.dump();
        EXPECT_EQ(done["result"]["candidates"], 5);
    }
}

class DiscoveryApiUploadsOnly : public JobsApi {
protected:
    DiscoveryApiUploadsOnly() : JobsApi(TestServerOptions{}) {}
};

TEST_F(DiscoveryApiUploadsOnly, ServerSidePathsNeedAnExtractsFolder) {
    create_workspace("lille");
    auto r = http.post("/api/v1/workspaces/lille/discoveries", {{"path", "town.osm.pbf"}});
    EXPECT_TRUE(is_problem(r, 403));
    EXPECT_EQ(list("/api/v1/extracts"), json({{"enabled", false}, {"items", json::array()}}));
}

class DiscoveryApiRealData : public JobsApi {
protected:
    DiscoveryApiRealData() : JobsApi(with_extracts(k_osm)) {}
};

TEST_F(DiscoveryApiRealData, TheThreeExtractsScannedFromTheServersFolder) {
    if (!fs::exists(k_osm / "liechtenstein-2024-03-04.osm.pbf")) {
        if (std::getenv("CI")) FAIL() << "missing " << k_osm;
        GTEST_SKIP() << "missing " << k_osm;
    }
    const std::vector<std::pair<std::string, int>> extracts{
        {"liechtenstein-2024-03-04.osm.pbf", 19},
        {"andorra-2021-10-28.osm.pbf", 4},
        {"monaco-2016-03-04.osm.pbf", 3}};
    for (const auto& [file, count] : extracts) {
        SCOPED_TRACE(file);
        const std::string ws = file.substr(0, file.find('-'));
        create_workspace(ws);
        const json done = wait_for(
            require_status(http.post("/api/v1/workspaces/" + ws + "/discoveries", {{"path", file}}),
                           202)
                .json());
        ASSERT_EQ(done["status"], "succeeded") << done.dump();
        EXPECT_EQ(done["result"]["candidates"], count);
        EXPECT_EQ(done["result"]["created"], count);
        EXPECT_EQ(list(spaces_path(ws) + "?source=osm&limit=100")["items"].size(),
                  static_cast<std::size_t>(count));
    }
}

} // namespace
} // namespace impetus::test
