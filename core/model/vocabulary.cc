// Code tables (see vocabulary.h).
#include "model/vocabulary.h"

#include <utility>
#include <vector>

namespace pathhub::model {
namespace {

using Table = std::vector<std::pair<std::string, std::string>>;  // v2 code, model word

// The first row naming a word is the code written back, so a round trip is stable.
std::string forward(const Table& t, const std::string& code, const std::string& fallback) {
  for (const auto& [c, w] : t) {
    if (c == code) return w;
  }
  return code.empty() ? "" : fallback;
}

std::string backward(const Table& t, const std::string& word, const std::string& fallback) {
  for (const auto& [c, w] : t) {
    if (w == word) return c;
  }
  return word.empty() ? "" : fallback;
}

const Table kResultStatus = {
    {"F", "final"},       {"C", "corrected"},        {"P", "preliminary"},
    {"R", "preliminary"}, {"S", "preliminary"},      {"I", "registered"},
    {"X", "cancelled"},   {"D", "entered-in-error"}, {"W", "entered-in-error"},
    {"U", "final"}};

const Table kReportStatus = {{"F", "final"},      {"C", "corrected"},   {"P", "preliminary"},
                             {"A", "partial"},    {"R", "preliminary"}, {"I", "registered"},
                             {"O", "registered"}, {"S", "registered"},  {"X", "cancelled"},
                             {"Y", "registered"}, {"Z", "registered"}};

const Table kSex = {{"M", "male"},    {"F", "female"}, {"O", "other"},
                    {"U", "unknown"}, {"A", "other"},  {"N", "unknown"}};

const Table kPriority = {{"R", "routine"}, {"S", "stat"},    {"A", "asap"},  {"U", "urgent"},
                         {"P", "routine"}, {"C", "routine"}, {"T", "urgent"}};

const Table kSystems = {{"LN", "http://loinc.org"},
                        {"SCT", "http://snomed.info/sct"},
                        {"SNOMED CT", "http://snomed.info/sct"},
                        {"UCUM", "http://unitsofmeasure.org"}};

}  // namespace

std::string resultStatusFromV2(const std::string& code) {
  return forward(kResultStatus, code, "unknown");
}
std::string resultStatusToV2(const std::string& status) {
  return backward(kResultStatus, status, "F");
}
std::string reportStatusFromV2(const std::string& code) {
  return forward(kReportStatus, code, "unknown");
}
std::string reportStatusToV2(const std::string& status) {
  if (status == "amended") return "C";
  return backward(kReportStatus, status, "F");
}
std::string sexFromV2(const std::string& code) { return forward(kSex, code, "unknown"); }
std::string sexToV2(const std::string& sex) { return backward(kSex, sex, "U"); }
std::string priorityFromV2(const std::string& code) { return forward(kPriority, code, "routine"); }
std::string priorityToV2(const std::string& priority) { return backward(kPriority, priority, "R"); }
std::string systemFromV2(const std::string& name) { return forward(kSystems, name, name); }
std::string systemToV2(const std::string& uri) { return backward(kSystems, uri, uri); }

}  // namespace pathhub::model
