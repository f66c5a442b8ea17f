// Structural validation rules (see validate.h).
#include "hl7/validate.h"

#include <algorithm>
#include <map>
#include <string_view>

#include "hl7/field_names.h"
#include "hl7/types.h"

namespace pathhub::hl7 {
namespace {

// Standard segment ids beyond those with field-name tables (v2.1-v2.8 segments that appear in
// laboratory, order and ADT traffic).
constexpr std::string_view kOtherStandardSegments[] = {
    "AL1", "ARQ", "BLG", "CTD", "CTI", "DSC", "DSP", "FT1", "IAM", "IN2", "IN3", "INV", "IPC",
    "MRG", "NDS", "NPU", "NST", "ODS", "ODT", "OM1", "OM2", "OM3", "OM4", "PR1", "PRA", "PV2",
    "QAK", "QPD", "QRD", "QRF", "RCP", "RGS", "ROL", "RXA", "RXE", "RXO", "RXR", "SAC", "SFT",
    "STF", "TCD", "TXA", "UAC", "UB1", "UB2", "URD", "URS", "VAR", "AIS", "AIG", "AIL", "AIP",
    "ACC", "ADD", "BPO", "BPX", "BTX", "CON", "CSR", "DB1", "ECD", "EQU", "GOL", "IIM", "ILT",
    "LAN", "LCC", "LCH", "LDP", "LOC", "LRL", "OVR", "PCR", "PSH", "PTH", "REL", "RF1", "SCH",
    "SID", "TCC", "ZL7", "CTR", "CER", "EDU", "PEO", "PES", "PSS", "PCE", "PSG", "PYE", "IVC",
    "IVT", "PKG", "PMT", "ITM", "OH1", "OH2", "OH3", "OH4", "PAC", "SHP", "IAR", "IAC", "ARV",
    "AUT", "DMI", "DON", "DPS", "GP1", "GP2", "PSL", "RXC", "RXD", "RXG", "RXV", "MFA", "MFE",
    "MFI", "EQP", "ECR", "ISD", "SPR", "ERQ", "VTQ", "RDF", "RDT", "QID", "PRD", "ABS", "DRG",
    "PDA", "PDC", "CM0", "CM1", "CM2", "CSP", "CSS", "APR", "OM5", "OM6", "OM7", "ADJ", "BUI",
    "CDM", "CNS", "FAC", "ORG", "PRC", "STZ", "UVC"};

constexpr std::string_view kValueTypes[] = {
    "AD",  "CE",  "CF",  "CK",  "CN", "CP", "CWE", "CX",  "DR", "DT",  "DTM", "ED",  "FT",
    "ID",  "MO",  "NM",  "PN",  "RP", "SN", "ST",  "TM",  "TN", "TS",  "TX",  "XAD", "XCN",
    "XON", "XPN", "XTN", "CNE", "CM", "NA", "MA",  "SNM", "NR", "GTS", "CQ"};

// Timestamp fields checked when present: segment, field.
constexpr std::pair<std::string_view, int> kTimestampFields[] = {
    {"MSH", 7},  {"PID", 7},  {"OBR", 6},  {"OBR", 7}, {"OBR", 8},  {"OBR", 14},
    {"OBR", 22}, {"OBX", 14}, {"OBX", 19}, {"ORC", 9}, {"SPM", 17}, {"SPM", 18}};

bool contains(const auto& list, std::string_view value) {
  return std::find(std::begin(list), std::end(list), value) != std::end(list);
}

Path fieldPath(std::string_view segment, int occurrence, int field, int component = 0) {
  return Path::at(std::string(segment), field, component, occurrence);
}

class Checker {
 public:
  explicit Checker(const Message& m) : m_(m) {}

  void run() {
    header();
    segmentIds();
    valueTypes();
    timestamps();
    order();
  }
  std::vector<Problem> problems;

 private:
  void add(Problem::Severity severity, std::string location, std::string text) {
    problems.push_back({severity, std::move(location), std::move(text)});
  }

  void header() {
    if (m_.messageType().empty()) {
      add(Problem::Severity::kError, "MSH-9", "message type is missing");
    } else if (m_.triggerEvent().empty() && m_.messageType() != "ACK") {
      add(Problem::Severity::kWarning, "MSH-9.2", "trigger event is missing");
    }
    if (m_.controlId().empty()) {
      add(Problem::Severity::kError, "MSH-10", "message control id is missing");
    }
    const std::string processing = m_.get(fieldPath("MSH", 1, 11, 1));
    if (processing.empty()) {
      add(Problem::Severity::kError, "MSH-11", "processing id is missing");
    } else if (processing != "P" && processing != "T" && processing != "D") {
      add(Problem::Severity::kWarning, "MSH-11",
          "processing id '" + processing + "' is not P, T or D");
    }
    static constexpr std::string_view kVersions[] = {"2.1", "2.2",   "2.3",   "2.3.1", "2.4",
                                                     "2.5", "2.5.1", "2.6",   "2.7",   "2.7.1",
                                                     "2.8", "2.8.1", "2.8.2", "2.9"};
    const std::string version = m_.version();
    if (version.empty()) {
      add(Problem::Severity::kError, "MSH-12", "version id is missing");
    } else if (!contains(kVersions, version)) {
      add(Problem::Severity::kWarning, "MSH-12", "version id '" + version + "' is not known");
    }
  }

