// The window of a diff-replay, as people write it: `--since 7d` (also h, m, s), and instants
// in ISO 8601 (2026-11-25T10:00:00Z, 2026-11-25) or epoch milliseconds — the forms the HTTP
// API takes for times.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace pathhub::replay {

// "7d" → 604,800,000; nullopt when it is not a whole number followed by d, h, m or s.
std::optional<std::int64_t> parseDurationMs(const std::string& text);

// Epoch milliseconds; nullopt when it is neither ISO 8601 nor a whole number.
std::optional<std::int64_t> parseInstantMs(const std::string& text);

}  // namespace pathhub::replay
