// File source (see file_source.h).
#include "pipeline/file_source.h"

#include <algorithm>
#include <fstream>
#include <iterator>

#include "hl7/batch.h"
#include "hl7/message.h"

namespace pathhub::pipeline {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view kClaimSuffix = ".processing";

}  // namespace

bool globMatch(std::string_view pattern, std::string_view name) {
  if (pattern.empty()) return name.empty();
  if (pattern[0] == '*') {
    for (std::size_t skip = 0; skip <= name.size(); ++skip) {
      if (globMatch(pattern.substr(1), name.substr(skip))) return true;
    }
    return false;
  }
  if (name.empty()) return false;
  return (pattern[0] == '?' || pattern[0] == name[0]) &&
         globMatch(pattern.substr(1), name.substr(1));
}

FileSource::FileSource(Channel& channel)
    : channel_(channel), log_(Poco::Logger::get("source." + channel.config().name)) {}

FileSource::~FileSource() { stop(); }

Result<void> FileSource::start() {
  const auto& s = channel_.config().source;
  std::error_code ec;
  for (const std::string& dir : {s.directory, s.archive, s.errors}) {
    fs::create_directories(dir, ec);
    if (ec) {
      return fail(ErrorCode::kIoError, "channel " + channel_.config().name +
                                           ": cannot create folder " + dir + ": " + ec.message());
    }
  }
  thread_ = std::thread([this] {
    const auto interval = channel_.config().source.pollInterval;
    while (!stopping_) {
      pollOnce();
      for (auto waited = std::chrono::milliseconds(0); waited < interval && !stopping_;
           waited += std::chrono::milliseconds(10)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    }
  });
  log_.information("channel %s: file source watching %s for %s", channel_.config().name,
                   s.directory, s.pattern);
  return {};
}

void FileSource::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

int FileSource::pollOnce() {
  const auto& s = channel_.config().source;
  std::vector<fs::path> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(s.directory, ec)) {
    if (!entry.is_regular_file()) continue;
    const std::string name = entry.path().filename().string();
    // Files claimed by a run that crashed are taken again; dedupe makes that safe.
    const bool claimed =
        name.size() > kClaimSuffix.size() &&
        name.compare(name.size() - kClaimSuffix.size(), kClaimSuffix.size(), kClaimSuffix) == 0;
    if (claimed || (name[0] != '.' && globMatch(s.pattern, name))) found.push_back(entry.path());
  }
  std::sort(found.begin(), found.end());
  int taken = 0;
  for (const fs::path& file : found) {
    if (stopping_) break;
    fs::path claimed = file;
    if (file.extension() != kClaimSuffix) {
      claimed += kClaimSuffix;
      fs::rename(file, claimed, ec);
      if (ec) continue;  // someone else took it
    }
    taken += takeFile(claimed) ? 1 : 0;
  }
  return taken;
}

bool FileSource::takeFile(const fs::path& claimed) {
  const auto& config = channel_.config();
  std::ifstream in(claimed, std::ios::binary);
  const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  journal::NewMessage base;
  base.channel = config.name;
  base.source = config.name + "/file";
  base.peer = claimed.filename().string();
  bool anyRejected = false;
  std::vector<journal::NewMessage> messages;
  auto split = hl7::splitMessages(bytes);
  if (bytes.size() > config.source.maxMessageBytes * 64 || !split) {
    journal::NewMessage m = base;
    m.rejected = true;
    m.bytes = bytes.substr(0, config.source.maxMessageBytes);
    m.error = split ? "file exceeds the size limit" : split.error().describe();
    messages.push_back(std::move(m));
  } else {
    for (std::string_view text : split->messages) {
      journal::NewMessage m = base;
      m.bytes = hl7::normalizeSegmentSeparators(text);
      auto parsed = m.bytes.size() > config.source.maxMessageBytes
                        ? Result<hl7::Message>(
                              fail(ErrorCode::kMessageTooLarge, "message exceeds the size limit"))
                        : hl7::Message::parse(m.bytes);
      if (parsed) {
        m.controlId = parsed->controlId();
        m.messageType = parsed->messageType() + "^" + parsed->triggerEvent();
      } else {
        m.rejected = true;
        m.error = parsed.error().describe();
      }
      messages.push_back(std::move(m));
    }
  }
  for (const auto& m : messages) {
    while (!m.rejected && channel_.overBacklog() && !stopping_) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (stopping_) return false;  // the claimed file is taken again next start
    auto recorded = channel_.accept(m);
    if (!recorded) {
      log_.error("channel %s: %s not recorded, left for the next poll: %s", config.name, base.peer,
                 recorded.error().describe());
      return false;
    }
    anyRejected = anyRejected || m.rejected;
  }
  moveTo(claimed, anyRejected ? config.source.errors : config.source.archive);
  if (anyRejected) {
    log_.warning("channel %s: %s held a rejected message; moved to %s", config.name, base.peer,
                 config.source.errors);
  }
  return true;
}

void FileSource::moveTo(const fs::path& file, const std::string& folder) {
  std::string name = file.filename().string();
  name.resize(name.size() - kClaimSuffix.size());
  fs::path target = fs::path(folder) / name;
  std::error_code ec;
  // Never overwrite an earlier file of the same name in the archive.
  for (int n = 1; fs::exists(target, ec); ++n) {
    target = fs::path(folder) / (name + "." + std::to_string(n));
  }
  fs::rename(file, target, ec);
  if (ec) {
    log_.error("channel %s: cannot move %s to %s: %s", channel_.config().name, file.string(),
               target.string(), ec.message());
  }
}

}  // namespace pathhub::pipeline
