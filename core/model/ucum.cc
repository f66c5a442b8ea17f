// The laboratory unit table (see ucum.h).
#include "model/ucum.h"

#include <algorithm>
#include <map>

namespace pathhub::model {
namespace {

// Keys are compared case-insensitively with spaces removed; values are UCUM codes.
const std::map<std::string, std::string>& table() {
  static const std::map<std::string, std::string> kUnits = {
      {"10^9/l", "10*9/L"},
      {"x10^9/l", "10*9/L"},
      {"10*9/l", "10*9/L"},
      {"10e9/l", "10*9/L"},
      {"x10e9/l", "10*9/L"},
      {"10^6/l", "10*6/L"},
      {"x10^6/l", "10*6/L"},
      {"10^12/l", "10*12/L"},
      {"x10^12/l", "10*12/L"},
      {"10*12/l", "10*12/L"},
      {"10e12/l", "10*12/L"},
      {"mmol/l", "mmol/L"},
      {"umol/l", "umol/L"},
      {"µmol/l", "umol/L"},
      {"nmol/l", "nmol/L"},
      {"pmol/l", "pmol/L"},
      {"mol/l", "mol/L"},
      {"g/l", "g/L"},
      {"g/dl", "g/dL"},
      {"mg/l", "mg/L"},
      {"mg/dl", "mg/dL"},
      {"ug/l", "ug/L"},
      {"µg/l", "ug/L"},
      {"ng/l", "ng/L"},
      {"ng/ml", "ng/mL"},
      {"pg/ml", "pg/mL"},
      {"iu/l", "[IU]/L"},
      {"u/l", "U/L"},
      {"mu/l", "mU/L"},
      {"miu/l", "m[IU]/L"},
      {"ku/l", "kU/L"},
      {"iu/ml", "[IU]/mL"},
      {"fl", "fL"},
      {"pg", "pg"},
      {"%", "%"},
      {"mmol/mol", "mmol/mol"},
      {"ratio", "{ratio}"},
      {"l/l", "L/L"},
      {"s", "s"},
      {"sec", "s"},
      {"secs", "s"},
      {"mm/hr", "mm/h"},
      {"mm/h", "mm/h"},
      {"ml/min", "mL/min"},
      {"ml/min/1.73m2", "mL/min/{1.73_m2}"},
      {"ml/min/1.73m^2", "mL/min/{1.73_m2}"},
      {"mg/mmol", "mg/mmol"},
      {"kpa", "kPa"},
      {"mmhg", "mm[Hg]"},
      {"meq/l", "meq/L"},
      {"mosm/kg", "mosm/kg"},
      {"g/24h", "g/(24.h)"},
      {"mmol/24h", "mmol/(24.h)"},
      {"cells/ul", "/uL"},
      {"/ul", "/uL"},
      {"kg", "kg"},
      {"cm", "cm"},
      {"ml", "mL"},
      {"l", "L"},
      {"ng/ml/h", "ng/mL/h"},
      {"days", "d"},
      {"weeks", "wk"},
  };
  return kUnits;
}

std::string key(const std::string& unit) {
  std::string out;
  for (char c : unit) {
    if (c != ' ') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

}  // namespace

std::optional<std::string> ucumCode(const std::string& unit) {
  if (unit.empty()) return std::nullopt;
  auto it = table().find(key(unit));
  if (it != table().end()) return it->second;
  // Already a UCUM code of the table, exactly as UCUM writes it (lib.units.to_ucum's output,
  // "[IU]/L"): itself. Case matters in UCUM, so only the exact text counts.
  for (const auto& [sent, code] : table()) {
    if (code == unit) return code;
  }
  return std::nullopt;
}

}  // namespace pathhub::model
