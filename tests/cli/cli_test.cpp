// The `impetus` command line as scripts use it: the real binary, its output and exit codes.

#include "support/run_command.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <regex>

using namespace impetus::test;
using nlohmann::json;

namespace {

bool contains(const std::string& s, const std::string& what) {
    return s.find(what) != std::string::npos;
}

class Cli : public ::testing::Test {
protected:
    TempDir dir;
    std::string db = dir.file("test.db");

    RunResult impetus(std::vector<std::string> args, const std::string& input = {}) {
        args.push_back("--db");
        args.push_back(db);
        return run_impetus(args, input);
    }

    void create_workspace(const std::string& slug) {
        auto r = impetus({"workspace", "create", slug, "--name", "Test " + slug});
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }

    std::size_t exported_count(const std::string& slug) {
        auto r = impetus({"export", "--workspace", slug});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return json::parse(r.out)["features"].size();
    }
};

void run_sql(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
}

void set_user_version(const std::string& path, int version) {
    run_sql(path, "PRAGMA user_version = " + std::to_string(version));
}

} // namespace

TEST(CliHelp, TopLevelListsEveryCommand) {
    auto r = run_impetus({"--help"});
    EXPECT_EQ(r.exit_code, 0);
    for (const char* c : {"serve", "import", "export", "discover", "db", "workspace", "user"}) {
        EXPECT_TRUE(contains(r.out, c)) << c;
    }
}

TEST(CliHelp, EveryCommandHasHelp) {
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
        {{"serve", "--help"}, "--listen"},
        {{"import", "--help"}, "--workspace"},
        {{"export", "--help"}, "--format"},
        {{"discover", "--help"}, "--geojson"},
        {{"db", "--help"}, "backup"},
        {{"db", "migrate", "--help"}, "--db"},
        {{"db", "backup", "--help"}, "FILE"},
        {{"db", "check", "--help"}, "--db"},
        {{"workspace", "--help"}, "create"},
        {{"workspace", "create", "--help"}, "--name"},
        {{"workspace", "list", "--help"}, "--json"},
    };
    for (const auto& [args, expected] : cases) {
        auto r = run_impetus(args);
        EXPECT_EQ(r.exit_code, 0) << args[0];
        EXPECT_TRUE(contains(r.out, expected)) << args[0] << " help lacks " << expected;
    }
}

TEST(CliHelp, NoCommandIsAUsageError) {
    auto r = run_impetus({});
    EXPECT_EQ(r.exit_code, 2);
    auto bad = run_impetus({"frobnicate"});
    EXPECT_EQ(bad.exit_code, 2);
}

