// ISO 8601 times as instants (see times.h).
#include "model/times.h"

#include <chrono>

namespace pathhub::model {
namespace {

using namespace std::chrono;

bool digitsAt(std::string_view s, std::size_t at, std::size_t n) {
  if (at + n > s.size()) return false;
  for (std::size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

int number(std::string_view s, std::size_t at, std::size_t n) {
  int v = 0;
  for (std::size_t i = at; i < at + n; ++i) v = v * 10 + (s[i] - '0');
  return v;
}

// Two digits; times are written for every result of every message converted, and
// snprintf's format parsing was a tenth of a conversion's time.
void two(std::string& out, int v) {
  out += static_cast<char>('0' + (v / 10) % 10);
  out += static_cast<char>('0' + v % 10);
}

// Minutes since 1970-01-01T00:00 of a wall-clock time (no zone applied).
long long minutesOf(const IsoTime& t) {
  const sys_days d = year_month_day{year{t.year}, month{static_cast<unsigned>(t.month)},
                                    day{static_cast<unsigned>(t.day)}};
  return static_cast<long long>(d.time_since_epoch().count()) * 1440 + t.hour * 60 + t.minute;
}

IsoTime fromMinutes(long long minutes, const IsoTime& like) {
  IsoTime out = like;
  long long days = minutes / 1440;
  long long rest = minutes % 1440;
  if (rest < 0) {
    rest += 1440;
    --days;
  }
  const year_month_day ymd{sys_days{std::chrono::days{days}}};
  out.year = static_cast<int>(ymd.year());
  out.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  out.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
  out.hour = static_cast<int>(rest / 60);
  out.minute = static_cast<int>(rest % 60);
  return out;
}

// The day of the month of the last Sunday of `m` (March or October: 31 days).
int lastSunday(int y, unsigned m) {
  const year_month_day_last last{year{y} / month{m} / std::chrono::last};
  const weekday w{sys_days{last}};
  return static_cast<int>(static_cast<unsigned>(last.day())) - static_cast<int>(w.c_encoding());
}

// British Summer Time, in UTC minutes: from 01:00 UTC on the last Sunday of March to 01:00
// UTC on the last Sunday of October. The bounds of the last year asked are kept (per thread):
// a conversion asks the same year for every time of a message.
bool bstAtUtc(const IsoTime& utc) {
  struct Bounds {
    int year = -1;
    long long start = 0, end = 0;
  };
  thread_local Bounds bounds;
  if (bounds.year != utc.year) {
    IsoTime start = utc, end = utc;
    start.month = 3;
    start.day = lastSunday(utc.year, 3);
    end.month = 10;
    end.day = lastSunday(utc.year, 10);
    start.hour = end.hour = 1;
    start.minute = end.minute = 0;
    bounds = {utc.year, minutesOf(start), minutesOf(end)};
  }
  const long long at = minutesOf(utc);
  return at >= bounds.start && at < bounds.end;
}

}  // namespace

std::string IsoTime::text() const {
  std::string out;
  out.reserve(32);
  out += static_cast<char>('0' + (year / 1000) % 10);
  out += static_cast<char>('0' + (year / 100) % 10);
  two(out, year % 100);
  if (precision >= Precision::kMonth) {
    out += '-';
    two(out, month);
  }
  if (precision >= Precision::kDay) {
    out += '-';
    two(out, day);
  }
  if (precision >= Precision::kMinute) {
    out += 'T';
    two(out, hour);
    out += ':';
    two(out, minute);
  }
  if (precision >= Precision::kSecond) {
    out += ':';
    two(out, second);
    if (!fraction.empty()) out += "." + fraction;
  }
  if (hasTime() && offsetMinutes) {
    const int o = *offsetMinutes < 0 ? -*offsetMinutes : *offsetMinutes;
    out += *offsetMinutes < 0 ? '-' : '+';
    two(out, o / 60);
    out += ':';
    two(out, o % 60);
  }
  return out;
}

std::string IsoTime::textWithSeconds() const {
  if (!hasTime() || precision == Precision::kSecond) return text();
  IsoTime t = *this;
  t.precision = Precision::kSecond;
  t.second = 0;
  return t.text();
}

std::optional<IsoTime> parseIso(std::string_view s) {
  IsoTime t;
  if (!digitsAt(s, 0, 4)) return std::nullopt;
  t.year = number(s, 0, 4);
  std::size_t at = 4;
  if (at == s.size()) return t;
  if (s[at] != '-' || !digitsAt(s, at + 1, 2)) return std::nullopt;
  t.month = number(s, at + 1, 2);
  t.precision = IsoTime::Precision::kMonth;
  at += 3;
  if (t.month < 1 || t.month > 12) return std::nullopt;
  if (at == s.size()) return t;
  if (s[at] != '-' || !digitsAt(s, at + 1, 2)) return std::nullopt;
  t.day = number(s, at + 1, 2);
  t.precision = IsoTime::Precision::kDay;
  at += 3;
  const year_month_day ymd{year{t.year}, month{static_cast<unsigned>(t.month)},
                           day{static_cast<unsigned>(t.day)}};
  if (!ymd.ok()) return std::nullopt;
  if (at == s.size()) return t;
  if (s[at] != 'T' || !digitsAt(s, at + 1, 2) || at + 3 >= s.size() || s[at + 3] != ':' ||
      !digitsAt(s, at + 4, 2)) {
    return std::nullopt;
  }
  t.hour = number(s, at + 1, 2);
  t.minute = number(s, at + 4, 2);
  t.precision = IsoTime::Precision::kMinute;
  at += 6;
  if (t.hour > 23 || t.minute > 59) return std::nullopt;
  if (at < s.size() && s[at] == ':') {
    if (!digitsAt(s, at + 1, 2)) return std::nullopt;
    t.second = number(s, at + 1, 2);
    if (t.second > 59) return std::nullopt;
    t.precision = IsoTime::Precision::kSecond;
    at += 3;
    if (at < s.size() && s[at] == '.') {
      std::size_t end = at + 1;
      while (end < s.size() && s[end] >= '0' && s[end] <= '9') ++end;
      if (end == at + 1) return std::nullopt;
      t.fraction = std::string(s.substr(at + 1, end - at - 1));
      at = end;
    }
  }
  if (at == s.size()) return t;
  if (s[at] == 'Z' && at + 1 == s.size()) {
    t.offsetMinutes = 0;
    return t;
  }
  if ((s[at] == '+' || s[at] == '-') && at + 6 == s.size() && digitsAt(s, at + 1, 2) &&
      s[at + 3] == ':' && digitsAt(s, at + 4, 2)) {
    const int h = number(s, at + 1, 2), m = number(s, at + 4, 2);
    if (h > 14 || m > 59 || (h == 14 && m > 0)) return std::nullopt;
    t.offsetMinutes = (s[at] == '-' ? -1 : 1) * (h * 60 + m);
    return t;
  }
  return std::nullopt;
}

Result<LocalZone> LocalZone::named(std::string_view name) {
  LocalZone z;
  z.name_ = std::string(name);
  if (name == "Europe/London") {
    z.london_ = true;
    return z;
  }
  if (name == "UTC" || name == "Z") return z;
  IsoTime probe;
  if (auto t = parseIso("2000-01-01T00:00" + std::string(name)); t && t->offsetMinutes) {
    z.fixed_ = *t->offsetMinutes;
    return z;
  }
  return fail(ErrorCode::kInvalidValue,
              "time zone '" + std::string(name) +
                  "' is not known: use Europe/London, UTC or a fixed offset such as +01:00");
}

const LocalZone& LocalZone::london() {
  static const LocalZone zone = *named("Europe/London");
  return zone;
}

int LocalZone::offsetOfLocal(const IsoTime& local, bool& ambiguous) const {
  ambiguous = false;
  if (!london_) return fixed_;
  // Read as GMT, and as BST; whichever is consistent with the rules is the offset.
  IsoTime asGmt = fromMinutes(minutesOf(local), local);
  IsoTime asBst = fromMinutes(minutesOf(local) - 60, local);
  const bool gmtFits = !bstAtUtc(asGmt);
  const bool bstFits = bstAtUtc(asBst);
  if (gmtFits && bstFits) {
    ambiguous = true;  // the hour October's clocks pass twice: the first (BST)
    return 60;
  }
  if (!gmtFits && !bstFits) {
    ambiguous = true;  // the hour March's clocks skip
    return 0;
  }
  return bstFits ? 60 : 0;
}

int LocalZone::offsetAtUtc(const IsoTime& utc) const {
  if (!london_) return fixed_;
  return bstAtUtc(utc) ? 60 : 0;
}

std::string withZone(const std::string& value, const LocalZone& zone, bool& applied,
                     bool& ambiguous) {
  applied = ambiguous = false;
  auto t = parseIso(value);
  if (!t || !t->hasTime()) return value;
  if (!t->offsetMinutes) {
    t->offsetMinutes = zone.offsetOfLocal(*t, ambiguous);
    applied = true;
  }
  return t->textWithSeconds();
}

IsoTime inZone(const IsoTime& time, const LocalZone& zone) {
  if (!time.hasTime() || !time.offsetMinutes) return time;
  IsoTime utc = fromMinutes(minutesOf(time) - *time.offsetMinutes, time);
  utc.offsetMinutes = 0;
  const int offset = zone.offsetAtUtc(utc);
  IsoTime local = fromMinutes(minutesOf(utc) + offset, time);
  local.offsetMinutes = offset;
  return local;
}

std::string utcInstant(std::string_view iso) {
  auto t = parseIso(iso);
  if (!t || !t->hasTime() || !t->offsetMinutes) return std::string(iso);
  IsoTime utc = fromMinutes(minutesOf(*t) - *t->offsetMinutes, *t);
  utc.offsetMinutes = 0;
  std::string out = utc.textWithSeconds();
  return out.substr(0, out.size() - 6) + "Z";
}

}  // namespace pathhub::model
