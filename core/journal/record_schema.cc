// The record's tables (see record_schema.h).
#include "journal/record_schema.h"

namespace pathhub::journal {

std::vector<std::string> recordSchema(bool postgres) {
  const std::string serial =
      postgres ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT";
  const std::string big = postgres ? "BIGINT" : "INTEGER";
  return {
      "ALTER TABLE messages ADD COLUMN recorded INTEGER NOT NULL DEFAULT 0",
      "CREATE INDEX messages_unrecorded ON messages(id) WHERE state = 'mapped' AND recorded = 0",
      // Every version of every report, as its message said it: the history, never changed.
      // One row per report of a message, so recording a message twice adds nothing.
      "CREATE TABLE record_versions (id " + serial +
          ", report_id TEXT NOT NULL,"
          " version INTEGER NOT NULL, message_id " +
          big +
          " NOT NULL, report_index INTEGER NOT NULL,"
          " nhs_number TEXT NOT NULL, organisation TEXT NOT NULL, channel TEXT NOT NULL,"
          " status TEXT NOT NULL, issued_at " +
          big + " NOT NULL, recorded_at " + big +
          " NOT NULL,"
          " content TEXT NOT NULL, UNIQUE (message_id, report_index))",
      "CREATE INDEX record_versions_report ON record_versions(report_id, version)",
      // What is in force: each report's version chosen by the rules of journal/record.cc, its
      // results and specimens, and each patient's latest demographics. Searches read these.
      "CREATE TABLE record_reports (id TEXT PRIMARY KEY, version_row " + big +
          " NOT NULL,"
          " version INTEGER NOT NULL, nhs_number TEXT NOT NULL, organisation TEXT NOT NULL,"
          " status TEXT NOT NULL, withdrawn INTEGER NOT NULL, effective_at " +
          big + " NOT NULL, issued_at " + big +
          " NOT NULL,"
          " codes TEXT NOT NULL, categories TEXT NOT NULL, resource TEXT NOT NULL,"
          " updated_at " +
          big + " NOT NULL)",
      "CREATE INDEX record_reports_patient ON record_reports(nhs_number, effective_at)",
      "CREATE TABLE record_observations (id TEXT PRIMARY KEY, report_id TEXT NOT NULL,"
      " nhs_number TEXT NOT NULL, organisation TEXT NOT NULL, status TEXT NOT NULL,"
      " withdrawn INTEGER NOT NULL, effective_at " +
          big +
          " NOT NULL, codes TEXT NOT NULL,"
          " version INTEGER NOT NULL, updated_at " +
          big + " NOT NULL, resource TEXT NOT NULL)",
      "CREATE INDEX record_observations_patient ON record_observations(nhs_number, effective_at)",
      "CREATE INDEX record_observations_report ON record_observations(report_id)",
      "CREATE TABLE record_specimens (report_id TEXT NOT NULL, id TEXT NOT NULL,"
      " nhs_number TEXT NOT NULL, organisation TEXT NOT NULL, version INTEGER NOT NULL,"
      " updated_at " +
          big + " NOT NULL, resource TEXT NOT NULL, PRIMARY KEY (report_id, id))",
      "CREATE INDEX record_specimens_id ON record_specimens(id)",
      "CREATE TABLE record_patients (nhs_number TEXT PRIMARY KEY, id TEXT NOT NULL UNIQUE,"
      " version INTEGER NOT NULL, updated_at " +
          big + " NOT NULL, resource TEXT NOT NULL)",
      // Counters: result reports left out (no valid NHS number), messages holding none, late
      // versions.
      "CREATE TABLE record_counts (name TEXT PRIMARY KEY, value " + big + " NOT NULL)",
      // "Who looked at this patient": the record's audit rows name the NHS number as target.
      "CREATE INDEX audit_target ON audit(target) WHERE target != ''",
  };
}

}  // namespace pathhub::journal
