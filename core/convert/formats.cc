// Reading and writing the three languages (see formats.h).
#include "convert/formats.h"

#include "edifact/edifact_syntax.h"
#include "edifact/medrpt_reader.h"
#include "edifact/medrpt_writer.h"
#include "edifact/nhsack.h"
#include "edifact/nhsack_v2.h"
#include "fhir/bundle_check.h"
#include "fhir/bundle_reader.h"
#include "fhir/bundle_writer.h"
#include "fhir/fhir_xml.h"
#include "fhir/json_parse.h"
#include "fhir/order_reader.h"
#include "fhir/response_reader.h"
#include "hl7/batch.h"
#include "hl7/message.h"
#include "model/v2_reader.h"
#include "model/v2_writer.h"
#include "model/warnings.h"

namespace pathhub::convert {

std::optional<Format> parseFormat(std::string_view name) {
  for (Format f : {Format::kHl7v2, Format::kFhirJson, Format::kFhirXml, Format::kEdifact}) {
    if (formatName(f) == name) return f;
  }
  return std::nullopt;
}

std::string_view formatName(Format format) {
  switch (format) {
    case Format::kHl7v2:
      return "hl7v2";
    case Format::kFhirJson:
      return "fhir-json";
    case Format::kFhirXml:
      return "fhir-xml";
    case Format::kEdifact:
      return "edifact";
  }
  return "hl7v2";
}

Format detectFormat(std::string_view bytes) {
  const std::size_t start = bytes.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  if (start == std::string_view::npos) return Format::kHl7v2;
  const std::string_view head = bytes.substr(start, 3);
  if (bytes[start] == '{') return Format::kFhirJson;
  if (bytes[start] == '<') return Format::kFhirXml;
  if (head == "UNA" || head == "UNB" || head == "UNH") return Format::kEdifact;
  return Format::kHl7v2;
}

Result<std::vector<model::Message>> readMessages(Format format, std::string_view bytes,
                                                 const ReadOptions& options) {
  std::vector<model::Message> out;
  switch (format) {
    case Format::kFhirJson:
    case Format::kFhirXml: {
      const fhir::ReadOptions fhirOptions{options.localCodeSystems};
      auto m = format == Format::kFhirJson ? fhir::readBundleJson(std::string(bytes), fhirOptions)
                                           : fhir::readBundleXml(bytes, fhirOptions);
      if (!m) return tl::unexpected(m.error());
      out.push_back(std::move(*m));
      break;
    }
    case Format::kEdifact: {
      edifact::ParseOptions parse;
      parse.tolerateCountMismatch = options.tolerateEdifactCounts;
      auto interchange = edifact::parse(bytes, parse);
      if (!interchange) return tl::unexpected(interchange.error());
      for (const auto& m : interchange->messages) {
        auto model = edifact::readMedrpt(m, interchange->header ? &*interchange : nullptr);
        if (!model) return tl::unexpected(model.error());
        model->warnings.insert(model->warnings.begin(), interchange->warnings.begin(),
                               interchange->warnings.end());
        out.push_back(std::move(*model));
      }
      break;
    }
    case Format::kHl7v2: {
      auto split = hl7::splitMessages(bytes);
      if (!split) return tl::unexpected(split.error());
      auto zone = model::LocalZone::named(options.localZone);
      if (!zone) return tl::unexpected(zone.error());
      for (std::string_view text : split->messages) {
        auto parsed = hl7::Message::parse(std::string(text));
        if (!parsed) return tl::unexpected(parsed.error());
        // One model message per patient: identity is never merged.
        auto models = model::readV2Split(*parsed, *zone);
        if (!models) return tl::unexpected(models.error());
        for (auto& m : *models) out.push_back(std::move(m));
      }
      break;
    }
  }
  return out;
}

void warnIfUnfit(model::Message& message, const std::string& json) {
  for (const std::string& problem : fhir::checkPathologyMessage(json)) {
    model::warn(message, model::warning::kInvalidBundle, "the FHIR Bundle " + problem);
  }
}

Result<std::string> writeMessage(Format format, model::Message& message,
                                 const WriteOptions& options) {
  const fhir::WriteOptions fhirOptions{options.localCodeSystems};
  switch (format) {
    case Format::kFhirJson: {
      std::string json = fhir::writeBundleJson(message, true, fhirOptions);
      warnIfUnfit(message, json);
      return json;
    }
    case Format::kFhirXml: {
      // Checked in its JSON form: the same Bundle, written the other way.
      model::Message copy = message;
      warnIfUnfit(message, fhir::writeBundleJson(copy, false, fhirOptions));
      return fhir::writeBundleXml(message, true, fhirOptions);
    }
    case Format::kEdifact: {
      // Each interchange its own reference, so the NHSACK that answers it names only it.
      edifact::MedrptEnvelope envelope;
      envelope.reference = edifact::interchangeReferenceFor(message.header.messageId);
      return edifact::writeMedrpt(message, envelope);
    }
    case Format::kHl7v2: {
      auto v2 = model::writeV2(message);
      if (!v2) return tl::unexpected(v2.error());
      return v2->encode();
    }
  }
  return fail(ErrorCode::kInvalidValue, "unknown format");
}

Poco::JSON::Object::Ptr bundleObject(Format from, std::string_view bytes) {
  if (from == Format::kFhirXml) {
    auto parsed = fhir::xmlToJson(bytes);
    return parsed ? *parsed : nullptr;
  }
  auto parsed = fhir::parseJson(bytes);
  if (!parsed || parsed->type() != typeid(Poco::JSON::Object::Ptr)) return nullptr;
  return parsed->extract<Poco::JSON::Object::Ptr>();
}

namespace {

// An interchange of NHSACKs becomes HL7 v2 ACKs (edifact/nhsack_v2.h); nullopt when `bytes`
// holds no NHSACK.
std::optional<Result<std::vector<Converted>>> nhsAcksAsV2(std::string_view bytes,
                                                          const ReadOptions& options) {
  edifact::ParseOptions parse;
  parse.tolerateCountMismatch = options.tolerateEdifactCounts;
  auto interchange = edifact::parse(bytes, parse);
  if (!interchange || interchange->messages.empty() ||
      interchange->messages.front().type != "NHSACK") {
    return std::nullopt;
  }
  std::vector<Converted> out;
  for (const auto& m : interchange->messages) {
    auto ack = edifact::readNhsAck(m);
    if (!ack) return tl::unexpected(ack.error());
    for (auto& v2 : edifact::nhsAckAsV2(*ack, interchange->reference)) {
      out.push_back({std::move(v2), interchange->warnings});
    }
  }
  return out;
}

// A FHIR laboratory order becomes an OML^O21 (fhir/order_reader.h), a FHIR response message
// (a GP system's answer) an ACK (fhir/response_reader.h); nullopt when `bytes` is neither (a
// report, say).
std::optional<Result<std::vector<Converted>>> fhirOrderOrAnswerAsV2(Format from,
                                                                    std::string_view bytes) {
  const Poco::JSON::Object::Ptr bundle = bundleObject(from, bytes);
  if (!bundle) return std::nullopt;
  Result<std::string> v2;
  if (fhir::isResponseBundle(bundle)) {
    v2 = fhir::responseBundleToAck(bundle);
  } else if (fhir::isOrderBundle(bundle)) {
    v2 = fhir::orderBundleToOml(bundle);
  } else {
    return std::nullopt;
  }
  if (!v2) return tl::unexpected(v2.error());
  return std::vector<Converted>{{std::move(*v2), {}}};
}

// HL7 v2 orders become the NHS England pathology request message (fhir::writeRequestBundle*);
// nullopt when `bytes` holds no order (a report, say).
std::optional<Result<std::vector<Converted>>> v2OrdersAsFhir(Format to, std::string_view bytes,
                                                             const ReadOptions& options,
                                                             const WriteOptions& writing) {
  auto header = hl7::Message::parseHeader(bytes);
  if (!header) return std::nullopt;
  const std::string type = header->messageType();
  if (type != "ORM" && type != "OML" && type != "OMG" && type != "OMI") return std::nullopt;
  auto zone = model::LocalZone::named(options.localZone);
  if (!zone) return tl::unexpected(zone.error());
  auto split = hl7::splitMessages(bytes);
  if (!split) return tl::unexpected(split.error());
  const fhir::WriteOptions fhirOptions{writing.localCodeSystems};
  std::vector<Converted> out;
  for (std::string_view text : split->messages) {
    auto parsed = hl7::Message::parse(std::string(text));
    if (!parsed) return tl::unexpected(parsed.error());
    auto orders = model::readV2Orders(*parsed, *zone);
    if (!orders) return tl::unexpected(orders.error());
    for (model::Message& m : *orders) {
      std::string written = to == Format::kFhirJson
                                ? fhir::writeRequestBundleJson(m, true, fhirOptions)
                                : fhir::writeRequestBundleXml(m, true, fhirOptions);
      out.push_back({std::move(written), std::move(m.warnings)});
    }
  }
  return out;
}

}  // namespace

Result<std::vector<Converted>> convertAll(Format from, Format to, std::string_view bytes,
                                          const ReadOptions& options, const WriteOptions& writing) {
  if (from == Format::kEdifact && to == Format::kHl7v2) {
    if (auto acks = nhsAcksAsV2(bytes, options)) return std::move(*acks);
  }
  if ((from == Format::kFhirJson || from == Format::kFhirXml) && to == Format::kHl7v2) {
    if (auto v2 = fhirOrderOrAnswerAsV2(from, bytes)) return std::move(*v2);
  }
  if (from == Format::kHl7v2 && (to == Format::kFhirJson || to == Format::kFhirXml)) {
    if (auto order = v2OrdersAsFhir(to, bytes, options, writing)) return std::move(*order);
  }
  auto messages = readMessages(from, bytes, options);
  if (!messages) return tl::unexpected(messages.error());
  std::vector<Converted> out;
  for (model::Message& m : *messages) {
    auto written = writeMessage(to, m, writing);
    if (!written) return tl::unexpected(written.error());
    out.push_back({std::move(*written), std::move(m.warnings)});
  }
  return out;
}

}  // namespace pathhub::convert
