// The journal's PostgreSQL schema and its migrations (see postgres_schema.h).
#include "journal/postgres_schema.h"

#include <Poco/UUIDGenerator.h>

#include "journal/alert_schema.h"
#include "journal/migrations.h"
#include "journal/record_schema.h"
#include "journal/script_schema.h"

namespace pathhub::journal {
namespace {

using namespace Poco::Data::Keywords;
using Poco::Data::Session;

// Version 1: everything SQLite's versions 1 and 2 hold, and the cluster's tables.
constexpr const char* kFirstTables[] = {
    "CREATE TABLE messages ("
    " id BIGSERIAL PRIMARY KEY, channel TEXT NOT NULL, source TEXT NOT NULL,"
    " peer TEXT NOT NULL DEFAULT '', control_id TEXT NOT NULL, message_type TEXT NOT NULL,"
    " received_at BIGINT NOT NULL, content_hash BIGINT NOT NULL, bytes BYTEA NOT NULL,"
    " mapped BYTEA, mapped_at BIGINT, state TEXT NOT NULL, error TEXT NOT NULL DEFAULT '',"
    " duplicate_of BIGINT, parent_id BIGINT, nhs_number TEXT NOT NULL DEFAULT '',"
    " placer_order TEXT NOT NULL DEFAULT '', filler_order TEXT NOT NULL DEFAULT '',"
    // Which node is mapping it, until when (Journal::claimUnmapped).
    " claimed_by TEXT, claimed_until TIMESTAMPTZ)",
    "CREATE INDEX messages_dedupe ON messages(channel, source, control_id)",
    "CREATE INDEX messages_unmapped ON messages(channel, id) WHERE state = 'received'",
    "CREATE INDEX messages_nhs_number ON messages(nhs_number) WHERE nhs_number != ''",
    "CREATE INDEX messages_placer_order ON messages(placer_order) WHERE placer_order != ''",
    "CREATE INDEX messages_filler_order ON messages(filler_order) WHERE filler_order != ''",
    // epoch: the lease epoch of the node that last recorded this delivery (core/cluster).
    "CREATE TABLE deliveries ("
    " id BIGSERIAL PRIMARY KEY, message_id BIGINT NOT NULL, channel TEXT NOT NULL,"
    " destination TEXT NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
    " next_attempt_at BIGINT NOT NULL DEFAULT 0, last_error TEXT NOT NULL DEFAULT '',"
    " updated_at BIGINT NOT NULL, sequence BIGINT, response TEXT NOT NULL DEFAULT '',"
    " attributes TEXT NOT NULL DEFAULT '', epoch BIGINT NOT NULL DEFAULT 0)",
    "CREATE INDEX deliveries_message ON deliveries(message_id)",
    "CREATE INDEX deliveries_in_order ON deliveries(channel, destination, sequence, id)"
    " WHERE state = 'pending'",
    "CREATE TABLE acknowledgements ("
    " id BIGSERIAL PRIMARY KEY, delivery_id BIGINT NOT NULL, message_id BIGINT NOT NULL,"
    " channel TEXT NOT NULL, destination TEXT NOT NULL, practice TEXT NOT NULL DEFAULT '',"
    " recipient TEXT NOT NULL DEFAULT '', reference TEXT NOT NULL, sent_at BIGINT NOT NULL,"
    " state TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '', answered_by BIGINT,"
    " answered_at BIGINT)",
    "CREATE INDEX acknowledgements_open ON acknowledgements(reference)"
    " WHERE state IN ('awaiting', 'overdue')",
    "CREATE INDEX acknowledgements_delivery ON acknowledgements(delivery_id)",
    "CREATE TABLE orders ("
    " id BIGSERIAL PRIMARY KEY, placer TEXT NOT NULL, lab TEXT NOT NULL,"
    " filler TEXT NOT NULL DEFAULT '', requester TEXT NOT NULL DEFAULT '',"
    " nhs_number TEXT NOT NULL DEFAULT '', tests TEXT NOT NULL DEFAULT '',"
    " channel TEXT NOT NULL DEFAULT '', state TEXT NOT NULL, placed_at BIGINT NOT NULL,"
    " due_at BIGINT NOT NULL DEFAULT 0, updated_at BIGINT NOT NULL,"
    " overdue INTEGER NOT NULL DEFAULT 0, message_id BIGINT NOT NULL DEFAULT 0)",
    "CREATE UNIQUE INDEX orders_key ON orders(placer, lab)",
    "CREATE INDEX orders_filler ON orders(filler) WHERE filler != ''",
    "CREATE INDEX orders_nhs ON orders(nhs_number) WHERE nhs_number != ''",
    "CREATE TABLE order_history ("
    " id BIGSERIAL PRIMARY KEY, order_id BIGINT NOT NULL, at BIGINT NOT NULL,"
    " state TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '', message_id BIGINT NOT NULL DEFAULT 0)",
    "CREATE INDEX order_history_order ON order_history(order_id)",
    "CREATE TABLE unmatched_results ("
    " id BIGSERIAL PRIMARY KEY, message_id BIGINT NOT NULL, channel TEXT NOT NULL,"
    " placer TEXT NOT NULL, filler TEXT NOT NULL, nhs_number TEXT NOT NULL, tests TEXT NOT NULL,"
    " received_at BIGINT NOT NULL, reason TEXT NOT NULL)",
    "CREATE TABLE events ("
    " id BIGSERIAL PRIMARY KEY, message_id BIGINT NOT NULL, at BIGINT NOT NULL,"
    " kind TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '')",
    "CREATE INDEX events_message ON events(message_id)",
    "CREATE TABLE audit ("
    " id BIGSERIAL PRIMARY KEY, at BIGINT NOT NULL, \"user\" TEXT NOT NULL, role TEXT NOT NULL,"
    " action TEXT NOT NULL, target TEXT NOT NULL DEFAULT '', detail TEXT NOT NULL DEFAULT '',"
    " peer TEXT NOT NULL DEFAULT '')",
    // Rows are only ever added, whoever connects: row triggers for UPDATE and DELETE, a
    // statement trigger for TRUNCATE (which row triggers do not see).
    "CREATE FUNCTION pathhub_audit_is_append_only() RETURNS trigger LANGUAGE plpgsql AS"
    " $$BEGIN RAISE EXCEPTION 'the audit trail cannot be changed'; END$$",
    "CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit"
    " FOR EACH ROW EXECUTE FUNCTION pathhub_audit_is_append_only()",
    "CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit"
    " FOR EACH STATEMENT EXECUTE FUNCTION pathhub_audit_is_append_only()",
    "REVOKE UPDATE, DELETE, TRUNCATE ON audit FROM PUBLIC",
    "CREATE TABLE journal_info (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE schema_history (version INTEGER NOT NULL, applied_at BIGINT NOT NULL,"
    " program TEXT NOT NULL, description TEXT NOT NULL)",
    // The cluster (core/cluster): which node delivers for which destination, and the nodes.
    "CREATE TABLE destination_leases ("
    " channel TEXT NOT NULL, destination TEXT NOT NULL, owner TEXT NOT NULL DEFAULT '',"
    " epoch BIGINT NOT NULL DEFAULT 0, expires_at TIMESTAMPTZ NOT NULL DEFAULT 'epoch',"
    " PRIMARY KEY (channel, destination))",
    "CREATE TABLE cluster_nodes (name TEXT PRIMARY KEY, started_at TIMESTAMPTZ NOT NULL,"
    " heartbeat_at TIMESTAMPTZ NOT NULL)",
};

void firstRelease(Session& s) {
  for (const char* sql : kFirstTables) s << sql, now;
  std::string id = Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
  s << "INSERT INTO journal_info(key, value) VALUES('journal_id', $1)", use(id), now;
}

// Version 2: a message's bytes (received and mapped) compressed with lz4 instead of pglz,
// which cost the writer a tenth of its time on a 1.5 kB report; where the server was built
// without lz4, pglz stays.
void lz4Messages(Session& s) {
  s << "DO $$BEGIN"
       " ALTER TABLE messages ALTER COLUMN bytes SET COMPRESSION lz4,"
       " ALTER COLUMN mapped SET COMPRESSION lz4;"
       " EXCEPTION WHEN feature_not_supported THEN NULL; END$$",
      now;
}

// Version 3: the network's pathology record (record_schema.h).
void record(Session& s) {
  for (const auto& sql : recordSchema(true)) s << sql, now;
}

// Version 4: mapping scripts' versions (script_schema.h).
void scriptVersions(Session& s) {
  for (const auto& sql : scriptSchema(true)) s << sql, now;
}

// Version 5: the alerts (alert_schema.h).
void alertTable(Session& s) {
  for (const auto& sql : alertSchema(true)) s << sql, now;
}

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> all = {
      {1, "the journal's tables, the append-only audit trail, and the cluster's leases and nodes",
       firstRelease},
      {2, "messages' bytes compressed with lz4", lz4Messages},
      {3, "the pathology record: messages' recorded mark, report versions and what is in force",
       record},
      {4, "mapping scripts' versions, their deployments, and the version that mapped each message",
       scriptVersions},
      {5, "the alerts: each one fired, its state and who acknowledged it", alertTable},
  };
  return all;
}

bool exists(Session& s, const std::string& table) {
  int has = 0;
  std::string name = table;
  s << "SELECT (to_regclass($1) IS NOT NULL)::int", use(name), into(has), now;
  return has == 1;
}

const SchemaVersionStore& postgresVersions() {
  static const SchemaVersionStore store{
      "BEGIN",
      [](Session& s) {
        if (!exists(s, "schema_version")) return 0;
        int version = 0;
        s << "SELECT version FROM schema_version", into(version), now;
        return version;
      },
      [](Session& s, int version) {
        // Created once (IF NOT EXISTS would have the server print a notice at every step).
        if (!exists(s, "schema_version")) {
          s << "CREATE TABLE schema_version (version INTEGER NOT NULL)", now;
        }
        s << "DELETE FROM schema_version", now;
        s << "INSERT INTO schema_version(version) VALUES($1)", use(version), now;
      },
      [](Session& s, const MigrationRecord& r) {
        MigrationRecord row = r;
        s << "INSERT INTO schema_history(version, applied_at, program, description)"
             " VALUES($1, $2, $3, $4)",
            use(row.version), use(row.appliedAtMs), use(row.program), use(row.description), now;
      },
      [](Session& s) { return exists(s, "schema_history"); }};
  return store;
}

}  // namespace

int postgresSchemaVersion(Session& session) { return postgresVersions().read(session); }

Result<SchemaUpgrade> upgradePostgresSchema(Session& session, const std::string& where,
                                            const std::string& program) {
  static_assert(kPostgresSchemaVersion == 5,
                "a new PostgreSQL schema version needs its migration in migrations()");
  return runMigrations(session, migrations(), postgresVersions(), where, program);
}

}  // namespace pathhub::journal
