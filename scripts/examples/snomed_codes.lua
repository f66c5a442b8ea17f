-- Local WinPath test codes → SNOMED CT through tables/winpath_snomed.csv. Results whose code
-- is not in the table still go to the GP, and a copy goes to the "exceptions" destination so
-- that someone adds the code.
function map(msg, ctx)
  local unmapped = false
  for obx in msg:segments("OBX") do
    local row = tables.lookup("winpath_snomed", obx:get("3.1") or "")
    if row then
      obx:set("3.4", row.snomed)
      obx:set("3.5", row.display)
      obx:set("3.6", "SCT")
    else
      unmapped = true
    end
  end
  ctx:route("gp")
  if unmapped then
    ctx:route("exceptions")
    ctx:log("warning", "result with a code missing from winpath_snomed")
  end
end
