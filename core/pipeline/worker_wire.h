// What the hub and a mapper worker process (process_mapper.h) say to each other over their
// socket: one request, one reply, each framed as a 4-byte big-endian length and that many
// bytes. The worker is a child the hub started, but its replies are still checked: decode
// refuses anything malformed, so a confused worker fails a message, never the hub.
//
// Request: a kind byte ('M' map, 'I' idle), then for 'M' the message id, channel and bytes.
// Reply: the MapResult, the mapping's load error ("" when its script loaded) and the log lines
// the worker wrote while serving the request (the hub writes them to its own log).
#pragma once

#include <chrono>
#include <cstdint>
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

// Blocking frame I/O on a stream socket. readFrame waits at most `limit` for the whole frame
// (kTimeout past it, kUnavailable when the other end has closed).
Result<void> writeFrame(int fd, std::string_view payload);
Result<std::string> readFrame(int fd, std::chrono::milliseconds limit);

}  // namespace pathhub::pipeline
