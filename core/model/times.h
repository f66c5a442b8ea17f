// Times in the model are ISO 8601 text at the precision they were sent ("2019-05-14",
// "2019-05-14T10:24:00+02:00"). This reads them as instants, so that a conversion never
// shifts one: a time with a zone is an instant, kept in any language (EDIFACT, which has no
// zone, gets UK local time); a time sent without a zone is read in the configured local zone
// (Europe/London unless told otherwise) and that is recorded as a warning. Hazard H5 in
// docs/safety/hazard-log.md.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "pathhub/error.h"

namespace pathhub::model {

// One ISO 8601 value, checked (month 13, 30 February, hour 24 and offsets past ±14:00 are
// refused). Precision is kept: a date is a date, minutes stay minutes.
struct IsoTime {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  std::string fraction;  // digits after the decimal point of the seconds, "" for none
  enum class Precision { kYear, kMonth, kDay, kMinute, kSecond } precision = Precision::kYear;
  std::optional<int> offsetMinutes;  // +02:00 → 120; Z → 0; none when the value gave none

  bool hasTime() const { return precision >= Precision::kMinute; }
  // ISO 8601 at this precision ("2019-05-14T10:24+02:00" for minutes).
  std::string text() const;
  // With seconds, always: the form FHIR's dateTime and instant need for a time of day.
  std::string textWithSeconds() const;
};

std::optional<IsoTime> parseIso(std::string_view text);

// A local time zone for times sent without one: "Europe/London" (GMT, and BST from 01:00 UTC
// on the last Sunday of March to 01:00 UTC on the last Sunday of October), "UTC", or a fixed
// offset such as "+01:00". Other zone names are refused: the hub does not guess a zone.
class LocalZone {
 public:
  static Result<LocalZone> named(std::string_view name);
  static const LocalZone& london();
  const std::string& name() const { return name_; }

  // The offset of a wall-clock time in this zone. `ambiguous` is set for a time the clocks
  // pass twice (the hour before 02:00 BST on the last Sunday of October: the first, BST, is
  // given) or never (the hour after 01:00 GMT on the last Sunday of March).
  int offsetOfLocal(const IsoTime& local, bool& ambiguous) const;
  // The offset in force at a UTC instant.
  int offsetAtUtc(const IsoTime& utc) const;

 private:
  std::string name_;
  bool london_ = false;
  int fixed_ = 0;
};

// `value` with the zone's offset added when it has a time of day and no zone (`applied` says
// whether it did), and with seconds (":00" when it had none), as FHIR needs a time of day.
// Dates, and values that are not ISO 8601, are returned as they are.
std::string withZone(const std::string& value, const LocalZone& zone, bool& applied,
                     bool& ambiguous);

// The same instant as wall-clock time in `zone`, with that zone's offset ("2019-05-14T10:24
// +02:00" in Europe/London → 09:24+01:00). Values without a zone, or without a time, come back
// unchanged.
IsoTime inZone(const IsoTime& time, const LocalZone& zone);

// The UTC instant of a value with time and zone ("2019-05-14T08:24:00Z", seconds always, the
// fraction kept); a date, or a time without a zone, is returned as it is. For comparing times
// as instants across conversions.
std::string utcInstant(std::string_view iso);

}  // namespace pathhub::model
