-- The data contract (SPEC §3). All timestamps are UTC. IDs are strings.
-- Uniqueness of the large fact tables' keys and references to known users are
-- enforced by the loader before anything is written: an index on tens of millions of
-- string keys would cost more memory than the rest of the database.

CREATE TABLE IF NOT EXISTS regions (
    country   VARCHAR PRIMARY KEY CHECK (regexp_full_match(country, '[A-Z]{2}')),
    region    VARCHAR NOT NULL CHECK (region IN ('SEA', 'EA', 'SAS', 'MENA', 'LATAM', 'NA', 'EU', 'SSA', 'OC')),
    timezone  VARCHAR NOT NULL,
    name_en   VARCHAR NOT NULL,
    name_zh   VARCHAR NOT NULL,
    aliases   VARCHAR
);

CREATE TABLE IF NOT EXISTS users (
    user_id   VARCHAR PRIMARY KEY,
    signup_at TIMESTAMP NOT NULL,
    country   VARCHAR NOT NULL CHECK (regexp_full_match(country, '[A-Z]{2}')),
    platform  VARCHAR NOT NULL CHECK (platform IN ('ios', 'android', 'web')),
    timezone  VARCHAR NOT NULL,
    language  VARCHAR,
    channel   VARCHAR
);

CREATE TABLE IF NOT EXISTS sessions (
    session_id VARCHAR NOT NULL,   -- unique (checked by the loader)
    user_id    VARCHAR NOT NULL,   -- references users
    started_at TIMESTAMP NOT NULL,
    ended_at   TIMESTAMP NOT NULL,
    CHECK (ended_at >= started_at)
);

CREATE TABLE IF NOT EXISTS events (
    user_id    VARCHAR NOT NULL,   -- references users
    ts         TIMESTAMP NOT NULL,
    name       VARCHAR NOT NULL,
    session_id VARCHAR,
    partner_id VARCHAR,
    room_id    VARCHAR
);

CREATE TABLE IF NOT EXISTS calls (
    call_id      VARCHAR NOT NULL, -- unique (checked by the loader)
    caller_id    VARCHAR NOT NULL, -- references users
    callee_id    VARCHAR,
    requested_at TIMESTAMP NOT NULL,
    connected_at TIMESTAMP,        -- null: never connected
    ended_at     TIMESTAMP,
    network      VARCHAR CHECK (network IN ('wifi', '5g', '4g', '3g', '2g')),
    kind         VARCHAR CHECK (kind IN ('video', 'voice')),
    CHECK (connected_at IS NULL OR connected_at >= requested_at),
    CHECK (ended_at IS NULL OR ended_at >= coalesce(connected_at, requested_at))
);

CREATE TABLE IF NOT EXISTS live_views (
    view_id    VARCHAR NOT NULL,   -- unique (checked by the loader)
    viewer_id  VARCHAR NOT NULL,   -- references users
    host_id    VARCHAR,
    started_at TIMESTAMP NOT NULL,
    ended_at   TIMESTAMP NOT NULL,
    resolution VARCHAR NOT NULL CHECK (resolution IN ('360p', '480p', '540p', '720p', '1080p')),
    CHECK (ended_at >= started_at)
);

CREATE TABLE IF NOT EXISTS payments (
    payment_id VARCHAR PRIMARY KEY,
    user_id    VARCHAR NOT NULL,   -- references users
    paid_at    TIMESTAMP NOT NULL,
    amount_usd DOUBLE NOT NULL CHECK (amount_usd >= 0),
    product    VARCHAR
);

-- One row per change to the data; its count is the data version that caches key on.
CREATE TABLE IF NOT EXISTS load_log (
    loaded_at TIMESTAMP NOT NULL,
    source    VARCHAR NOT NULL,
    rows      BIGINT NOT NULL
);
