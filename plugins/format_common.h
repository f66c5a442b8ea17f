// What the format codec plugins share: a conversion through core/convert passed to the hub's
// output, warnings first; a failed conversion throws its reason (the SDK turns it into the
// codec's error). The settings every format codec takes (<codecSettings>): the zone of HL7 v2
// times sent without one, and the namespace of the labs' own coding systems in FHIR.
#pragma once

#include <stdexcept>
#include <string_view>

#include "convert/formats.h"
#include "model/times.h"
#include "pathhub/plugin_sdk.hpp"

namespace pathhub::format {

inline constexpr phub_config_key kLocalZoneKey = {
    "localZone",
    PHUB_KEY_STRING,
    "Europe/London",
    0,
    0,
    0,
    "the zone of HL7 v2 times sent without one: Europe/London, UTC or a fixed offset (+01:00); "
    "each time read so is named in a zone-assumed warning"};
inline constexpr phub_config_key kLocalCodeSystemsKey = {
    "localCodeSystems",
    PHUB_KEY_STRING,
    "",
    0,
    0,
    0,
    "FHIR: the URI a lab's own coding-system name (\"WinPath\", \"L\") is appended to, e.g. "
    "https://pathology.example.nhs.uk/CodeSystem/ (default urn:pathhub:code-system:<sending "
    "facility>:)"};

// The conversion options a format codec's settings give.
struct Options {
  convert::ReadOptions reading;
  convert::WriteOptions writing;
  explicit Options(const sdk::Settings& settings) {
    reading.localZone = settings.text("localZone", "Europe/London");
    reading.localCodeSystems = settings.text("localCodeSystems");
    writing.localCodeSystems = reading.localCodeSystems;
    // A zone the hub cannot use is the codec's error at creation, not at the first message.
    if (auto zone = model::LocalZone::named(reading.localZone); !zone) {
      throw std::runtime_error("localZone: " + zone.error().text);
    }
  }
};

inline void passOn(convert::Format from, convert::Format to, std::string_view bytes,
                   const sdk::Output& out, const Options& options) {
  auto converted = convert::convertAll(from, to, bytes, options.reading, options.writing);
  if (!converted) throw std::runtime_error(converted.error().text);
  for (const convert::Converted& c : *converted) {
    for (const auto& w : c.warnings) out.warning(w);
    out.message(c.bytes);
  }
}

}  // namespace pathhub::format
