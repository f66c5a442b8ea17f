-- HL7 v2 date/times (TS/DTM): YYYY[MM[DD[HH[MM[SS[.S...]]]]]][+/-ZZZZ], parsed into a table,
-- formatted back, and written as ISO 8601 (what FHIR wants).
local M = {}

-- Returns {year, month, day, hour, min, sec, fraction, offset_minutes, precision} or nil, why.
function M.parse(text)
  if type(text) ~= "string" then return nil, "not text" end
  local body, sign, zh, zm = text:match("^(%d[%d%.]*)([%+%-])(%d%d)(%d%d)$")
  if not body then body = text:match("^(%d[%d%.]*)$") end
  if not body then return nil, "'" .. text .. "' is not an HL7 date/time" end
  local digits, fraction = body:match("^(%d+)%.(%d+)$")
  digits = digits or body
  local lengths = {[4] = "year", [6] = "month", [8] = "day", [10] = "hour", [12] = "minute",
                   [14] = "second"}
  if not lengths[#digits] then return nil, "'" .. text .. "' has " .. #digits .. " digits" end
  if fraction and #digits ~= 14 then return nil, "a fraction needs seconds" end
  local t = {
    year = tonumber(digits:sub(1, 4)),
    month = tonumber(digits:sub(5, 6)) or 1,
    day = tonumber(digits:sub(7, 8)) or 1,
    hour = tonumber(digits:sub(9, 10)) or 0,
    min = tonumber(digits:sub(11, 12)) or 0,
    sec = tonumber(digits:sub(13, 14)) or 0,
    fraction = fraction,
    precision = fraction and "fraction" or lengths[#digits],
  }
  if t.month < 1 or t.month > 12 or t.day < 1 or t.day > 31 or t.hour > 23 or t.min > 59
      or t.sec > 59 then
    return nil, "'" .. text .. "' is out of range"
  end
  if sign then
    t.offset_minutes = (sign == "-" and -1 or 1) * (tonumber(zh) * 60 + tonumber(zm))
  end
  return t
end

local function offset(t, separator)
  if not t.offset_minutes then return "" end
  local m = math.abs(t.offset_minutes)
  return string.format("%s%02d%s%02d", t.offset_minutes < 0 and "-" or "+", m // 60,
                       separator, m % 60)
end

local order = {"year", "month", "day", "hour", "minute", "second", "fraction"}
local function reaches(t, level)
  for i, name in ipairs(order) do
    if name == level then
      for j, have in ipairs(order) do if have == t.precision then return j >= i end end
    end
  end
  return false
end

-- Back to HL7 at the same precision.
function M.format(t)
  local s = string.format("%04d", t.year)
  if reaches(t, "month") then s = s .. string.format("%02d", t.month) end
  if reaches(t, "day") then s = s .. string.format("%02d", t.day) end
  if reaches(t, "hour") then s = s .. string.format("%02d", t.hour) end
  if reaches(t, "minute") then s = s .. string.format("%02d", t.min) end
  if reaches(t, "second") then s = s .. string.format("%02d", t.sec) end
  if t.fraction then s = s .. "." .. t.fraction end
  return s .. offset(t, "")
end

-- ISO 8601 at the same precision: "2024-01-31T09:30:00+01:00".
function M.to_iso(t)
  local s = string.format("%04d", t.year)
  if reaches(t, "month") then s = s .. string.format("-%02d", t.month) end
  if reaches(t, "day") then s = s .. string.format("-%02d", t.day) end
  if reaches(t, "hour") then s = s .. string.format("T%02d:%02d", t.hour, t.min) end
  if reaches(t, "second") then s = s .. string.format(":%02d", t.sec) end
  if t.fraction then s = s .. "." .. t.fraction end
  if reaches(t, "hour") then s = s .. offset(t, ":") end
  return s
end

return M
