-- Results go to the requesting GP practice's destination: the practice's ODS code is the
-- ordering facility (ORC-21.10) when the order names one, else the receiving facility (MSH-6),
-- looked up in tables/practices.csv. A practice not in the table, or no practice at all,
-- sends the result to "exceptions" so that nobody's result is lost.
function map(msg, ctx)
  local ods = msg:get("ORC-21.10")
  if not ods or ods == "" then ods = msg:get("MSH-6.1") end
  local practice = ods and ods ~= "" and tables.lookup("practices", ods)
  if practice then
    ctx:route(practice.destination)
  else
    ctx:route("exceptions")
    ctx:log("warning", "no practice for ODS code '" .. tostring(ods) .. "'")
  end
end
