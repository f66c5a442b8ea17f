// The ASTM E1381 low-level receiver (see astm_link.h).
#include "astm_link.h"

#include <cstdio>

namespace pathhub::transport_astm {

std::string frameChecksum(std::string_view body) {
  unsigned sum = 0;
  for (char c : body) sum += static_cast<unsigned char>(c);
  char hex[3];
  std::snprintf(hex, sizeof hex, "%02X", sum % 256);
  return hex;
}

std::string makeFrame(int number, std::string_view text, bool last) {
  std::string body = std::to_string(number % 8);
  body.append(text);
  body += last ? kEtx : kEtb;
  return std::string(1, kStx) + body + frameChecksum(body) + kCr + kLf;
}

void LinkReceiver::reset() {
  state_ = State::kNeutral;
  frame_.clear();
  expected_ = 1;
}

void LinkReceiver::feed(std::string_view bytes, std::vector<LinkEvent>& out) {
  for (char c : bytes) {
    switch (state_) {
      case State::kNeutral:
        if (c == kEnq) {
          state_ = State::kIdle;
          expected_ = 1;
          out.push_back({LinkEvent::Kind::kEnquiry, {}, false, {}});
        }  // anything else outside a transmission is line noise
        break;
      case State::kIdle:
        if (c == kStx) {
          state_ = State::kInFrame;
          frame_.clear();
        } else if (c == kEot) {
          state_ = State::kNeutral;
          out.push_back({LinkEvent::Kind::kEndOfTransmission, {}, false, {}});
        } else if (c == kEnq) {
          out.push_back({LinkEvent::Kind::kEnquiry, {}, false, {}});
        }
        break;
      case State::kInFrame:
        frame_ += c;
        if (c == kEtx || c == kEtb) {
          state_ = State::kChecksum;
        } else if (frame_.size() > maxFrame_) {
          state_ = State::kIdle;
          frame_.clear();
          out.push_back({LinkEvent::Kind::kBadFrame, {}, false, "frame longer than the limit"});
        }
        break;
      case State::kChecksum:
        frame_ += c;
        if (c == kLf)
          finishFrame(out);
        else if (frame_.size() > maxFrame_ + 8) {
          state_ = State::kIdle;
          frame_.clear();
          out.push_back({LinkEvent::Kind::kBadFrame, {}, false, "frame without CR LF end"});
        }
        break;
    }
  }
}

void LinkReceiver::finishFrame(std::vector<LinkEvent>& out) {
  state_ = State::kIdle;
  // frame_ = FN text ETB|ETX C1 C2 CR LF
  const std::size_t end = frame_.find_first_of(std::string{kEtx, kEtb});
  if (frame_.size() != end + 5 || frame_[end + 3] != kCr || end < 1) {
    out.push_back(
        {LinkEvent::Kind::kBadFrame, {}, false, "frame layout is not FN text ETX C1 C2 CR LF"});
    return;
  }
  const std::string_view body(frame_.data(), end + 1);
  const std::string sent = frame_.substr(end + 1, 2);
  if (frameChecksum(body) != sent) {
    out.push_back({LinkEvent::Kind::kBadFrame,
                   {},
                   false,
                   "checksum " + sent + " does not match " + frameChecksum(body)});
    return;
  }
  const char fn = frame_[0];
  if (fn < '0' || fn > '7') {
    out.push_back({LinkEvent::Kind::kBadFrame, {}, false, "frame number is not 0..7"});
    return;
  }
  const int number = fn - '0';
  if (number == (expected_ + 7) % 8) {
    out.push_back({LinkEvent::Kind::kRepeatFrame, {}, false, {}});
    return;
  }
  if (number != expected_) {
    out.push_back({LinkEvent::Kind::kBadFrame,
                   {},
                   false,
                   "frame number " + std::to_string(number) + " where " +
                       std::to_string(expected_) + " was expected"});
    return;
  }
  out.push_back({LinkEvent::Kind::kFrame, frame_.substr(1, end - 1), frame_[end] == kEtx, {}});
}

}  // namespace pathhub::transport_astm
