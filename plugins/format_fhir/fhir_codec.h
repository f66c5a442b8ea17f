// The FHIR codecs: a FHIR R4 message Bundle (JSON or XML) to HL7 v2 ORU^R01 and back, through
// the canonical model (core/convert). What one side cannot carry is passed on as a warning.
#pragma once

#include <string_view>

#include "pathhub/plugin_sdk.hpp"

namespace pathhub::format_fhir {

struct FhirJsonCodec {
  static void decode(std::string_view bundle, const sdk::Output& out);
  static void encode(std::string_view hl7v2, const sdk::Output& out);
};

struct FhirXmlCodec {
  static void decode(std::string_view bundle, const sdk::Output& out);
  static void encode(std::string_view hl7v2, const sdk::Output& out);
};

}  // namespace pathhub::format_fhir
