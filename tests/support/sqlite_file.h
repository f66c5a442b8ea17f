// A raw SQLite connection to a journal file, for what a journal's users never see (its schema
// version, its rows as stored), and the fixture journals of tests/data/journals loaded into a
// file.
#pragma once

#include <filesystem>
#include <string>

struct sqlite3;

namespace pathhub::testing {

class SqliteFile {
 public:
  explicit SqliteFile(const std::filesystem::path& path);
  ~SqliteFile();
  SqliteFile(const SqliteFile&) = delete;
  SqliteFile& operator=(const SqliteFile&) = delete;

  // Runs `sql` (any number of statements); "" or SQLite's error.
  std::string exec(const std::string& sql);
  // The first column of the first row of `sql`, as text ("" when none) or as a number.
  std::string text(const std::string& sql);
  long long number(const std::string& sql);

 private:
  sqlite3* db_ = nullptr;
};

// tests/data/journals/NAME.sql (e.g. "schema-1") loaded into a new SQLite file at `path`.
void loadFixtureJournal(const std::string& name, const std::filesystem::path& path);
std::filesystem::path fixtureJournalFolder();

}  // namespace pathhub::testing
