// Choosing a destination implementation from its configuration (see destination.h).
#include "pipeline/destination.h"

#include "pipeline/file_destination.h"
#include "pipeline/mllp_destination.h"

namespace pathhub::pipeline {

std::unique_ptr<Destination> makeDestination(const config::DestinationConfig& config,
                                             const std::string& channel) {
  if (config.type == "file") return std::make_unique<FileDestination>(config.directory, channel);
  return std::make_unique<MllpDestination>(config);
}

}  // namespace pathhub::pipeline
