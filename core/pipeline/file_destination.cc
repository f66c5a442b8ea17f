// File destination (see file_destination.h).
#include "pipeline/file_destination.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace pathhub::pipeline {
namespace {

std::string systemError(const std::string& what) { return what + ": " + std::strerror(errno); }

bool writeAll(int fd, const std::string& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

FileDestination::FileDestination(std::filesystem::path directory, std::string channel)
    : directory_(std::move(directory)), channel_(std::move(channel)) {}

DeliveryResult FileDestination::deliver(const std::string& bytes, std::int64_t messageId) {
  std::error_code ec;
  std::filesystem::create_directories(directory_, ec);
  if (ec) return {DeliveryResult::Kind::kRetryLater, "cannot create " + directory_.string()};
  const std::string name = channel_ + "-" + std::to_string(messageId) + ".hl7";
  const auto temp = directory_ / ("." + name + ".tmp");
  const auto final = directory_ / name;
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return {DeliveryResult::Kind::kRetryLater, systemError("open " + temp.string())};
  const bool ok = writeAll(fd, bytes) && ::fsync(fd) == 0;
  const std::string problem = ok ? "" : systemError("write " + temp.string());
  ::close(fd);
  if (!ok) {
    std::filesystem::remove(temp, ec);
    return {DeliveryResult::Kind::kRetryLater, problem};
  }
  if (::rename(temp.c_str(), final.c_str()) != 0) {
    return {DeliveryResult::Kind::kRetryLater, systemError("rename to " + final.string())};
  }
  // Make the rename itself durable before the delivery is recorded as done.
  const int dir = ::open(directory_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return {DeliveryResult::Kind::kDelivered, {}};
}

}  // namespace pathhub::pipeline
