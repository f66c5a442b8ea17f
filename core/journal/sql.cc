// The journal's database connection (see sql.h).
#include "journal/sql.h"

#include <Poco/Data/DataException.h>
#include <Poco/Data/PostgreSQL/SessionHandle.h>
#include <Poco/Data/SQLite/Utility.h>

#include <optional>

#include "journal/postgres_statement.h"
#include "journal/sqlite_statement.h"

namespace pathhub::journal {
namespace {

// The libpq connection under a Poco session (pooled or not: both answer the property).
PGconn* postgresHandle(Poco::Data::Session& session) {
  auto* handle =
      Poco::AnyCast<Poco::Data::PostgreSQL::SessionHandle*>(session.getProperty("handle"));
  return static_cast<PGconn*>(*handle);
}

}  // namespace

std::string integerArray(const std::vector<std::int64_t>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    out += (i ? "," : "") + std::to_string(values[i]);
  }
  return out + "}";
}

std::string textArray(const std::vector<std::string>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    out += i ? ",\"" : "\"";
    for (char c : values[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

SqlConnection::SqlConnection(Poco::Data::Session session, bool keepStatements)
    : session_(std::move(session)),
      engine_(session_.connector() == "postgresql" ? SqlEngine::kPostgres : SqlEngine::kSqlite),
      keepStatements_(keepStatements) {}

SqlConnection::~SqlConnection() = default;

std::unique_ptr<SqlStatement> SqlConnection::statement(const std::string& sql) {
  if (engine_ == SqlEngine::kPostgres) {
    return std::make_unique<PostgresStatement>(postgresHandle(session_), sql);
  }
  return std::make_unique<SqliteStatement>(Poco::Data::SQLite::Utility::dbHandle(session_),
                                           sql.c_str());
}

SqlConnection::Kept SqlConnection::kept(const std::string& sql) {
  auto it = kept_.find(sql);
  if (it == kept_.end()) {
    if (kept_.size() >= kKeptStatements) forgetKept();
    std::unique_ptr<SqlStatement> made;
    if (engine_ == SqlEngine::kPostgres) {
      made = std::make_unique<PostgresStatement>(postgresHandle(session_), sql,
                                                 "pathhub_" + std::to_string(++named_));
    } else {
      made = std::make_unique<SqliteStatement>(Poco::Data::SQLite::Utility::dbHandle(session_),
                                               sql.c_str(), true);
    }
    it = kept_.emplace(sql, std::move(made)).first;
  }
  it->second->reset();
  return Kept(*it->second);
}

void SqlConnection::sendBound(SqlStatement& bound, RowReader row) {
  auto& q = static_cast<PostgresStatement&>(bound);
  PGconn* c = postgresHandle(session_);
  if (q.mustPrepare()) {
    awaitSent();  // preparing waits for its answer: not in pipeline mode
    q.prepare();
  }
  if (PQpipelineStatus(c) == PQ_PIPELINE_OFF && !PQenterPipelineMode(c)) {
    throw Poco::Data::DataException(std::string("cannot send statements ahead: ") +
                                    PQerrorMessage(c));
  }
  q.send();
  sent_.push_back({tag_, std::move(row), &q.sql()});
  // On its way now, so the server works on it while the next one is made.
  PQflush(c);
  if (sent_.size() >= kMaxSentAhead) awaitSent();
}

void SqlConnection::awaitSent() {
  if (sent_.empty()) return;
  PGconn* c = postgresHandle(session_);
  std::vector<Sent> sent = std::move(sent_);
  sent_.clear();
  std::optional<SentStatementFailed> failure;
  auto fail = [&](std::size_t tag, const std::string& sql, const char* message) {
    std::string text = message;
    while (!text.empty() && text.back() == '\n') text.pop_back();
    if (!failure) failure.emplace(tag, sql + ": " + text);
  };
  if (!PQpipelineSync(c)) fail(sent.front().tag, *sent.front().sql, PQerrorMessage(c));
  for (Sent& s : sent) {
    // Each statement's answer: its result, then a null result that ends it. Statements
    // after a failure are answered "aborted" and have no rows to read.
    bool answered = false;
    while (PGresult* result = PQgetResult(c)) {
      answered = true;
      const ExecStatusType status = PQresultStatus(result);
      if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
        PostgresRows rows(result, *s.sql);
        try {
          if (!failure) {
            while (rows.step()) s.row(rows);
          }
        } catch (const std::exception& e) {
          fail(s.tag, *s.sql, e.what());
        }
      } else {
        if (status != PGRES_PIPELINE_ABORTED) fail(s.tag, *s.sql, PQresultErrorMessage(result));
        PQclear(result);
      }
    }
    if (!answered) fail(s.tag, *s.sql, PQerrorMessage(c));  // the connection is gone
  }
  if (PGresult* synced = PQgetResult(c)) PQclear(synced);  // the sync point's own answer
  if (!PQexitPipelineMode(c) && !failure)
    fail(sent.back().tag, *sent.back().sql, PQerrorMessage(c));
  if (failure) throw *failure;
}

void SqlConnection::forgetKept() {
  awaitSent();  // their answers first: statements sent ahead run on kept ones
  if (engine_ == SqlEngine::kPostgres && !kept_.empty()) {
    // The server keeps named statements until the session ends: free them with the objects.
    // (Outside a failed transaction only; inside one the next ROLLBACK comes first.)
    PGconn* c = postgresHandle(session_);
    if (PQtransactionStatus(c) == PQTRANS_IDLE) PQclear(PQexec(c, "DEALLOCATE ALL"));
  }
  kept_.clear();
}

bool SqlConnection::recoverIfLost() {
  if (engine_ != SqlEngine::kPostgres) return true;
  PGconn* c = postgresHandle(session_);
  if (PQstatus(c) == CONNECTION_OK) return true;
  kept_.clear();  // prepared on the lost session: gone with it
  sent_.clear();
  PQreset(c);
  if (PQpipelineStatus(c) != PQ_PIPELINE_OFF) PQexitPipelineMode(c);
  return PQstatus(c) == CONNECTION_OK;
}

const char* SqlConnection::beginWrite() const {
  return engine_ == SqlEngine::kPostgres ? "BEGIN" : "BEGIN IMMEDIATE";
}

const char* SqlConnection::newline() const {
  return engine_ == SqlEngine::kPostgres ? "chr(10)" : "char(10)";
}

std::string SqlConnection::containsText(const std::string& haystack,
                                        const std::string& needle) const {
  return std::string(engine_ == SqlEngine::kPostgres ? "strpos(" : "instr(") + haystack + ", " +
         needle + ") > 0";
}

std::string SqlConnection::containsBytes(const std::string& column) const {
  if (engine_ == SqlEngine::kPostgres) {
    // convert_to: the text's UTF-8 bytes (a cast to bytea would read backslashes as escapes).
    return "position(convert_to(?, 'UTF8') in " + column + ") > 0";
  }
  return "instr(" + column + ", CAST(? AS BLOB)) > 0";
}

}  // namespace pathhub::journal
