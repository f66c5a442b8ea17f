// File destination (see file_destination.h).
#include "file_destination.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace pathhub::transport_file {
namespace {

std::string systemError(const std::string& what) { return what + ": " + std::strerror(errno); }

bool writeAll(int fd, std::string_view bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

std::string replaceAll(std::string text, std::string_view token, const std::string& value) {
  for (auto at = text.find(token); at != std::string::npos; at = text.find(token, at)) {
    text.replace(at, token.size(), value);
    at += value.size();
  }
  return text;
}

}  // namespace

FileDestination::FileDestination(const sdk::Host& host)
    : host_(host),
      directory_(host.text("directory")),
      pattern_(replaceAll(
          replaceAll(host.text("fileName", "{channel}-{id}.hl7"), "{channel}", host.channel()),
          "{destination}", host.name())) {
  if (pattern_.find('/') != std::string::npos) {
    throw std::invalid_argument("fileName must not name a folder: " + pattern_);
  }
  if (pattern_.find("{id}") == std::string::npos) {
    throw std::invalid_argument("fileName must hold {id}, or every message overwrites the last");
  }
}

sdk::Delivery FileDestination::deliver(std::string_view bytes, std::int64_t messageId) {
  std::error_code ec;
  std::filesystem::create_directories(directory_, ec);
  if (ec) return sdk::Delivery::retryLater("cannot create " + directory_.string());
  const std::string name = replaceAll(pattern_, "{id}", std::to_string(messageId));
  const auto temp = directory_ / ("." + name + ".tmp");
  const auto final = directory_ / name;
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return sdk::Delivery::retryLater(systemError("open " + temp.string()));
  const bool ok = writeAll(fd, bytes) && ::fsync(fd) == 0;
  const std::string problem = ok ? "" : systemError("write " + temp.string());
  ::close(fd);
  if (!ok) {
    std::filesystem::remove(temp, ec);
    return sdk::Delivery::retryLater(problem);
  }
  if (::rename(temp.c_str(), final.c_str()) != 0) {
    return sdk::Delivery::retryLater(systemError("rename to " + final.string()));
  }
  // Make the rename itself durable before the delivery is recorded as done.
  const int dir = ::open(directory_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  host_.count("files_written");
  return sdk::Delivery::delivered("written to " + final.string());
}

}  // namespace pathhub::transport_file
