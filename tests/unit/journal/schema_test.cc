// Journal schema versions (core/journal/schema.h): every fixture journal in tests/data/journals
// — each written by a release at the schema version of its name, by write_fixture.py — opens
// with this program, is brought to the current version with everything it held, and is not
// migrated twice; a journal from a newer program is refused.
#include "journal/schema.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "journal/journal.h"
#include "sqlite_file.h"

namespace pathhub::journal {
namespace {

namespace fs = std::filesystem;

const char* const kTables[] = {"messages", "deliveries",    "events",           "audit",
                               "orders",   "order_history", "unmatched_results"};

class SchemaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("schema-test-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // The fixture loaded into a new SQLite file, as the release left it.
  fs::path load(const fs::path& fixture) {
    const fs::path path = dir_ / (fixture.stem().string() + ".db");
    testing::loadFixtureJournal(fixture.stem().string(), path);
    return path;
  }

  fs::path dir_;
};

std::vector<fs::path> fixtures() {
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(testing::fixtureJournalFolder())) {
    if (entry.path().extension() == ".sql") out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST_F(SchemaTest, ThereIsAFixtureForEveryVersionBeforeThisOne) {
  std::set<std::string> names;
  for (const auto& f : fixtures()) names.insert(f.stem().string());
  for (int v = 1; v <= kSchemaVersion; ++v) {
    EXPECT_TRUE(names.count("schema-" + std::to_string(v)))
        << "no fixture journal of version " << v;
  }
}

TEST_F(SchemaTest, EveryFixtureJournalIsBroughtToThisVersionWithEverythingItHeld) {
  for (const auto& fixture : fixtures()) {
    SCOPED_TRACE(fixture.filename().string());
    const fs::path path = load(fixture);
    std::map<std::string, int> before;
    int versionBefore = 0;
    {
      testing::SqliteFile db(path);
      versionBefore = db.number("PRAGMA user_version");
      for (const char* table : kTables) {
        before[table] = db.number(std::string("SELECT COUNT(*) FROM ") + table);
      }
      EXPECT_GT(before["messages"], 0);
      EXPECT_EQ(db.number("SELECT COUNT(*) FROM deliveries WHERE state = 'pending'"), 1);
    }
    {
      auto journal =
          Journal::open(JournalOptions::sqlite(path.string(), std::chrono::seconds(3600)));
      ASSERT_TRUE(journal) << journal.error().describe();
      // What the journal holds reads as before: the pending delivery is still due.
      auto pending = (*journal)->pendingDeliveries("lab", "gp", 10);
      ASSERT_TRUE(pending) << pending.error().describe();
      ASSERT_EQ(pending->size(), 1u);
    }
    testing::SqliteFile db(path);
    EXPECT_EQ(db.number("PRAGMA user_version"), kSchemaVersion);
    for (const char* table : kTables) {
      EXPECT_EQ(db.number(std::string("SELECT COUNT(*) FROM ") + table), before[table]) << table;
    }
    EXPECT_EQ(db.text("SELECT value FROM journal_info WHERE key = 'journal_id'").size(), 36u);
    const int steps = kSchemaVersion - versionBefore;
    EXPECT_EQ(db.number("SELECT COUNT(*) FROM schema_history WHERE version > " +
                        std::to_string(versionBefore)),
              steps);
    EXPECT_NE(db.exec("UPDATE audit SET user = 'someone else'"), "")
        << "the audit trail stays append-only";
  }
}

TEST_F(SchemaTest, AJournalIsMigratedOnceAndANewOneStartsAtThisVersion) {
  const fs::path path = dir_ / "new.db";
  for (int i = 0; i < 2; ++i) {
    auto journal = Journal::open(JournalOptions::sqlite(path.string(), std::chrono::seconds(3600)));
    ASSERT_TRUE(journal) << journal.error().describe();
  }
  testing::SqliteFile db(path);
  EXPECT_EQ(db.number("PRAGMA user_version"), kSchemaVersion);
  EXPECT_EQ(db.number("SELECT COUNT(*) FROM schema_history"), kSchemaVersion)
      << "each version once, the first ones recorded when the history began";
  EXPECT_EQ(db.text("SELECT program FROM schema_history WHERE version = 1").rfind("pathhub ", 0),
            0u);
}

TEST_F(SchemaTest, AJournalFromANewerPathhubIsRefusedAndLeftAsItWas) {
  const fs::path path = dir_ / "newer.db";
  { ASSERT_TRUE(Journal::open(JournalOptions::sqlite(path.string(), std::chrono::seconds(3600)))); }
  {
    testing::SqliteFile db(path);
    db.exec("PRAGMA user_version = " + std::to_string(kSchemaVersion + 1));
  }
  auto journal = Journal::open(JournalOptions::sqlite(path.string(), std::chrono::seconds(3600)));
  ASSERT_FALSE(journal);
  const std::string why = journal.error().describe();
  EXPECT_NE(why.find("schema version " + std::to_string(kSchemaVersion + 1)), std::string::npos)
      << why;
  EXPECT_NE(why.find("written by a newer pathhub"), std::string::npos) << why;
  testing::SqliteFile db(path);
  EXPECT_EQ(db.number("PRAGMA user_version"), kSchemaVersion + 1);
}

}  // namespace
}  // namespace pathhub::journal
