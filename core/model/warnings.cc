// Named warnings (see warnings.h).
#include "model/warnings.h"

#include "model/pathology.h"

namespace pathhub::model {

const std::vector<std::string>& defaultBlockingWarnings() {
  static const std::vector<std::string> names = {
      std::string(warning::kAmbiguousIdentity), std::string(warning::kUnmappableStatus),
      std::string(warning::kUnitConflict), std::string(warning::kInvalidNhsNumber),
      std::string(warning::kInvalidBundle)};
  return names;
}

const std::vector<std::string>& warningNames() {
  static const std::vector<std::string> names = {std::string(warning::kAmbiguousIdentity),
                                                 std::string(warning::kUnmappableStatus),
                                                 std::string(warning::kUnitConflict),
                                                 std::string(warning::kInvalidNhsNumber),
                                                 std::string(warning::kInvalidBundle),
                                                 std::string(warning::kInvalidDate),
                                                 std::string(warning::kZoneAssumed),
                                                 std::string(warning::kZoneAmbiguous),
                                                 std::string(warning::kNotCarried),
                                                 std::string(warning::kApproximated),
                                                 std::string(warning::kValueAsText),
                                                 std::string(warning::kNotRead),
                                                 std::string(warning::kSplit)};
  return names;
}

std::string warningText(std::string_view name, const std::string& text) {
  return "[" + std::string(name) + "] " + text;
}

void warn(Message& message, std::string_view name, const std::string& text) {
  message.warnings.push_back(warningText(name, text));
}

std::string_view warningName(std::string_view warning) {
  if (warning.empty() || warning.front() != '[') return {};
  const std::size_t end = warning.find(']');
  return end == std::string_view::npos ? std::string_view{} : warning.substr(1, end - 1);
}

}  // namespace pathhub::model
