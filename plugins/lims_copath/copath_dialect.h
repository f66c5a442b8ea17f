// CoPath (anatomic pathology) reports as the public UCLH sample shows them, and the normal
// shape. Rules and sources are in README.md.
#pragma once

#include <string_view>

#include "../dialect_common.h"

namespace pathhub::lims_copath {

// CoPath → normal: a report document sent as a MIME part, one line per ED OBX (headers, a
// blank line, base64 lines), becomes one ED OBX holding type, subtype, encoding and data.
Result<dialect::Converted> normalise(std::string_view copath);
// Normal → CoPath: a Base64 ED document goes back to the MIME-lines form.
Result<dialect::Converted> denormalise(std::string_view normal);

}  // namespace pathhub::lims_copath
