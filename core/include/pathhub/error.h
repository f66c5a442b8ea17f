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

template <typename T>
using Result = tl::expected<T, Error>;

// Builds the unexpected value of a Result: `return fail(ErrorCode::kInvalidPath, "...")`.
inline tl::unexpected<Error> fail(ErrorCode code, std::string text, ErrorContext context = {}) {
  return tl::unexpected<Error>(Error{code, std::move(text), std::move(context)});
}

}  // namespace pathhub
