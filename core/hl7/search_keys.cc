// Search identifiers of a message (see search_keys.h).
#include "hl7/search_keys.h"

#include "hl7/types.h"

namespace pathhub::hl7 {
namespace {

std::string nhsNumber(const Message& m) {
  for (int field : {3, 2}) {
    if (auto found = findNhsNumber(readCxList(m, Path::at("PID", field)))) return found->id;
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
