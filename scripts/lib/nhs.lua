-- NHS numbers: the Modulus 11 check (NHS Data Dictionary) and display formatting.
local M = {}

-- True when `number` is ten digits (spaces allowed) whose check digit is right.
function M.valid(number)
  if type(number) ~= "string" then return false end
  local digits = number:gsub("%s", "")
  if not digits:match("^%d%d%d%d%d%d%d%d%d%d$") then return false end
  local sum = 0
  for i = 1, 9 do sum = sum + tonumber(digits:sub(i, i)) * (11 - i) end
  local check = 11 - sum % 11
  if check == 11 then check = 0 end
  return check ~= 10 and check == tonumber(digits:sub(10, 10))
end

-- "9434765919" → "943 476 5919"
function M.format(number)
  local digits = (number or ""):gsub("%s", "")
  if #digits ~= 10 then return number end
  return digits:sub(1, 3) .. " " .. digits:sub(4, 6) .. " " .. digits:sub(7, 10)
end

return M
