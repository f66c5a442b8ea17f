// EDIFACT codec (see edifact_codec.h).
#include "edifact_codec.h"

namespace pathhub::format_edifact {

void EdifactCodec::decode(std::string_view interchange, const sdk::Output& out) const {
  format::passOn(convert::Format::kEdifact, convert::Format::kHl7v2, interchange, out, options_);
}

void EdifactCodec::encode(std::string_view hl7v2, const sdk::Output& out) const {
  format::passOn(convert::Format::kHl7v2, convert::Format::kEdifact, hl7v2, out, options_);
}

}  // namespace pathhub::format_edifact
