// A journal for a test, on either backend: a fresh SQLite file in a temporary folder, or a
// fresh database on the test program's PostgreSQL server (postgres_server.h). JournalTest runs
// each test on both (TEST_P); SqliteJournalTest is for what only SQLite's file has.
#pragma once

#include <Poco/Data/Session.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "journal/journal.h"
#include "postgres_server.h"

namespace pathhub::journal {

class JournalFixture : public ::testing::Test {
 protected:
  virtual std::string backend() const { return "sqlite"; }
  void SetUp() override {
    static int n = 0;
    ++n;
    path_ = std::filesystem::temp_directory_path() /
            ("journal-test-" + std::to_string(::getpid()) + "-" + std::to_string(n)) / "j.db";
    std::filesystem::remove_all(path_.parent_path());
    if (backend() == "postgresql") {
      std::string whyNot;
      bool missing = false;
      server_ = testing::PostgresServer::shared(&whyNot, &missing);
      if (!server_ && missing) GTEST_SKIP() << whyNot;
      ASSERT_NE(server_, nullptr) << whyNot;
      database_ = "journal_test_" + std::to_string(n);
      ASSERT_EQ(server_->createDatabase(database_), "");
    }
    open();
  }
  void TearDown() override {
    journal_.reset();
    std::filesystem::remove_all(path_.parent_path());
    if (server_ && !database_.empty()) {
      (void)server_->superuserSql("DROP DATABASE IF EXISTS " + database_ + " WITH (FORCE)");
    }
  }
  JournalOptions options(std::chrono::seconds window = std::chrono::seconds(3600)) const {
    JournalOptions o;
    o.backend = backend();
    o.path = path_.string();
    o.dedupeWindow = window;
    if (server_) {
      o.url = server_->url(database_);
      o.password = testing::PostgresServer::kPassword;
    }
    return o;
  }
  void open(std::chrono::seconds window = std::chrono::seconds(3600)) {
    journal_.reset();
    auto j = Journal::open(options(window));
    ASSERT_TRUE(j) << j.error().describe();
    journal_ = std::move(*j);
  }
  // A connection of its own to the journal's database, beside the journal's.
  Poco::Data::Session directSession() const {
    if (server_) return Poco::Data::Session("PostgreSQL", server_->connectionString(database_));
    return Poco::Data::Session("SQLite", path_.string());
  }
  NewMessage message(const std::string& controlId, const std::string& body = "x") {
    NewMessage m;
    m.channel = "lab";
    m.source = "lab/mllp";
    m.controlId = controlId;
    m.messageType = "ORU^R01";
    m.bytes = "MSH|^~\\&|A||||||ORU^R01|" + controlId + "|P|2.4\rNTE|1||" + body + "\r";
    return m;
  }
  MessageId append(const std::string& controlId, const std::string& body = "x") {
    auto a = journal_->append(message(controlId, body));
    EXPECT_TRUE(a) << a.error().describe();
    return a ? a->id : 0;
  }

  std::filesystem::path path_;
  testing::PostgresServer* server_ = nullptr;
  std::string database_;
  std::unique_ptr<Journal> journal_;
};

using SqliteJournalTest = JournalFixture;

// The same test on each backend: instantiate with INSTANTIATE_JOURNAL_BACKENDS(Suite).
class JournalTest : public JournalFixture, public ::testing::WithParamInterface<std::string> {
 protected:
  std::string backend() const override { return GetParam(); }
};

#define INSTANTIATE_JOURNAL_BACKENDS(suite)                                              \
  INSTANTIATE_TEST_SUITE_P(Backends, suite, ::testing::Values("sqlite", "postgresql"),   \
                           [](const ::testing::TestParamInfo<std::string>& backend) {    \
                             return backend.param == "sqlite" ? std::string("Sqlite")    \
                                                              : std::string("Postgres"); \
                           })

}  // namespace pathhub::journal
