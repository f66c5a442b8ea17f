// Reading order messages (see order_observation.h).
#include "orders/order_observation.h"

#include <algorithm>

#include "hl7/search_keys.h"

namespace pathhub::orders {
namespace {

using hl7::Path;

std::string field(const hl7::Message& m, std::optional<std::size_t> seg, int f, int c = 1) {
  return seg ? m.get(*seg, Path::at("", f, c)) : std::string();
}

// The ordering practice or ward: ORC-21 (XON.10, .3, .1), else MSH-4.
std::string requester(const hl7::Message& m, std::optional<std::size_t> orc) {
  for (int c : {10, 3, 1}) {
    if (auto v = field(m, orc, 21, c); !v.empty()) return v;
  }
  return m.get("MSH-4").value_or("");
}

std::string resultState(const std::string& obr25) {
  if (obr25 == "I" || obr25 == "S" || obr25 == "O") return kSpecimenReceived;
  if (obr25 == "P" || obr25 == "R") return kPartial;
  if (obr25 == "F") return kFinal;
  if (obr25 == "C" || obr25 == "A" || obr25 == "M") return kAmended;
  if (obr25 == "X") return kCancelled;
  return {};
}

}  // namespace

std::vector<OrderObservation> observeOrders(const hl7::Message& m) {
  std::vector<OrderObservation> out;
  const std::string type = m.messageType();
  const std::string nhs = hl7::searchKeys(m).nhsNumber;
  const bool order = type == "ORM" || type == "OML";
  const bool answer = type == "ORR" || type == "ORL";
  if (!order && !answer && type != "ORU") return out;
  std::string msa;
  if (auto s = m.findSegment("MSA")) msa = m.get(*s, Path::at("", 1));
  std::optional<std::size_t> orc;
  OrderObservation* current = nullptr;
  for (std::size_t i = 0; i < m.segmentCount(); ++i) {
    const std::string_view name = m.segmentName(i);
    if (name == "ORC") {
      orc = i;
      if (type == "ORU") continue;  // results are observed per OBR
      OrderObservation o;
      o.placer = field(m, orc, 2);
      o.filler = field(m, orc, 3);
      o.requester = requester(m, orc);
      o.nhsNumber = nhs;
      const std::string control = field(m, orc, 1);
      if (order) {
        o.kind =
            control == "CA" ? OrderObservation::Kind::kCancelAsked : OrderObservation::Kind::kOrder;
        o.state = control == "CA" ? kCancelled : kPlaced;
        o.detail = control == "CA" ? "cancellation asked for by the requester"
                                   : "placed by " + o.requester;
      } else {
        o.kind = OrderObservation::Kind::kLabAnswer;
        const bool refused = msa == "AR" || msa == "AE" || msa == "CR" || msa == "CE";
        if (control == "CR") {
          o.state = kCancelled;
          o.detail = "cancelled by the lab";
        } else if (control == "OK" && !refused) {
          o.state = kAccepted;
          o.detail = "accepted by the lab" + (o.filler.empty() ? "" : " as " + o.filler);
        } else {
          o.state = kRejected;
          o.detail =
              "refused by the lab (ORC-1 " + control + (msa.empty() ? "" : ", MSA " + msa) + ")";
        }
      }
      // Order groups of one order (one ORC per test, as OML often has) are one observation.
      auto same = std::find_if(out.begin(), out.end(), [&o](const OrderObservation& seen) {
        return seen.placer == o.placer && seen.state == o.state && seen.kind == o.kind;
      });
      if (same != out.end() && !o.placer.empty()) {
        current = &*same;
        continue;
      }
      out.push_back(std::move(o));
      current = &out.back();
    } else if (name == "OBR") {
      const std::string test = m.get(i, Path::at("", 4, 1));
      if (type != "ORU") {
        if (current && !test.empty()) current->tests.push_back(test);
        if (current && current->placer.empty()) current->placer = m.get(i, Path::at("", 2, 1));
        if (current && current->filler.empty()) current->filler = m.get(i, Path::at("", 3, 1));
        continue;
      }
      OrderObservation o;
      o.kind = OrderObservation::Kind::kResult;
      o.placer = m.get(i, Path::at("", 2, 1));
      if (o.placer.empty()) o.placer = field(m, orc, 2);
      o.filler = m.get(i, Path::at("", 3, 1));
      if (o.filler.empty()) o.filler = field(m, orc, 3);
      const std::string status = m.get(i, Path::at("", 25));
      o.state = resultState(status);
      o.detail = "result " + test + " (OBR-25 " + (status.empty() ? "none" : status) + ")";
      o.nhsNumber = nhs;
      if (!test.empty()) o.tests.push_back(test);
      if (!o.state.empty()) out.push_back(std::move(o));
    }
  }
  return out;
}

}  // namespace pathhub::orders
