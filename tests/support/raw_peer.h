// A TCP peer at the level of bytes, for adversarial tests: it connects from a chosen loopback
// address (127.0.0.2 is another host to the server, though on the same machine), sends what it
// is told — half a request head, a byte at a time — and reports what came back and when the
// server closed the connection.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace pathhub::testing {

class RawPeer {
 public:
  RawPeer(const std::string& from, std::uint16_t port);  // connects from `from` to 127.0.0.1
  ~RawPeer();
  RawPeer(const RawPeer&) = delete;
  RawPeer& operator=(const RawPeer&) = delete;

  bool connected() const { return fd_ >= 0; }
  bool send(const std::string& bytes);
  // What arrives within `limit`, stopping early when the server closes the connection.
  std::string read(std::chrono::milliseconds limit);
  bool closedByServer() const { return closed_; }

 private:
  int fd_ = -1;
  bool closed_ = false;
};

}  // namespace pathhub::testing
