// Log set-up and the JSON line format (see logging.h).
#include "log/logging.h"

#include <Poco/AutoPtr.h>
#include <Poco/ConsoleChannel.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/FileChannel.h>
#include <Poco/FormattingChannel.h>
#include <Poco/JSON/Object.h>
#include <Poco/Logger.h>
#include <Poco/Message.h>
#include <Poco/PatternFormatter.h>
#include <Poco/SplitterChannel.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>

namespace pathhub::log {
namespace {

const char* levelName(Poco::Message::Priority p) {
  switch (p) {
    case Poco::Message::PRIO_FATAL:
      return "fatal";
    case Poco::Message::PRIO_CRITICAL:
      return "critical";
    case Poco::Message::PRIO_ERROR:
      return "error";
    case Poco::Message::PRIO_WARNING:
      return "warning";
    case Poco::Message::PRIO_NOTICE:
      return "notice";
    case Poco::Message::PRIO_INFORMATION:
      return "information";
    case Poco::Message::PRIO_DEBUG:
      return "debug";
    case Poco::Message::PRIO_TRACE:
      return "trace";
  }
  return "information";
}

// systemd sets JOURNAL_STREAM to "DEVICE:INODE" of the stream it connected stderr to; it is the
// journal only if stderr is still that stream (a child of the service may have redirected it).
bool stderrIsTheJournal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  struct stat st {};
  if (!stream || ::fstat(STDERR_FILENO, &st) != 0) return false;
  unsigned long long device = 0, inode = 0;
  if (std::sscanf(stream, "%llu:%llu", &device, &inode) != 2) return false;
  return device == static_cast<unsigned long long>(st.st_dev) &&
         inode == static_cast<unsigned long long>(st.st_ino);
}

}  // namespace

void JsonLineFormatter::format(const Poco::Message& message, std::string& text) {
  Poco::JSON::Object line(Poco::JSON_PRESERVE_KEY_ORDER);
  line.set("time", Poco::DateTimeFormatter::format(message.getTime(), "%Y-%m-%dT%H:%M:%S.%iZ"));
  line.set("level", std::string(levelName(message.getPriority())));
  line.set("component", message.getSource());
  line.set("message", message.getText());
  if (!message.getThread().empty()) line.set("thread", message.getThread());
  std::ostringstream out;
  line.stringify(out);
  text = out.str();
}

void setUpLogging(const config::LogConfig& config) {
  Poco::AutoPtr<Poco::Formatter> format;
  if (config.format == "json" || (config.format == "auto" && stderrIsTheJournal())) {
    format = new JsonLineFormatter;
  } else {
    format = new Poco::PatternFormatter("%Y-%m-%d %H:%M:%S.%i %p [%s] %t");
  }
  Poco::AutoPtr<Poco::SplitterChannel> splitter(new Poco::SplitterChannel);
  splitter->addChannel(new Poco::ConsoleChannel(std::cerr));
  if (!config.file.empty()) {
    Poco::AutoPtr<Poco::FileChannel> file(new Poco::FileChannel(config.file));
    file->setProperty("rotation", std::to_string(config.rotateMegabytes) + " M");
    file->setProperty("archive", "timestamp");
    // Rotated files past the count are deleted: logs name patients, and a full disk would
    // stop the journal.
    file->setProperty("purgeCount", std::to_string(config.keepFiles));
    splitter->addChannel(file);
  }
  Poco::AutoPtr<Poco::FormattingChannel> channel(new Poco::FormattingChannel(format, splitter));
  Poco::Logger::root().setChannel(channel);
  Poco::Logger::root().setLevel(config.level);
  // Loggers created before this point keep what they had unless set by name here.
  Poco::Logger::setChannel("", channel);
  Poco::Logger::setLevel("", Poco::Logger::parseLevel(config.level));
  for (const auto& [component, level] : config.componentLevels) {
    // Creating the component's logger makes loggers created under it later inherit its level.
    Poco::Logger::get(component).setLevel(level);
    Poco::Logger::setLevel(component, Poco::Logger::parseLevel(level));
  }
}

}  // namespace pathhub::log
