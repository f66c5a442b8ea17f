// Formatting of pathhub::Error for logs, CLI output and NACK texts.
#include "pathhub/error.h"

namespace pathhub {

std::string_view errorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kMalformedMessage:
      return "malformed_message";
    case ErrorCode::kMessageTooLarge:
      return "message_too_large";
    case ErrorCode::kInvalidPath:
      return "invalid_path";
    case ErrorCode::kInvalidValue:
      return "invalid_value";
    case ErrorCode::kFramingError:
      return "framing_error";
    case ErrorCode::kIoError:
      return "io_error";
    case ErrorCode::kTimeout:
      return "timeout";
    case ErrorCode::kUsage:
      return "usage";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kInvalidState:
      return "invalid_state";
    case ErrorCode::kUnconvertible:
      return "unconvertible";
    case ErrorCode::kUnavailable:
      return "unavailable";
  }
  return "unknown";
}

std::string Error::describe() const {
  std::string out(errorCodeName(code));
  out += ": ";
  out += text;
  std::string where;
  auto add = [&where](const std::string& part) {
    if (!where.empty()) where += ", ";
    where += part;
  };
  if (!context.file.empty()) {
    add(context.line > 0 ? context.file + ":" + std::to_string(context.line) : context.file);
  }
  if (!context.messageId.empty()) add("message " + context.messageId);
  if (context.segmentIndex > 0 || !context.segment.empty()) {
    std::string seg = "segment";
    if (context.segmentIndex > 0) seg += " " + std::to_string(context.segmentIndex);
    if (!context.segment.empty()) seg += " " + context.segment;
    add(seg);
  }
  if (context.field > 0) add("field " + std::to_string(context.field));
  if (context.byteOffset) add("byte " + std::to_string(*context.byteOffset));
  if (!where.empty()) out += " (" + where + ")";
  return out;
}

}  // namespace pathhub
