// The configuration keys of the MLLP source and destination (the schema the hub checks
// before create(); README.md lists the same keys).
#pragma once

#include <array>

#include "pathhub/plugin.h"

namespace pathhub::transport_mllp {

inline constexpr std::array<phub_config_key, 3> kSourceKeys = {{
    {"listen", PHUB_KEY_ENDPOINT, "127.0.0.1:2575", 0, 0, 0,
     "address and port to listen on (port 0: any free port)"},
    {"maxConnections", PHUB_KEY_INTEGER, "64", 0, 1, 10000,
     "connections served at once; more wait in the accept queue"},
    {"idleTimeoutSeconds", PHUB_KEY_INTEGER, "600", 0, 1, 86400,
     "a connection silent this long is closed"},
}};

inline constexpr std::array<phub_config_key, 3> kDestinationKeys = {{
    {"endpoint", PHUB_KEY_ENDPOINT, nullptr, 1, 0, 0, "HOST:PORT of the receiving system"},
    {"connectTimeoutMs", PHUB_KEY_INTEGER, "5000", 0, 1, 600000,
     "how long to wait for the connection"},
    {"ackTimeoutMs", PHUB_KEY_INTEGER, "30000", 0, 1, 3600000,
     "how long to wait for the acknowledgement"},
}};

}  // namespace pathhub::transport_mllp
