// Conversions for hl7inspect --to (see convert.h).
#include "convert.h"

#include <vector>

#include "edifact/edifact_syntax.h"
#include "edifact/medrpt_reader.h"
#include "edifact/medrpt_writer.h"
#include "fhir/bundle_reader.h"
#include "fhir/bundle_writer.h"
#include "hl7/batch.h"
#include "hl7/message.h"
#include "model/v2_reader.h"
#include "model/v2_writer.h"

namespace pathhub::tools {
namespace {

// Every message of the input, as models; the error names what could not be read.
Result<std::vector<model::Message>> readAll(const std::string& input) {
  std::size_t start = input.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  if (start == std::string::npos) return fail(ErrorCode::kInvalidValue, "the input is empty");
  const std::string_view head = std::string_view(input).substr(start, 3);
  std::vector<model::Message> out;
  if (input[start] == '{' || input[start] == '<') {
    auto m = input[start] == '{' ? fhir::readBundleJson(input) : fhir::readBundleXml(input);
    if (!m) return tl::unexpected(m.error());
    out.push_back(std::move(*m));
  } else if (head == "UNA" || head == "UNB" || head == "UNH") {
    edifact::ParseOptions lenient;
    lenient.tolerateCountMismatch = true;
    auto interchange = edifact::parse(input, lenient);
    if (!interchange) return tl::unexpected(interchange.error());
    for (const auto& m : interchange->messages) {
      auto model = edifact::readMedrpt(m, interchange->header ? &*interchange : nullptr);
      if (!model) return tl::unexpected(model.error());
      model->warnings.insert(model->warnings.begin(), interchange->warnings.begin(),
                             interchange->warnings.end());
      out.push_back(std::move(*model));
    }
  } else {
    auto split = hl7::splitMessages(input);
    if (!split) return tl::unexpected(split.error());
    for (std::string_view text : split->messages) {
      auto parsed = hl7::Message::parse(std::string(text));
      if (!parsed) return tl::unexpected(parsed.error());
      auto model = model::readV2(*parsed);
      if (!model) return tl::unexpected(model.error());
      out.push_back(std::move(*model));
    }
  }
  return out;
}

}  // namespace

int convert(const std::string& input, const std::string& name, const std::string& to,
            std::ostream& out, std::ostream& warnings) {
  if (to != "hl7v2" && to != "fhir-json" && to != "fhir-xml" && to != "edifact") {
    warnings << "hl7inspect: --to " << to
             << ": not a target (hl7v2, fhir-json, fhir-xml, edifact)\n";
    return 2;
  }
  auto models = readAll(input);
  if (!models) {
    warnings << "hl7inspect: " << name << ": " << models.error().describe() << "\n";
    return 2;
  }
  for (model::Message& m : *models) {
    if (to == "hl7v2") {
      auto v2 = model::writeV2(m);
      if (!v2) {
        warnings << "hl7inspect: " << name << ": " << v2.error().describe() << "\n";
        return 2;
      }
      std::string text = v2->encode();
      for (char& c : text) {
        if (c == '\r') c = '\n';
      }
      out << text << "\n";
    } else if (to == "edifact") {
      out << edifact::writeMedrpt(m);
    } else if (to == "fhir-json") {
      out << fhir::writeBundleJson(m, true) << "\n";
    } else {
      out << fhir::writeBundleXml(m, true);
    }
    for (const auto& w : m.warnings) warnings << "hl7inspect: warning: " << w << "\n";
  }
  return 0;
}

}  // namespace pathhub::tools
