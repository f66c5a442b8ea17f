// A statement on PostgreSQL through libpq (sql.h's SqlStatement): the journal's `?` turned into
// $1, $2, …; values sent with their types (bigint, text, bytea as bytes); rows read in binary,
// so bytes come back as they went in. A kept statement is prepared once on the server under a
// name and run many times; a one-use statement is parsed and run in one round trip. A kept
// statement can also be sent without waiting for its answer (libpq's pipeline mode: see
// SqlConnection::send), its rows read later through PostgresRows.
// Internal to the journal component.
#pragma once

#include <libpq-fe.h>

#include <string>
#include <vector>

#include "journal/sql.h"

namespace pathhub::journal {

// The rows of one answer (a PGresult, owned), read as a SqlStatement: step, then columns.
// Binding is not for it: it throws. `sql` (named in errors) must outlive it.
class PostgresRows final : public SqlStatement {
 public:
  PostgresRows(PGresult* result, const std::string& sql) : result_(result), sql_(sql) {}
  ~PostgresRows() override;
  PostgresRows(const PostgresRows&) = delete;
  PostgresRows& operator=(const PostgresRows&) = delete;
  // Holds `result` from now on (freeing the one held).
  void adopt(PGresult* result);
  bool holds() const { return result_ != nullptr; }

  PostgresRows& bind(int, std::int64_t) override { return noBinding(); }
  PostgresRows& bind(int, std::string_view) override { return noBinding(); }
  PostgresRows& bindBlob(int, std::string_view) override { return noBinding(); }
  PostgresRows& bindNull(int) override { return noBinding(); }
  bool step() override;
  std::int64_t int64(int column) const override;
  std::string text(int column) const override;
  void reset() override { adopt(nullptr); }

 private:
  [[noreturn]] PostgresRows& noBinding() const;

  PGresult* result_;
  const std::string& sql_;
  int row_ = -1;
};

class PostgresStatement final : public SqlStatement {
 public:
  // `name` "" for a one-use statement.
  PostgresStatement(PGconn* connection, const std::string& sql, std::string name = {});
  ~PostgresStatement() override;
  PostgresStatement(const PostgresStatement&) = delete;
  PostgresStatement& operator=(const PostgresStatement&) = delete;

  PostgresStatement& bind(int index, std::int64_t value) override;
  PostgresStatement& bind(int index, std::string_view text) override;
  PostgresStatement& bindBlob(int index, std::string_view bytes) override;
  PostgresStatement& bindNull(int index) override;
  bool step() override;
  std::int64_t int64(int column) const override;
  std::string text(int column) const override;
  void reset() override;

  // Pipeline mode (SqlConnection::send). Whether the statement must be prepared (again) for
  // the types now bound, which only a connection out of pipeline mode can do; prepare() does
  // it. send() queues the run with the values bound and returns at once; the caller reads
  // its answer with PQgetResult.
  bool mustPrepare() const;
  void prepare();
  void send();
  const std::string& sql() const { return sql_; }

  // The SQL with each `?` outside quotes numbered as PostgreSQL wants it ($1, $2, …).
  static std::string numberedParameters(const std::string& sql, int* count);

 private:
  struct Parameter {
    Oid type = 0;  // 0: NULL (the server infers the type)
    std::string value;
    bool binary = false;
  };
  Parameter& at(int index);
  void execute();
  // The bound values as libpq takes them (pointers into parameters_).
  struct Wire {
    std::vector<Oid> types;
    std::vector<const char*> values;
    std::vector<int> lengths, formats;
  };
  Wire wire() const;

  PGconn* connection_;
  std::string sql_, name_;
  int count_ = 0;  // parameters the SQL has
  std::vector<Parameter> parameters_;
  std::vector<Oid> preparedTypes_;  // the types the named statement was prepared with
  bool prepared_ = false;
  PostgresRows rows_;
};

}  // namespace pathhub::journal
