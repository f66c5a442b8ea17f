// The configuration keys of the folder source and destination (the schema the hub checks
// before create(); README.md lists the same keys).
#pragma once

#include <array>

#include "pathhub/plugin.h"

namespace pathhub::transport_file {

inline constexpr std::array<phub_config_key, 5> kSourceKeys = {{
    {"directory", PHUB_KEY_PATH, nullptr, 1, 0, 0, "folder files are picked up from"},
    {"pattern", PHUB_KEY_STRING, "*.hl7", 0, 0, 0, "which file names (glob: * and ?)"},
    {"archive", PHUB_KEY_PATH, nullptr, 0, 0, 0,
     "where taken files go (default <directory>/archive)"},
    {"errors", PHUB_KEY_PATH, nullptr, 0, 0, 0,
     "where files holding a rejected message go (default <directory>/error)"},
    {"pollMs", PHUB_KEY_INTEGER, "1000", 0, 10, 3600000, "how often the folder is read"},
}};

inline constexpr std::array<phub_config_key, 2> kDestinationKeys = {{
    {"directory", PHUB_KEY_PATH, nullptr, 1, 0, 0, "folder the messages are written to"},
    {"fileName", PHUB_KEY_STRING, "{channel}-{id}.hl7", 0, 0, 0,
     "file name pattern: {channel}, {destination} and {id} (the journal id) are replaced"},
}};

}  // namespace pathhub::transport_file
