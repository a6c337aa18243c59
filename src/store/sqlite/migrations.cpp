#include "store/sqlite/migrations.hpp"

#include "core/error.hpp"

#include <string>
#include <vector>

namespace impetus::sqlite {

namespace {

// Each entry moves the schema from version i to i + 1. Never edit a released entry: add one.
const std::vector<std::string> k_migrations = {
    // 1: workspaces, organisations, spaces with history, spatial and text indexes.
    R"SQL(
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO meta (key, value) VALUES ('generation', 0);

CREATE TABLE workspace (
    id         INTEGER PRIMARY KEY,
    slug       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    country    TEXT NOT NULL DEFAULT '',
    languages  TEXT NOT NULL DEFAULT '["en"]',
    map_lon    REAL NOT NULL DEFAULT 0,
    map_lat    REAL NOT NULL DEFAULT 0,
    map_zoom   REAL NOT NULL DEFAULT 2,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE organisation (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspace(id),
    name         TEXT NOT NULL,
    type         TEXT NOT NULL CHECK (type IN ('public_authority', 'urban_agency',
                     'private_company', 'non_profit', 'cooperative', 'informal_group', 'other')),
    contact      TEXT NOT NULL DEFAULT '{}',
    notes        TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX organisation_workspace ON organisation (workspace_id, id);

CREATE TABLE space (
    id                    INTEGER PRIMARY KEY,
    workspace_id          INTEGER NOT NULL REFERENCES workspace(id),
    name                  TEXT NOT NULL,
    kind                  TEXT NOT NULL CHECK (kind IN ('building', 'unit', 'shop', 'plot',
                              'open_space')),
    parent_id             INTEGER REFERENCES space(id),
    geometry              TEXT NOT NULL,
    min_lon               REAL NOT NULL,
    min_lat               REAL NOT NULL,
    max_lon               REAL NOT NULL,
    max_lat               REAL NOT NULL,
    area_m2               REAL,
    area_computed         INTEGER NOT NULL DEFAULT 0,
    floor_area_m2         REAL,
    floors                INTEGER,
    address               TEXT NOT NULL DEFAULT '',
    owner_organisation_id INTEGER REFERENCES organisation(id),
    owner_type            TEXT NOT NULL DEFAULT 'unknown',
    building_type         TEXT,
    condition             TEXT,
    vacancy               TEXT,
    vacant_since          TEXT,
    water                 INTEGER,
    electricity           INTEGER,
    heating               INTEGER,
    internet              INTEGER,
    step_free_access      INTEGER,
    available_from        TEXT,
    available_to          TEXT,
    planned_future_use    TEXT NOT NULL DEFAULT '',
    notes                 TEXT NOT NULL DEFAULT '',
    source                TEXT NOT NULL DEFAULT '',
    source_id             TEXT NOT NULL DEFAULT '',
    source_attributes     TEXT NOT NULL DEFAULT '{}',
    status                TEXT NOT NULL CHECK (status IN ('reported', 'verified', 'available',
                              'allocated', 'in_use', 'ended', 'withdrawn', 'redeveloped',
                              'demolished')),
    version               INTEGER NOT NULL DEFAULT 1,
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL
);
CREATE UNIQUE INDEX space_source ON space (workspace_id, source, source_id) WHERE source_id <> '';
CREATE INDEX space_workspace_status ON space (workspace_id, status);
CREATE INDEX space_workspace_name ON space (workspace_id, name COLLATE NOCASE);
CREATE INDEX space_workspace_area ON space (workspace_id, area_m2);
CREATE INDEX space_parent ON space (parent_id) WHERE parent_id IS NOT NULL;

-- R*Tree over each geometry's bounding box; SQLite rounds outward to 32-bit floats, so the
-- index never misses, and the exact test follows in the query.
CREATE VIRTUAL TABLE space_rtree USING rtree (id, min_lon, max_lon, min_lat, max_lat);

CREATE VIRTUAL TABLE space_fts USING fts5 (
    name, address, notes,
    content = 'space', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER space_ai AFTER INSERT ON space BEGIN
    INSERT INTO space_rtree (id, min_lon, max_lon, min_lat, max_lat)
        VALUES (new.id, new.min_lon, new.max_lon, new.min_lat, new.max_lat);
    INSERT INTO space_fts (rowid, name, address, notes)
        VALUES (new.id, new.name, new.address, new.notes);
END;
CREATE TRIGGER space_au AFTER UPDATE ON space BEGIN
    UPDATE space_rtree SET min_lon = new.min_lon, max_lon = new.max_lon,
        min_lat = new.min_lat, max_lat = new.max_lat WHERE id = new.id;
    INSERT INTO space_fts (space_fts, rowid, name, address, notes)
        VALUES ('delete', old.id, old.name, old.address, old.notes);
    INSERT INTO space_fts (rowid, name, address, notes)
        VALUES (new.id, new.name, new.address, new.notes);
END;
-- Spaces are never deleted (DOMAIN.md): ending keeps the record.
CREATE TRIGGER space_no_delete BEFORE DELETE ON space BEGIN
    SELECT RAISE(ABORT, 'spaces are never deleted; end them instead');
END;

CREATE TABLE space_status_change (
    id          INTEGER PRIMARY KEY,
    space_id    INTEGER NOT NULL REFERENCES space(id),
    at          TEXT NOT NULL,
    from_status TEXT,
    to_status   TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX space_status_change_space ON space_status_change (space_id, id);
)SQL",
    // 2: the base map of each workspace's interface.
    R"SQL(
ALTER TABLE workspace ADD COLUMN tile_url TEXT NOT NULL DEFAULT '';
ALTER TABLE workspace ADD COLUMN tile_attribution TEXT NOT NULL DEFAULT '';
)SQL",
    // 3: background jobs; when a person last edited a space (sources then leave it alone).
    R"SQL(
ALTER TABLE space ADD COLUMN edited_at TEXT;

CREATE TABLE job (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspace(id),
    kind         TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed',
                     'cancelled')),
    params       TEXT NOT NULL DEFAULT '{}',
    progress     TEXT NOT NULL DEFAULT '{}',
    result       TEXT,
    error        TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    started_at   TEXT NOT NULL DEFAULT '',
    finished_at  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX job_workspace ON job (workspace_id, id);
)SQL",
    // 4: accounts, roles, sessions, tokens, e-mail links, the mail outbox and the audit log.
    R"SQL(
CREATE TABLE user (
    id                INTEGER PRIMARY KEY,
    email             TEXT NOT NULL,
    display_name      TEXT NOT NULL DEFAULT '',
    password_hash     TEXT NOT NULL DEFAULT '',
    instance_admin    INTEGER NOT NULL DEFAULT 0,
    email_verified_at TEXT NOT NULL DEFAULT '',
    locked_until      TEXT NOT NULL DEFAULT '',
    failed_logins     INTEGER NOT NULL DEFAULT 0,
    created_at        TEXT NOT NULL,
    erased_at         TEXT NOT NULL DEFAULT ''
);
-- erased accounts keep their row with an empty e-mail
CREATE UNIQUE INDEX user_email ON user (email) WHERE email <> '';

CREATE TABLE membership (
    user_id      INTEGER NOT NULL REFERENCES user(id),
    workspace_id INTEGER NOT NULL REFERENCES workspace(id),
    role         TEXT NOT NULL CHECK (role IN ('citizen', 'applicant', 'owner', 'officer',
                     'admin')),
    PRIMARY KEY (user_id, workspace_id)
) WITHOUT ROWID;
CREATE INDEX membership_workspace ON membership (workspace_id);

CREATE TABLE session (
    id          INTEGER PRIMARY KEY,
    token_hash  TEXT NOT NULL UNIQUE,
    user_id     INTEGER NOT NULL REFERENCES user(id),
    csrf_token  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE INDEX session_user ON session (user_id);

CREATE TABLE api_token (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES user(id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    scopes       TEXT NOT NULL DEFAULT '[]',
    created_at   TEXT NOT NULL,
    last_used_at TEXT NOT NULL DEFAULT '',
    revoked_at   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX api_token_user ON api_token (user_id);

CREATE TABLE email_token (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES user(id),
    purpose    TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;

CREATE TABLE mail_outbox (
    id         INTEGER PRIMARY KEY,
    recipient  TEXT NOT NULL,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    sent_at    TEXT NOT NULL DEFAULT '',
    attempts   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX mail_outbox_pending ON mail_outbox (id) WHERE sent_at = '';

-- Append-only: the triggers refuse changes and deletions.
CREATE TABLE audit (
    id           INTEGER PRIMARY KEY,
    at           TEXT NOT NULL,
    user_id      INTEGER,
    actor        TEXT NOT NULL,
    address      TEXT NOT NULL DEFAULT '',
    workspace_id INTEGER,
    entity       TEXT NOT NULL,
    entity_id    INTEGER NOT NULL,
    action       TEXT NOT NULL,
    before       TEXT,
    after        TEXT
);
CREATE INDEX audit_workspace ON audit (workspace_id, id);
CREATE INDEX audit_entity ON audit (entity, entity_id, id);
CREATE INDEX audit_user ON audit (user_id, id);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
)SQL",
    // 5: citizens' reports of vacant spaces, their photos and their moderation.
    R"SQL(
CREATE TABLE report (
    id               INTEGER PRIMARY KEY,
    workspace_id     INTEGER NOT NULL REFERENCES workspace(id),
    lon              REAL NOT NULL,
    lat              REAL NOT NULL,
    kind             TEXT NOT NULL,
    description      TEXT NOT NULL DEFAULT '',
    vacant_for       TEXT NOT NULL DEFAULT 'unknown',
    contact_name     TEXT NOT NULL DEFAULT '',
    contact_email    TEXT NOT NULL DEFAULT '',
    reporter_user_id INTEGER REFERENCES user(id),
    status           TEXT NOT NULL DEFAULT 'pending'
                         CHECK (status IN ('pending', 'accepted', 'merged', 'rejected')),
    decision_reason  TEXT NOT NULL DEFAULT '',
    space_id         INTEGER REFERENCES space(id),
    follow_hash      TEXT NOT NULL UNIQUE,
    created_at       TEXT NOT NULL,
    decided_at       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX report_queue ON report (workspace_id, status, id);

CREATE TABLE report_photo (
    id        INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES report(id),
    width     INTEGER NOT NULL,
    height    INTEGER NOT NULL,
    jpeg      BLOB NOT NULL,
    thumbnail BLOB NOT NULL
);
CREATE INDEX report_photo_report ON report_photo (report_id, id);
)SQL",
    // 6: people as members of owner and applicant organisations.
    R"SQL(
CREATE TABLE organisation_member (
    organisation_id INTEGER NOT NULL REFERENCES organisation(id),
    user_id         INTEGER NOT NULL REFERENCES user(id),
    created_at      TEXT NOT NULL,
    PRIMARY KEY (organisation_id, user_id)
) WITHOUT ROWID;
CREATE INDEX organisation_member_user ON organisation_member (user_id);
)SQL",
    // 7: calls for temporary use, applications with their attachments, evaluation sheets.
    // The records' fields are JSON documents (core/calls_json); what queries filter on has
    // columns of its own.
    R"SQL(
CREATE TABLE call (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspace(id),
    state        TEXT NOT NULL DEFAULT 'draft'
                     CHECK (state IN ('draft', 'open', 'closed', 'evaluating', 'decided')),
    doc          TEXT NOT NULL,
    adjustments  TEXT NOT NULL DEFAULT '[]',
    proposal     TEXT,
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    decided_at   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX call_workspace ON call (workspace_id, id);

CREATE TABLE application (
    id              INTEGER PRIMARY KEY,
    workspace_id    INTEGER NOT NULL REFERENCES workspace(id),
    call_id         INTEGER NOT NULL REFERENCES call(id),
    organisation_id INTEGER NOT NULL REFERENCES organisation(id),
    created_by      INTEGER NOT NULL REFERENCES user(id),
    status          TEXT NOT NULL DEFAULT 'draft'
                        CHECK (status IN ('draft', 'submitted', 'withdrawn')),
    doc             TEXT NOT NULL,
    eligibility     TEXT NOT NULL DEFAULT '{}',
    shortlisted     INTEGER NOT NULL DEFAULT 0,
    decision        TEXT NOT NULL DEFAULT '{}',
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    submitted_at    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX application_call ON application (call_id, id);
CREATE INDEX application_organisation ON application (organisation_id, id);

CREATE TABLE application_attachment (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES application(id),
    name           TEXT NOT NULL,
    file_name      TEXT NOT NULL,
    content_type   TEXT NOT NULL,
    size           INTEGER NOT NULL,
    sha256         TEXT NOT NULL,
    content        BLOB NOT NULL,
    created_at     TEXT NOT NULL
);
CREATE INDEX application_attachment_application ON application_attachment (application_id, id);

CREATE TABLE evaluation (
    application_id INTEGER NOT NULL REFERENCES application(id),
    evaluator_id   INTEGER NOT NULL REFERENCES user(id),
    conflict       INTEGER NOT NULL DEFAULT 0,
    conflict_note  TEXT NOT NULL DEFAULT '',
    scores         TEXT NOT NULL DEFAULT '{}',
    submitted_at   TEXT NOT NULL DEFAULT '',
    updated_at     TEXT NOT NULL,
    PRIMARY KEY (application_id, evaluator_id)
) WITHOUT ROWID;
)SQL",
    // 8: how large one space's geometry may be in each workspace (core GeometryLimits).
    R"SQL(
ALTER TABLE workspace ADD COLUMN max_vertices INTEGER NOT NULL DEFAULT 20000;
ALTER TABLE workspace ADD COLUMN max_rings INTEGER NOT NULL DEFAULT 500;
)SQL",
};

int read_version(Connection& c) {
    auto app = c.query_int("PRAGMA application_id");
    auto version = static_cast<int>(c.query_int("PRAGMA user_version"));
    if (app != 0 && app != k_application_id) {
        throw Error(ErrorKind::storage, "the database file belongs to another application",
                    "give the path of an Impetus database, or a new file name");
    }
    if (app == 0) {
        // The first migration sets application_id in the same transaction as user_version, so a
        // file without our id is ours only while it is empty and unversioned. Other programs
        // number their schemas with user_version too.
        auto tables = c.query_int("SELECT count(*) FROM sqlite_schema WHERE type = 'table'");
        if (tables > 0 || version != 0) {
            throw Error(ErrorKind::storage, "the database file is not an Impetus database",
                        "give the path of an Impetus database, or a new file name");
        }
    }
    if (version > latest_schema_version()) {
        throw Error(ErrorKind::storage,
                    "the database schema is version " + std::to_string(version) +
                        ", newer than this program knows (" +
                        std::to_string(latest_schema_version()) + ")",
                    "upgrade Impetus to a release that knows this schema; nothing was changed");
    }
    return version;
}

} // namespace

int latest_schema_version() { return static_cast<int>(k_migrations.size()); }

int check_version(Connection& c) { return read_version(c); }

int migrate(Connection& c) {
    int applied = 0;
    // Serialise concurrent starts: the version is read again inside the write transaction.
    for (;;) {
        WriteTransaction tx(c);
        int version = read_version(c);
        if (version >= latest_schema_version()) {
            tx.commit();
            return applied;
        }
        c.exec(k_migrations[static_cast<std::size_t>(version)]);
        c.exec("PRAGMA application_id = " + std::to_string(k_application_id));
        c.exec("PRAGMA user_version = " + std::to_string(version + 1));
        tx.commit();
        ++applied;
    }
}

} // namespace impetus::sqlite
