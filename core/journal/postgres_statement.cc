// PostgreSQL statements (see postgres_statement.h).
#include "journal/postgres_statement.h"

#include <Poco/ByteOrder.h>
#include <Poco/Data/DataException.h>

#include <cstring>

namespace pathhub::journal {
namespace {

// Type oids (PostgreSQL's pg_type.h, stable since 7.x).
constexpr Oid kBool = 16, kBytea = 17, kInt8 = 20, kInt2 = 21, kInt4 = 23, kText = 25;

// Throws the error `result` (or, without one, the connection) reports, freeing `result`.
[[noreturn]] void throwFailure(const std::string& what, PGconn* connection, PGresult* result) {
  std::string message = result ? PQresultErrorMessage(result) : PQerrorMessage(connection);
  PQclear(result);
  while (!message.empty() && message.back() == '\n') message.pop_back();
  throw Poco::Data::DataException(what + ": " + message);
}

}  // namespace

std::string PostgresStatement::numberedParameters(const std::string& sql, int* count) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  char quote = 0;  // inside '…' or "…"
  for (char c : sql) {
    if (quote) {
      if (c == quote) quote = 0;
      out += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      out += c;
    } else if (c == '?') {
      out += '$' + std::to_string(++n);
    } else {
      out += c;
    }
  }
  *count = n;
  return out;
}

PostgresStatement::PostgresStatement(PGconn* connection, const std::string& sql, std::string name)
    : connection_(connection), name_(std::move(name)) {
  sql_ = numberedParameters(sql, &count_);
  parameters_.resize(static_cast<std::size_t>(count_));
}

PostgresStatement::~PostgresStatement() {
  if (result_) PQclear(result_);
  // A kept statement lives as long as its connection; the connection's end frees it.
}

PostgresStatement::Parameter& PostgresStatement::at(int index) {
  if (index < 1 || index > count_) {
    throw Poco::Data::DataException("bind: no parameter " + std::to_string(index) + " in " + sql_);
  }
  return parameters_[static_cast<std::size_t>(index - 1)];
}

PostgresStatement& PostgresStatement::bind(int index, std::int64_t value) {
  at(index) = {kInt8, std::to_string(value), false};
  return *this;
}

PostgresStatement& PostgresStatement::bind(int index, std::string_view text) {
  at(index) = {kText, std::string(text), false};
  return *this;
}

PostgresStatement& PostgresStatement::bindBlob(int index, std::string_view bytes) {
  at(index) = {kBytea, std::string(bytes), true};
  return *this;
}

PostgresStatement& PostgresStatement::bindNull(int index) {
  at(index) = Parameter{};
  return *this;
}

void PostgresStatement::execute() {
  std::vector<Oid> types(parameters_.size());
  std::vector<const char*> values(parameters_.size());
  std::vector<int> lengths(parameters_.size()), formats(parameters_.size());
  for (std::size_t i = 0; i < parameters_.size(); ++i) {
    const Parameter& p = parameters_[i];
    types[i] = p.type;
    values[i] = p.type == 0 ? nullptr : p.value.data();
    lengths[i] = static_cast<int>(p.value.size());
    formats[i] = p.binary ? 1 : 0;
  }
  const int n = static_cast<int>(parameters_.size());
  if (name_.empty()) {
    result_ = PQexecParams(connection_, sql_.c_str(), n, types.data(), values.data(),
                           lengths.data(), formats.data(), 1);
  } else {
    // Prepared with the types of its first run; a NULL later takes the prepared type. A run
    // with other types (rare) prepares it again under the same name.
    bool same = prepared_;
    for (std::size_t i = 0; same && i < types.size(); ++i) {
      same = types[i] == 0 || preparedTypes_[i] == 0 || types[i] == preparedTypes_[i];
    }
    if (!same) {
      if (prepared_) {
        PGresult* gone = PQexec(connection_, ("DEALLOCATE " + name_).c_str());
        PQclear(gone);
      }
      PGresult* made = PQprepare(connection_, name_.c_str(), sql_.c_str(), n, types.data());
      if (PQresultStatus(made) != PGRES_COMMAND_OK)
        throwFailure("prepare " + sql_, connection_, made);
      PQclear(made);
      preparedTypes_ = types;
      prepared_ = true;
    }
    result_ = PQexecPrepared(connection_, name_.c_str(), n, values.data(), lengths.data(),
                             formats.data(), 1);
  }
  const ExecStatusType status = PQresultStatus(result_);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    PGresult* failure = result_;
    result_ = nullptr;
    throwFailure(sql_, connection_, failure);
  }
}

bool PostgresStatement::step() {
  if (!result_) {
    execute();
    row_ = -1;
  }
  if (row_ + 1 >= PQntuples(result_)) return false;
  ++row_;
  return true;
}

std::int64_t PostgresStatement::int64(int column) const {
  if (PQgetisnull(result_, row_, column)) return 0;
  const char* v = PQgetvalue(result_, row_, column);
  switch (PQftype(result_, column)) {
    case kInt8: {
      std::int64_t n;
      std::memcpy(&n, v, sizeof n);
      return Poco::ByteOrder::fromNetwork(static_cast<Poco::Int64>(n));
    }
    case kInt4: {
      std::int32_t n;
      std::memcpy(&n, v, sizeof n);
      return Poco::ByteOrder::fromNetwork(static_cast<Poco::Int32>(n));
    }
    case kInt2: {
      std::int16_t n;
      std::memcpy(&n, v, sizeof n);
      return Poco::ByteOrder::fromNetwork(static_cast<Poco::Int16>(n));
    }
    case kBool:
      return v[0] ? 1 : 0;
    default:
      throw Poco::Data::DataException("column " + std::to_string(column) + " of " + sql_ +
                                      " is not an integer (type oid " +
                                      std::to_string(PQftype(result_, column)) + ")");
  }
}

std::string PostgresStatement::text(int column) const {
  if (PQgetisnull(result_, row_, column)) return {};
  const Oid type = PQftype(result_, column);
  if (type == kInt8 || type == kInt4 || type == kInt2) return std::to_string(int64(column));
  // Text, and bytea's bytes: in binary results both are the value's own bytes.
  return std::string(PQgetvalue(result_, row_, column),
                     static_cast<std::size_t>(PQgetlength(result_, row_, column)));
}

void PostgresStatement::reset() {
  if (result_) PQclear(result_);
  result_ = nullptr;
  row_ = -1;
  for (auto& p : parameters_) p = Parameter{};
}

}  // namespace pathhub::journal
