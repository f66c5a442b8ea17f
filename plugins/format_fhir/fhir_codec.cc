// FHIR codecs (see fhir_codec.h).
#include "fhir_codec.h"

namespace pathhub::format_fhir {

void FhirJsonCodec::decode(std::string_view bundle, const sdk::Output& out) const {
  format::passOn(convert::Format::kFhirJson, convert::Format::kHl7v2, bundle, out, options_);
}
void FhirJsonCodec::encode(std::string_view hl7v2, const sdk::Output& out) const {
  format::passOn(convert::Format::kHl7v2, convert::Format::kFhirJson, hl7v2, out, options_);
}
void FhirXmlCodec::decode(std::string_view bundle, const sdk::Output& out) const {
  format::passOn(convert::Format::kFhirXml, convert::Format::kHl7v2, bundle, out, options_);
}
void FhirXmlCodec::encode(std::string_view hl7v2, const sdk::Output& out) const {
  format::passOn(convert::Format::kHl7v2, convert::Format::kFhirXml, hl7v2, out, options_);
}

}  // namespace pathhub::format_fhir
