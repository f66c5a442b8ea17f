// The pathology record's storage (see journal.h and record_types.h). The versions table is
// the history, only ever added to (but for a rebuild); the tables of what is in force are
// rewritten per report as its versions arrive, and are what searches read.
#include "journal/journal_reads.h"
#include "journal/sql_filter.h"
#include "journal/sql_journal.h"

namespace pathhub::journal {
namespace {

constexpr const char* kWithdrawn = "entered-in-error";

void addToCount(SqlConnection& c, const char* name, std::int64_t by) {
  if (by == 0) return;
  c.run(
      "INSERT INTO record_counts(name, value) VALUES(?, ?)"
      " ON CONFLICT(name) DO UPDATE SET value = record_counts.value + excluded.value",
      name, by);
}

// The version as one JSON document: what _history shows of it.
std::string versionContent(const RecordVersion& v) {
  std::string out = "{\"report\":" + v.report.json + ",\"observations\":[";
  for (std::size_t i = 0; i < v.observations.size(); ++i) {
    out += (i ? "," : "") + v.observations[i].resource.json;
  }
  out += "],\"specimens\":[";
  for (std::size_t i = 0; i < v.specimens.size(); ++i) {
    out += (i ? "," : "") + v.specimens[i].json;
  }
  return out + "],\"patient\":" + v.patient.json + "}";
}

// Puts `v` (recorded as version `version`, row `row`) in force for its report.
void putInForce(SqlConnection& c, const RecordVersion& v, std::int64_t row, int version,
                std::int64_t at) {
  c.run(
      "INSERT INTO record_reports(id, version_row, version, nhs_number, organisation, status,"
      " withdrawn, effective_at, issued_at, codes, categories, resource, updated_at)"
      " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET"
      " version_row = excluded.version_row, version = excluded.version,"
      " nhs_number = excluded.nhs_number, organisation = excluded.organisation,"
      " status = excluded.status, withdrawn = excluded.withdrawn,"
      " effective_at = excluded.effective_at,"
      " issued_at = excluded.issued_at, codes = excluded.codes,"
      " categories = excluded.categories, resource = excluded.resource,"
      " updated_at = excluded.updated_at",
      v.reportId, row, version, v.nhsNumber, v.organisation, v.status, v.withdrawn ? 1 : 0,
      v.effectiveAtMs, v.issuedAtMs, v.codes, v.categories, v.report.json, at);
  c.run("DELETE FROM record_observations WHERE report_id = ?", v.reportId);
  const int withdrawn = v.withdrawn ? 1 : 0;
  for (const auto& o : v.observations) {
    // An id another report holds is that report's (ids are digests of the report's key, so
    // this is a collision or a sender reusing numbers): the first keeps it.
    c.run(
        "INSERT INTO record_observations(id, report_id, nhs_number, organisation, status,"
        " withdrawn, effective_at, codes, version, updated_at, resource)"
        " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING",
        o.resource.id, v.reportId, v.nhsNumber, v.organisation, o.status, withdrawn,
        o.effectiveAtMs, o.codes, version, at, o.resource.json);
  }
  c.run("DELETE FROM record_specimens WHERE report_id = ?", v.reportId);
  for (const auto& s : v.specimens) {
    c.run(
        "INSERT INTO record_specimens(report_id, id, nhs_number, organisation, version,"
        " updated_at, resource) VALUES(?, ?, ?, ?, ?, ?, ?) ON CONFLICT(report_id, id) DO NOTHING",
        v.reportId, s.id, v.nhsNumber, v.organisation, version, at, s.json);
  }
  // The patient's latest demographics; a new version only when they changed.
  c.run(
      "INSERT INTO record_patients(nhs_number, id, version, updated_at, resource)"
      " VALUES(?, ?, 1, ?, ?) ON CONFLICT(nhs_number) DO UPDATE SET"
      " version = record_patients.version + 1, updated_at = excluded.updated_at,"
      " resource = excluded.resource WHERE record_patients.resource != excluded.resource",
      v.nhsNumber, v.patient.id, at, v.patient.json);
}

// Records one version: history always; in force unless a version issued later is.
void recordVersion(SqlConnection& c, const RecordedMessage& m, const RecordVersion& v,
                   std::int64_t at) {
  const int version = static_cast<int>(*c.integer(
      "SELECT COALESCE(MAX(version), 0) + 1 FROM record_versions WHERE report_id = ?", v.reportId));
  const std::int64_t row = *c.integer(
      "INSERT INTO record_versions(report_id, version, message_id, report_index, nhs_number,"
      " organisation, channel, status, issued_at, recorded_at, content)"
      " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      v.reportId, version, m.messageId, v.reportIndex, v.nhsNumber, v.organisation, m.channel,
      v.status, v.issuedAtMs, at, versionContent(v));
  const auto inForceIssued =
      c.integer("SELECT issued_at FROM record_reports WHERE id = ?", v.reportId);
  if (inForceIssued && v.issuedAtMs != 0 && v.issuedAtMs < *inForceIssued) {
    addToCount(c, "older_versions_late", 1);
    return;
  }
  putInForce(c, v, row, version, at);
}

constexpr const char* kRowColumns =
    "id, report_id, version, updated_at, organisation, status, resource, nhs_number";

// A patient row as RecordRow: its NHS number stands in the report_id column too.
constexpr const char* kPatientColumns =
    "id, nhs_number, version, updated_at, '', '', resource, nhs_number";

RecordRow readRow(const SqlStatement& q) {
  return {q.text(0), q.text(1), static_cast<int>(q.int64(2)), q.int64(3), q.text(4), q.text(5),
          q.text(6), q.text(7)};
}

// "?, ?, ?" for n values.
std::string marks(std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += i ? ", ?" : "?";
  return out;
}

// A FHIR token ("system|code", "code", "system|", "|code") as the text to find in a codes
// column ("\n<system>|<code>\n" lines).
std::string tokenNeedle(const std::string& token) {
  const auto bar = token.find('|');
  if (bar == std::string::npos) return "|" + token + "\n";
  if (bar + 1 == token.size()) return "\n" + token;
  return "\n" + token + "\n";
}

// The filters a patient's search shares, for `table` (reports or observations).
SqlFilter patientFilter(SqlConnection& c, const RecordQuery& q, bool observations) {
  SqlFilter where;
  where.where("nhs_number = ?", q.nhsNumber);
  where.where("withdrawn = 0");
  if (observations) where.where("status != ?", std::string(kWithdrawn));
  if (q.onlyOrganisation) where.where("organisation = ?", *q.onlyOrganisation);
  if (!q.dates.empty()) where.where("effective_at != 0");
  for (const auto& d : q.dates) {
    const char* op = d.op == "ge" ? ">=" : d.op == "gt" ? ">" : d.op == "le" ? "<=" : "<";
    where.where(std::string("effective_at ") + op + " ?", d.ms);
  }
  auto anyToken = [&](const std::string& column, const std::vector<std::string>& tokens) {
    std::string condition;
    std::vector<std::string> needles;
    for (const auto& t : tokens) {
      condition += (condition.empty() ? "(" : " OR ") + c.containsText(column, "?");
      needles.push_back(tokenNeedle(t));
    }
    where.where(condition + ")", needles);
  };
  for (const auto& group : q.codes) anyToken("codes", group);
  if (!observations) {
    for (const auto& group : q.categories) anyToken("categories", group);
  }
  for (const auto& group : q.statuses)
    where.where("status IN (" + marks(group.size()) + ")", group);
  return where;
}

}  // namespace

Result<std::vector<RecordSource>> SqlJournal::unrecorded(int limit) {
  return reading([&](SqlConnection& c) {
    std::vector<RecordSource> out;
    c.each(
        "SELECT id, channel, COALESCE(mapped, bytes) FROM messages"
        " WHERE state = 'mapped' AND recorded = 0 ORDER BY id LIMIT ?",
        [&out](const SqlStatement& q) {
          out.push_back({q.int64(0), q.text(1), q.text(2)});
        },
        limit);
    return out;
  });
}

Result<void> SqlJournal::record(const std::vector<RecordedMessage>& batch) {
  return writer_->run([&](SqlConnection& c) -> std::function<void()> {
    const std::int64_t at = nowMs();
    for (const auto& m : batch) {
      // Claimed here, in the transaction: a message another node recorded meanwhile is left.
      if (!c.integer("UPDATE messages SET recorded = 1 WHERE id = ? AND recorded = 0 RETURNING id",
                     m.messageId)) {
        continue;
      }
      addToCount(c, "without_nhs_number", m.withoutNhsNumber);
      if (!m.skipped.empty()) addToCount(c, "messages_skipped", 1);
      for (const auto& v : m.versions) recordVersion(c, m, v, at);
    }
    return nullptr;
  });
}

namespace {

// One page of a patient's rows of `table` ("record_reports" or "record_observations", whose
// rows read as RecordRow through `columns`), with the count of every match.
RecordPage searchPage(SqlConnection& c, const RecordQuery& query, const std::string& table,
                      const std::string& columns) {
  const SqlFilter where = patientFilter(c, query, table == "record_observations");
  RecordPage page;
  auto counted = c.statement("SELECT COUNT(*) FROM " + table + where.sql());
  where.bind(*counted);
  if (counted->step()) page.total = counted->int64(0);
  auto q =
      c.statement("SELECT " + columns + " FROM " + table + where.sql() + " ORDER BY effective_at " +
                  (query.newestFirst ? "DESC" : "ASC") + ", id LIMIT ? OFFSET ?");
  const int next = where.bind(*q);
  q->bind(next, static_cast<std::int64_t>(query.count));
  q->bind(next + 1, static_cast<std::int64_t>(query.offset));
  while (q->step()) page.rows.push_back(readRow(*q));
  return page;
}

}  // namespace

Result<RecordPage> SqlJournal::searchReports(const RecordQuery& query) {
  return reading([&](SqlConnection& c) {
    // A report is its own report: its id stands in the report_id column.
    return searchPage(c, query, "record_reports",
                      "id, id, version, updated_at, organisation, status, resource, nhs_number");
  });
}

Result<RecordPage> SqlJournal::searchObservations(const RecordQuery& query) {
  return reading(
      [&](SqlConnection& c) { return searchPage(c, query, "record_observations", kRowColumns); });
}

Result<std::vector<RecordRow>> SqlJournal::reportParts(const std::string& kind,
                                                       const std::vector<std::string>& reports) {
  if (kind != "observations" && kind != "specimens") {
    return fail(ErrorCode::kInvalidValue, "no report parts called " + kind);
  }
  return reading([&](SqlConnection& c) {
    std::vector<RecordRow> out;
    if (reports.empty()) return out;
    const std::string status = kind == "observations" ? "status" : "''";
    auto q = c.statement("SELECT id, report_id, version, updated_at, organisation, " + status +
                         ", resource, nhs_number FROM record_" + kind + " WHERE report_id IN (" +
                         marks(reports.size()) + ") ORDER BY report_id, id");
    int at = 1;
    for (const auto& r : reports) q->bind(at++, r);
    while (q->step()) out.push_back(readRow(*q));
    return out;
  });
}

Result<std::optional<RecordRow>> SqlJournal::recordResource(const std::string& type,
                                                            const std::string& id) {
  std::string sql;
  if (type == "DiagnosticReport") {
    sql =
        "SELECT id, id, version, updated_at, organisation, status, resource, nhs_number"
        " FROM record_reports WHERE id = ?";
  } else if (type == "Observation") {
    sql = std::string("SELECT ") + kRowColumns + " FROM record_observations WHERE id = ?";
  } else if (type == "Specimen") {
    sql =
        "SELECT id, report_id, version, updated_at, organisation, '', resource, nhs_number"
        " FROM record_specimens WHERE id = ? ORDER BY updated_at DESC LIMIT 1";
  } else if (type == "Patient") {
    sql = std::string("SELECT ") + kPatientColumns + " FROM record_patients WHERE id = ?";
  } else {
    return fail(ErrorCode::kInvalidValue, "the record holds no " + type + " resources");
  }
  return reading([&](SqlConnection& c) {
    std::optional<RecordRow> out;
    c.each(
        sql, [&out](const SqlStatement& q) { out = readRow(q); }, id);
    return out;
  });
}

Result<std::optional<RecordRow>> SqlJournal::recordPatient(const std::string& nhsNumber) {
  return reading([&](SqlConnection& c) {
    std::optional<RecordRow> out;
    c.each(
        std::string("SELECT ") + kPatientColumns + " FROM record_patients WHERE nhs_number = ?",
        [&out](const SqlStatement& q) { out = readRow(q); }, nhsNumber);
    return out;
  });
}

Result<std::vector<std::string>> SqlJournal::recordOrganisations(const std::string& nhsNumber) {
  return reading([&](SqlConnection& c) {
    std::vector<std::string> out;
    c.each(
        "SELECT DISTINCT organisation FROM record_reports WHERE nhs_number = ?"
        " ORDER BY organisation",
        [&out](const SqlStatement& q) { out.push_back(q.text(0)); }, nhsNumber);
    return out;
  });
}

Result<std::vector<RecordVersionRow>> SqlJournal::reportVersions(const std::string& reportId) {
  return reading([&](SqlConnection& c) {
    std::vector<RecordVersionRow> out;
    c.each(
        "SELECT v.version, v.recorded_at, v.message_id, v.organisation, v.nhs_number,"
        " (r.version_row = v.id), v.content FROM record_versions v"
        " LEFT JOIN record_reports r ON r.id = v.report_id"
        " WHERE v.report_id = ? ORDER BY v.version",
        [&out](const SqlStatement& q) {
          out.push_back({static_cast<int>(q.int64(0)), q.int64(1), q.int64(2), q.text(3), q.text(4),
                         q.int64(5) != 0, q.text(6)});
        },
        reportId);
    return out;
  });
}

Result<RecordStatus> SqlJournal::recordStatus() {
  return reading([&](SqlConnection& c) {
    RecordStatus s;
    s.reports = *c.integer("SELECT COUNT(*) FROM record_reports");
    s.observations = *c.integer("SELECT COUNT(*) FROM record_observations");
    s.patients = *c.integer("SELECT COUNT(*) FROM record_patients");
    s.versions = *c.integer("SELECT COUNT(*) FROM record_versions");
    s.pendingMessages =
        *c.integer("SELECT COUNT(*) FROM messages WHERE state = 'mapped' AND recorded = 0");
    c.each("SELECT name, value FROM record_counts", [&s](const SqlStatement& q) {
      const std::string name = q.text(0);
      if (name == "without_nhs_number") s.withoutNhsNumber = q.int64(1);
      if (name == "messages_skipped") s.messagesSkipped = q.int64(1);
      if (name == "older_versions_late") s.olderVersionsLate = q.int64(1);
    });
    return s;
  });
}

Result<void> SqlJournal::rebuildRecord() {
  return writer_->run([&](SqlConnection& c) -> std::function<void()> {
    // What came from messages the journal still holds goes, to be recorded again; versions of
    // pruned messages stay (the record outlives the journal's retention), and so does what is
    // in force from them, for the new versions to be weighed against as they arrive.
    c.run("DELETE FROM record_versions WHERE message_id IN (SELECT id FROM messages)");
    const std::string gone =
        "(SELECT id FROM record_reports WHERE version_row NOT IN (SELECT id FROM record_versions))";
    c.run("DELETE FROM record_observations WHERE report_id IN " + gone);
    c.run("DELETE FROM record_specimens WHERE report_id IN " + gone);
    c.run("DELETE FROM record_reports WHERE version_row NOT IN (SELECT id FROM record_versions)");
    c.run(
        "DELETE FROM record_patients WHERE nhs_number NOT IN"
        " (SELECT nhs_number FROM record_reports)");
    c.run("DELETE FROM record_counts");
    c.run("UPDATE messages SET recorded = 0 WHERE recorded = 1");
    return nullptr;
  });
}

}  // namespace pathhub::journal
