-- The demo channel's mapping (config/pathhub.xml): tidies a result for the outbox.
-- It shows the script API: read and write fields by path, walk segments, log, route.

function map(msg, ctx)
  -- Mark the message as having passed through the hub (MSH-3, sending application).
  msg:set("MSH-3", "PATHHUB")

  -- Upper-case the patient's family name.
  local family = msg:get("PID-5.1")
  if family then msg:set("PID-5.1", family:upper()) end

  -- Count the results, for the log.
  local results = 0
  for obx in msg:segments("OBX") do
    if obx:get("5") then results = results + 1 end
  end
  ctx:log("info", msg:type() .. " " .. msg:control_id() .. " with " .. results .. " result(s)")
end
