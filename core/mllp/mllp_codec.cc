// MLLP frame encoder and streaming decoder (see mllp_codec.h).
#include "mllp/mllp_codec.h"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace pathhub::mllp {
namespace {

DecodedFrame refused(ErrorCode code, std::string text, std::size_t offset) {
  DecodedFrame f;
  f.ok = false;
  f.error.code = code;
  f.error.text = std::move(text);
  f.error.context.byteOffset = offset;
  return f;
}

}  // namespace

std::string frame(std::string_view payload) {
  std::string out;
  out.reserve(payload.size() + 3);
  out += kStartBlock;
  out += payload;
  out += kEndBlock;
  out += kCarriageReturn;
  return out;
}

void Decoder::flushOutside(std::size_t, std::vector<DecodedFrame>& out) {
  if (outside_.empty()) return;
  DecodedFrame f =
      refused(ErrorCode::kFramingError,
              "bytes outside an MLLP frame (no start block 0x0B before them)", outsideStart_);
  f.payload = std::move(outside_);
  outside_.clear();
  out.push_back(std::move(f));
}

void Decoder::finish(std::vector<DecodedFrame>& out) {
  DecodedFrame f;
  f.payload = std::move(buffer_);
  buffer_.clear();
  out.push_back(std::move(f));
  state_ = State::kSeekingStart;
  expectCarriageReturn_ = true;
}

void Decoder::feed(std::string_view bytes, std::vector<DecodedFrame>& out) {
  std::size_t i = 0;
  while (i < bytes.size()) {
    const std::size_t offset = consumed_ + i;
    switch (state_) {
      case State::kSeekingStart: {
        if (expectCarriageReturn_) {
          expectCarriageReturn_ = false;
          if (bytes[i] == kCarriageReturn) {
            ++i;
            break;
          }
        }
        const void* vt = std::memchr(bytes.data() + i, kStartBlock, bytes.size() - i);
        const std::size_t at =
            vt ? static_cast<std::size_t>(static_cast<const char*>(vt) - bytes.data())
               : bytes.size();
        skipped_ += at - i;
        // Bytes outside a frame: whitespace between frames is nothing; text is refused at its
        // line end (or the next start block), so a sender that does not frame is answered
        // with why, instead of waiting on an open connection for an answer that never comes.
        for (std::size_t k = i; k < at; ++k) {
          const char c = bytes[k];
          if (c == '\r' || c == '\n') {
            flushOutside(consumed_ + k, out);
          } else if (!outside_.empty() || !std::isspace(static_cast<unsigned char>(c))) {
            if (outside_.empty()) outsideStart_ = consumed_ + k;
            // Kept up to a few kilobytes, and never more than a message may be (found by
            // mllp_decode_fuzzer: a channel with a small limit kept more than it).
            if (outside_.size() < std::min(kKeepOutside, maxMessageBytes_)) outside_ += c;
          }
        }
        i = at;
        if (vt) {
          flushOutside(consumed_ + i, out);
          state_ = State::kInFrame;
          frameStart_ = consumed_ + i;
          buffer_.clear();
          ++i;
        }
        break;
      }
      case State::kInFrame: {
        // Copy everything up to the next control byte in one go.
        std::size_t j = i;
        while (j < bytes.size() && bytes[j] != kEndBlock && bytes[j] != kStartBlock) ++j;
        if (buffer_.size() + (j - i) > maxMessageBytes_) {
          out.push_back(refused(
              ErrorCode::kMessageTooLarge,
              "MLLP frame exceeds the limit of " + std::to_string(maxMessageBytes_) + " bytes",
              frameStart_));
          buffer_.clear();
          buffer_.shrink_to_fit();
          state_ = State::kDiscarding;
          i = j;
          break;
        }
        buffer_.append(bytes.data() + i, j - i);
        i = j;
        if (i == bytes.size()) break;
        if (bytes[i] == kEndBlock) {
          // A frame is complete at <FS>; the <CR> that should follow is consumed when it comes,
          // so a sender that omits it is still answered.
          finish(out);
          ++i;
        } else {  // a start block inside a frame: the previous frame was cut short
          out.push_back(refused(ErrorCode::kFramingError,
                                "MLLP start block inside an unfinished frame; the frame that "
                                "began at byte " +
                                    std::to_string(frameStart_) + " was truncated",
                                offset));
          buffer_.clear();
          frameStart_ = offset;
          ++i;
        }
        break;
      }
      case State::kDiscarding: {
        std::size_t j = i;
        while (j < bytes.size() && bytes[j] != kEndBlock && bytes[j] != kStartBlock) ++j;
        i = j;
        if (i == bytes.size()) break;
        if (bytes[i] == kEndBlock) {
          state_ = State::kSeekingStart;
          expectCarriageReturn_ = true;
          ++i;
        } else {
          state_ = State::kSeekingStart;  // the start block is handled there
        }
        break;
      }
    }
  }
  consumed_ += bytes.size();
}

}  // namespace pathhub::mllp
