-- Person names (XPN) for display.
local M = {}

local function title(word)
  return (word:lower():gsub("(%a)([%w']*)", function(a, b) return a:upper() .. b end))
end

-- "SMITH", "JOHN ALAN", "DR" → "SMITH, John Alan (Dr)"
function M.display(family, given, prefix)
  local s = (family or ""):upper()
  if given and given ~= "" then s = s .. ", " .. title(given) end
  if prefix and prefix ~= "" then s = s .. " (" .. title(prefix) .. ")" end
  return s
end

return M
