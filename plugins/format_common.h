// What the format codec plugins share: a conversion through core/convert passed to the hub's
// output, warnings first; a failed conversion throws its reason (the SDK turns it into the
// codec's error).
#pragma once

#include <stdexcept>
#include <string_view>

#include "convert/formats.h"
#include "pathhub/plugin_sdk.hpp"

namespace pathhub::format {

inline void passOn(convert::Format from, convert::Format to, std::string_view bytes,
                   const sdk::Output& out) {
  auto converted = convert::convertAll(from, to, bytes);
  if (!converted) throw std::runtime_error(converted.error().text);
  for (const convert::Converted& c : *converted) {
    for (const auto& w : c.warnings) out.warning(w);
    out.message(c.bytes);
  }
}

}  // namespace pathhub::format
