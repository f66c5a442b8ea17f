// Schema 4: scripts' versions (see script_schema.h).
#include "journal/script_schema.h"

namespace pathhub::journal {

std::vector<std::string> scriptSchema(bool postgres) {
  const std::string id = postgres ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT";
  const std::string number = postgres ? "BIGINT" : "INTEGER";
  const std::string bytes = postgres ? "BYTEA" : "BLOB";
  return {
      "ALTER TABLE messages ADD COLUMN script_version " + number,
      // content is NULL when the file changed again before the hub could read the version it
      // ran: the version is known by its hash only, and cannot be put back.
      "CREATE TABLE script_versions (id " + id + ", channel TEXT NOT NULL, version " + number +
          " NOT NULL, hash TEXT NOT NULL, script TEXT NOT NULL, content " + bytes +
          ", created_at " + number + " NOT NULL, created_by TEXT NOT NULL, origin TEXT NOT NULL)",
      "CREATE UNIQUE INDEX script_versions_number ON script_versions(channel, version)",
      "CREATE UNIQUE INDEX script_versions_hash ON script_versions(channel, hash)",
      "CREATE TABLE script_deployments (id " + id + ", channel TEXT NOT NULL, version " + number +
          " NOT NULL, at " + number +
          " NOT NULL, deployed_by TEXT NOT NULL, origin TEXT NOT NULL, action TEXT NOT NULL)",
      "CREATE INDEX script_deployments_channel ON script_deployments(channel, id)",
      // What a mapping made from a message, found from the message (a diff-replay compares
      // them); partial, so the messages received, nearly all, do not grow it.
      "CREATE INDEX messages_parent ON messages(parent_id) WHERE parent_id IS NOT NULL",
  };
}

}  // namespace pathhub::journal
