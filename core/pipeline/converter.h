// A conversion between a message format and HL7 v2, as a channel's source or destination
// uses it (codec="..." in the configuration; the codecs themselves come from plugins). The
// pipeline sees only this function; which plugin provides it is the plugin layer's business.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "pathhub/error.h"

namespace pathhub::pipeline {

struct Conversion {
  std::vector<std::string> messages;  // one input may give several (an interchange)
  std::vector<std::string> warnings;  // what the target cannot carry
};

struct Converter {
  std::string name;  // the codec, for messages: "fhir-json"
  std::function<Result<Conversion>(std::string_view)> convert;
  explicit operator bool() const { return static_cast<bool>(convert); }
};

}  // namespace pathhub::pipeline