  void segmentIds() {
    for (std::size_t i = 0; i < m_.segmentCount(); ++i) {
      const std::string_view id = m_.segmentName(i);
      if (id[0] == 'Z' || isKnownSegment(id) || contains(kOtherStandardSegments, id)) continue;
      add(Problem::Severity::kWarning,
          "segment " + std::to_string(i + 1) + " (" + std::string(id) + ")",
          "not a standard segment id and not a Z-segment");
    }
  }

  void valueTypes() {
    const auto obx = m_.segmentIndexes("OBX");
    for (std::size_t n = 0; n < obx.size(); ++n) {
      const int occ = static_cast<int>(n) + 1;
      const std::string type = m_.get(fieldPath("OBX", occ, 2));
      const std::string where = "OBX[" + std::to_string(occ) + "]";
      if (type.empty()) {
        if (!m_.getRaw(fieldPath("OBX", occ, 5)).empty()) {
          add(Problem::Severity::kError, where + "-2", "value type is missing for a value");
        }
        continue;
      }
      if (!contains(kValueTypes, type)) {
        add(Problem::Severity::kError, where + "-2", "value type '" + type + "' is not known");
        continue;
      }
      const int reps = m_.repetitionCount(obx[n], fieldPath("OBX", occ, 5));
      for (int r = 1; r <= reps; ++r) {
        Path value = fieldPath("OBX", occ, 5);
        value.repetition = r;
        const std::string_view raw = m_.getRaw(obx[n], value);
        if (raw.empty() || raw == "\"\"") continue;
        if (type == "NM") {
          if (!parseNumeric(m_.get(obx[n], value))) {
            add(Problem::Severity::kError, where + "-5",
                "value '" + std::string(raw.substr(0, 30)) + "' is not a number (OBX-2 is NM)");
          }
        } else if (type == "SN") {
          if (auto sn = parseSn(raw, m_.delimiters()); !sn) {
            add(Problem::Severity::kError, where + "-5", sn.error().text);
          }
        }
      }
    }
  }

  void timestamps() {
    for (const auto& [segment, field] : kTimestampFields) {
      const auto indexes = m_.segmentIndexes(segment);
      for (std::size_t n = 0; n < indexes.size(); ++n) {
        const std::string value = m_.get(fieldPath(segment, static_cast<int>(n) + 1, field, 1));
        if (value.empty() || value == "\"\"") continue;
        if (auto dt = parseDateTime(value); !dt) {
          std::string where = std::string(segment);
          if (indexes.size() > 1) where += "[" + std::to_string(n + 1) + "]";
          add(Problem::Severity::kError, where + "-" + std::to_string(field),
              dt.error().text + " (" + std::string(fieldName(segment, field)) + ")");
        }
      }
    }
  }

  void order() {
    const std::string type = m_.messageType();
    if (type == "ACK" || type == "ORR" || type == "ORL") {
      if (m_.segmentCount() < 2 || m_.segmentName(1) != "MSA") {
        add(Problem::Severity::kError, "segment 2", "an acknowledgement needs MSA after MSH");
      }
    }
    if (type == "ORU") {
      bool sawObr = false;
      for (std::size_t i = 1; i < m_.segmentCount(); ++i) {
        const std::string_view id = m_.segmentName(i);
        sawObr = sawObr || id == "OBR";
        if (id == "OBX" && !sawObr) {
          add(Problem::Severity::kError, "segment " + std::to_string(i + 1) + " (OBX)",
              "OBX before any OBR: results must follow their request");
          break;
        }
      }
      if (!sawObr) {
        add(Problem::Severity::kError, "message", "a result message without any OBR");
      }
      if (!m_.findSegment("PID")) {
        add(Problem::Severity::kWarning, "message", "no PID: the result names no patient");
      }
    }
    if ((type == "ORM" || type == "OML") && !m_.findSegment("ORC")) {
      add(Problem::Severity::kError, "message", "an order message without any ORC");
    }
  }

  const Message& m_;
};

}  // namespace

std::vector<Problem> validateStructure(const Message& message) {
  Checker checker(message);
  checker.run();
  return std::move(checker.problems);
}

}  // namespace pathhub::hl7
