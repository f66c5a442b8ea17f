// The conversion chains of the clinical-safety checks (see conversion_chains.h).
#include "conversion_chains.h"

#include "corpus.h"
#include "hl7/message.h"
#include "model/pathology.h"

namespace pathhub::testing {
namespace {

using convert::Format;

ChainRun run(const model::Message& start, Format from, const std::vector<Format>& hops) {
  ChainRun out;
  out.name = std::string(convert::formatName(from));
  for (Format f : hops) out.name += ">" + std::string(convert::formatName(f));
  out.start = start;
  out.warnings = start.warnings;
  model::Message current = start;
  for (Format f : hops) {
    current.warnings.clear();
    auto written = convert::writeMessage(f, current);
    for (auto& w : current.warnings) out.warnings.push_back(w);
    if (!written) {
      out.error =
          "writing " + std::string(convert::formatName(f)) + ": " + written.error().describe();
      return out;
    }
    if (f == Format::kFhirJson) out.bundles.push_back(*written);
    auto read = convert::readMessages(f, *written);
    if (!read || read->empty()) {
      out.error = "reading back " + std::string(convert::formatName(f)) + ": " +
                  (read ? std::string("no message") : read.error().describe());
      return out;
    }
    // Several messages read back from one written (an EDIFACT interchange holds one MEDRPT
    // per report) are one message again.
    current = model::joinMessages(std::move(*read));
    for (auto& w : current.warnings) out.warnings.push_back(w);
  }
  out.end = std::move(current);
  return out;
}

}  // namespace

bool holdsResults(std::string_view bytes) {
  switch (convert::detectFormat(bytes)) {
    case Format::kHl7v2: {
      auto header = hl7::Message::parseHeader(bytes);
      // An ORU with no OBR (a sample of field syntax) holds no report.
      return header && (header->messageType() == "ORU" || header->messageType() == "OUL") &&
             (bytes.find("\rOBR|") != std::string_view::npos ||
              bytes.find("\nOBR|") != std::string_view::npos);
    }
    case Format::kEdifact:
      return bytes.find("MEDRPT") != std::string_view::npos;
    case Format::kFhirJson:
    case Format::kFhirXml:
      return (bytes.find("\"Bundle\"") != std::string_view::npos ||
              bytes.find("<Bundle") != std::string_view::npos) &&
             bytes.find("DiagnosticReport") != std::string_view::npos;
  }
  return false;
}

std::vector<ChainRun> runChains(std::string_view bytes) {
  const Format from = convert::detectFormat(bytes);
  std::vector<std::vector<Format>> chains;
  switch (from) {
    case Format::kHl7v2:
      chains = {{Format::kFhirJson},
                {Format::kFhirJson, Format::kHl7v2, Format::kFhirJson},
                {Format::kEdifact, Format::kFhirJson}};
      break;
    case Format::kEdifact:
      chains = {{Format::kFhirJson}, {Format::kFhirJson, Format::kEdifact, Format::kFhirJson}};
      break;
    case Format::kFhirJson:
    case Format::kFhirXml:
      chains = {{Format::kFhirJson}, {Format::kHl7v2, Format::kFhirJson}};
      break;
  }
  convert::ReadOptions options;
  options.tolerateEdifactCounts = true;  // public samples, some hand-edited
  auto messages = convert::readMessages(from, bytes, options);
  if (!messages || messages->empty()) {
    ChainRun failed;
    failed.name = std::string(convert::formatName(from));
    failed.error = messages ? "no report" : messages.error().describe();
    return {failed};
  }
  std::vector<ChainRun> out;
  for (const model::Message& m : *messages) {
    for (const auto& hops : chains) out.push_back(run(m, from, hops));
  }
  return out;
}

std::vector<std::filesystem::path> orderInputs() {
  std::vector<std::filesystem::path> out;
  for (const auto& f : corpusFiles("hl7v2")) {
    auto header = hl7::Message::parseHeader(readFile(f));
    if (header && (header->messageType() == "ORM" || header->messageType() == "OML")) {
      out.push_back(f);
    }
  }
  return out;
}

std::vector<std::filesystem::path> resultInputs() {
  std::vector<std::filesystem::path> out;
  for (const char* sub : {"hl7v2", "edifact", "fhir"}) {
    for (const auto& f : corpusFiles(sub)) {
      if (holdsResults(readFile(f))) out.push_back(f);
    }
  }
  const std::filesystem::path handMade =
      std::filesystem::path(PATHHUB_SOURCE_DIR) / "tests" / "data" / "clinical";
  if (std::filesystem::is_directory(handMade)) {
    std::vector<std::filesystem::path> mine;
    for (const auto& e : std::filesystem::directory_iterator(handMade)) {
      if (e.is_regular_file() && e.path().extension() != ".md") mine.push_back(e.path());
    }
    std::sort(mine.begin(), mine.end());
    out.insert(out.end(), mine.begin(), mine.end());
  }
  return out;
}

}  // namespace pathhub::testing
