// A statement on PostgreSQL through libpq (sql.h's SqlStatement): the journal's `?` turned into
// $1, $2, …; values sent with their types (bigint, text, bytea as bytes); rows read in binary,
// so bytes come back as they went in. A kept statement is prepared once on the server under a
// name and run many times; a one-use statement is parsed and run in one round trip.
// Internal to the journal component.
#pragma once

#include <libpq-fe.h>

#include <string>
#include <vector>

#include "journal/sql.h"

namespace pathhub::journal {

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

  PGconn* connection_;
  std::string sql_, name_;
  int count_ = 0;  // parameters the SQL has
  std::vector<Parameter> parameters_;
  std::vector<Oid> preparedTypes_;  // the types the named statement was prepared with
  bool prepared_ = false;
  PGresult* result_ = nullptr;
  int row_ = -1;
};

}  // namespace pathhub::journal
