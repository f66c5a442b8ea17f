// The hub ↔ mapper worker protocol (see worker_wire.h).
#include "pipeline/worker_wire.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace pathhub::pipeline {
namespace {

// The largest frame either side accepts: above the largest message a source may take (1 GiB),
// with room for the rest of a reply.
constexpr std::uint32_t kMaxFrame = (1U << 30) + (64U << 20);

class Writer {
 public:
  void byte(char c) { out_ += c; }
  void number(std::uint64_t v, int bytes) {
    for (int shift = 8 * (bytes - 1); shift >= 0; shift -= 8) {
      out_ += static_cast<char>((v >> shift) & 0xFF);
    }
  }
  void text(std::string_view s) {
    number(s.size(), 4);
    out_ += s;
  }
  void texts(const std::vector<std::string>& list) {
    number(list.size(), 4);
    for (const auto& s : list) text(s);
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

// Reads what Writer wrote; the first read past the end sets `bad`, and every later read gives
// zero or empty, so a caller checks once at the end.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  char byte() { return need(1) ? in_[at_++] : '\0'; }
  std::uint64_t number(int bytes) {
    if (!need(static_cast<std::size_t>(bytes))) return 0;
    std::uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v = v << 8 | static_cast<unsigned char>(in_[at_++]);
    return v;
  }
  std::string text() {
    const auto size = number(4);
    if (!need(size)) return {};
    std::string s(in_.substr(at_, size));
    at_ += size;
    return s;
  }
  std::vector<std::string> texts() {
    const auto count = number(4);
    std::vector<std::string> list;
    for (std::uint64_t i = 0; i < count && !bad_; ++i) list.push_back(text());
    return list;
  }
  // A count of items each at least `minSize` bytes long, refused when the rest cannot hold it
  // (so a forged count cannot make the decoder reserve or loop for nothing).
  std::uint64_t count(std::size_t minSize) {
    const auto n = number(4);
    if (n * minSize > in_.size() - at_) bad_ = true;
    return bad_ ? 0 : n;
  }
  bool ok() const { return !bad_ && at_ == in_.size(); }

 private:
  bool need(std::uint64_t n) {
    if (bad_ || n > in_.size() - at_) bad_ = true;
    return !bad_;
  }
  std::string_view in_;
  std::size_t at_ = 0;
  bool bad_ = false;
};

Error malformed(const std::string& what) {
  return Error{ErrorCode::kMalformedMessage, "mapper worker " + what + " is malformed", {}};
}

}  // namespace

std::string encodeRequest(const WorkerRequest& r) {
  Writer w;
  w.byte(static_cast<char>(r.kind));
  if (r.kind == WorkerRequest::Kind::kMap) {
    w.number(static_cast<std::uint64_t>(r.context.messageId), 8);
    w.text(r.context.channel);
    w.text(r.bytes);
  }
  return w.take();
}

Result<WorkerRequest> decodeRequest(std::string_view bytes) {
  Reader r(bytes);
  WorkerRequest out;
  const char kind = r.byte();
  if (kind == 'M') {
    out.context.messageId = static_cast<std::int64_t>(r.number(8));
    out.context.channel = r.text();
    out.bytes = r.text();
  } else if (kind != 'I') {
    return tl::unexpected(malformed("request"));
  }
  out.kind = static_cast<WorkerRequest::Kind>(kind);
  if (!r.ok()) return tl::unexpected(malformed("request"));
  return out;
}

std::string encodeReply(const WorkerReply& reply) {
  Writer w;
  const MapResult& m = reply.result;
  w.byte(static_cast<char>('0' + static_cast<int>(m.kind)));
  w.text(m.bytes);
  w.texts(m.routes);
  w.text(m.reason);
  w.number(m.derived.size(), 4);
  for (const auto& d : m.derived) {
    w.text(d.bytes);
    w.texts(d.routes);
  }
  w.texts(m.notes);
  w.text(m.hints.practice);
  w.text(m.hints.lane);
  w.text(m.scriptHash);
  w.text(reply.loadError);
  w.number(reply.log.size(), 4);
  for (const auto& line : reply.log) {
    w.text(line.source);
    w.byte(static_cast<char>(line.priority));
    w.text(line.text);
  }
  return w.take();
}

Result<WorkerReply> decodeReply(std::string_view bytes) {
  Reader r(bytes);
  WorkerReply reply;
  MapResult& m = reply.result;
  const char kind = r.byte();
  if (kind < '0' || kind > '2') return tl::unexpected(malformed("reply"));
  m.kind = static_cast<MapResult::Kind>(kind - '0');
  m.bytes = r.text();
  m.routes = r.texts();
  m.reason = r.text();
  for (auto n = r.count(8); n > 0; --n) {
    DerivedMessage d;
    d.bytes = r.text();
    d.routes = r.texts();
    m.derived.push_back(std::move(d));
  }
  m.notes = r.texts();
  m.hints.practice = r.text();
  m.hints.lane = r.text();
  m.scriptHash = r.text();
  reply.loadError = r.text();
  for (auto n = r.count(9); n > 0; --n) {
    WorkerLogLine line;
    line.source = r.text();
    line.priority = r.byte();
    line.text = r.text();
    if (line.priority < 1 || line.priority > 8) return tl::unexpected(malformed("log line"));
    reply.log.push_back(std::move(line));
  }
  if (!r.ok()) return tl::unexpected(malformed("reply"));
  return reply;
}

void appendFrame(std::string& out, std::string_view payload) {
  const auto size = static_cast<std::uint32_t>(payload.size());
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((size >> shift) & 0xFF);
  out += payload;
}

Result<void> writeAll(int fd, std::string_view framed) {
  std::size_t sent = 0;
  while (sent < framed.size()) {
    const ssize_t n = ::send(fd, framed.data() + sent, framed.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return fail(ErrorCode::kUnavailable,
                  std::string("cannot write to the mapper worker: ") + std::strerror(errno));
    }
    sent += static_cast<std::size_t>(n);
  }
  return {};
}

Result<void> writeFrame(int fd, std::string_view payload) {
  std::string frame;
  frame.reserve(payload.size() + 4);
  appendFrame(frame, payload);
  return writeAll(fd, frame);
}

std::optional<std::string> FrameReader::take() {
  if (buffer_.size() - head_ < 4) return std::nullopt;
  std::uint32_t size = 0;
  for (std::size_t i = 0; i < 4; ++i)
    size = size << 8 | static_cast<unsigned char>(buffer_[head_ + i]);
  if (buffer_.size() - head_ - 4 < size) return std::nullopt;
  std::string frame = buffer_.substr(head_ + 4, size);
  head_ += 4 + size;
  if (head_ == buffer_.size()) {
    buffer_.clear();
    head_ = 0;
  }
  return frame;
}

Result<std::string> FrameReader::next(std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    if (buffer_.size() - head_ >= 4) {
      std::uint32_t size = 0;
      for (std::size_t i = 0; i < 4; ++i) {
        size = size << 8 | static_cast<unsigned char>(buffer_[head_ + i]);
      }
      if (size > kMaxFrame) return tl::unexpected(malformed("frame length"));
    }
    if (auto frame = take()) return std::move(*frame);
    if (head_ > 0) {  // keep the buffer from growing with what has been read
      buffer_.erase(0, head_);
      head_ = 0;
    }
    // Read what is there without waiting; wait only when nothing is.
    char chunk[65536];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, MSG_DONTWAIT);
    if (n > 0) {
      buffer_.append(chunk, static_cast<std::size_t>(n));
      continue;
    }
    if (n == 0) return fail(ErrorCode::kUnavailable, "the mapper worker closed its socket");
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      return fail(ErrorCode::kUnavailable,
                  std::string("cannot read from the mapper worker: ") + std::strerror(errno));
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return fail(ErrorCode::kTimeout, "no answer within " + std::to_string(limit.count()) + " ms");
    }
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(std::min<std::int64_t>(left.count(), 1 << 30))) < 0 &&
        errno != EINTR) {
      return fail(ErrorCode::kUnavailable,
                  std::string("cannot wait for the mapper worker: ") + std::strerror(errno));
    }
  }
}

}  // namespace pathhub::pipeline
