#include "sqlite_file.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <sstream>

namespace pathhub::testing {

SqliteFile::SqliteFile(const std::filesystem::path& path) {
  EXPECT_EQ(sqlite3_open(path.c_str(), &db_), SQLITE_OK) << path;
  sqlite3_busy_timeout(db_, 10000);
}

SqliteFile::~SqliteFile() { sqlite3_close(db_); }

std::string SqliteFile::exec(const std::string& sql) {
  char* error = nullptr;
  sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
  std::string out = error ? error : "";
  sqlite3_free(error);
  return out;
}

std::string SqliteFile::text(const std::string& sql) {
  sqlite3_stmt* statement = nullptr;
  std::string out;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK &&
      sqlite3_step(statement) == SQLITE_ROW && sqlite3_column_text(statement, 0)) {
    out = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
  }
  sqlite3_finalize(statement);
  return out;
}

long long SqliteFile::number(const std::string& sql) { return std::atoll(text(sql).c_str()); }

std::filesystem::path fixtureJournalFolder() {
  return std::filesystem::path(PATHHUB_SOURCE_DIR) / "tests" / "data" / "journals";
}

void loadFixtureJournal(const std::string& name, const std::filesystem::path& path) {
  std::ifstream in(fixtureJournalFolder() / (name + ".sql"), std::ios::binary);
  ASSERT_TRUE(in) << "no fixture journal " << name;
  std::stringstream sql;
  sql << in.rdbuf();
  std::filesystem::create_directories(path.parent_path());
  SqliteFile db(path);
  ASSERT_EQ(db.exec(sql.str()), "") << name;
}

}  // namespace pathhub::testing
