-- A cumulative report holds several OBR groups; some GP systems file one test per message.
-- Each OBR group becomes a message of its own (the header and patient segments copied, the
-- control id suffixed -1, -2, ...), and the original report is filtered, replaced by its parts.
-- The parts are delivered in the report's place, before anything received after it.
function map(msg, ctx)
  local header, groups = {}, {}
  for seg in msg:segments() do
    local name = seg:name()
    if name == "OBR" then groups[#groups + 1] = {} end
    if #groups == 0 then header[#header + 1] = tostring(seg)
    else table.insert(groups[#groups], tostring(seg)) end
  end
  if #groups < 2 then return end  -- one test already: nothing to split
  for i, group in ipairs(groups) do
    local lines = {table.unpack(header)}
    for _, line in ipairs(group) do lines[#lines + 1] = line end
    local part = table.concat(lines, "\r")
    -- MSH-10 is the tenth field of the first line: suffix it with the part number.
    part = part:gsub("^(MSH|[^|]*|[^|]*|[^|]*|[^|]*|[^|]*|[^|]*|[^|]*|[^|]*|)([^|]*)",
                     "%1%2-" .. i, 1)
    ctx:emit(part)
  end
  ctx:filter("split into " .. #groups .. " messages, one per OBR")
end
