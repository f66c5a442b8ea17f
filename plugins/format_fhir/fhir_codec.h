// The FHIR codecs: a FHIR R4 message Bundle (JSON or XML) to HL7 v2 ORU^R01 and back, through
// the canonical model (core/convert). What one side cannot carry is passed on as a warning.
// Settings: localZone and localCodeSystems (../format_common.h).
#pragma once

#include <string_view>

#include "../format_common.h"
#include "pathhub/plugin_sdk.hpp"

namespace pathhub::format_fhir {

inline constexpr phub_config_key kKeys[] = {format::kLocalZoneKey, format::kLocalCodeSystemsKey};

struct FhirJsonCodec {
  explicit FhirJsonCodec(const sdk::Settings& settings) : options_(settings) {}
  void decode(std::string_view bundle, const sdk::Output& out) const;
  void encode(std::string_view hl7v2, const sdk::Output& out) const;

 private:
  format::Options options_;
};

struct FhirXmlCodec {
  explicit FhirXmlCodec(const sdk::Settings& settings) : options_(settings) {}
  void decode(std::string_view bundle, const sdk::Output& out) const;
  void encode(std::string_view hl7v2, const sdk::Output& out) const;

 private:
  format::Options options_;
};

}  // namespace pathhub::format_fhir
