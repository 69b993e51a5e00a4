-- Accounts, organizations, memberships, API tokens, sessions, dataset visibility.
-- Portable SQL: the same file runs on H2 (PostgreSQL mode) and on PostgreSQL.
-- Times are epoch milliseconds (BIGINT) so both databases store and compare them the same way.

-- Users and organizations share one namespace: a dataset owner is either.
CREATE TABLE owners (
    name       VARCHAR(64) PRIMARY KEY,
    kind       VARCHAR(8)  NOT NULL CHECK (kind IN ('user', 'org')),
    created_at BIGINT      NOT NULL
);

CREATE TABLE users (
    name          VARCHAR(64) PRIMARY KEY REFERENCES owners (name) ON DELETE CASCADE,
    -- PHC string ($argon2id$v=19$m=...,t=...,p=...$salt$hash); NULL for accounts that only log in with OIDC
    password_hash VARCHAR(255),
    admin         BOOLEAN     NOT NULL DEFAULT FALSE,
    oidc_issuer   VARCHAR(512),
    oidc_subject  VARCHAR(255),
    CONSTRAINT users_oidc_identity UNIQUE (oidc_issuer, oidc_subject)
);

CREATE TABLE orgs (
    name VARCHAR(64) PRIMARY KEY REFERENCES owners (name) ON DELETE CASCADE
);

CREATE TABLE memberships (
    org_name  VARCHAR(64) NOT NULL REFERENCES orgs (name) ON DELETE CASCADE,
    user_name VARCHAR(64) NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    role      VARCHAR(8)  NOT NULL CHECK (role IN ('owner', 'editor', 'viewer')),
    PRIMARY KEY (org_name, user_name)
);
CREATE INDEX memberships_user ON memberships (user_name);

CREATE TABLE api_tokens (
    id            VARCHAR(32)  PRIMARY KEY,
    user_name     VARCHAR(64)  NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    -- only the SHA-256 of the secret is kept; the secret is shown once
    secret_sha256 VARCHAR(64)  NOT NULL UNIQUE,
    scope         VARCHAR(8)   NOT NULL CHECK (scope IN ('read', 'publish')),
    owner_name    VARCHAR(64)  NOT NULL,
    dataset_name  VARCHAR(64),
    description   VARCHAR(200),
    created_at    BIGINT       NOT NULL,
    expires_at    BIGINT,
    revoked_at    BIGINT
);
CREATE INDEX api_tokens_user ON api_tokens (user_name);

CREATE TABLE sessions (
    -- SHA-256 of the cookie value, so a database leak does not hand out live sessions
    id_sha256  VARCHAR(64) PRIMARY KEY,
    user_name  VARCHAR(64) NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    csrf_token VARCHAR(64) NOT NULL,
    created_at BIGINT      NOT NULL,
    expires_at BIGINT      NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_at);

-- Datasets live in the store; only their visibility lives here. No row means public.
CREATE TABLE dataset_access (
    owner_name   VARCHAR(64) NOT NULL,
    dataset_name VARCHAR(64) NOT NULL,
    visibility   VARCHAR(8)  NOT NULL CHECK (visibility IN ('public', 'private')),
    PRIMARY KEY (owner_name, dataset_name)
);

-- Failed logins per user name and per client address, shared by every node.
CREATE TABLE login_failures (
    subject      VARCHAR(300) PRIMARY KEY,
    window_start BIGINT       NOT NULL,
    failures     INTEGER      NOT NULL
);

-- OpenID Connect logins in flight: state -> PKCE verifier and nonce (any node may receive the callback).
CREATE TABLE oidc_logins (
    state         VARCHAR(64)  PRIMARY KEY,
    code_verifier VARCHAR(128) NOT NULL,
    nonce         VARCHAR(64)  NOT NULL,
    created_at    BIGINT       NOT NULL
);

-- The organization that owns core datasets (OSEP-06): only admins and its members publish there.
INSERT INTO owners (name, kind, created_at) VALUES ('core', 'org', 0);
INSERT INTO orgs (name) VALUES ('core');
