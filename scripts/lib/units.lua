-- Pathology units: the spellings LIMS use, normalised to UCUM.
local M = {}

local ucum = {
  ["mmol/l"] = "mmol/L", ["umol/l"] = "umol/L", ["µmol/l"] = "umol/L", ["nmol/l"] = "nmol/L",
  ["pmol/l"] = "pmol/L", ["mol/l"] = "mol/L",
  ["g/l"] = "g/L", ["mg/l"] = "mg/L", ["ug/l"] = "ug/L", ["µg/l"] = "ug/L", ["ng/l"] = "ng/L",
  ["g/dl"] = "g/dL", ["mg/dl"] = "mg/dL",
  ["iu/l"] = "[IU]/L", ["u/l"] = "U/L", ["miu/l"] = "m[IU]/L", ["mu/l"] = "mU/L",
  ["10^9/l"] = "10*9/L", ["10*9/l"] = "10*9/L", ["x10^9/l"] = "10*9/L", ["x10e9/l"] = "10*9/L",
  ["10^12/l"] = "10*12/L", ["10*12/l"] = "10*12/L", ["x10^12/l"] = "10*12/L",
  ["fl"] = "fL", ["pg"] = "pg", ["%"] = "%", ["l/l"] = "L/L", ["ratio"] = "{ratio}",
  ["mmol/mol"] = "mmol/mol", ["ml/min/1.73m2"] = "mL/min/{1.73_m2}", ["sec"] = "s", ["s"] = "s",
}

-- The UCUM code for a unit as written, or nil when it is not a known pathology unit.
function M.to_ucum(unit)
  if type(unit) ~= "string" then return nil end
  local key = unit:gsub("%s", ""):lower()
  return ucum[key]
end

return M
