// Error values shared by every pathhub component and plugin.
//
// Untrusted input and expected environment failures (bytes from a peer, a bad path, a closed
// socket) are reported as `Result<T>` values rather than exceptions. An `Error` carries a stable
// code (for metrics, JSON error bodies and HL7 ERR segments), a human sentence, and where it
// happened: byte offset, segment and field for message errors, file and line for config and
// scripts.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <utility>

namespace pathhub {

// Stable error codes. Never renumber: values are written to the journal and exposed in APIs.
enum class ErrorCode : int {
  kMalformedMessage = 1,  // bytes are not a well-formed HL7 v2 message
  kMessageTooLarge = 2,   // input exceeds a configured size limit
  kInvalidPath = 3,       // a path such as "PID-3[2].1" cannot be parsed or applied
  kInvalidValue = 4,      // a field value does not match its data type (date, number, ...)
  kFramingError = 5,      // MLLP framing broken (missing start or end block)
  kIoError = 6,           // socket or file failure
  kTimeout = 7,           // a peer did not answer in time
  kUsage = 8,             // a program was called with bad arguments
  kNotFound = 9,          // what was asked for (a message, a channel) does not exist
  kInvalidState =
      10,  // it exists, but its state does not allow this (replaying a filtered message)
  kUnconvertible =
      11,             // the target format cannot carry the message's meaning: refused, not guessed
  kUnavailable = 12,  // a part this needs is not there now (the journal lost or closing): retry
};

// The short snake_case name of a code, e.g. "malformed_message"; stable across releases.
std::string_view errorCodeName(ErrorCode code);

// Where an error happened. Every member is optional; describe() prints only what is known.
struct ErrorContext {
  std::optional<std::size_t> byteOffset;  // offset into the input, 0-based
  std::string segment;                    // segment id, e.g. "OBX"
  int segmentIndex = 0;                   // 1-based position of the segment in the message
  int segmentOccurrence = 0;              // 1 for the first segment with this id, 2 for the next
  int field = 0;                          // 1-based field number, 0 when not known
  std::string file;                       // source file (config, script, input file)
  int line = 0;                           // 1-based line in `file`
  std::string messageId;                  // MSH-10 or journal id
};

struct Error {
  ErrorCode code = ErrorCode::kMalformedMessage;
  std::string text;  // one readable sentence: what is wrong
  ErrorContext context;

  // "malformed_message: <text> (segment 3 OBX, field 5, byte 214)".
  std::string describe() const;
};

// A value or the Error that stopped it. [[nodiscard]]: an ignored Result is an error ignored,
// so the compiler refuses it; `(void)` says on purpose.
template <typename T>
class [[nodiscard]] Result : public tl::expected<T, Error> {
 public:
  using Base = tl::expected<T, Error>;
  using Base::Base;
  Result() = default;
  // From a tl::expected of the same kind (what and_then/map give back).
  Result(Base other) : Base(std::move(other)) {}  // NOLINT(google-explicit-constructor)
};

// Builds the unexpected value of a Result: `return fail(ErrorCode::kInvalidPath, "...")`.
inline tl::unexpected<Error> fail(ErrorCode code, std::string text, ErrorContext context = {}) {
  return tl::unexpected<Error>(Error{code, std::move(text), std::move(context)});
}

}  // namespace pathhub