TEST_F(Cli, WorkspaceCreateAndList) {
    create_workspace("lille");
    auto r = impetus({"workspace", "create", "riga", "--name", "Riga", "--country", "lv",
                      "--languages", "lv,en", "--center", "24.1,56.95"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto list = impetus({"workspace", "list", "--json"});
    ASSERT_EQ(list.exit_code, 0);
    auto j = json::parse(list.out);
    ASSERT_EQ(j.size(), 2u);
    EXPECT_EQ(j[1]["slug"], "riga");
    EXPECT_EQ(j[1]["country"], "LV");
    EXPECT_EQ(j[1]["languages"], json::array({"lv", "en"}));
    EXPECT_DOUBLE_EQ(j[1]["map_view"]["lat"].get<double>(), 56.95);

    auto dup = impetus({"workspace", "create", "lille", "--name", "Again"});
    EXPECT_EQ(dup.exit_code, 4);
    EXPECT_TRUE(contains(dup.err, "already exists")) << dup.err;
    EXPECT_TRUE(contains(dup.err, "hint:")) << dup.err;

    auto same = impetus({"workspace", "create", "lille", "--name", "Again", "--if-missing"});
    EXPECT_EQ(same.exit_code, 0);
}

TEST_F(Cli, InvalidWorkspaceListsEveryField) {
    auto r = impetus({"workspace", "create", "Bad Slug", "--name", "x", "--country", "France"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(contains(r.err, "/slug")) << r.err;
    EXPECT_TRUE(contains(r.err, "/country")) << r.err;
}

TEST_F(Cli, ImportErrorsSayWhatAndHow) {
    create_workspace("lille");
    auto missing = impetus({"import", dir.file("nope.csv"), "--workspace", "lille"});
    EXPECT_EQ(missing.exit_code, 3);
    EXPECT_TRUE(contains(missing.err, "no file")) << missing.err;

    write_file(dir.file("a.geojson"), R"({"type":"FeatureCollection","features":[]})");
    auto ws = impetus({"import", dir.file("a.geojson"), "--workspace", "nowhere"});
    EXPECT_EQ(ws.exit_code, 3);
    EXPECT_TRUE(contains(ws.err, "impetus workspace create nowhere")) << ws.err;

    write_file(dir.file("image.png"), std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16));
    auto png = impetus({"import", dir.file("image.png"), "--workspace", "lille"});
    EXPECT_EQ(png.exit_code, 2);
    EXPECT_TRUE(contains(png.err, "hint:")) << png.err;

    write_file(dir.file("empty.csv"), "");
    auto empty = impetus({"import", dir.file("empty.csv"), "--workspace", "lille"});
    EXPECT_EQ(empty.exit_code, 2);
    EXPECT_TRUE(contains(empty.err, "empty")) << empty.err;
}

TEST_F(Cli, ImportFromStandardInputAndStrictMode) {
    create_workspace("lille");
    const std::string good = R"({"type":"FeatureCollection","features":[
      {"type":"Feature","id":"a","geometry":{"type":"Point","coordinates":[3.06,50.63]},
       "properties":{"name":"Shop A","kind":"shop"}}]})";
    auto r = impetus({"import", "-", "--workspace", "lille", "--json"}, good);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto report = json::parse(r.out);
    EXPECT_EQ(report["created"], 1);
    EXPECT_EQ(report["format"], "geojson");

    const std::string mixed = R"({"type":"FeatureCollection","features":[
      {"type":"Feature","id":"b","geometry":{"type":"Point","coordinates":[3.07,50.64]},
       "properties":{"name":"Shop B","kind":"shop"}},
      {"type":"Feature","id":"c","geometry":{"type":"Point","coordinates":[300,50.64]},
       "properties":{"name":"Bad","kind":"shop"}}]})";
    write_file(dir.file("mixed.geojson"), mixed);
    auto strict = impetus({"import", dir.file("mixed.geojson"), "--workspace", "lille", "--strict"});
    EXPECT_EQ(strict.exit_code, 2);
    EXPECT_TRUE(contains(strict.err, "nothing was imported")) << strict.err;
    EXPECT_EQ(exported_count("lille"), 1u);

    auto dry = impetus({"import", dir.file("mixed.geojson"), "--workspace", "lille", "--dry-run"});
    EXPECT_EQ(dry.exit_code, 0);
    EXPECT_TRUE(contains(dry.out, "dry run")) << dry.out;
    EXPECT_EQ(exported_count("lille"), 1u);

    auto lenient = impetus({"import", dir.file("mixed.geojson"), "--workspace", "lille"});
    EXPECT_EQ(lenient.exit_code, 0);
    EXPECT_TRUE(contains(lenient.out, "1 created")) << lenient.out;
    EXPECT_TRUE(contains(lenient.out, "1 rejected")) << lenient.out;
    EXPECT_TRUE(contains(lenient.out, "longitude")) << lenient.out;
    EXPECT_EQ(exported_count("lille"), 2u);
}

TEST_F(Cli, RealBrownfieldRegisterImportsAndReimportsUnchanged) {
    auto file = shared_data("brownfield/brighton-and-hove.csv");
    if (file.empty()) GTEST_SKIP() << "shared data not present";
    create_workspace("brighton");
    auto first = impetus({"import", file, "--workspace", "brighton", "--json"});
    ASSERT_EQ(first.exit_code, 0) << first.err;
    auto r1 = json::parse(first.out);
    EXPECT_EQ(r1["rows"], 172);
    EXPECT_EQ(r1["created"], 172);
    EXPECT_EQ(r1["rejected"].size(), 0u);
    EXPECT_EQ(r1["ended"], 13);
    EXPECT_EQ(r1["encoding"], "windows-1252");

    auto second = impetus({"import", file, "--workspace", "brighton", "--json"});
    auto r2 = json::parse(second.out);
    EXPECT_EQ(r2["unchanged"], 172);
    EXPECT_EQ(r2["created"], 0);
    EXPECT_EQ(r2["updated"], 0);

    auto ended = impetus({"export", "--workspace", "brighton", "--status", "ended"});
    EXPECT_EQ(json::parse(ended.out)["features"].size(), 13u);
}

