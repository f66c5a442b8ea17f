// The journal under injected faults and when its file is lost: a write whose commit failed is
// reported with a code, never as done; the journal recovers when the fault clears; a lost
// file is found at once, not after SQLite's minute of open retries.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>

#include "journal/postgres_url.h"
#include "journal_fixture.h"

namespace pathhub::journal {
namespace {

TEST_P(JournalTest, TheNthJobFailsAloneWithItsError) {
  journal_->writer().injectFaults({.job = 2, .commit = 0});
  ASSERT_TRUE(journal_->append(message("F1")));
  auto second = journal_->append(message("F2"));
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, ErrorCode::kIoError);
  EXPECT_NE(second.error().text.find("injected job fault"), std::string::npos);
  ASSERT_TRUE(journal_->append(message("F3")));  // the fault has cleared
  EXPECT_EQ(*journal_->countMessages("lab", "received"), 2);
}

TEST_P(JournalTest, AFailedCommitFailsEveryJobOfItsTransactionAndKeepsNothing) {
  journal_->writer().injectFaults({.job = 0, .commit = 1});
  // Several writes in flight share one transaction: the failed COMMIT fails them all.
  std::vector<std::future<Result<void>>> futures;
  for (int i = 0; i < 3; ++i) {
    futures.push_back(journal_->submitMapped({}));
  }
  int failed = 0;
  for (auto& f : futures) {
    auto r = f.get();
    if (!r) {
      ++failed;
      EXPECT_EQ(r.error().code, ErrorCode::kIoError);
      EXPECT_NE(r.error().text.find("journal commit failed"), std::string::npos);
    }
  }
  EXPECT_GE(failed, 1);
  auto after = journal_->append(message("C1"));
  ASSERT_TRUE(after) << after.error().describe();
  journal_->writer().injectFaults({.job = 0, .commit = 1});
  auto lost = journal_->append(message("C2"));
  ASSERT_FALSE(lost);
  EXPECT_EQ(*journal_->countMessages("lab", "received"), 1) << "C2's transaction was kept";
  ASSERT_TRUE(journal_->append(message("C2")));  // the resend after the fault is a new message
  EXPECT_EQ(*journal_->countMessages("lab", "received"), 2);
  EXPECT_EQ(*journal_->countMessages("lab", "duplicate"), 0);
}

TEST_F(SqliteJournalTest, ALostFileIsFoundAtOnceAndEveryWriteAndReadSaysUnavailable) {
  ASSERT_TRUE(journal_->append(message("L1")));
  ASSERT_TRUE(journal_->readable());
  std::filesystem::remove_all(path_.parent_path());  // a removed folder, a lost mount
  const auto started = std::chrono::steady_clock::now();
  auto write = journal_->append(message("L2"));
  ASSERT_FALSE(write);
  EXPECT_EQ(write.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(write.error().text.find("is gone"), std::string::npos);
  EXPECT_FALSE(journal_->readable());
  MessageFilter f;
  f.channel = "lab";
  auto read = journal_->search(f);
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().code, ErrorCode::kUnavailable);
  EXPECT_FALSE(journal_->present());
  // Not SQLite's minute of open retries: every answer came at once.
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

TEST_F(SqliteJournalTest, AReplacedFileIsNotTheJournal) {
  ASSERT_TRUE(journal_->append(message("R1")));
  const auto aside = path_.string() + ".aside";
  std::filesystem::rename(path_, aside);
  std::filesystem::copy_file(aside, path_);  // same name, another file
  auto write = journal_->append(message("R2"));
  ASSERT_FALSE(write);
  EXPECT_EQ(write.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(write.error().text.find("no longer the file"), std::string::npos);
  std::filesystem::remove(path_);
  std::filesystem::rename(aside, path_);  // the file itself is back: so is the journal
  EXPECT_TRUE(journal_->present());
  ASSERT_TRUE(journal_->append(message("R3")));
}

TEST_P(JournalTest, ReplayRefusalsSayWhy) {
  auto unknown = journal_->replay(424242, {});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  const MessageId received = append("RR1");
  auto early = journal_->replay(received, {"gp"});
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().code, ErrorCode::kInvalidState);
  ASSERT_TRUE(journal_->markFiltered(received, "not for us"));
  auto filtered = journal_->replay(received, {});
  ASSERT_FALSE(filtered);
  EXPECT_EQ(filtered.error().code, ErrorCode::kInvalidState);
  EXPECT_NE(filtered.error().text.find("is filtered"), std::string::npos);
}

}  // namespace
}  // namespace pathhub::journal

