// Replay windows (see replay_window.h).
#include "replay/replay_window.h"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeParser.h>

#include <charconv>
#include <regex>

namespace pathhub::replay {

std::optional<std::int64_t> parseDurationMs(const std::string& text) {
  if (text.size() < 2) return std::nullopt;
  std::int64_t n = 0;
  const char* end = text.data() + text.size() - 1;
  const auto [at, ec] = std::from_chars(text.data(), end, n);
  if (ec != std::errc() || at != end || n < 0) return std::nullopt;
  switch (text.back()) {
    case 'd':
      return n * 86'400'000;
    case 'h':
      return n * 3'600'000;
    case 'm':
      return n * 60'000;
    case 's':
      return n * 1000;
    default:
      return std::nullopt;
  }
}

std::optional<std::int64_t> parseInstantMs(const std::string& value) {
  std::int64_t n = 0;
  const auto [at, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (!value.empty() && ec == std::errc() && at == value.data() + value.size() && n >= 0) {
    return n;
  }
  // Poco's parser is lenient (it reads "yesterday" as a date), so the shape is checked first.
  static const std::regex kIso(
      R"(\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?)");
  if (!std::regex_match(value, kIso)) return std::nullopt;
  int tz = 0;
  Poco::DateTime parsed;
  for (const std::string& format :
       {Poco::DateTimeFormat::ISO8601_FRAC_FORMAT, Poco::DateTimeFormat::ISO8601_FORMAT,
        std::string("%Y-%m-%d")}) {
    if (Poco::DateTimeParser::tryParse(format, value, parsed, tz)) {
      parsed.makeUTC(tz);
      return parsed.timestamp().epochMicroseconds() / 1000;
    }
  }
  return std::nullopt;
}

}  // namespace pathhub::replay
