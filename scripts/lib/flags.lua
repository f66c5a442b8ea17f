-- Abnormal flags (HL7 table 0078) as pathology results carry them in OBX-8.
local M = {}

local meanings = {
  N = "normal", L = "below low normal", H = "above high normal",
  LL = "below lower panic limit", HH = "above upper panic limit",
  A = "abnormal", AA = "very abnormal", ["<"] = "below absolute low", [">"] = "above absolute high",
  S = "susceptible", R = "resistant", I = "intermediate",
}

function M.describe(flag) return meanings[flag or ""] end

-- True for flags that call for attention (anything but normal, empty or a susceptibility).
function M.is_abnormal(flag)
  return flag ~= nil and flag ~= "" and flag ~= "N" and flag ~= "S" and meanings[flag] ~= nil
end

-- True for panic values, which a requester must hear about at once.
function M.is_critical(flag) return flag == "LL" or flag == "HH" or flag == "AA" end

return M
