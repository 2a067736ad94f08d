-- AI at the reply box: providers (keys in the OS keychain, only their last
-- 4 characters here), presets, and the tokens each call used.

CREATE TABLE ai_providers (
    id              INTEGER PRIMARY KEY,
    kind            TEXT    NOT NULL CHECK (kind IN ('open_ai', 'anthropic', 'open_ai_compatible')),
    name            TEXT    NOT NULL UNIQUE,
    base_url        TEXT    NOT NULL,
    model           TEXT,
    key_last4       TEXT,
    context_tokens  INTEGER NOT NULL DEFAULT 8192,
    created_at      INTEGER NOT NULL
) STRICT;

CREATE TABLE ai_presets (
    id              INTEGER PRIMARY KEY,
    title           TEXT    NOT NULL,
    provider_id     INTEGER NOT NULL REFERENCES ai_providers (id) ON DELETE CASCADE,
    model           TEXT,
    system_prompt   TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
) STRICT;

-- One row a call. NULL tokens: the provider reported no usage ("unknown",
-- never 0). The provider's name is kept so a row outlives the provider.
CREATE TABLE ai_usage (
    id              INTEGER PRIMARY KEY,
    at              INTEGER NOT NULL,
    provider_id     INTEGER,
    provider_name   TEXT    NOT NULL,
    model           TEXT    NOT NULL,
    task            TEXT    NOT NULL,
    input_tokens    INTEGER,
    output_tokens   INTEGER
) STRICT;
CREATE INDEX ai_usage_at ON ai_usage (at);
