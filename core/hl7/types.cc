// Typed readers for HL7 v2 data types (see types.h).
#include "hl7/types.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "hl7/escape.h"
#include "hl7/message.h"

namespace pathhub::hl7 {
namespace {

std::vector<std::string_view> splitOn(std::string_view raw, char separator) {
  std::vector<std::string_view> parts;
  if (separator == '\0') {
    parts.push_back(raw);
    return parts;
  }
  std::size_t start = 0;
  for (;;) {
    std::size_t end = raw.find(separator, start);
    if (end == std::string_view::npos) {
      parts.push_back(raw.substr(start));
      return parts;
    }
    parts.push_back(raw.substr(start, end - start));
    start = end + 1;
  }
}

std::string_view trim(std::string_view s) {
  const std::size_t b = s.find_first_not_of(' ');
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(' ') - b + 1);
}

bool readDigits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

int daysInMonth(int year, int month) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

HierarchicDesignator designatorFrom(const Composite& c, int component) {
  return {c.sub(component, 1), c.sub(component, 2), c.sub(component, 3)};
}

tl::unexpected<Error> badValue(std::string_view text, const std::string& why) {
  return fail(ErrorCode::kInvalidValue, "'" + std::string(text.substr(0, 40)) + "' " + why);
}

}  // namespace

Composite::Composite(std::string_view raw, const Delimiters& delims)
    : raw_(raw), delims_(delims), components_(splitOn(raw, delims.component)) {}

std::string_view Composite::rawComponent(int n) const {
  if (n < 1 || static_cast<std::size_t>(n) > components_.size()) return {};
  return components_[static_cast<std::size_t>(n) - 1];
}

std::string Composite::sub(int n, int s) const {
  const auto subs = splitOn(rawComponent(n), delims_.subcomponent);
  if (s < 1 || static_cast<std::size_t>(s) > subs.size()) return {};
  return unescape(subs[static_cast<std::size_t>(s) - 1], delims_);
}

Result<DateTime> parseDateTime(std::string_view text) {
  text = trim(text);
  DateTime dt;
  std::string_view body = text;
  const std::size_t sign = text.find_first_of("+-");
  if (sign != std::string_view::npos) {
    body = text.substr(0, sign);
    std::string_view zone = text.substr(sign + 1);
    int hh = 0, mm = 0;
    if (zone.size() != 4 || !readDigits(zone, 0, 2, hh) || !readDigits(zone, 2, 2, mm) || hh > 14 ||
        mm > 59) {
      return badValue(text, "has a time zone offset that is not +/-HHMM");
    }
    dt.offsetMinutes = (text[sign] == '-' ? -1 : 1) * (hh * 60 + mm);
  }
  std::string_view fraction;
  if (const std::size_t dot = body.find('.'); dot != std::string_view::npos) {
    fraction = body.substr(dot + 1);
    body = body.substr(0, dot);
    if (body.size() != 14) return badValue(text, "has a fraction of a second without seconds");
    if (fraction.empty() || fraction.size() > 4 ||
        !readDigits(fraction, 0, fraction.size(), dt.fraction)) {
      return badValue(text, "has a fraction of a second that is not 1 to 4 digits");
    }
    dt.fractionDigits = static_cast<int>(fraction.size());
  }
  static const std::size_t kLengths[] = {4, 6, 8, 10, 12, 14};
  int parts[6] = {0, 1, 1, 0, 0, 0};
  std::size_t level = 0;
  while (level < 6 && kLengths[level] != body.size()) ++level;
  if (level == 6) {
    return badValue(text, "is not a date/time of 4, 6, 8, 10, 12 or 14 digits");
  }
  for (std::size_t i = 0; i <= level; ++i) {
    if (!readDigits(body, i == 0 ? 0 : kLengths[i - 1], i == 0 ? 4 : 2, parts[i])) {
      return badValue(text, "holds a character that is not a digit");
    }
  }
  dt.year = parts[0];
  dt.month = parts[1];
  dt.day = parts[2];
  dt.hour = parts[3];
  dt.minute = parts[4];
  dt.second = parts[5];
  if (dt.month < 1 || dt.month > 12) return badValue(text, "has a month outside 1-12");
  if (dt.day < 1 || dt.day > daysInMonth(dt.year, dt.month)) {
    return badValue(text, "has a day that month does not have");
  }
  if (dt.hour > 23 || dt.minute > 59 || dt.second > 59) {
    return badValue(text, "has a time of day out of range");
  }
  dt.precision =
      fraction.empty() ? static_cast<DateTime::Precision>(level) : DateTime::Precision::kFraction;
  return dt;
}

