// Small HL7 v2 order-comms messages for the order-tracking tests: a GP's OML^O21 order and a
// lab's ORU^R01 result for one test, in the shapes the hub's order tracking reads (ORC/OBR
// placer and filler numbers, PID-3 NHS number, OBR-25 result status).
#pragma once

#include <string>
#include <vector>

namespace pathhub::testing {

// An order from GP practice A81001 for patient 9434765919: one ORC/OBR pair per test code;
// `control` is ORC-1 (NW new, CA cancel).
std::string omlOrder(const std::string& controlId, const std::string& placer,
                     const std::vector<std::string>& tests, const std::string& control = "NW");

// A WinPath result for one test with one numeric OBX; `status` is OBR-25 (P, F, C, ...).
std::string oruResult(const std::string& controlId, const std::string& placer,
                      const std::string& filler, const std::string& test, const std::string& status,
                      const std::string& nhs = "9434765919");

}  // namespace pathhub::testing
