// The pass-through mapper (see mapper.h).
#include "pipeline/mapper.h"

#include "hl7/message.h"

namespace pathhub::pipeline {

MapResult PassThroughMapper::map(const std::string& bytes, const MapContext&) {
  auto message = hl7::Message::parse(bytes);
  if (!message) return {MapResult::Kind::kFailed, {}, {}, message.error().describe()};
  return {MapResult::Kind::kMapped, message->encode(), {}, {}};
}

}  // namespace pathhub::pipeline