namespace pathhub::journal {
namespace {

// Issue 18, item 12: a damaged or truncated journal is refused at start with a clear message,
// never used one failing message at a time nor taken for a new, empty one.
TEST_F(SqliteJournalTest, ADamagedOrEmptiedJournalIsRefusedAtStart) {
  for (int i = 0; i < 300; ++i) append("D" + std::to_string(i), std::string(2000, 'x'));
  EXPECT_TRUE(journal_->integrityCheck()->empty());
  journal_.reset();
  {
    // Pages in the middle overwritten (a disk fault, a bad copy).
    std::fstream f(path_, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(4096 * 20);
    const std::string garbage(4096 * 4, '\x5a');
    f.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  auto damaged = Journal::open(JournalOptions::sqlite(path_.string(), std::chrono::seconds(60)));
  ASSERT_FALSE(damaged);
  EXPECT_EQ(damaged.error().code, ErrorCode::kInvalidState);
  EXPECT_NE(damaged.error().text.find("is damaged"), std::string::npos) << damaged.error().text;
  std::filesystem::resize_file(path_, 0);
  std::filesystem::remove(path_.string() + "-wal");
  auto empty = Journal::open(JournalOptions::sqlite(path_.string(), std::chrono::seconds(60)));
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, ErrorCode::kInvalidState);
  EXPECT_NE(empty.error().text.find("exists but is empty"), std::string::npos)
      << empty.error().text;
}

TEST_P(JournalTest, StoringSaysWhetherTheLastCommitWorked) {
  EXPECT_TRUE(journal_->storing());
  journal_->writer().injectFaults({.job = 0, .commit = 1});
  EXPECT_FALSE(journal_->append(message("S1")));
  EXPECT_FALSE(journal_->storing());
  ASSERT_TRUE(journal_->append(message("S2")));
  EXPECT_TRUE(journal_->storing());
}

// (JournalTest is instantiated by journal_test.cc.)

}  // namespace
}  // namespace pathhub::journal

namespace pathhub::journal {
namespace {

TEST(PostgresUrl, BecomesPocosConnectionStringWithThePasswordFromItsFile) {
  auto c = postgresConnectionString(
      "postgresql://pathhub@db1:5432,db2:5433/pathhub?sslmode=verify-full"
      "&target_session_attrs=read-write",
      "s3cret");
  ASSERT_TRUE(c) << c.error().describe();
  for (const char* part :
       {"user=pathhub", "host=db1,db2", "port=5432,5433", "dbname=pathhub", "sslmode=verify-full",
        "target_session_attrs=read-write", "password=s3cret"}) {
    EXPECT_NE(c->find(part), std::string::npos) << part << " in " << *c;
  }
}

TEST(PostgresUrl, RefusesWhatCannotBePassedOrShouldNotBeThereWithoutShowingSecrets) {
  auto inUrl = postgresConnectionString("postgresql://pathhub:hunter2@db/pathhub", "");
  ASSERT_FALSE(inUrl);
  EXPECT_NE(inUrl.error().text.find("passwordFile"), std::string::npos);
  EXPECT_EQ(inUrl.error().text.find("hunter2"), std::string::npos) << inUrl.error().text;
  auto spaced = postgresConnectionString("postgresql://pathhub@db/pathhub", "two words");
  ASSERT_FALSE(spaced);
  EXPECT_EQ(spaced.error().text.find("two words"), std::string::npos) << spaced.error().text;
  EXPECT_FALSE(postgresConnectionString("mysql://db/x", ""));
  EXPECT_FALSE(postgresConnectionString("postgresql://db/x?nosuchparameter=1", ""));
  EXPECT_EQ(postgresDisplayName("postgresql://pathhub:hunter2@db/pathhub"),
            "postgresql://pathhub@db/pathhub");
}

}  // namespace
}  // namespace pathhub::journal
