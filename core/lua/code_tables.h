// Code tables for mapping scripts: CSV files under scripts/tables/, one table per file
// (`winpath_snomed.csv` is table "winpath_snomed"). The first line names the columns; the
// first column is the key. Tables are loaded once and shared read-only by every worker; when a
// file changes (checked at most once a second) the set is reloaded and swapped in whole, and a
// file that does not parse keeps the previous set live with its error logged.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "pathhub/error.h"

namespace pathhub::lua {

// Hashes std::string and std::string_view alike, so lookups need not copy the key.
struct TextHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const {
    return std::hash<std::string_view>{}(text);
  }
};

struct CodeTable {
  std::vector<std::string> columns;
  // key → every column
  std::unordered_map<std::string, std::vector<std::string>, TextHash, std::equal_to<>> rows;
};

using TableSet = std::map<std::string, CodeTable, std::less<>>;

// Parses one CSV text (RFC 4180: quoted fields, "" inside quotes, CRLF or LF). Errors name
// the line.
Result<CodeTable> parseCsvTable(const std::string& text, const std::string& name);

class CodeTables {
 public:
  explicit CodeTables(std::filesystem::path folder,
                      std::chrono::milliseconds recheck = std::chrono::seconds(1));
  // The current tables (reloading first if a file changed). Never null.
  std::shared_ptr<const TableSet> current();
  const std::string& lastError() const { return lastError_; }
  const std::filesystem::path& folder() const { return folder_; }

 private:
  Result<std::shared_ptr<const TableSet>> loadAll() const;
  std::map<std::string, std::filesystem::file_time_type> stamps() const;

  std::filesystem::path folder_;
  std::chrono::milliseconds recheck_;
  std::mutex mutex_;
  std::shared_ptr<const TableSet> tables_;
  std::map<std::string, std::filesystem::file_time_type> loadedStamps_;
  std::chrono::steady_clock::time_point lastCheck_{};
  std::string lastError_;
};

}  // namespace pathhub::lua
