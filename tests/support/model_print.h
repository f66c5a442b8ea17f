// gtest printers for the canonical model's parts, so a failing comparison shows fields, not
// bytes. Header-only; include it in any test comparing models.
#pragma once

#include <ostream>

#include "model/pathology.h"

namespace pathhub::model {

inline void PrintTo(const Patient& p, std::ostream* os) {
  *os << "nhs=" << p.nhsNumber << " ids=[";
  for (const auto& i : p.identifiers) *os << i.value << "/" << i.authority << "/" << i.type << " ";
  *os << "] name=" << p.name.family << "," << (p.name.given.empty() ? "" : p.name.given[0])
      << (p.name.given.size() > 1 ? "," + p.name.given[1] : "") << " prefix=" << p.name.prefix
      << " birth=" << p.birthDate << " sex=" << p.sex << " gp=" << p.gpPractice << " addr=";
  for (const auto& l : p.address.lines) *os << l << ";";
  *os << p.address.city << ";" << p.address.postcode;
}
inline void PrintTo(const Quantity& q, std::ostream* os) {
  *os << q.comparator << q.value << " " << q.unit;
}
inline void PrintTo(const Observation& o, std::ostream* os) {
  *os << o.code.code << "|" << o.code.display << "|" << o.code.system << " sub=" << o.subId
      << " kind=" << static_cast<int>(o.value.kind) << " q=";
  PrintTo(o.value.quantity, os);
  *os << " coded=" << o.value.coded.code << "|" << o.value.coded.display << "|"
      << o.value.coded.system << " text=" << o.value.text << " unit=" << o.unit << " ranges=";
  for (const auto& r : o.referenceRanges)
    *os << r.low.value << "-" << r.high.value << "/" << r.text << " ";
  *os << "flags=";
  for (const auto& f : o.interpretation) *os << f << ",";
  *os << " status=" << o.status << " method=" << o.method << " at=" << o.observedAt
      << " by=" << o.performer << " comments=" << o.comments.size();
}
inline void PrintTo(const Specimen& s, std::ostream* os) {
  *os << "id=" << s.id << " type=" << s.type.code << "|" << s.type.display << "|" << s.type.system
      << " collected=" << s.collectedAt << " received=" << s.receivedAt;
}
inline void PrintTo(const Header& h, std::ostream* os) {
  *os << h.messageId << " " << h.event << " " << h.version << " " << h.sentAt << " "
      << h.sendingApplication << "/" << h.sendingFacility << " -> " << h.receivingApplication << "/"
      << h.receivingFacility;
}

inline void PrintTo(const Message& m, std::ostream* os) {
  *os << "\nheader: ";
  PrintTo(m.header, os);
  *os << "\npatient: ";
  PrintTo(m.patient, os);
  for (const auto& s : m.specimens) {
    *os << "\nspecimen: ";
    PrintTo(s, os);
  }
  for (const auto& r : m.reports) {
    *os << "\nreport " << r.code.code << "|" << r.code.display << " status=" << r.status
        << " placer=" << r.placerOrder << " filler=" << r.fillerOrder << " issued=" << r.issuedAt
        << " requester=" << r.requester.id << "/" << r.requester.name.family
        << " org=" << r.requesterOrganisation << " comments=" << r.comments.size()
        << " documents=" << r.documents.size() << " specimens=" << r.specimens.size();
    for (const auto& o : r.results) {
      *os << "\n  ";
      PrintTo(o, os);
    }
  }
}

}  // namespace pathhub::model
