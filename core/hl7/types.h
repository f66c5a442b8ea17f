// Typed readers for the HL7 v2 data types pathology messages depend on.
//
// TS/DTM (date-times with their precision and UTC offset), CX (identifiers such as an NHS
// number in PID-3 with its assigning authority), XPN and XCN (person names, clinicians), CE and
// CWE (coded values), NM (numbers, text kept exactly) and SN (structured numbers such as
// "<^7" or "^10^-^20"). Readers take one raw repetition and the message's delimiters, so they
// work on any element: `parseCx(msg.getRaw(path), msg.delimiters())`.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hl7/delimiters.h"
#include "pathhub/error.h"

namespace pathhub::hl7 {

class Message;
struct Path;

// One repetition split into decoded components and subcomponents (1-based, "" when absent).
class Composite {
 public:
  Composite(std::string_view raw, const Delimiters& delims);
  // The first subcomponent of component n, decoded.
  std::string component(int n) const { return sub(n, 1); }
  std::string sub(int n, int s) const;
  std::string_view rawComponent(int n) const;

 private:
  std::string_view raw_;
  Delimiters delims_;
  std::vector<std::string_view> components_;
};

struct DateTime {
  enum class Precision { kYear, kMonth, kDay, kHour, kMinute, kSecond, kFraction };
  int year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0;
  int fraction = 0;        // digits after the decimal point, as an integer
  int fractionDigits = 0;  // how many digits the fraction had (1..4)
  Precision precision = Precision::kYear;
  std::optional<int> offsetMinutes;  // +0100 → 60; absent when the value gave none

  // HL7 form at the same precision, e.g. "20240131093000+0000".
  std::string toHl7() const;
  // ISO 8601 at the same precision, e.g. "2024-01-31T09:30:00+00:00" or "2024-01".
  std::string toIso8601() const;
};

// Reads a TS.1 / DTM value: YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ]. Refuses odd
// digit counts and out-of-range parts (month 13, 30 February, hour 24, offset +1500).
Result<DateTime> parseDateTime(std::string_view text);

struct HierarchicDesignator {  // HD
  std::string namespaceId, universalId, universalIdType;
};

struct ExtendedId {  // CX
  std::string id, checkDigit, checkDigitScheme;
  HierarchicDesignator assigningAuthority;
  std::string identifierTypeCode;  // e.g. "NH" (NHS number), "MR" (hospital number)
  HierarchicDesignator assigningFacility;
};
ExtendedId parseCx(std::string_view raw, const Delimiters& delims);
// Every repetition of a CX field, e.g. all PID-3 identifiers.
std::vector<ExtendedId> readCxList(const Message& message, const Path& field);

// True for ten digits whose modulus-11 check digit is right (NHS Data Dictionary rule).
bool isValidNhsNumber(std::string_view digits);
// The identifier that is an NHS number: type code "NH" or assigning authority "NHS" (or "NHS"
// in CX.2/CX.3, where some systems put it).
std::optional<ExtendedId> findNhsNumber(const std::vector<ExtendedId>& ids);

struct PersonName {  // XPN
  std::string family, given, secondNames, suffix, prefix, degree, nameTypeCode;
};
PersonName parseXpn(std::string_view raw, const Delimiters& delims);

struct Clinician {  // XCN
  std::string id, family, given, secondNames, suffix, prefix, degree, sourceTable;
  HierarchicDesignator assigningAuthority;
  std::string nameTypeCode, identifierTypeCode;
};
Clinician parseXcn(std::string_view raw, const Delimiters& delims);

struct CodedValue {  // CE and CWE (CWE adds versions and original text)
  std::string identifier, text, codingSystem;
  std::string altIdentifier, altText, altCodingSystem;
  std::string codingSystemVersion, altCodingSystemVersion, originalText;
};
CodedValue parseCodedValue(std::string_view raw, const Delimiters& delims);

struct Numeric {     // NM
  std::string text;  // as written, trimmed of surrounding spaces
  double value = 0;
  int decimals = 0;  // digits after the decimal point, for faithful re-display
};
// Optional sign, digits, optional decimal point; no exponent, as HL7 defines NM.
Result<Numeric> parseNumeric(std::string_view text);

struct StructuredNumeric {  // SN
  std::string comparator;   // "", ">", "<", ">=", "<=", "=", "<>"
  std::optional<Numeric> num1;
  std::string separator;  // "", "-", "+", "/", ".", ":"
  std::optional<Numeric> num2;
};
Result<StructuredNumeric> parseSn(std::string_view raw, const Delimiters& delims);

}  // namespace pathhub::hl7
