// A journal on a fresh SQLite file in a temporary folder, and helpers to add messages.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "journal/journal.h"

namespace pathhub::journal {

class JournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static int n = 0;
    path_ = std::filesystem::temp_directory_path() /
            ("journal-test-" + std::to_string(::getpid()) + "-" + std::to_string(++n)) / "j.db";
    std::filesystem::remove_all(path_.parent_path());
    open();
  }
  void TearDown() override {
    journal_.reset();
    std::filesystem::remove_all(path_.parent_path());
  }
  void open(std::chrono::seconds window = std::chrono::seconds(3600)) {
    journal_.reset();
    auto j = Journal::open({path_.string(), window});
    ASSERT_TRUE(j) << j.error().describe();
    journal_ = std::move(*j);
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
  std::unique_ptr<Journal> journal_;
};

}  // namespace pathhub::journal
