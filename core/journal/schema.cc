// The SQLite journal's schema versions and migrations (see schema.h).
#include "journal/schema.h"

#include <Poco/Data/Session.h>
#include <Poco/UUIDGenerator.h>

#include "journal/alert_schema.h"
#include "journal/migrations.h"
#include "journal/record_schema.h"
#include "journal/script_schema.h"

namespace pathhub::journal {
namespace {

using namespace Poco::Data::Keywords;
using Poco::Data::Session;

// The tables of the first release (schema version 1), as created then.
constexpr const char* kFirstTables[] = {
    "CREATE TABLE IF NOT EXISTS messages ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT, channel TEXT NOT NULL, source TEXT NOT NULL,"
    " peer TEXT NOT NULL DEFAULT '', control_id TEXT NOT NULL, message_type TEXT NOT NULL,"
    " received_at INTEGER NOT NULL, content_hash INTEGER NOT NULL, bytes BLOB NOT NULL,"
    " mapped BLOB, mapped_at INTEGER, state TEXT NOT NULL, error TEXT NOT NULL DEFAULT '',"
    " duplicate_of INTEGER, parent_id INTEGER)",
    "CREATE INDEX IF NOT EXISTS messages_dedupe ON messages(channel, source, control_id)",
    // Partial indexes: rows leave them as they move on, so the hot ones stay small and a
    // commit rewrites few index pages.
    "DROP INDEX IF EXISTS messages_state",
    "CREATE INDEX IF NOT EXISTS messages_unmapped ON messages(channel, id)"
    " WHERE state = 'received'",
    "CREATE TABLE IF NOT EXISTS deliveries ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT, message_id INTEGER NOT NULL,"
    " channel TEXT NOT NULL, destination TEXT NOT NULL, state TEXT NOT NULL,"
    " attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL DEFAULT 0,"
    " last_error TEXT NOT NULL DEFAULT '', updated_at INTEGER NOT NULL, sequence INTEGER)",
    "DROP INDEX IF EXISTS deliveries_queue",
    "DROP INDEX IF EXISTS deliveries_pending",
    "CREATE INDEX IF NOT EXISTS deliveries_message ON deliveries(message_id)",
    // Answers awaited from receivers (a practice's NHSACK, a deferred HL7 v2 ACK): one row per
    // message sent, by the reference the answer will name.
    "CREATE TABLE IF NOT EXISTS acknowledgements ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT, delivery_id INTEGER NOT NULL,"
    " message_id INTEGER NOT NULL, channel TEXT NOT NULL, destination TEXT NOT NULL,"
    " practice TEXT NOT NULL DEFAULT '', recipient TEXT NOT NULL DEFAULT '',"
    " reference TEXT NOT NULL, sent_at INTEGER NOT NULL, state TEXT NOT NULL,"
    " detail TEXT NOT NULL DEFAULT '', answered_by INTEGER, answered_at INTEGER)",
    "CREATE INDEX IF NOT EXISTS acknowledgements_open ON acknowledgements(reference)"
    " WHERE state IN ('awaiting', 'overdue')",
    "CREATE INDEX IF NOT EXISTS acknowledgements_delivery ON acknowledgements(delivery_id)",
    // Orders tracked from placing to final result (core/orders), their history, and results
    // no order was found for.
    "CREATE TABLE IF NOT EXISTS orders ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT, placer TEXT NOT NULL, lab TEXT NOT NULL,"
    " filler TEXT NOT NULL DEFAULT '', requester TEXT NOT NULL DEFAULT '',"
    " nhs_number TEXT NOT NULL DEFAULT '', tests TEXT NOT NULL DEFAULT '',"
    " channel TEXT NOT NULL DEFAULT '', state TEXT NOT NULL, placed_at INTEGER NOT NULL,"
    " due_at INTEGER NOT NULL DEFAULT 0, updated_at INTEGER NOT NULL,"
    " overdue INTEGER NOT NULL DEFAULT 0, message_id INTEGER NOT NULL DEFAULT 0)",
    "CREATE UNIQUE INDEX IF NOT EXISTS orders_key ON orders(placer, lab)",
    "CREATE INDEX IF NOT EXISTS orders_filler ON orders(filler) WHERE filler != ''",
    "CREATE INDEX IF NOT EXISTS orders_nhs ON orders(nhs_number) WHERE nhs_number != ''",
    "CREATE TABLE IF NOT EXISTS order_history ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT, order_id INTEGER NOT NULL, at INTEGER NOT NULL,"
    " state TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '', message_id INTEGER NOT NULL DEFAULT 0)",
    "CREATE INDEX IF NOT EXISTS order_history_order ON order_history(order_id)",
    "CREATE TABLE IF NOT EXISTS unmatched_results ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT, message_id INTEGER NOT NULL, channel TEXT NOT NULL,"
    " placer TEXT NOT NULL, filler TEXT NOT NULL, nhs_number TEXT NOT NULL, tests TEXT NOT NULL,"
    " received_at INTEGER NOT NULL, reason TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS events ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT, message_id INTEGER NOT NULL, at INTEGER NOT NULL,"
    " kind TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '')",
    "CREATE INDEX IF NOT EXISTS events_message ON events(message_id)",
    // Who viewed, searched or replayed what. Rows are only ever added: the triggers refuse
    // any change, whoever asks (the API offers no way to ask).
    "CREATE TABLE IF NOT EXISTS audit ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, user TEXT NOT NULL,"
    " role TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL DEFAULT '',"
    " detail TEXT NOT NULL DEFAULT '', peer TEXT NOT NULL DEFAULT '')",
    "CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'the audit trail cannot be changed'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'the audit trail cannot be changed'); END",
};

// Version 1: the first release's tables. Journals written before versions were kept have
// user_version 0 and some of these tables already, perhaps without the columns added while
// they were in use: every statement here is safe to run again, and adds only what is missing.
void firstRelease(Session& writer) {
  for (const char* sql : kFirstTables) writer << sql, now;
  auto addColumn = [&writer](const std::string& table, const std::string& column,
                             const std::string& fill, const std::string& type = "INTEGER") {
    int has = 0;
    writer << "SELECT COUNT(*) FROM pragma_table_info('" + table + "') WHERE name = '" + column +
                  "'",
        into(has), now;
    if (has) return;
    writer << "ALTER TABLE " + table + " ADD COLUMN " + column + " " + type, now;
    if (!fill.empty()) writer << "UPDATE " + table + " SET " + column + " = " + fill, now;
  };
  addColumn("messages", "mapped_at", "");
  addColumn("messages", "parent_id", "");
  addColumn("deliveries", "sequence", "message_id");
  for (const char* key : {"nhs_number", "placer_order", "filler_order"}) {
    addColumn("messages", key, "", "TEXT NOT NULL DEFAULT ''");
    // Partial: messages without the key (most ACKs, say) cost the index nothing.
    writer << std::string("CREATE INDEX IF NOT EXISTS messages_") + key + " ON messages(" + key +
                  ") WHERE " + key + " != ''",
        now;
  }
  addColumn("deliveries", "response", "", "TEXT NOT NULL DEFAULT ''");
  addColumn("deliveries", "attributes", "", "TEXT NOT NULL DEFAULT ''");
  writer << "CREATE INDEX IF NOT EXISTS deliveries_in_order ON deliveries(channel,"
            " destination, sequence, id) WHERE state = 'pending'",
      now;
}

// Version 2: the journal knows itself — an id made once (a restored backup shows whose
// journal it is) and when it was made — and keeps the history of its migrations: which
// program took it to which version, when.
void journalIdentity(Session& writer) {
  writer << "CREATE TABLE journal_info (key TEXT PRIMARY KEY, value TEXT NOT NULL)", now;
  writer << "CREATE TABLE schema_history (version INTEGER NOT NULL, applied_at INTEGER NOT NULL,"
            " program TEXT NOT NULL, description TEXT NOT NULL)",
      now;
  std::string id = Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
  writer << "INSERT INTO journal_info(key, value) VALUES('journal_id', ?)", bind(id), now;
}

// Version 3: the network's pathology record (record_schema.h).
void record(Session& writer) {
  for (const auto& sql : recordSchema(false)) writer << sql, now;
}

// Version 4: mapping scripts' versions (script_schema.h).
void scriptVersions(Session& writer) {
  for (const auto& sql : scriptSchema(false)) writer << sql, now;
}

// Version 5: the alerts (alert_schema.h).
void alertTable(Session& writer) {
  for (const auto& sql : alertSchema(false)) writer << sql, now;
}

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> all = {
      {1,
       "the first release's tables (messages, deliveries, acknowledgements, orders, events, "
       "audit)",
       firstRelease},
      {2, "journal_info (the journal's id) and schema_history (its migrations)", journalIdentity},
      {3, "the pathology record: messages' recorded mark, report versions and what is in force",
       record},
      {4, "mapping scripts' versions, their deployments, and the version that mapped each message",
       scriptVersions},
      {5, "the alerts: each one fired, its state and who acknowledged it", alertTable},
  };
  return all;
}

// SQLite keeps the version in its header (PRAGMA user_version), inside the transaction.
const SchemaVersionStore& sqliteVersions() {
  static const SchemaVersionStore store{
      "BEGIN IMMEDIATE",
      [](Session& s) {
        int version = 0;
        s << "PRAGMA user_version", into(version), now;
        return version;
      },
      [](Session& s, int version) { s << "PRAGMA user_version = " + std::to_string(version), now; },
      [](Session& s, const MigrationRecord& r) {
        s << "INSERT INTO schema_history(version, applied_at, program, description)"
             " VALUES(?, ?, ?, ?)",
            bind(r.version), bind(r.appliedAtMs), bind(r.program), bind(r.description), now;
      },
      [](Session& s) {
        int has = 0;
        s << "SELECT COUNT(*) FROM sqlite_master WHERE name = 'schema_history'", into(has), now;
        return has == 1;
      }};
  return store;
}

}  // namespace

Result<SchemaUpgrade> upgradeSchema(Session& session, const std::string& path,
                                    const std::string& program) {
  static_assert(kSchemaVersion == 5, "a new schema version needs its migration in migrations()");
  return runMigrations(session, migrations(), sqliteVersions(), "the journal " + path, program);
}

}  // namespace pathhub::journal
