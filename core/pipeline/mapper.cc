// The pass-through mapper (see mapper.h).
#include "pipeline/mapper.h"

#include <exception>

#include "hl7/message.h"

namespace pathhub::pipeline {

std::vector<MapResult> Mapper::mapAll(const std::vector<MapRequest>& batch,
                                      const std::function<bool()>& stopping) {
  std::vector<MapResult> out;
  out.reserve(batch.size());
  for (const MapRequest& r : batch) {
    if (stopping && stopping()) break;
    try {
      out.push_back(map(*r.bytes, r.context));
    } catch (const std::exception& e) {
      out.push_back({MapResult::Kind::kFailed, {}, {}, std::string("mapping threw: ") + e.what()});
    }
  }
  return out;
}

MapResult PassThroughMapper::map(const std::string& bytes, const MapContext&) {
  auto message = hl7::Message::parse(bytes);
  if (!message) return {MapResult::Kind::kFailed, {}, {}, message.error().describe()};
  return {MapResult::Kind::kMapped, message->encode(), {}, {}};
}

}  // namespace pathhub::pipeline
