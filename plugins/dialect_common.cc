// The steps every dialect codec takes (see dialect_common.h).
#include "dialect_common.h"

#include <algorithm>

#include "hl7/batch.h"
#include "hl7/message.h"
#include "hl7/types.h"
#include "model/snomed_id.h"

namespace pathhub::dialect {
namespace {

std::vector<std::string> commaList(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string item = text.substr(start, comma - start);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (!item.empty()) out.push_back(item);
    start = comma + 1;
  }
  return out;
}

Result<hl7::Message> parse(std::string_view bytes) {
  return hl7::Message::parse(hl7::normalizeSegmentSeparators(bytes));
}

// Calls visit(segment, path of the coding system, path of its code) for the two coded
// triplets (components 1-3 and 4-6) of every field repetition after MSH.
template <typename Visit>
void forEachCodedTriplet(const hl7::Message& m, const Visit& visit) {
  for (std::size_t seg = 1; seg < m.segmentCount(); ++seg) {
    for (int f = 1; f <= m.fieldCount(seg); ++f) {
      const int repetitions = m.repetitionCount(seg, hl7::Path::at("", f));
      for (int r = 1; r <= repetitions; ++r) {
        hl7::Path field = hl7::Path::at("", f);
        field.repetition = r;
        const int components = m.componentCount(seg, field);
        for (int system = 3; system <= components && system <= 6; system += 3) {
          hl7::Path systemPath = field, codePath = field;
          systemPath.component = system;
          codePath.component = system - 2;
          visit(seg, systemPath, codePath);
        }
      }
    }
  }
}

std::string where(const hl7::Message& m, std::size_t seg, const hl7::Path& code) {
  return std::string(m.segmentName(seg)) + "-" + std::to_string(code.field);
}

}  // namespace

CommonOptions::CommonOptions(const sdk::Settings& settings)
    : snomedSystems(commaList(settings.text("snomedSystems"))),
      wrapBatch(settings.boolean("wrapBatch")),
      nhsNumberAt(settings.text("nhsNumberAt")) {
  if (!nhsNumberAt.empty()) {
    auto path = hl7::Path::parse(nhsNumberAt);
    if (!path || path->segment != "PID" || path->field == 0 || path->component > 1) {
      throw std::invalid_argument("nhsNumberAt: '" + nhsNumberAt +
                                  "' is not a PID field such as PID-2 or PID-3[2]");
    }
  }
  for (const std::string& pair : commaList(settings.text("resultStatuses"))) {
    const auto equals = pair.find('=');
    if (equals == std::string::npos || equals == 0 || equals + 1 == pair.size()) {
      throw std::invalid_argument("resultStatuses: '" + pair + "' is not code=code");
    }
    resultStatuses.emplace(pair.substr(0, equals), pair.substr(equals + 1));
  }
}

Result<std::vector<std::string_view>> unbatch(std::string_view bytes) {
  auto split = hl7::splitMessages(bytes);
  if (!split) return tl::unexpected(split.error());
  if (split->messages.empty()) return fail(ErrorCode::kInvalidValue, "no HL7 v2 message in it");
  return split->messages;
}

Result<std::string> snomedToNormal(std::string_view message, const CommonOptions& options,
                                   std::vector<std::string>& warnings) {
  auto m = parse(message);
  if (!m) return tl::unexpected(m.error());
  const auto& names = options.snomedSystems;
  std::vector<std::pair<std::size_t, hl7::Path>> renames;
  forEachCodedTriplet(*m, [&](std::size_t seg, const hl7::Path& system, const hl7::Path& code) {
    const std::string name = m->get(seg, system);
    if (std::find(names.begin(), names.end(), name) == names.end()) return;
    const std::string value = m->get(seg, code);
    if (model::isSnomedConceptId(value)) {
      renames.emplace_back(seg, system);
    } else {
      warnings.push_back(where(*m, seg, code) + " code '" + value + "' is marked " + name +
                         " but is not a SNOMED CT concept id: left as sent");
    }
  });
  for (const auto& [seg, path] : renames) {
    if (auto ok = m->set(seg, path, "SCT"); !ok) return tl::unexpected(ok.error());
  }
  return m->encode();
}

Result<std::string> nhsNumberToPid3(std::string_view message, const CommonOptions& options,
                                    std::vector<std::string>& warnings) {
  auto m = parse(message);
  if (!m) return tl::unexpected(m.error());
  auto at = hl7::Path::parse(options.nhsNumberAt);
  if (!at) return tl::unexpected(at.error());
  at->component = 1;
  std::string number = m->get(*at);
  number.erase(std::remove(number.begin(), number.end(), ' '), number.end());
  const auto pid = m->findSegment("PID");
  if (number.empty() || !pid) return std::string(message);
  if (!hl7::isValidNhsNumber(number)) {
    warnings.push_back(options.nhsNumberAt + " '" + number +
                       "' is not a valid NHS number: PID-3 is left as sent");
    return std::string(message);
  }
  for (const auto& id : hl7::readCxList(*m, hl7::Path::at("PID", 3))) {
    if (id.id == number &&
        (id.identifierTypeCode == "NH" || id.assigningAuthority.namespaceId == "NHS")) {
      return std::string(message);
    }
  }
  hl7::Path next = hl7::Path::at("", 3);
  const bool empty = m->get(*pid, next).empty() && m->repetitionCount(*pid, next) <= 1;
  next.repetition = empty ? 1 : m->repetitionCount(*pid, next) + 1;
  if (auto ok = m->setRaw(*pid, next, number + "^^^NHS^NH"); !ok) return tl::unexpected(ok.error());
  return m->encode();
}

Result<std::string> mapResultStatuses(std::string_view message,
                                      const std::map<std::string, std::string>& statuses) {
  auto m = parse(message);
  if (!m) return tl::unexpected(m.error());
  for (const auto& [name, field] : {std::pair{"OBX", 11}, std::pair{"OBR", 25}}) {
    for (std::size_t seg : m->segmentIndexes(name)) {
      const hl7::Path path = hl7::Path::at("", field);
      const auto it = statuses.find(m->get(seg, path));
      if (it == statuses.end()) continue;
      if (auto ok = m->set(seg, path, it->second); !ok) return tl::unexpected(ok.error());
    }
  }
  return m->encode();
}

Result<std::string> snomedToLocal(std::string_view message, const CommonOptions& options) {
  auto m = parse(message);
  if (!m) return tl::unexpected(m.error());
  std::vector<std::pair<std::size_t, hl7::Path>> renames;
  forEachCodedTriplet(*m, [&](std::size_t seg, const hl7::Path& system, const hl7::Path&) {
    if (m->get(seg, system) == "SCT") renames.emplace_back(seg, system);
  });
  for (const auto& [seg, path] : renames) {
    if (auto ok = m->set(seg, path, options.snomedSystems.front()); !ok) {
      return tl::unexpected(ok.error());
    }
  }
  return m->encode();
}

std::string wrapInBatch(std::string_view message) {
  // MSH|^~\&|3|4|5|6|7|...: the header's delimiters and its first five fields.
  const char separator = message.size() > 3 ? message[3] : '|';
  std::string header = "BHS";
  std::size_t fields = 0, at = 3;
  while (at < message.size() && message[at] != '\r' && message[at] != '\n') {
    if (message[at] == separator && ++fields == 7) break;
    header += message[at++];
  }
  std::string out = header + "\r" + std::string(message);
  if (out.back() != '\r') out += '\r';
  return out + "BTS" + separator + "1\r";
}

}  // namespace pathhub::dialect
