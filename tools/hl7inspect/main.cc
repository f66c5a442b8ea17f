// hl7inspect — parse HL7 v2 messages and show them.
//
//   hl7inspect [--json | --roundtrip | --validate] FILE|-
//   hl7inspect --to hl7v2|fhir-json|fhir-xml|edifact FILE|-
//
// --to converts any report pathhub reads (HL7 v2, a FHIR JSON or XML Bundle, an EDIFACT
// MEDRPT interchange or message, recognised by their first bytes) through the canonical
// model; what the target cannot carry is printed as warnings on stderr.
//
// A file may hold several messages (one after another, or an FHS/BHS batch). Exit status:
// 0 success; 1 a round trip differed or validation found errors; 2 bad usage, unreadable
// input or a message that does not parse (the error names the message, byte and segment).
#include <iostream>
#include <string>
#include <vector>

#include "convert.h"
#include "hl7/batch.h"
#include "hl7/message.h"
#include "hl7/message_json.h"
#include "hl7/validate.h"
#include "read_input.h"
#include "tree_view.h"

namespace {

using namespace pathhub;

constexpr const char* kUsage =
    "usage: hl7inspect [--json | --roundtrip | --validate] FILE|-\n"
    "  (default)    tree view with field names\n"
    "  --json       one JSON object per message, one per line\n"
    "  --roundtrip  exit 0 iff re-encoding every message gives its input bytes\n"
    "  --validate   list structural problems; exit 1 if any is an error\n"
    "usage: hl7inspect --to hl7v2|fhir-json|fhir-xml|edifact FILE|-\n"
    "  converts HL7 v2, FHIR (JSON/XML) or EDIFACT MEDRPT input; warnings on stderr\n";

enum class Mode { kTree, kJson, kRoundtrip, kValidate };

// Reports whether `message` re-encodes to `input` (separators normalised to \r).
bool reportRoundtrip(const hl7::Message& message, std::string_view input, int index) {
  const std::string expected = hl7::normalizeSegmentSeparators(input);
  const std::string actual = message.encode();
  if (expected == actual) {
    std::cout << "message " << index << ": round trip ok (" << actual.size() << " bytes)\n";
    return true;
  }
  std::size_t at = 0;
  while (at < expected.size() && at < actual.size() && expected[at] == actual[at]) ++at;
  std::cout << "message " << index << ": round trip DIFFERS at byte " << at << " (input "
            << expected.size() << " bytes, output " << actual.size() << " bytes)\n";
  return false;
}

bool reportValidation(const hl7::Message& message, int index) {
  const auto problems = hl7::validateStructure(message);
  bool errors = false;
  std::cout << "message " << index << " (" << message.messageType() << "^" << message.triggerEvent()
            << " " << message.controlId() << "): ";
  if (problems.empty()) {
    std::cout << "no problems\n";
    return true;
  }
  std::cout << problems.size() << " problem(s)\n";
  for (const auto& p : problems) {
    const bool error = p.severity == hl7::Problem::Severity::kError;
    errors = errors || error;
    std::cout << "  " << (error ? "error  " : "warning") << "  " << p.location << ": " << p.text
              << "\n";
  }
  return !errors;
}

}  // namespace

int main(int argc, char** argv) {
  Mode mode = Mode::kTree;
  std::string file, to;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--json") {
      mode = Mode::kJson;
    } else if (arg == "--roundtrip") {
      mode = Mode::kRoundtrip;
    } else if (arg == "--validate") {
      mode = Mode::kValidate;
    } else if (arg == "--to" && i + 1 < argc) {
      to = argv[++i];
    } else if (arg == "-h" || arg == "--help") {
      std::cout << kUsage;
      return 0;
    } else if (file.empty() && (arg == "-" || arg[0] != '-')) {
      file = arg;
    } else {
      std::cerr << "hl7inspect: unexpected argument '" << arg << "'\n" << kUsage;
      return 2;
    }
  }
  if (file.empty()) {
    std::cerr << kUsage;
    return 2;
  }
  auto input = tools::readInput(file);
  if (!input) {
    std::cerr << "hl7inspect: " << input.error().describe() << "\n";
    return 2;
  }
  if (!to.empty()) return tools::convert(*input, file, to, std::cout, std::cerr);
  auto split = hl7::splitMessages(*input);
  if (!split) {
    std::cerr << "hl7inspect: " << file << ": " << split.error().describe() << "\n";
    return 2;
  }
  bool allGood = true;
  int index = 0;
  for (std::string_view bytes : split->messages) {
    ++index;
    auto message = hl7::Message::parse(std::string(bytes));
    if (!message) {
      // Offsets in the error are relative to the message; say where the message starts.
      std::cerr << "hl7inspect: " << file << ": message " << index << " (starting at byte "
                << (bytes.data() - input->data()) << "): " << message.error().describe() << "\n";
      return 2;
    }
    switch (mode) {
      case Mode::kTree:
        if (split->messages.size() > 1) std::cout << "=== message " << index << " ===\n";
        tools::printTree(*message, std::cout);
        break;
      case Mode::kJson:
        std::cout << hl7::messageToJson(*message) << "\n";
        break;
      case Mode::kRoundtrip:
        allGood = reportRoundtrip(*message, bytes, index) && allGood;
        break;
      case Mode::kValidate:
        allGood = reportValidation(*message, index) && allGood;
        break;
    }
  }
  return allGood ? 0 : 1;
}
