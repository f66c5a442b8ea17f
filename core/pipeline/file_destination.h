// File destination: one file per message in a folder, named <channel>-<journal id>.hl7. The
// file is written under a temporary name, flushed to disk, then renamed, so a reader never
// sees half a message and a crash leaves either the whole file or none.
#pragma once

#include <filesystem>

#include "pipeline/destination.h"

namespace pathhub::pipeline {

class FileDestination : public Destination {
 public:
  FileDestination(std::filesystem::path directory, std::string channel);
  DeliveryResult deliver(const std::string& bytes, std::int64_t messageId) override;

 private:
  std::filesystem::path directory_;
  std::string channel_;
};

}  // namespace pathhub::pipeline
