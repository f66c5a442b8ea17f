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
    : connection_(connection), name_(std::move(name)), rows_(nullptr, sql_) {
  sql_ = numberedParameters(sql, &count_);
  parameters_.resize(static_cast<std::size_t>(count_));
}

// A kept statement lives as long as its connection; the connection's end frees it.
PostgresStatement::~PostgresStatement() = default;

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

PostgresStatement::Wire PostgresStatement::wire() const {
  Wire w;
  for (const Parameter& p : parameters_) {
    w.types.push_back(p.type);
    w.values.push_back(p.type == 0 ? nullptr : p.value.data());
    w.lengths.push_back(static_cast<int>(p.value.size()));
    w.formats.push_back(p.binary ? 1 : 0);
  }
  return w;
}

bool PostgresStatement::mustPrepare() const {
  // Prepared with the types of its first run; a NULL later takes the prepared type. A run
  // with other types (rare) prepares it again under the same name.
  if (!prepared_) return true;
  for (std::size_t i = 0; i < parameters_.size(); ++i) {
    const Oid type = parameters_[i].type;
    if (type != 0 && preparedTypes_[i] != 0 && type != preparedTypes_[i]) return true;
  }
  return false;
}

void PostgresStatement::prepare() {
  if (prepared_) {
    PGresult* gone = PQexec(connection_, ("DEALLOCATE " + name_).c_str());
    PQclear(gone);
  }
  const Wire w = wire();
  PGresult* made = PQprepare(connection_, name_.c_str(), sql_.c_str(),
                             static_cast<int>(w.types.size()), w.types.data());
  if (PQresultStatus(made) != PGRES_COMMAND_OK) throwFailure("prepare " + sql_, connection_, made);
  PQclear(made);
  preparedTypes_ = w.types;
  prepared_ = true;
}

void PostgresStatement::send() {
  const Wire w = wire();
  if (!PQsendQueryPrepared(connection_, name_.c_str(), static_cast<int>(w.values.size()),
                           w.values.data(), w.lengths.data(), w.formats.data(), 1)) {
    throwFailure(sql_, connection_, nullptr);
  }
}

void PostgresStatement::execute() {
  const Wire w = wire();
  const int n = static_cast<int>(w.values.size());
  PGresult* result = nullptr;
  if (name_.empty()) {
    result = PQexecParams(connection_, sql_.c_str(), n, w.types.data(), w.values.data(),
                          w.lengths.data(), w.formats.data(), 1);
  } else {
    if (mustPrepare()) prepare();
    result = PQexecPrepared(connection_, name_.c_str(), n, w.values.data(), w.lengths.data(),
                            w.formats.data(), 1);
  }
  const ExecStatusType status = PQresultStatus(result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    throwFailure(sql_, connection_, result);
  }
  rows_.adopt(result);
}

bool PostgresStatement::step() {
  if (!rows_.holds()) execute();
  return rows_.step();
}

std::int64_t PostgresStatement::int64(int column) const { return rows_.int64(column); }

std::string PostgresStatement::text(int column) const { return rows_.text(column); }

void PostgresStatement::reset() {
  rows_.reset();
  for (auto& p : parameters_) p = Parameter{};
}

PostgresRows::~PostgresRows() {
  if (result_) PQclear(result_);
}

void PostgresRows::adopt(PGresult* result) {
  if (result_) PQclear(result_);
  result_ = result;
  row_ = -1;
}

PostgresRows& PostgresRows::noBinding() const {
  throw Poco::Data::DataException("an answer's rows take no values: " + sql_);
}

bool PostgresRows::step() {
  if (!result_ || row_ + 1 >= PQntuples(result_)) return false;
  ++row_;
  return true;
}

std::int64_t PostgresRows::int64(int column) const {
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

std::string PostgresRows::text(int column) const {
  if (PQgetisnull(result_, row_, column)) return {};
  const Oid type = PQftype(result_, column);
  if (type == kInt8 || type == kInt4 || type == kInt2) return std::to_string(int64(column));
  // Text, and bytea's bytes: in binary results both are the value's own bytes.
  return std::string(PQgetvalue(result_, row_, column),
                     static_cast<std::size_t>(PQgetlength(result_, row_, column)));
}

}  // namespace pathhub::journal
