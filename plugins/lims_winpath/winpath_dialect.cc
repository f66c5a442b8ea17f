// WinPath ⇄ normal HL7 v2 (see winpath_dialect.h and README.md).
#include "winpath_dialect.h"

#include "hl7/batch.h"
#include "hl7/message.h"
#include "hl7/types.h"
#include "model/ucum.h"

namespace pathhub::lims_winpath {
namespace {

using hl7::Path;

Path field(int f, int component = 0, int repetition = 0) {
  Path p = Path::at("", f, component);
  p.repetition = repetition;
  return p;
}

Result<hl7::Message> parse(std::string_view bytes) {
  auto m = hl7::Message::parse(hl7::normalizeSegmentSeparators(bytes));
  if (!m) return tl::unexpected(m.error());
  return m;
}

// Sets or fails with the path named.
void set(hl7::Message& m, std::size_t seg, const Path& p, const std::string& value,
         std::vector<std::string>& problems) {
  if (auto ok = m.set(seg, p, value); !ok) problems.push_back(ok.error().describe());
}

// The organism of the isolate (OBX-3.1 `code`, OBX-4 `subId`): the text of the first such
// result whose value type is `valueType`; "" when none.
std::string organismOf(const hl7::Message& m, const std::string& code, const std::string& subId,
                       const std::string& valueType) {
  for (std::size_t obx : m.segmentIndexes("OBX")) {
    if (m.get(obx, field(3, 1)) != code || m.get(obx, field(4)) != subId) continue;
    if (m.get(obx, field(2)) != valueType) continue;
    const std::string text = m.get(obx, field(5, 2));
    return text.empty() ? m.get(obx, field(5, 1)) : text;
  }
  return {};
}

// OBR-26 (PRL) of a child OBR: .1 the parent result's code (a CE, so its first subcomponent),
// .2 its sub-id, .3 its value.
Path parentCode() {
  Path p = field(26, 1);
  p.subcomponent = 1;
  return p;
}

}  // namespace

Options::Options(const sdk::Settings& settings)
    : organismValueType(settings.text("organismValueType")) {}

Result<Converted> normalise(std::string_view winpath, const Options& options) {
  const std::string localSystem = "WinPath";
  auto parsed = parse(winpath);
  if (!parsed) return tl::unexpected(parsed.error());
  hl7::Message& m = *parsed;
  Converted out;
  std::vector<std::string> problems;
  for (std::size_t obx : m.segmentIndexes("OBX")) {
    // "<7" in an NM field (oru_r01_winpath_numeric_comparators_nte_v23): an SN with its
    // comparator. A value that is neither ("?7") is left as sent, with a warning.
    const std::string value = m.get(obx, field(5));
    if (m.get(obx, field(2)) == "NM" && !value.empty() && !hl7::parseNumeric(value)) {
      bool moved = false;
      for (const char* c : {"<=", ">=", "<", ">"}) {
        const std::string comparator(c);
        if (value.rfind(comparator, 0) == 0 && hl7::parseNumeric(value.substr(comparator.size()))) {
          set(m, obx, field(2), "SN", problems);
          set(m, obx, field(5, 1), comparator, problems);
          set(m, obx, field(5, 2), value.substr(comparator.size()), problems);
          moved = true;
          break;
        }
      }
      if (!moved) {
        out.warnings.push_back("WinPath: OBX-5 '" + value + "' of " + m.get(obx, field(3, 1)) +
                               " is not a number: left as sent");
      }
    }
    // "x10\S\9/L" (oru_r01_winpath_fbc_escapes_msg2_v23): its UCUM code, 10*9/L.
    const std::string unit = m.get(obx, field(6, 1));
    if (auto ucum = model::ucumCode(unit); ucum && *ucum != unit) {
      set(m, obx, field(6, 1), *ucum, problems);
    }
    // "^Winpath" / "^WinPath": one name for WinPath's local codes.
    for (int f : {3, 5}) {
      const std::string system = m.get(obx, field(f, 3));
      if (system == "Winpath" || system == "WinPath")
        set(m, obx, field(f, 3), localSystem, problems);
    }
  }
  for (std::size_t obr : m.segmentIndexes("OBR")) {
    const std::string system = m.get(obr, field(4, 3));
    if (system == "Winpath" || system == "WinPath") set(m, obr, field(4, 3), localSystem, problems);
  }
  // "ISOLATE&&Winpath^1" (oru_r01_winpath_urine_culture_sensitivities_v23): the isolate's
  // count (ST) and organism (CE) share code and sub-id; PRL.3 names the one meant.
  if (!options.organismValueType.empty()) {
    for (std::size_t obr : m.segmentIndexes("OBR")) {
      const std::string code = m.get(obr, parentCode());
      if (code.empty() || !m.get(obr, field(26, 3)).empty()) continue;
      const std::string subId = m.get(obr, field(26, 2));
      const std::string organism = organismOf(m, code, subId, options.organismValueType);
      if (organism.empty()) {
        out.warnings.push_back("WinPath: OBR " + m.get(obr, field(1)) + " hangs from " + code +
                               " " + subId + ", which has no " + options.organismValueType +
                               " result: its parent link is left as sent");
        continue;
      }
      set(m, obr, field(26, 3), organism, problems);
    }
  }
  // "40800000^^^MRENTR^MEDREC": the hospital number, HL7 table 0203 type MR.
  if (auto pid = m.findSegment("PID")) {
    for (int r = 1; r <= m.repetitionCount(*pid, field(3)); ++r) {
      if (m.get(*pid, field(3, 5, r)) == "MEDREC") set(m, *pid, field(3, 5, r), "MR", problems);
    }
  }
  if (!problems.empty()) return fail(ErrorCode::kInvalidValue, "WinPath: " + problems.front());
  out.bytes = m.encode();
  return out;
}

Result<Converted> denormalise(std::string_view normal, const Options& options) {
  auto parsed = parse(normal);
  if (!parsed) return tl::unexpected(parsed.error());
  hl7::Message& m = *parsed;
  Converted out;
  std::vector<std::string> problems;
  for (std::size_t obx : m.segmentIndexes("OBX")) {
    // An SN that is only a comparator and a number goes back into WinPath's NM form.
    if (m.get(obx, field(2)) == "SN" && m.get(obx, field(5, 3)).empty()) {
      const std::string comparator = m.get(obx, field(5, 1));
      const std::string number = m.get(obx, field(5, 2));
      set(m, obx, field(2), "NM", problems);
      if (auto ok = m.setRaw(obx, field(5), ""); !ok) problems.push_back(ok.error().describe());
      set(m, obx, field(5), comparator + number, problems);
    }
  }
  if (!options.organismValueType.empty()) {
    for (std::size_t obr : m.segmentIndexes("OBR")) {
      if (!m.get(obr, field(26, 3)).empty()) set(m, obr, field(26, 3), "", problems);
    }
  }
  if (auto pid = m.findSegment("PID")) {
    for (int r = 1; r <= m.repetitionCount(*pid, field(3)); ++r) {
      if (m.get(*pid, field(3, 4, r)) == "MRENTR" && m.get(*pid, field(3, 5, r)) == "MR") {
        set(m, *pid, field(3, 5, r), "MEDREC", problems);
      }
    }
  }
  if (!problems.empty()) return fail(ErrorCode::kInvalidValue, "WinPath: " + problems.front());
  out.bytes = m.encode();
  return out;
}

}  // namespace pathhub::lims_winpath
