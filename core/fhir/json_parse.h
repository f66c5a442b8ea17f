// FHIR JSON parsed into Poco JSON objects with every number kept as the text it was sent as:
// in FHIR a decimal's precision is part of its meaning ("5.20" is not "5.2"), and Poco's own
// parser reads numbers as doubles. simdjson (Debian's libsimdjson) reads the text; each
// number becomes a JsonDecimal (json_decimal.h) holding its exact token, which reads back as
// that text and is written unquoted. Object keys keep their order (FHIR XML needs it).
#pragma once

#include <Poco/Dynamic/Var.h>

#include <string_view>

#include "pathhub/error.h"

namespace pathhub::fhir {

// The document's root value; a syntax error names the byte offset. Nesting deeper than 128
// levels is refused.
Result<Poco::Dynamic::Var> parseJson(std::string_view text);

}  // namespace pathhub::fhir