std::string DateTime::toHl7() const {
  char buf[40];
  int n = std::snprintf(buf, sizeof buf, "%04d%02d%02d%02d%02d%02d", year, month, day, hour, minute,
                        second);
  static const int kLengths[] = {4, 6, 8, 10, 12, 14, 14};
  std::string out(buf,
                  static_cast<std::size_t>(std::min(n, kLengths[static_cast<int>(precision)])));
  if (precision == Precision::kFraction) {
    std::snprintf(buf, sizeof buf, ".%0*d", fractionDigits, fraction);
    out += buf;
  }
  if (offsetMinutes) {
    const int abs = *offsetMinutes < 0 ? -*offsetMinutes : *offsetMinutes;
    std::snprintf(buf, sizeof buf, "%c%02d%02d", *offsetMinutes < 0 ? '-' : '+', abs / 60,
                  abs % 60);
    out += buf;
  }
  return out;
}

std::string DateTime::toIso8601() const {
  // Digits written by hand: this runs for every time of every message converted, and
  // snprintf's format parsing was a tenth of a conversion's time.
  std::string out;
  out.reserve(32);
  auto digits = [&out](int value, int width) {
    char buf[12];
    int n = 0;
    unsigned v = static_cast<unsigned>(value < 0 ? 0 : value);
    do {
      buf[n++] = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v > 0 && n < 10);
    for (int pad = n; pad < width; ++pad) out += '0';
    while (n > 0) out += buf[--n];
  };
  digits(year, 4);
  if (precision >= Precision::kMonth) {
    out += '-';
    digits(month, 2);
  }
  if (precision >= Precision::kDay) {
    out += '-';
    digits(day, 2);
  }
  if (precision >= Precision::kHour) {
    out += 'T';
    digits(hour, 2);
    out += ':';
    digits(minute, 2);
  }
  if (precision >= Precision::kSecond) {
    out += ':';
    digits(second, 2);
  }
  if (precision == Precision::kFraction) {
    out += '.';
    digits(fraction, fractionDigits);
  }
  if (offsetMinutes && precision >= Precision::kHour) {
    const int abs = *offsetMinutes < 0 ? -*offsetMinutes : *offsetMinutes;
    out += *offsetMinutes < 0 ? '-' : '+';
    digits(abs / 60, 2);
    out += ':';
    digits(abs % 60, 2);
  }
  return out;
}

ExtendedId parseCx(std::string_view raw, const Delimiters& delims) {
  const Composite c(raw, delims);
  return {c.component(1),       c.component(2), c.component(3),
          designatorFrom(c, 4), c.component(5), designatorFrom(c, 6)};
}

std::vector<ExtendedId> readCxList(const Message& message, const Path& field) {
  std::vector<ExtendedId> out;
  auto segment = message.findSegment(field.segment, field.occurrence);
  if (!segment) return out;
  const int count = message.repetitionCount(*segment, field);
  for (int r = 1; r <= count; ++r) {
    Path rep = field;
    rep.repetition = r;
    rep.component = rep.subcomponent = 0;
    out.push_back(parseCx(message.getRaw(*segment, rep), message.delimiters()));
  }
  return out;
}

