// ISO 8601 values (FHIR dateTime, instant, date) as epoch milliseconds: what the record sorts
// and filters by. A value without a zone is UK local time (Europe/London), as the model reads
// HL7 v2 times sent without one; a date is its first moment.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace pathhub::record {

std::optional<std::int64_t> epochMs(std::string_view iso);

// The moment after the period the value names ("2024-05" → 2024-06-01T00:00 local; a time to
// the second → one second later): FHIR dates match the whole period they name.
std::optional<std::int64_t> periodEndMs(std::string_view iso);

}  // namespace pathhub::record
