// Units as sent by laboratories ("10^9/L", "x10\S\9/L" once unescaped, "IU/L", "mg/dl")
// mapped to UCUM codes (http://unitsofmeasure.org), which FHIR's Quantity.code must use. Only
// units in the table, or already written exactly as a UCUM code the table knows, get a code:
// a unit is never guessed. Others travel as text only, with a warning from the converter.
#pragma once

#include <optional>
#include <string>

namespace pathhub::model {

std::optional<std::string> ucumCode(const std::string& unit);

}  // namespace pathhub::model
