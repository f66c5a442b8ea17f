// The configuration keys of the HTTP source and destination (the schema the hub checks
// before create(); README.md lists the same keys).
#pragma once

#include <array>

#include "pathhub/plugin.h"

namespace pathhub::transport_http {

inline constexpr std::array<phub_config_key, 4> kSourceKeys = {{
    {"listen", PHUB_KEY_ENDPOINT, "127.0.0.1:8580", 0, 0, 0,
     "address and port to listen on (port 0: any free port)"},
    {"path", PHUB_KEY_STRING, "/messages", 0, 0, 0, "the URL path messages are POSTed to"},
    {"maxConnections", PHUB_KEY_INTEGER, "16", 0, 1, 1000, "requests served at once"},
    {"timeoutSeconds", PHUB_KEY_INTEGER, "60", 0, 1, 3600,
     "a connection silent this long is closed"},
}};

inline constexpr std::array<phub_config_key, 4> kDestinationKeys = {{
    {"url", PHUB_KEY_STRING, nullptr, 1, 0, 0, "http://HOST:PORT/PATH each message is POSTed to"},
    {"contentType", PHUB_KEY_STRING, "x-application/hl7-v2+er7", 0, 0, 0,
     "the Content-Type header sent"},
    {"authorization", PHUB_KEY_STRING, nullptr, 0, 0, 0,
     "an Authorization header value to send (e.g. \"Bearer ...\")"},
    {"timeoutMs", PHUB_KEY_INTEGER, "30000", 0, 1, 3600000,
     "how long to wait for the connection and for the answer"},
}};

}  // namespace pathhub::transport_http
