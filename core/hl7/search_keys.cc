// Search identifiers of a message (see search_keys.h).
#include "hl7/search_keys.h"

namespace pathhub::hl7 {
namespace {

bool isNhsIdentifier(const Message& m, std::size_t pid, int field, int repetition) {
  auto component = [&](int c) {
    Path p = Path::at("", field, c);
    p.repetition = repetition;
    return m.get(pid, p);
  };
  if (component(5) == "NH") return true;
  // "NHS" as the authority, or in a component some systems misuse for it (CX.2, CX.3): no
  // check digit or check-digit scheme is ever spelt "NHS", so reading it as the marker is safe.
  for (int c : {4, 2, 3}) {
    if (component(c) == "NHS") return true;
  }
  return false;
}

std::string nhsNumber(const Message& m) {
  const auto pid = m.findSegment("PID");
  if (!pid) return {};
  for (int field : {3, 2}) {
    const int repetitions = m.repetitionCount(*pid, Path::at("", field));
    for (int r = 1; r <= repetitions; ++r) {
      if (!isNhsIdentifier(m, *pid, field, r)) continue;
      Path id = Path::at("", field, 1);
      id.repetition = r;
      if (auto value = m.get(*pid, id); !value.empty()) return value;
    }
  }
  return {};
}

// ORC-n.1, else OBR-n.1 of the first OBR.
std::string orderNumber(const Message& m, int orcField, int obrField) {
  if (auto orc = m.findSegment("ORC")) {
    if (auto value = m.get(*orc, Path::at("", orcField, 1)); !value.empty()) return value;
  }
  if (auto obr = m.findSegment("OBR")) return m.get(*obr, Path::at("", obrField, 1));
  return {};
}

}  // namespace

SearchKeys searchKeys(const Message& message) {
  return {nhsNumber(message), orderNumber(message, 2, 2), orderNumber(message, 3, 3)};
}

}  // namespace pathhub::hl7
