// The configuration keys of the ASTM source (the schema the hub checks before create();
// README.md lists the same keys).
#pragma once

#include <array>

#include "pathhub/plugin.h"

namespace pathhub::transport_astm {

inline constexpr std::array<phub_config_key, 5> kSourceKeys = {{
    {"listen", PHUB_KEY_ENDPOINT, "127.0.0.1:2577", 0, 0, 0,
     "address and port analysers (or their terminal servers) connect to"},
    {"maxConnections", PHUB_KEY_INTEGER, "8", 0, 1, 1000, "analysers connected at once"},
    {"frameTimeoutSeconds", PHUB_KEY_INTEGER, "30", 0, 1, 3600,
     "a transmission silent this long is abandoned (LIS2-A2: 30 s)"},
    {"sendingFacility", PHUB_KEY_STRING, "", 0, 0, 0, "MSH-4 of the ORU^R01 made (e.g. ODS code)"},
    {"codingSystem", PHUB_KEY_STRING, "ASTM", 0, 0, 0,
     "OBX-3.3 / OBR-4.3 for the analyser's test codes"},
}};

}  // namespace pathhub::transport_astm
