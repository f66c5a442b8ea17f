// The JSON line log format: one parseable object per event, text escaped; JSON by itself when
// stderr is the systemd journal; a log file rotated with only `keep` old files kept.
#include "log/logging.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Logger.h>
#include <Poco/Message.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace pathhub::log {
namespace {

TEST(Logging, JsonLinesAreOneParseableObjectEach) {
  JsonLineFormatter f;
  Poco::Message m("pipeline.demo", "message 7 \"failed\":\nline two", Poco::Message::PRIO_WARNING);
  std::string line;
  f.format(m, line);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  Poco::JSON::Parser parser;
  auto o = parser.parse(line).extract<Poco::JSON::Object::Ptr>();
  EXPECT_EQ(o->getValue<std::string>("level"), "warning");
  EXPECT_EQ(o->getValue<std::string>("component"), "pipeline.demo");
  EXPECT_EQ(o->getValue<std::string>("message"), "message 7 \"failed\":\nline two");
  EXPECT_EQ(o->getValue<std::string>("time").back(), 'Z');
}

TEST(Logging, ComponentLevelsApplyToTheComponentAndBelow) {
  config::LogConfig c;
  c.level = "warning";
  c.componentLevels["journal"] = "debug";
  setUpLogging(c);
  EXPECT_TRUE(Poco::Logger::get("journal").debug());
  EXPECT_TRUE(Poco::Logger::get("journal.writer").debug());
  EXPECT_FALSE(Poco::Logger::get("pipeline").information());
}

// stderr pointed at a file for the test's duration.
class StderrToFile {
 public:
  explicit StderrToFile(const std::filesystem::path& path) : saved_(::dup(STDERR_FILENO)) {
    std::fflush(stderr);
    std::FILE* f = std::fopen(path.c_str(), "w");
    ::dup2(::fileno(f), STDERR_FILENO);
    std::fclose(f);
  }
  ~StderrToFile() {
    std::fflush(stderr);
    ::dup2(saved_, STDERR_FILENO);
    ::close(saved_);
  }

 private:
  int saved_;
};

std::filesystem::path freshFolder(const std::string& name) {
  const auto dir =
      std::filesystem::temp_directory_path() / (name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

TEST(Logging, AutoWritesJsonLinesWhenStderrIsTheJournalAndTextOtherwise) {
  const auto dir = freshFolder("log-auto");
  config::LogConfig c;  // format "auto"
  for (const bool journal : {true, false}) {
    const auto out = dir / (journal ? "journal" : "terminal");
    {
      StderrToFile redirect(out);
      struct stat st {};
      ASSERT_EQ(::fstat(STDERR_FILENO, &st), 0);
      const std::string stream =
          std::to_string(st.st_dev) + ":" + std::to_string(journal ? st.st_ino : st.st_ino + 1);
      ::setenv("JOURNAL_STREAM", stream.c_str(), 1);
      setUpLogging(c);
      Poco::Logger::get("daemon").warning("hello");
      ::unsetenv("JOURNAL_STREAM");
    }
    std::ifstream in(out);
    std::string line;
    std::getline(in, line);
    EXPECT_EQ(line.rfind("{\"time\":", 0) == 0, journal) << line;
    EXPECT_NE(line.find("hello"), std::string::npos) << line;
  }
  setUpLogging(config::LogConfig{});
  std::filesystem::remove_all(dir);
}

TEST(Logging, ALogFileIsRotatedAndOnlyTheNewestOldFilesAreKept) {
  const auto dir = freshFolder("log-rotate");
  config::LogConfig c;
  c.format = "text";
  c.file = (dir / "pathhub.log").string();
  c.rotateMegabytes = 1;
  c.keepFiles = 2;
  {
    StderrToFile quiet(dir / "stderr");
    setUpLogging(c);
    const std::string line(1000, 'x');
    for (int i = 0; i < 5000; ++i) Poco::Logger::get("daemon").warning(line);  // ~5 MB
  }
  setUpLogging(config::LogConfig{});
  int logs = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    logs += entry.path().filename().string().rfind("pathhub.log", 0) == 0;
  }
  EXPECT_EQ(logs, 3) << "the current file and the two newest rotated ones";
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace pathhub::log