TEST_F(Cli, ExportGeoJsonAndCsv) {
    create_workspace("lille");
    const std::string data = R"({"type":"FeatureCollection","features":[
      {"type":"Feature","id":"a","geometry":{"type":"Point","coordinates":[3.06,50.63]},
       "properties":{"name":"Shop, \"A\"","kind":"shop","notes":"two\nlines"}},
      {"type":"Feature","id":"b","geometry":{"type":"Polygon","coordinates":[[[3.0,50.0],[3.001,50.0],[3.001,50.001],[3.0,50.001],[3.0,50.0]]]},
       "properties":{"name":"Plot B","kind":"plot"}}]})";
    ASSERT_EQ(impetus({"import", "-", "--workspace", "lille"}, data).exit_code, 0);

    auto gj = impetus({"export", "--workspace", "lille", "--kind", "plot"});
    ASSERT_EQ(gj.exit_code, 0) << gj.err;
    auto fc = json::parse(gj.out);
    ASSERT_EQ(fc["features"].size(), 1u);
    EXPECT_EQ(fc["features"][0]["properties"]["name"], "Plot B");
    EXPECT_EQ(fc["features"][0]["properties"]["workspace"], "lille");

    auto out = dir.file("spaces.csv");
    auto csv = impetus({"export", "--workspace", "lille", "--format", "csv", "-o", out});
    ASSERT_EQ(csv.exit_code, 0) << csv.err;
    auto text = read_file(out);
    EXPECT_EQ(text.rfind("id,workspace,name,kind,status,longitude,latitude", 0), 0u);
    EXPECT_TRUE(contains(text, "\"Shop, \"\"A\"\"\"")) << text;
    EXPECT_TRUE(contains(text, "\"two\nlines\"")) << text;
    EXPECT_TRUE(contains(text, "POLYGON ((3 50, 3.001 50")) << text;

    auto bad = impetus({"export", "--workspace", "lille", "--bbox", "1,2,3"});
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_TRUE(contains(bad.err, "--bbox")) << bad.err;
    auto nows = impetus({"export", "--workspace", "nowhere"});
    EXPECT_EQ(nows.exit_code, 3);
}

TEST_F(Cli, DbMigrateCheckBackup) {
    auto m = impetus({"db", "migrate"});
    ASSERT_EQ(m.exit_code, 0) << m.err;
    std::smatch version;
    ASSERT_TRUE(std::regex_search(m.out, version, std::regex("schema version (\\d+)"))) << m.out;
    EXPECT_GE(std::stoi(version[1]), 1);
    create_workspace("lille");
    auto check = impetus({"db", "check"});
    EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
    EXPECT_TRUE(contains(check.out, "ok")) << check.out;
    EXPECT_TRUE(contains(check.out, "schema version " + version[1].str())) << check.out;

    auto copy = dir.file("copy.db");
    auto b = impetus({"db", "backup", copy});
    ASSERT_EQ(b.exit_code, 0) << b.err;
    auto list = run_impetus({"workspace", "list", "--db", copy});
    EXPECT_EQ(list.exit_code, 0);
    EXPECT_TRUE(contains(list.out, "lille")) << list.out;

    auto self = impetus({"db", "backup", db});
    EXPECT_NE(self.exit_code, 0);
}

TEST_F(Cli, MissingAndForeignDatabasesAreRefused) {
    auto check = impetus({"db", "check"});
    EXPECT_EQ(check.exit_code, 3);
    EXPECT_TRUE(contains(check.err, "does not exist")) << check.err;

    sqlite3* other = nullptr;
    auto foreign = dir.file("other.db");
    ASSERT_EQ(sqlite3_open(foreign.c_str(), &other), SQLITE_OK);
    sqlite3_exec(other, "CREATE TABLE t (x)", nullptr, nullptr, nullptr);
    sqlite3_close(other);
    auto r = run_impetus({"db", "migrate", "--db", foreign});
    EXPECT_EQ(r.exit_code, 5);
    EXPECT_TRUE(contains(r.err, "not an Impetus database")) << r.err;
}

TEST_F(Cli, NewerSchemaIsRefusedUntouched) {
    create_workspace("lille");
    set_user_version(db, 99);
    const auto before = read_file(db);
    for (std::vector<std::string> args : {std::vector<std::string>{"db", "migrate"},
                                          std::vector<std::string>{"workspace", "list"},
                                          std::vector<std::string>{"serve"}}) {
        auto r = impetus(args);
        EXPECT_EQ(r.exit_code, 5) << args[0];
        EXPECT_TRUE(contains(r.err, "newer than this program knows")) << r.err;
        EXPECT_TRUE(contains(r.err, "hint:")) << r.err;
    }
    EXPECT_EQ(read_file(db), before);
}

