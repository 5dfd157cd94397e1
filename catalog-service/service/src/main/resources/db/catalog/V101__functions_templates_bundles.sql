CREATE TABLE catalog_function (
    name       VARCHAR(128) PRIMARY KEY,
    spec       VARCHAR      NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE catalog_template (
    name       VARCHAR(128) PRIMARY KEY,
    spec       VARCHAR      NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL
);

-- A bundle's version, domain, provider and the names of what it owns.
CREATE TABLE catalog_bundle (
    name       VARCHAR(128) PRIMARY KEY,
    spec       VARCHAR      NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL
);

-- One row, locked FOR UPDATE by every change, so changes from several replicas apply one at a
-- time and each snapshot is exactly the tables after its change.
CREATE TABLE catalog_lock (
    id INTEGER PRIMARY KEY
);
INSERT INTO catalog_lock (id) VALUES (1);
