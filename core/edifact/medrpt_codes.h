// The NHS003 code lists the MEDRPT reader and writer share, each both ways: statuses (the
// whole test status list RE PR FI AM CO CA EN UN, and the report's SR), deviating result
// indicators (HI LO OR PA), measurement significance (comparators), sex, and the coding
// systems of INV and RSL (911 Read v2, 921 SNOMED CT). A code with no equivalent is reported
// (nullopt), never made "final" or dropped: the caller warns.
#pragma once

#include <optional>
#include <string>

namespace pathhub::edifact::codes {

// STS (test and report status) ⇄ the model's status word.
std::optional<std::string> statusFromNhs003(const std::string& code);
struct Nhs003Status {
  std::string code;
  bool exact = true;  // false: the nearest NHS003 status (partial written as PR)
};
std::optional<Nhs003Status> statusToNhs003(const std::string& status);

// RSL deviating result indicator ⇄ HL7 table 0078 flags (HI ⇄ H, LO ⇄ L; OR and PA, which
// only the UK uses, are kept as they are). `exact` is false where a v2 flag is written as the
// nearest NHS003 one (HH as HI).
std::optional<std::string> flagFromNhs003(const std::string& code);
struct Nhs003Flag {
  std::string code;  // "" for a flag NHS003 does not send (N, normal)
  bool exact = true;
};
std::optional<Nhs003Flag> flagToNhs003(const std::string& flag);

// 6321 measurement significance ⇄ a quantity's comparator.
std::string comparatorFromNhs003(const std::string& code);
std::string comparatorToNhs003(const std::string& comparator);

// PDI ⇄ administrative gender.
std::string sexFromNhs003(const std::string& code);
std::string sexToNhs003(const std::string& sex);

// INV/RSL/SPC code list ⇄ system: 911 Read v2, 921 SNOMED CT; another list number is kept as
// the system's name (a local system).
std::string systemFromList(const std::string& list);
std::string listFromSystem(const std::string& system);

inline constexpr const char* kReadV2 = "http://read.info/readv2";

}  // namespace pathhub::edifact::codes
