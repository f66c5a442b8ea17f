// ISO 8601 values as epoch milliseconds (see instants.h).
#include "record/instants.h"

#include "model/times.h"

namespace pathhub::record {
namespace {

// Days since 1970-01-01 of a civil date (proleptic Gregorian).
std::int64_t daysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - static_cast<int>(era * 400);
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// The civil date of days since 1970-01-01.
void civilFromDays(std::int64_t z, int& y, int& m, int& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int doe = static_cast<int>(z - era * 146097);
  const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int>(yoe + era * 400) + (m <= 2);
}

std::int64_t wallMs(const model::IsoTime& t) {
  const std::int64_t days = daysFromCivil(t.year, t.month ? t.month : 1, t.day ? t.day : 1);
  std::int64_t ms = ((days * 24 + t.hour) * 60 + t.minute) * 60000 + t.second * 1000;
  if (!t.fraction.empty()) {
    std::string three = (t.fraction + "00").substr(0, 3);
    ms += std::stoi(three);
  }
  return ms;
}

int offsetMinutes(const model::IsoTime& t) {
  if (t.offsetMinutes) return *t.offsetMinutes;
  bool ambiguous = false;
  model::IsoTime local = t;
  if (!local.month) local.month = 1;
  if (!local.day) local.day = 1;
  return model::LocalZone::london().offsetOfLocal(local, ambiguous);
}

}  // namespace

std::optional<std::int64_t> epochMs(std::string_view iso) {
  const auto t = model::parseIso(iso);
  if (!t) return std::nullopt;
  return wallMs(*t) - static_cast<std::int64_t>(offsetMinutes(*t)) * 60000;
}

std::optional<std::int64_t> periodEndMs(std::string_view iso) {
  auto t = model::parseIso(iso);
  if (!t) return std::nullopt;
  using P = model::IsoTime::Precision;
  model::IsoTime end = *t;
  switch (t->precision) {
    case P::kYear:
      end.year += 1;
      end.month = 1;
      end.day = 1;
      break;
    case P::kMonth:
      end.month += 1;
      if (end.month > 12) {
        end.month = 1;
        end.year += 1;
      }
      end.day = 1;
      break;
    case P::kDay:
      // The next day's midnight, whose offset may differ (the clocks change at night).
      civilFromDays(daysFromCivil(t->year, t->month, t->day) + 1, end.year, end.month, end.day);
      break;
    case P::kMinute:
      return epochMs(iso).value() + 60000;
    case P::kSecond:
      return epochMs(iso).value() + (t->fraction.empty() ? 1000 : 1);
  }
  return wallMs(end) - static_cast<std::int64_t>(offsetMinutes(end)) * 60000;
}

}  // namespace pathhub::record
