// The ASTM E1381 / CLSI LIS2-A2 low-level protocol, receiving side, as a state machine with no
// I/O: bytes from the instrument go in, the replies to send (ACK, NAK) and the record text of
// each completed frame come out.
//
//   ENQ                      → ACK (the instrument may send)        [neutral → receiving]
//   STX FN text ETB|ETX C1 C2 CR LF
//                            → ACK when the checksum (sum of FN..ETB/ETX mod 256, two hex
//                              digits) and the frame number (1..7, 0, 1... ) are right; NAK
//                              otherwise (the instrument sends the frame again); a repeated
//                              good frame is ACKed again and not taken twice
//   EOT                      → back to neutral
// Text of ETB frames is joined with the next; an ETX frame completes the text. The caller
// decides when to ACK a frame that completes a message (after the message is committed), so
// frames are answered through accept()/reject() rather than automatically.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pathhub::transport_astm {

constexpr char kEnq = 0x05, kAck = 0x06, kNak = 0x15, kEot = 0x04, kStx = 0x02, kEtx = 0x03,
               kEtb = 0x17, kCr = 0x0D, kLf = 0x0A;

// The checksum of a frame body from FN up to and including ETB or ETX: two hex digits.
std::string frameChecksum(std::string_view fnToTerminator);
// A whole frame for `text` (used by tests and senders): STX FN text ETX|ETB C1 C2 CR LF.
std::string makeFrame(int number, std::string_view text, bool last);

struct LinkEvent {
  enum class Kind {
    kEnquiry,      // answer ACK (ready) or NAK (busy)
    kFrame,        // a good new frame: `text`, `last` (ETX); answer through acceptFrame/NAK
    kRepeatFrame,  // the previous frame again (our ACK was lost): answer ACK, nothing new
    kBadFrame,     // checksum, number or layout wrong: answer NAK; `reason` says why
    kEndOfTransmission,
  };
  Kind kind;
  std::string text;
  bool last = false;
  std::string reason;
};

class LinkReceiver {
 public:
  explicit LinkReceiver(std::size_t maxFrameBytes = 64 * 1024) : maxFrame_(maxFrameBytes) {}
  // Feeds bytes; appends what happened, in order.
  void feed(std::string_view bytes, std::vector<LinkEvent>& out);
  // Call after answering a kFrame with ACK: the next frame number is expected then.
  void frameAccepted() { expected_ = (expected_ + 1) % 8; }
  // Forget any partial frame (after a timeout); the next transmission starts with ENQ.
  void reset();

 private:
  void finishFrame(std::vector<LinkEvent>& out);

  enum class State { kNeutral, kIdle, kInFrame, kChecksum } state_ = State::kNeutral;
  std::string frame_;  // FN..ETB/ETX, then the checksum digits and CR LF
  int expected_ = 1;   // the frame number expected next
  std::size_t maxFrame_;
};

}  // namespace pathhub::transport_astm
