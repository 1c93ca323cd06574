-- runs, their rounds, the clients that took part and the files they wrote
-- Portable SQL: SQLite and PostgreSQL both run it unchanged.
CREATE TABLE runs (
  id INTEGER NOT NULL PRIMARY KEY,
  uid VARCHAR(36) NOT NULL UNIQUE,
  name VARCHAR(200) NOT NULL,
  kind VARCHAR(20) NOT NULL,
  status VARCHAR(20) NOT NULL,
  started_at VARCHAR(40) NOT NULL,
  finished_at VARCHAR(40),
  rounds_planned INTEGER NOT NULL,
  config_yaml TEXT NOT NULL,
  config_sha256 VARCHAR(64) NOT NULL,
  lianbang_version VARCHAR(100),
  git_commit VARCHAR(100),
  java_version VARCHAR(100),
  kernels VARCHAR(100),
  environment_json TEXT,
  output_dir TEXT,
  epsilon DOUBLE PRECISION,
  error TEXT
);

CREATE TABLE rounds (
  run_id INTEGER NOT NULL REFERENCES runs (id),
  round INTEGER NOT NULL,
  sampled INTEGER NOT NULL,
  succeeded INTEGER NOT NULL,
  failed INTEGER NOT NULL,
  updated INTEGER NOT NULL,
  train_loss DOUBLE PRECISION,
  test_loss DOUBLE PRECISION,
  test_accuracy DOUBLE PRECISION,
  fed_loss DOUBLE PRECISION,
  fed_accuracy DOUBLE PRECISION,
  seconds DOUBLE PRECISION NOT NULL,
  uplink_bytes BIGINT NOT NULL,
  downlink_bytes BIGINT NOT NULL,
  total_uplink_bytes BIGINT NOT NULL,
  total_downlink_bytes BIGINT NOT NULL,
  PRIMARY KEY (run_id, round)
);

CREATE TABLE participants (
  run_id INTEGER NOT NULL REFERENCES runs (id),
  round INTEGER NOT NULL,
  client_id VARCHAR(200) NOT NULL,
  succeeded INTEGER NOT NULL,
  reason TEXT,
  PRIMARY KEY (run_id, round, client_id)
);

CREATE TABLE artifacts (
  run_id INTEGER NOT NULL REFERENCES runs (id),
  path VARCHAR(1000) NOT NULL,
  PRIMARY KEY (run_id, path)
);