bool isValidNhsNumber(std::string_view digits) {
  if (digits.size() != 10) return false;
  int sum = 0;
  for (std::size_t i = 0; i < 10; ++i) {
    if (digits[i] < '0' || digits[i] > '9') return false;
    if (i < 9) sum += (digits[i] - '0') * static_cast<int>(10 - i);
  }
  int check = 11 - sum % 11;
  if (check == 11) check = 0;
  return check != 10 && check == digits[9] - '0';
}

std::optional<ExtendedId> findNhsNumber(const std::vector<ExtendedId>& ids) {
  for (const ExtendedId& id : ids) {
    // Some systems put "NHS" in CX.2 or CX.3; no check digit or check-digit scheme is ever
    // spelt "NHS", so it is read as the marker there too.
    const bool marked = id.identifierTypeCode == "NH" ||
                        id.assigningAuthority.namespaceId == "NHS" || id.checkDigit == "NHS" ||
                        id.checkDigitScheme == "NHS";
    if (marked && !id.id.empty()) return id;
  }
  return std::nullopt;
}

PersonName parseXpn(std::string_view raw, const Delimiters& delims) {
  const Composite c(raw, delims);
  return {c.component(1), c.component(2), c.component(3), c.component(4),
          c.component(5), c.component(6), c.component(7)};
}

Clinician parseXcn(std::string_view raw, const Delimiters& delims) {
  const Composite c(raw, delims);
  Clinician out;
  out.id = c.component(1);
  out.family = c.component(2);
  out.given = c.component(3);
  out.secondNames = c.component(4);
  out.suffix = c.component(5);
  out.prefix = c.component(6);
  out.degree = c.component(7);
  out.sourceTable = c.component(8);
  out.assigningAuthority = designatorFrom(c, 9);
  out.nameTypeCode = c.component(10);
  out.identifierTypeCode = c.component(13);
  return out;
}

CodedValue parseCodedValue(std::string_view raw, const Delimiters& delims) {
  const Composite c(raw, delims);
  return {c.component(1), c.component(2), c.component(3), c.component(4), c.component(5),
          c.component(6), c.component(7), c.component(8), c.component(9)};
}

Result<Numeric> parseNumeric(std::string_view text) {
  const std::string_view t = trim(text);
  std::size_t i = (!t.empty() && (t[0] == '+' || t[0] == '-')) ? 1 : 0;
  int digits = 0, decimals = 0;
  bool point = false;
  for (; i < t.size(); ++i) {
    if (t[i] == '.' && !point) {
      point = true;
    } else if (t[i] >= '0' && t[i] <= '9') {
      ++digits;
      if (point) ++decimals;
    } else {
      return badValue(text, "is not a number (NM: sign, digits, decimal point)");
    }
  }
  if (digits == 0) return badValue(text, "is not a number (no digits)");
  Numeric n{std::string(t), 0, decimals};
  const char* b = t.data() + (t[0] == '+' ? 1 : 0);
  std::from_chars(b, t.data() + t.size(), n.value);
  return n;
}

Result<StructuredNumeric> parseSn(std::string_view raw, const Delimiters& delims) {
  const Composite c(raw, delims);
  StructuredNumeric sn;
  sn.comparator = c.component(1);
  static const std::string_view kComparators[] = {"", ">", "<", ">=", "<=", "=", "<>"};
  static const std::string_view kSeparators[] = {"", "-", "+", "/", ".", ":"};
  if (std::find(std::begin(kComparators), std::end(kComparators), sn.comparator) ==
      std::end(kComparators)) {
    return badValue(raw, "has an SN comparator that is not one of > < >= <= = <>");
  }
  sn.separator = c.component(3);
  if (std::find(std::begin(kSeparators), std::end(kSeparators), sn.separator) ==
      std::end(kSeparators)) {
    return badValue(raw, "has an SN separator that is not one of - + / . :");
  }
  for (int n : {2, 4}) {
    const std::string text = c.component(n);
    if (text.empty()) continue;
    auto value = parseNumeric(text);
    if (!value) return tl::unexpected(value.error());
    (n == 2 ? sn.num1 : sn.num2) = *value;
  }
  return sn;
}

}  // namespace pathhub::hl7
