-- Tests of the example mappings under scripts/examples.
local oru = table.concat({
  "MSH|^~\\&|WinPath|RVJ|EPR|A81001|20240131093000||ORU^R01|W1|P|2.3",
  "PID|1||H123^^^RVJ^MR~9434765919^^^NHS^NH||SMITH^JOHN",
  "OBR|1|||BONE^Bone profile^WinPath",
  "OBX|1|NM|ALP^Alkaline phosphatase^Winpath||98|U/L|30-130|N",
  "OBX|2|NM|ALB^Albumin^Winpath||41|g/L|35-50|N",
}, "\r") .. "\r"

test("local codes gain their SNOMED CT code and go to the GP", function()
  local r = run_mapping("examples/snomed_codes.lua", oru)
  expect_eq(r.outcome, "mapped")
  expect_eq(r.routes, {"gp"})
  expect_eq(field(r.message, "OBX-3.4"), "88810008", "ALP")
  expect_eq(field(r.message, "OBX[2]-3.6"), "SCT", "ALB coding system")
  expect_eq(field(r.message, "OBX[2]-5"), "41", "the value is untouched")
end)

test("a code missing from the table is also sent to exceptions", function()
  local r = run_mapping("examples/snomed_codes.lua", oru:gsub("ALB%^Albumin", "XYZ^Unknown"))
  expect_eq(r.routes, {"gp", "exceptions"})
  expect_eq(field(r.message, "OBX[2]-3.4"), nil, "no SNOMED CT code added")
end)

test("a valid NHS number passes", function()
  local r = run_mapping("examples/nhs_number_check.lua", oru)
  expect_eq(r.outcome, "mapped")
  expect_eq(r.routes, {})
end)

test("an invalid NHS number is refused with the reason", function()
  local r = run_mapping("examples/nhs_number_check.lua", oru:gsub("9434765919", "9434765918"))
  expect_eq(r.outcome, "failed")
  expect(r.reason:find("fails the Modulus 11 check"), r.reason)
end)

test("a result without an NHS number goes to tracing", function()
  local r = run_mapping("examples/nhs_number_check.lua", oru:gsub("~9434765919^^^NHS^NH", ""))
  expect_eq(r.outcome, "mapped")
  expect_eq(r.routes, {"tracing"})
end)

test("a cumulative report is split into one message per OBR, in order", function()
  local report = table.concat({
    "MSH|^~\\&|LIMS|RVJ|GP|A81001|20240131||ORU^R01|CUM7|P|2.4",
    "PID|1||9434765919^^^NHS^NH||SMITH^JOHN",
    "OBR|1|||FBC^Full blood count",
    "OBX|1|NM|HB^Haemoglobin||135|g/L",
    "OBR|2|||UE^Urea and electrolytes",
    "OBX|1|NM|NA^Sodium||140|mmol/L",
    "OBX|2|NM|K^Potassium||4.1|mmol/L",
  }, "\r") .. "\r"
  local r = run_mapping("examples/split_by_obr.lua", report)
  expect_eq(r.outcome, "filtered")
  expect(r.reason:find("split into 2 messages"), r.reason)
  expect_eq(#r.derived, 2, "parts")
  expect_eq(field(r.derived[1], "MSH-10"), "CUM7-1")
  expect_eq(field(r.derived[1], "OBR-4.1"), "FBC")
  expect_eq(field(r.derived[1], "OBX[2]-3"), nil, "the FBC part holds only its result")
  expect_eq(field(r.derived[2], "MSH-10"), "CUM7-2")
  expect_eq(field(r.derived[2], "OBX[2]-3.1"), "K")
  expect_eq(field(r.derived[2], "PID-5.1"), "SMITH", "patient copied into each part")
end)

test("a result goes to the requesting practice found by ODS code", function()
  local r = run_mapping("examples/route_by_practice.lua", oru)  -- MSH-6 is A81001
  expect_eq(r.routes, {"gp_a81001"})
  -- ORC-21 (ordering facility name, XON) carries the ODS code in its tenth component.
  local orc = "ORC|RE" .. string.rep("|", 20) .. "^^^^^^^^^B82005"
  local ordered = oru:gsub("OBR|1|", orc .. "\rOBR|1|")
  expect_eq(run_mapping("examples/route_by_practice.lua", ordered).routes, {"gp_b82005"},
            "the ordering facility wins")
end)

test("a practice missing from the directory sends the result to exceptions", function()
  local r = run_mapping("examples/route_by_practice.lua", oru:gsub("A81001", "Z99999"))
  expect_eq(r.routes, {"exceptions"})
end)
