// Code tables (see code_tables.h).
#include "lua/code_tables.h"

#include <Poco/Logger.h>

#include <fstream>
#include <iterator>

namespace pathhub::lua {
namespace fs = std::filesystem;

Result<CodeTable> parseCsvTable(const std::string& text, const std::string& name) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false, fieldStarted = false;
  int line = 1;
  auto endField = [&] {
    record.push_back(std::move(field));
    field.clear();
    fieldStarted = false;
  };
  auto endRecord = [&] {
    endField();
    if (!(record.size() == 1 && record[0].empty())) records.push_back(std::move(record));
    record.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        if (c == '\n') ++line;
        field += c;
      }
    } else if (c == '"' && !fieldStarted && field.empty()) {
      quoted = fieldStarted = true;
    } else if (c == ',') {
      endField();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      endRecord();
      ++line;
    } else {
      field += c;
      fieldStarted = true;
    }
  }
  ErrorContext ctx;
  ctx.file = name;
  ctx.line = line;
  if (quoted) return fail(ErrorCode::kInvalidValue, "a quoted field is not closed", ctx);
  if (fieldStarted || !field.empty() || !record.empty()) endRecord();
  if (records.empty()) return fail(ErrorCode::kInvalidValue, "the table has no header line", ctx);
  CodeTable table;
  table.columns = records[0];
  for (std::size_t r = 1; r < records.size(); ++r) {
    ctx.line = static_cast<int>(r) + 1;
    if (records[r].size() != table.columns.size()) {
      return fail(ErrorCode::kInvalidValue,
                  "row has " + std::to_string(records[r].size()) + " fields, the header " +
                      std::to_string(table.columns.size()),
                  ctx);
    }
    if (!table.rows.emplace(records[r][0], records[r]).second) {
      return fail(ErrorCode::kInvalidValue, "key '" + records[r][0] + "' appears twice", ctx);
    }
  }
  return table;
}

CodeTables::CodeTables(fs::path folder, std::chrono::milliseconds recheck)
    : folder_(std::move(folder)), recheck_(recheck), tables_(std::make_shared<TableSet>()) {}

std::map<std::string, fs::file_time_type> CodeTables::stamps() const {
  std::map<std::string, fs::file_time_type> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(folder_, ec)) {
    if (e.path().extension() == ".csv") out[e.path().string()] = e.last_write_time(ec);
  }
  return out;
}

Result<std::shared_ptr<const TableSet>> CodeTables::loadAll() const {
  auto set = std::make_shared<TableSet>();
  for (const auto& [path, stamp] : stamps()) {
    std::ifstream in(path, std::ios::binary);
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    auto table = parseCsvTable(text, path);
    if (!table) return tl::unexpected(table.error());
    (*set)[fs::path(path).stem().string()] = std::move(*table);
  }
  return std::shared_ptr<const TableSet>(std::move(set));
}

std::shared_ptr<const TableSet> CodeTables::current() {
  std::lock_guard lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  if (now - lastCheck_ >= recheck_) {
    lastCheck_ = now;
    auto found = stamps();
    if (found != loadedStamps_) {
      loadedStamps_ = found;
      if (auto fresh = loadAll()) {
        tables_ = std::move(*fresh);
        lastError_.clear();
      } else {
        lastError_ = fresh.error().describe();
        Poco::Logger::get("script.tables")
            .error("code tables not reloaded, the previous ones stay live: %s", lastError_);
      }
    }
  }
  return tables_;
}

}  // namespace pathhub::lua
