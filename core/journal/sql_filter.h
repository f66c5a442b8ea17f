// A WHERE clause built from optional filters, with its values bound by position through
// SqlStatement (sql.h). Keeps query text and values in step so no value is ever spliced into SQL.
// Internal to the journal component.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "journal/sql.h"

namespace pathhub::journal {

class SqlFilter {
 public:
  // Adds `condition` (with one '?' per value) joined by AND.
  template <typename... Values>
  SqlFilter& where(const std::string& condition, Values... values) {
    clauses_.push_back(condition);
    (values_.push_back(value(values)), ...);
    return *this;
  }
  // `condition` with one '?' per text in `values`.
  SqlFilter& where(const std::string& condition, const std::vector<std::string>& values) {
    clauses_.push_back(condition);
    for (const auto& v : values) values_.push_back(value(v));
    return *this;
  }
  SqlFilter& whereText(const std::string& column, const std::string& value) {
    return value.empty() ? *this : where(column + " = ?", value);
  }
  std::string sql() const {
    std::string out;
    for (const auto& c : clauses_) out += (out.empty() ? " WHERE " : " AND ") + c;
    return out;
  }
  // Binds the values from position 1; returns the next free position.
  int bind(SqlStatement& statement) const {
    int index = 1;
    for (const auto& v : values_) {
      if (v.isNumber) {
        statement.bind(index++, v.number);
      } else {
        statement.bind(index++, std::string_view(v.text));
      }
    }
    return index;
  }

 private:
  struct Value {
    bool isNumber = false;
    std::int64_t number = 0;
    std::string text;
  };
  static Value value(std::int64_t n) { return {true, n, {}}; }
  static Value value(std::string s) { return {false, 0, std::move(s)}; }
  std::vector<std::string> clauses_;
  std::vector<Value> values_;
};

}  // namespace pathhub::journal
