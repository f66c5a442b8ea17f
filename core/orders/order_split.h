// Routing an order (ORM^O01, OML^O21) by the test catalogue: its order groups (an ORC and what
// follows it up to the next ORC) go to the lab that performs their test (OBR-4.1) for their
// requester (ORC-21, else MSH-4: the catalogue's requester table may send it elsewhere). An order
// naming tests of two labs becomes one order per lab: the segments before the first ORC
// (header, patient, visit) and that lab's groups, MSH-10 "<original>-<n>", each remembering
// the original by its placer number (ORC-2) and as the journal's parent. Groups whose test the
// catalogue lacks go, the same way, to the exceptions destination.
#pragma once

#include <string>
#include <vector>

#include "hl7/message.h"
#include "orders/test_catalogue.h"

namespace pathhub::orders {

struct LabOrder {
  std::string lab;    // "" for the tests the catalogue lacks
  std::string bytes;  // the order for this lab (the original when it goes whole)
  std::vector<std::string> tests;
  std::vector<std::string> unknownTests;  // lab "" only
  bool whole = false;                     // the original, unsplit
};

// One per lab, in the order their first group appears. Empty when `order` has no ORC.
std::vector<LabOrder> splitByLab(const hl7::Message& order, const TestCatalogue& catalogue);

}  // namespace pathhub::orders
