// What an order-related message says about the orders it concerns, read without the journal:
//   ORM^O01 / OML^O21  ORC-1 NW: an order placed; CA: its cancellation asked for
//   ORR^O02 / ORL^O22  the lab's answer: ORC-1 OK accepted (ORC-3 its filler number), CR
//                      cancelled as asked, UA/UC/UM/UX/DE/RJ or MSA-1 AR/AE/CR/CE rejected
//   ORU^R01            per OBR, its result status (OBR-25): I/S/O specimen received, P/R
//                      partial results, F final, C/A/M amended, X cancelled
// Each observation names the order by placer (ORC-2.1, else OBR-2.1) and filler (ORC-3.1,
// else OBR-3.1) number, with the NHS number and test codes a result may be matched by.
#pragma once

#include <string>
#include <vector>

#include "hl7/message.h"

namespace pathhub::orders {

// Order states, in the order an order moves through them (cancelled and rejected end it).
inline constexpr const char* kPlaced = "placed";
inline constexpr const char* kSent = "sent";
inline constexpr const char* kAccepted = "accepted";
inline constexpr const char* kRejected = "rejected";
inline constexpr const char* kSpecimenReceived = "specimen_received";
inline constexpr const char* kPartial = "partial";
inline constexpr const char* kFinal = "final";
inline constexpr const char* kAmended = "amended";
inline constexpr const char* kCancelled = "cancelled";

struct OrderObservation {
  enum class Kind { kOrder, kCancelAsked, kLabAnswer, kResult };
  Kind kind = Kind::kOrder;
  std::string placer, filler;
  std::string state;   // what it moves the order to
  std::string detail;  // for the order's history
  std::string requester, nhsNumber;
  std::vector<std::string> tests;
};

std::vector<OrderObservation> observeOrders(const hl7::Message& message);

}  // namespace pathhub::orders
