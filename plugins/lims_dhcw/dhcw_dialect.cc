// DHCW ⇄ normal HL7 v2 (see dhcw_dialect.h and README.md).
#include "dhcw_dialect.h"

#include "../ed_parts.h"
#include "hl7/batch.h"
#include "model/ucum.h"

namespace pathhub::lims_dhcw {
namespace {

constexpr std::size_t kObx5Limit = 32000;  // DHCW ORU_R01 specification: OBX-5 at most 32K

Result<hl7::Message> parse(std::string_view bytes) {
  return hl7::Message::parse(hl7::normalizeSegmentSeparators(bytes));
}

}  // namespace

Result<dialect::Converted> normalise(std::string_view dhcw) {
  auto m = parse(dhcw);
  if (!m) return tl::unexpected(m.error());
  dialect::joinEdParts(*m);
  for (std::size_t obx : m->segmentIndexes("OBX")) {
    const hl7::Path unit = hl7::Path::at("", 6, 1);
    const std::string sent = m->get(obx, unit);
    if (auto ucum = model::ucumCode(sent); ucum && *ucum != sent) (void)m->set(obx, unit, *ucum);
  }
  return dialect::Converted{m->encode(), {}};
}

Result<dialect::Converted> denormalise(std::string_view normal) {
  auto m = parse(normal);
  if (!m) return tl::unexpected(m.error());
  dialect::splitEdParts(*m, kObx5Limit);
  return dialect::Converted{m->encode(), {}};
}

}  // namespace pathhub::lims_dhcw
