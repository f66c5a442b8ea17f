// Epic ⇄ normal HL7 v2 (see epic_dialect.h and README.md).
#include "epic_dialect.h"

#include "hl7/batch.h"
#include "hl7/message.h"

namespace pathhub::lims_epic {

Result<dialect::Converted> normalise(std::string_view epic) {
  auto m = hl7::Message::parse(hl7::normalizeSegmentSeparators(epic));
  if (!m) return tl::unexpected(m.error());
  return dialect::Converted{m->encode(), {}};
}

Result<dialect::Converted> denormalise(std::string_view normal) {
  auto m = hl7::Message::parse(hl7::normalizeSegmentSeparators(normal));
  if (!m) return tl::unexpected(m.error());
  if (auto ok = m->set("MSH-15", "AL"); !ok) return tl::unexpected(ok.error());
  if (auto ok = m->set("MSH-16", "NE"); !ok) return tl::unexpected(ok.error());
  return dialect::Converted{m->encode(), {}};
}

}  // namespace pathhub::lims_epic
