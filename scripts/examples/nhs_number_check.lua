-- NHS number check: a result whose NHS number fails the Modulus 11 check is refused (the lab
-- must correct it); one without an NHS number goes to the tracing queue; others go on, with
-- the number in PID-3 written without spaces.
local nhs = require("lib.nhs")

function map(msg, ctx)
  local found
  for rep = 1, 10 do
    local id = msg:get("PID-3[" .. rep .. "].1")
    if not id then break end
    local kind = msg:get("PID-3[" .. rep .. "].5")
    if kind == "NH" or msg:get("PID-3[" .. rep .. "].4") == "NHS" then
      found = rep
      if not nhs.valid(id) then
        ctx:reject("NHS number " .. id .. " fails the Modulus 11 check")
        return
      end
      msg:set("PID-3[" .. rep .. "].1", (id:gsub("%s", "")))
    end
  end
  if not found then ctx:route("tracing") end
end
