// A statement on SQLite's own prepared-statement API (sql.h's SqlStatement), which costs a
// fraction of Poco's statement objects and of re-compiling the SQL for every message.
// Internal to the journal component.
#pragma once

#include <sqlite3.h>

#include "journal/sql.h"

namespace pathhub::journal {

class SqliteStatement final : public SqlStatement {
 public:
  // `kept`: prepared for many runs (SQLite keeps such statements out of its lookaside memory).
  SqliteStatement(sqlite3* db, const char* sql, bool kept = false);
  ~SqliteStatement() override;
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  SqliteStatement& bind(int index, std::int64_t value) override;
  SqliteStatement& bind(int index, std::string_view text) override;
  SqliteStatement& bindBlob(int index, std::string_view bytes) override;
  SqliteStatement& bindNull(int index) override;
  bool step() override;
  std::int64_t int64(int column) const override;
  std::string text(int column) const override;
  void reset() override;

 private:
  void check(int rc, const char* what) const;

  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace pathhub::journal
