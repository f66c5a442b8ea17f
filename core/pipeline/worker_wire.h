// What the hub and a mapper worker process (process_mapper.h) say to each other over their
// socket: one request, one reply, each framed as a 4-byte big-endian length and that many
// bytes. The worker is a child the hub started, but its replies are still checked: decode
// refuses anything malformed, so a confused worker fails a message, never the hub.
//
// Request: a kind byte ('M' map, 'I' idle), then for 'M' the message id, channel and bytes.
// Reply: the MapResult (with the hash of the script that made it), the mapping's load error (""
// when its script loaded) and the log lines the worker wrote while serving the request (the hub
// writes them to its own log).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pathhub/error.h"
#include "pipeline/mapper.h"

namespace pathhub::pipeline {

struct WorkerRequest {
  enum class Kind : char { kMap = 'M', kIdle = 'I' };
  Kind kind = Kind::kMap;
  MapContext context;
  std::string bytes;
};

struct WorkerLogLine {
  std::string source;  // the logger's name, e.g. "script.lab"
  int priority = 0;    // Poco::Message::Priority
  std::string text;
};

struct WorkerReply {
  MapResult result;
  std::string loadError;
  std::vector<WorkerLogLine> log;
};

std::string encodeRequest(const WorkerRequest& request);
Result<WorkerRequest> decodeRequest(std::string_view bytes);
std::string encodeReply(const WorkerReply& reply);
Result<WorkerReply> decodeReply(std::string_view bytes);

// Frame I/O on a blocking stream socket. Several frames may be written at once (appendFrame,
// then writeAll): a batch of requests costs one system call, not one each.
void appendFrame(std::string& out, std::string_view payload);
Result<void> writeAll(int fd, std::string_view framed);
Result<void> writeFrame(int fd, std::string_view payload);

// Reads frames from a socket, keeping what arrives past the frame asked for: frames sent back
// to back are read a socket buffer at a time, not with two reads each. One reader per socket:
// bytes it holds are read by nothing else.
class FrameReader {
 public:
  explicit FrameReader(int fd = -1) : fd_(fd) {}
  // The next frame, waiting at most `limit` for it (kTimeout past it, kUnavailable when the
  // other end has closed, kMalformedMessage for a length beyond any frame).
  Result<std::string> next(std::chrono::milliseconds limit);

 private:
  // The whole frame at the head of the buffer, if it has arrived.
  std::optional<std::string> take();

  int fd_;
  std::string buffer_;
  std::size_t head_ = 0;  // where the unread bytes start
};

}  // namespace pathhub::pipeline
