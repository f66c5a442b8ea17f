// Choosing source and destination implementations from their configuration (see
// destination.h and source.h).
#include "pipeline/destination.h"

#include "pipeline/file_destination.h"
#include "pipeline/file_source.h"
#include "pipeline/mllp_destination.h"
#include "pipeline/mllp_source.h"

namespace pathhub::pipeline {

std::unique_ptr<Destination> makeDestination(const config::DestinationConfig& config,
                                             const std::string& channel) {
  if (config.type == "file") return std::make_unique<FileDestination>(config.directory, channel);
  return std::make_unique<MllpDestination>(config);
}

std::unique_ptr<Source> makeSource(Channel& channel) {
  if (channel.config().source.type == "file") return std::make_unique<FileSource>(channel);
  return std::make_unique<MllpSource>(channel);
}

}  // namespace pathhub::pipeline
