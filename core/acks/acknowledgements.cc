// Answers awaited and answers arriving (see acknowledgements.h).
#include "acks/acknowledgements.h"

#include "convert/formats.h"
#include "edifact/edifact_syntax.h"
#include "edifact/nhsack_v2.h"
#include "fhir/response_reader.h"

namespace pathhub::acks {

Expected expectedAnswers(std::string_view sent) {
  Expected out;
  const convert::Format format = convert::detectFormat(sent);
  switch (format) {
    case convert::Format::kEdifact: {
      edifact::ParseOptions lenient;
      lenient.tolerateCountMismatch = true;
      auto interchange = edifact::parse(sent, lenient);
      if (!interchange) break;
      for (const auto& m : interchange->messages) {
        out.references.push_back(edifact::acknowledgementKey(interchange->reference, m.reference));
      }
      out.recipient = interchange->recipient;
      break;
    }
    case convert::Format::kHl7v2: {
      auto header = hl7::Message::parseHeader(sent);
      if (!header || header->controlId().empty()) break;
      out.references.push_back(header->controlId());
      out.recipient = header->get("MSH-6").value_or("");
      if (out.recipient.empty()) out.recipient = header->get("MSH-5").value_or("");
      break;
    }
    case convert::Format::kFhirJson:
    case convert::Format::kFhirXml: {
      // A FHIR message is answered by a response naming its MessageHeader.id
      // (fhir/response_reader.h). The id is a UUID the writer gives this message alone, so
      // no other message's answer can name it; the answer's sender is not compared, since the
      // Bundle's receiver is the one the lab addressed, which need not be the practice's ODS
      // code that answers.
      const auto bundle = convert::bundleObject(format, sent);
      if (const std::string id = fhir::messageHeaderId(bundle); !id.empty()) {
        out.references.push_back(id);
      }
      break;
    }
  }
  return out;
}

std::optional<journal::Journal::Answer> answerIn(const hl7::Message& m, journal::MessageId id) {
  if (m.messageType() != "ACK") return std::nullopt;
  const auto msa = m.findSegment("MSA");
  if (!msa) return std::nullopt;
  journal::Journal::Answer a;
  const std::string code = m.get(*msa, hl7::Path::at("", 1));
  a.reference = m.get(*msa, hl7::Path::at("", 2));
  if (a.reference.empty()) return std::nullopt;
  a.accepted = code == "AA" || code == "CA";
  a.detail = m.get(*msa, hl7::Path::at("", 3));
  if (auto err = m.findSegment("ERR"); err && a.detail.empty()) {
    a.detail = m.get(*err, hl7::Path::at("", 8));
  }
  for (const char* field : {"MSH-3", "MSH-4"}) {
    if (auto v = m.get(field); v && !v->empty()) a.from.push_back(*v);
  }
  a.answeredBy = id;
  return a;
}

}  // namespace pathhub::acks
