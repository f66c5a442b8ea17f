// SQLite statements (see sqlite_statement.h).
#include "journal/sqlite_statement.h"

#include <Poco/Data/DataException.h>

namespace pathhub::journal {

SqliteStatement::SqliteStatement(sqlite3* db, const char* sql, bool kept) : db_(db) {
  check(sqlite3_prepare_v3(db_, sql, -1, kept ? SQLITE_PREPARE_PERSISTENT : 0, &stmt_, nullptr),
        sql);
}

SqliteStatement::~SqliteStatement() { sqlite3_finalize(stmt_); }

void SqliteStatement::check(int rc, const char* what) const {
  if (rc != SQLITE_OK && rc != SQLITE_ROW && rc != SQLITE_DONE) {
    throw Poco::Data::DataException(std::string(what) + ": " + sqlite3_errmsg(db_));
  }
}

SqliteStatement& SqliteStatement::bind(int index, std::int64_t value) {
  check(sqlite3_bind_int64(stmt_, index, value), "bind");
  return *this;
}

SqliteStatement& SqliteStatement::bind(int index, std::string_view text) {
  check(sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC),
        "bind");
  return *this;
}

SqliteStatement& SqliteStatement::bindBlob(int index, std::string_view bytes) {
  // A zero-length blob, not NULL: the columns are NOT NULL.
  check(sqlite3_bind_blob(stmt_, index, bytes.empty() ? "" : bytes.data(),
                          static_cast<int>(bytes.size()), SQLITE_STATIC),
        "bind");
  return *this;
}

SqliteStatement& SqliteStatement::bindNull(int index) {
  check(sqlite3_bind_null(stmt_, index), "bind");
  return *this;
}

bool SqliteStatement::step() {
  const int rc = sqlite3_step(stmt_);
  check(rc, sqlite3_sql(stmt_));
  return rc == SQLITE_ROW;
}

std::int64_t SqliteStatement::int64(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::string SqliteStatement::text(int column) const {
  // Bytes as they are: a BLOB column's content is not text, and may hold any byte.
  const auto* p = sqlite3_column_blob(stmt_, column);
  return p ? std::string(static_cast<const char*>(p),
                         static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)))
           : std::string();
}

void SqliteStatement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

}  // namespace pathhub::journal
