// MLLP framing (HL7 Minimal Lower Layer Protocol): <VT> message <FS><CR>.
//
// The decoder is fed whatever a socket read returned — part of a frame, several frames, noise
// before a start block — and hands back complete messages in order. A message over the size
// limit is reported once and skipped up to its end block, and a start block arriving inside an
// unfinished frame is reported as a truncated message; in both cases decoding resynchronises on
// the next start block, so one bad frame never poisons the connection.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "pathhub/error.h"

namespace pathhub::mllp {

inline constexpr char kStartBlock = '\x0b';
inline constexpr char kEndBlock = '\x1c';
inline constexpr char kCarriageReturn = '\x0d';

// <VT> payload <FS><CR>.
std::string frame(std::string_view payload);

struct DecodedFrame {
  bool ok = true;
  std::string payload;  // the message when ok
  Error error;          // why the frame was refused when !ok
  std::string peer;     // who sent it ("127.0.0.1:53122"), when a Server received it
  // When a Server read its last byte (steady clock), for receivers that time their answers.
  std::chrono::steady_clock::time_point readAt{};
};

class Decoder {
 public:
  explicit Decoder(std::size_t maxMessageBytes = 16 * 1024 * 1024)
      : maxMessageBytes_(maxMessageBytes) {}

  // Consumes `bytes` and appends every frame completed by them to `out`.
  void feed(std::string_view bytes, std::vector<DecodedFrame>& out);

  // Bytes seen outside any frame (noise before a start block), for logs and metrics.
  std::size_t bytesSkipped() const { return skipped_; }
  // Whether a frame has started and not yet ended (a peer closing now truncates it).
  bool inFrame() const { return state_ != State::kSeekingStart; }

 private:
  enum class State { kSeekingStart, kInFrame, kDiscarding };

  void finish(std::vector<DecodedFrame>& out);
  // Text seen outside a frame becomes one refused frame (framing_error) holding it.
  void flushOutside(std::size_t at, std::vector<DecodedFrame>& out);
  static constexpr std::size_t kKeepOutside = 4096;  // what of it is kept for the record

  std::size_t maxMessageBytes_;
  State state_ = State::kSeekingStart;
  std::string buffer_;
  std::size_t skipped_ = 0;
  std::size_t consumed_ = 0;  // bytes fed so far, for error offsets
  std::size_t frameStart_ = 0;
  bool expectCarriageReturn_ = false;  // a <CR> right after <FS> is part of the frame
  std::string outside_;                // text outside a frame since the last line end
  std::size_t outsideStart_ = 0;
};

}  // namespace pathhub::mllp
