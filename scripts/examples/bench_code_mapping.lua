-- The benchmark's code mapping (config/bench.xml): the typical work of a result mapping.
-- Every OBX-3 goes through a code table to SNOMED CT, and PID-3's first identifier is tidied.
function map(msg, ctx)
  for obx in msg:segments("OBX") do
    local row = tables.lookup("bench_loinc_snomed", obx:get("3.1") or "")
    if row then
      obx:set("3.4", row.snomed)
      obx:set("3.5", row.display)
      obx:set("3.6", "SCT")
    end
  end
  local id = msg:get("PID-3.1")
  if id then msg:set("PID-3.1", (id:gsub("%s", ""))) end
end