TEST_F(Cli, ServeStartsStopsAndRefusesBadAddresses) {
    auto bad = impetus({"serve", "--listen", "localhost"});
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_TRUE(contains(bad.err, "HOST:PORT")) << bad.err;

    ServeProcess server(db);
    EXPECT_GT(server.port(), 0);
    auto taken = impetus({"serve", "--listen", "127.0.0.1:" + std::to_string(server.port())});
    EXPECT_EQ(taken.exit_code, 5);
    EXPECT_TRUE(contains(taken.err, "cannot listen")) << taken.err;
    EXPECT_EQ(server.stop(), 0);
}

TEST_F(Cli, UserCreateListAndSetRole) {
    create_workspace("lille");
    auto r = impetus({"user", "create", "Officer@Example.org", "--name", "Olga",
                      "--password-stdin"},
                     "a long enough password\n");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "user officer@example.org created")) << r.out;
    EXPECT_FALSE(contains(r.out, "password:")) << "a given password is not printed";

    r = impetus({"user", "create", "root@example.org", "--admin"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(std::regex_search(r.out, std::regex("password: [A-Za-z0-9_-]{20}"))) << r.out;

    r = impetus({"user", "set-role", "officer@example.org", "--workspace", "lille", "--role",
                 "officer"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = impetus({"user", "list", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json users = json::parse(r.out);
    ASSERT_EQ(users.size(), 2u);
    EXPECT_EQ(users[0]["email"], "officer@example.org");
    EXPECT_EQ(users[0]["roles"]["lille"], "officer");
    EXPECT_EQ(users[0]["email_verified"], true);
    EXPECT_EQ(users[1]["instance_admin"], true);

    // Mistakes are refused with a reason.
    r = impetus({"user", "create", "officer@example.org", "--password-stdin"},
                "another long password\n");
    EXPECT_EQ(r.exit_code, 4) << r.err;
    r = impetus({"user", "create", "weak@example.org", "--password-stdin"}, "short\n");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(contains(r.err, "at least 10 characters")) << r.err;
    r = impetus({"user", "create", "not-an-address"});
    EXPECT_EQ(r.exit_code, 2);
    r = impetus({"user", "set-role", "nobody@example.org", "-w", "lille", "--role", "officer"});
    EXPECT_EQ(r.exit_code, 3);
    r = impetus({"user", "set-role", "officer@example.org", "-w", "lille", "--role", "king"});
    EXPECT_EQ(r.exit_code, 2);
    r = impetus({"user", "set-role", "officer@example.org", "-w", "lille", "--role", "none"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(Cli, RolesGoToVerifiedAddressesOnly) {
    create_workspace("lille");
    ASSERT_EQ(impetus({"user", "create", "vera@example.org"}).exit_code, 0);
    // As if Vera's address had been registered by someone else and never confirmed.
    run_sql(db, "UPDATE user SET email_verified_at = '' WHERE email = 'vera@example.org'");
    auto r = impetus({"user", "set-role", "vera@example.org", "-w", "lille", "--role", "officer"});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_TRUE(contains(r.err, "no verified account")) << r.err;
    r = impetus({"user", "list", "--json"});
    EXPECT_TRUE(json::parse(r.out)[0]["roles"].empty()) << r.out;
}

TEST_F(Cli, ServeWarnsWithoutAPublicUrlAndRefusesABadOne) {
    auto bad = impetus({"serve", "--listen", "127.0.0.1:0", "--public-url", "evil.example"});
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_TRUE(contains(bad.err, "--public-url")) << bad.err;
    bad = impetus({"serve", "--listen", "127.0.0.1:0", "--public-url", "https://x.example/?a=1"});
    EXPECT_EQ(bad.exit_code, 2) << bad.err;

    // Both attempts below fail on the port a running server holds, after the start's checks.
    ServeProcess server(db);
    const std::string taken = "127.0.0.1:" + std::to_string(server.port());
    auto r = impetus({"serve", "--listen", taken});
    EXPECT_TRUE(contains(r.err, "no --public-url")) << r.err;
    r = impetus({"serve", "--listen", taken, "--public-url", "https://impetus.example.org"});
    EXPECT_FALSE(contains(r.err, "no --public-url")) << r.err;
    EXPECT_TRUE(contains(r.err, "cannot listen")) << r.err;
    EXPECT_EQ(server.stop(), 0);
}
