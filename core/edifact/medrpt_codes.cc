// NHS003 code lists (see medrpt_codes.h).
#include "edifact/medrpt_codes.h"

#include <utility>
#include <vector>

#include "model/vocabulary.h"

namespace pathhub::edifact::codes {
namespace {

using Table = std::vector<std::pair<const char*, const char*>>;

// The test status list, and the report's supplementary result (SR: results added to a report
// already sent, FHIR's appended).
const Table kStatus = {{"RE", "registered"},       {"PR", "preliminary"}, {"FI", "final"},
                       {"AM", "amended"},          {"CO", "corrected"},   {"CA", "cancelled"},
                       {"EN", "entered-in-error"}, {"UN", "unknown"},     {"SR", "appended"}};

}  // namespace

std::optional<std::string> statusFromNhs003(const std::string& code) {
  const std::string c = model::trimmed(code);
  for (const auto& [k, v] : kStatus) {
    if (c == k) return std::string(v);
  }
  return std::nullopt;
}

std::optional<Nhs003Status> statusToNhs003(const std::string& status) {
  for (const auto& [k, v] : kStatus) {
    if (status == v) return Nhs003Status{k};
  }
  if (status.empty()) return Nhs003Status{"UN"};
  if (status == "partial") return Nhs003Status{"PR", false};  // some results: preliminary
  return std::nullopt;
}

std::optional<std::string> flagFromNhs003(const std::string& code) {
  const std::string c = model::trimmed(code);
  if (c == "HI") return "H";
  if (c == "LO") return "L";
  if (c == "OR" || c == "PA") return c;
  return std::nullopt;
}

std::optional<Nhs003Flag> flagToNhs003(const std::string& flag) {
  if (flag == "H") return Nhs003Flag{"HI"};
  if (flag == "L") return Nhs003Flag{"LO"};
  if (flag == "OR" || flag == "PA") return Nhs003Flag{flag};
  if (flag == "N") return Nhs003Flag{""};  // normal: NHS003 flags only deviations
  if (flag == "HH" || flag == "HU" || flag == ">") return Nhs003Flag{"HI", false};
  if (flag == "LL" || flag == "LU" || flag == "<") return Nhs003Flag{"LO", false};
  if (flag == "A") return Nhs003Flag{"PA", false};  // abnormal: the nearest is "potentially"
  if (flag == "AA") return Nhs003Flag{"PA", false};
  return std::nullopt;
}

std::string comparatorFromNhs003(const std::string& code) {
  if (code == "5") return ">=";
  if (code == "6") return ">";
  if (code == "7") return "<";
  if (code == "8") return "<=";
  return {};
}

std::string comparatorToNhs003(const std::string& c) {
  if (c == ">=") return "5";
  if (c == ">") return "6";
  if (c == "<") return "7";
  if (c == "<=") return "8";
  return {};
}

std::string sexFromNhs003(const std::string& code) {
  if (code == "1") return "male";
  if (code == "2") return "female";
  if (code == "9") return "other";
  return code.empty() ? "" : "unknown";
}

std::string sexToNhs003(const std::string& sex) {
  if (sex == "male") return "1";
  if (sex == "female") return "2";
  if (sex == "other") return "9";
  return sex.empty() ? "" : "0";
}

std::string systemFromList(const std::string& list) {
  if (list == "911") return kReadV2;
  if (list == "921" || list == "912" || list == "SCT") return "http://snomed.info/sct";
  return list;
}

std::string listFromSystem(const std::string& system) {
  if (system == kReadV2) return "911";
  if (system == "http://snomed.info/sct") return "921";
  const bool listNumber =
      !system.empty() && system.find_first_not_of("0123456789") == std::string::npos;
  return listNumber ? system : std::string();
}

}  // namespace pathhub::edifact::codes
