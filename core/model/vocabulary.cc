// Code tables (see vocabulary.h).
#include "model/vocabulary.h"

#include <utility>
#include <vector>

namespace pathhub::model {
namespace {

using Table = std::vector<std::pair<std::string, std::string>>;  // v2 code, model word

std::string forward(const Table& t, const std::string& code, const std::string& fallback) {
  for (const auto& [c, w] : t) {
    if (c == code) return w;
  }
  return code.empty() ? "" : fallback;
}

// The first row naming a word is the code written back, so a round trip is stable.
std::string backward(const Table& t, const std::string& word, const std::string& fallback) {
  for (const auto& [c, w] : t) {
    if (w == word) return c;
  }
  return word.empty() ? "" : fallback;
}

std::optional<std::string> lookUp(const Table& t, const std::string& code) {
  const std::string key = trimmed(code);
  for (const auto& [c, w] : t) {
    if (c == key) return w;
  }
  return std::nullopt;
}

// HL7 v2.5.1 table 0085, every code. N ("not asked") and the others without a FHIR
// equivalent are absent, so they are reported, never guessed.
const Table kResultStatus = {
    {"F", "final"},
    {"C", "corrected"},
    {"P", "preliminary"},
    {"R", "preliminary"},
    {"S", "preliminary"},
    {"I", "registered"},
    {"O", "registered"},
    {"X", "cancelled"},
    {"W", "entered-in-error"},
    {"D", "entered-in-error"},
    // U: "changes status from final without retransmitting results already sent".
    {"U", "final"},
    // A (v2.6+): amended based on adjustments provided by the placer; B: appended report.
    {"A", "amended"}};

// HL7 table 0123, every code. Y ("no order on record") and Z ("no record of patient") say
// something is wrong, not how far the report has got: absent, so reported.
const Table kReportStatus = {{"F", "final"},      {"C", "corrected"},   {"P", "preliminary"},
                             {"A", "partial"},    {"R", "preliminary"}, {"I", "registered"},
                             {"O", "registered"}, {"S", "registered"},  {"X", "cancelled"}};

const Table kSex = {{"M", "male"},    {"F", "female"}, {"O", "other"},
                    {"U", "unknown"}, {"A", "other"},  {"N", "unknown"}};

const Table kPriority = {{"R", "routine"}, {"S", "stat"},    {"A", "asap"},  {"U", "urgent"},
                         {"P", "routine"}, {"C", "routine"}, {"T", "urgent"}};

const Table kSystems = {{"LN", "http://loinc.org"},
                        {"SCT", "http://snomed.info/sct"},
                        {"SNOMED CT", "http://snomed.info/sct"},
                        {"SNOMEDCT", "http://snomed.info/sct"},
                        {"UCUM", "http://unitsofmeasure.org"},
                        {"I10", "http://hl7.org/fhir/sid/icd-10"},
                        {"I9C", "http://hl7.org/fhir/sid/icd-9-cm"}};

constexpr const char* kV2TablePrefix = "http://terminology.hl7.org/CodeSystem/v2-";

}  // namespace

std::string trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

bool isBlank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

std::optional<std::string> resultStatusFromV2(const std::string& code) {
  return lookUp(kResultStatus, code);
}

std::optional<StatusCode> resultStatusToV2(const std::string& status) {
  if (status == "final") return StatusCode{"F"};
  if (status == "corrected") return StatusCode{"C"};
  if (status == "preliminary") return StatusCode{"P"};
  if (status == "registered") return StatusCode{"I"};
  if (status == "cancelled") return StatusCode{"X"};
  if (status == "entered-in-error") return StatusCode{"W"};
  // Table 0085's A (amended) exists only since v2.6: C ("record coming over is a correction")
  // is what every version reads.
  if (status == "amended") return StatusCode{"C", false};
  return std::nullopt;
}

std::optional<std::string> reportStatusFromV2(const std::string& code) {
  return lookUp(kReportStatus, code);
}

std::optional<StatusCode> reportStatusToV2(const std::string& status) {
  if (status == "final") return StatusCode{"F"};
  if (status == "corrected") return StatusCode{"C"};
  if (status == "preliminary") return StatusCode{"P"};
  if (status == "partial") return StatusCode{"A"};
  if (status == "registered") return StatusCode{"I"};
  if (status == "cancelled") return StatusCode{"X"};
  // Table 0123 has no amended or appended report: C ("correction to results") is nearest.
  if (status == "amended" || status == "appended") return StatusCode{"C", false};
  return std::nullopt;  // entered-in-error, unknown: v2 cannot say it
}

bool isResultStatus(const std::string& s) {
  return s == "registered" || s == "preliminary" || s == "final" || s == "amended" ||
         s == "corrected" || s == "cancelled" || s == "entered-in-error" || s == "unknown";
}

bool isReportStatus(const std::string& s) {
  return isResultStatus(s) || s == "partial" || s == "appended";
}

std::string sexFromV2(const std::string& code) { return forward(kSex, code, "unknown"); }
std::string sexToV2(const std::string& sex) { return backward(kSex, sex, "U"); }
std::string priorityFromV2(const std::string& code) { return forward(kPriority, code, "routine"); }
std::string priorityToV2(const std::string& priority) { return backward(kPriority, priority, "R"); }

std::string systemFromV2(const std::string& name) {
  if (name.empty()) return {};
  const std::string n = name.front() == ' ' || name.back() == ' ' ? trimmed(name) : name;
  if (n.size() == 7 && n.rfind("HL7", 0) == 0 &&
      n.find_first_not_of("0123456789", 3) == std::string::npos) {
    return kV2TablePrefix + n.substr(3);
  }
  return forward(kSystems, n, n);
}

std::string systemToV2(const std::string& uri) {
  const std::string prefix = kV2TablePrefix;
  if (uri.rfind(prefix, 0) == 0 && uri.size() == prefix.size() + 4) {
    return "HL7" + uri.substr(prefix.size());
  }
  return backward(kSystems, uri, uri);
}

bool isStandardTerminology(const std::string& system) {
  return system == "http://snomed.info/sct" || system == "http://loinc.org";
}

}  // namespace pathhub::model
