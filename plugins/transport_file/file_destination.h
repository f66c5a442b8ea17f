// File destination: one file per message in a folder, named by the fileName pattern (by
// default <channel>-<journal id>.hl7). The file is written under a temporary name, flushed to
// disk, then renamed (and the folder flushed), so a reader never sees half a message and a
// crash leaves either the whole file or none.
#pragma once

#include <filesystem>
#include <string>

#include "pathhub/plugin_sdk.hpp"

namespace pathhub::transport_file {

class FileDestination : public sdk::Destination {
 public:
  explicit FileDestination(const sdk::Host& host);
  sdk::Delivery deliver(std::string_view bytes, std::int64_t messageId) override;

 private:
  sdk::Host host_;
  std::filesystem::path directory_;
  std::string pattern_;  // {channel} and {destination} already replaced
};

}  // namespace pathhub::transport_file
