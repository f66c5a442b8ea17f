// The configuration keys of the MESH source and destination (the schema the hub checks before
// create(); README.md lists the same keys).
#pragma once

#include <array>

#include "mesh_client.h"
#include "pathhub/plugin_sdk.hpp"

namespace pathhub::transport_mesh {

// The keys both take: the server, the mailbox and its credentials, TLS.
#define PATHHUB_MESH_COMMON_KEYS                                                                \
  {"url", PHUB_KEY_URL, nullptr, 1, 0, 0, "MESH server, https://HOST[:PORT] (http for tests)"}, \
      {"mailbox", PHUB_KEY_STRING, nullptr, 1, 0, 0, "this hub's MESH mailbox id"},             \
      {"password", PHUB_KEY_STRING, "", 0, 0, 0, "the mailbox's password"},                     \
      {"sharedSecret",                                                                          \
       PHUB_KEY_STRING,                                                                         \
       "",                                                                                      \
       0,                                                                                       \
       0,                                                                                       \
       0,                                                                                       \
       "the MESH environment's shared secret (keys the Authorization header's HMAC)"},          \
      {"timeoutMs", PHUB_KEY_INTEGER, "30000", 0, 1, 3600000, "how long to wait for MESH"},     \
      {"caFile", PHUB_KEY_PATH, nullptr, 0, 0, 0, "https: CAs to verify MESH with (PEM)"},      \
      {"certificate",                                                                           \
       PHUB_KEY_PATH,                                                                           \
       nullptr,                                                                                 \
       0,                                                                                       \
       0,                                                                                       \
       0,                                                                                       \
       "https: the mailbox's client certificate (PEM)"},                                        \
      {"privateKey", PHUB_KEY_PATH, nullptr, 0, 0, 0, "https: its private key (PEM)"}, {        \
    "verifyHost", PHUB_KEY_BOOLEAN, "true", 0, 0, 0,                                            \
        "https: MESH's certificate must name the URL's host"                                    \
  }

inline constexpr phub_config_key kDestinationKeys[] = {
    PATHHUB_MESH_COMMON_KEYS,
    {"to", PHUB_KEY_STRING, "", 0, 0, 0,
     "recipient mailbox when the routing gives none (the delivery attribute \"to\" wins)"},
    {"workflowId", PHUB_KEY_STRING, "PATH_MEDRPT_V3", 0, 0, 0,
     "workflow when the routing gives none (attribute \"workflow\")"},
    {"subject", PHUB_KEY_STRING, "", 0, 0, 0, "Mex-Subject sent (no patient data)"},
    {"chunkBytes", PHUB_KEY_INTEGER, "20971520", 0, 1024, 104857600,
     "larger messages are sent in chunks of this size (MESH: 20 MB over the internet)"},
};

inline constexpr phub_config_key kSourceKeys[] = {
    PATHHUB_MESH_COMMON_KEYS,
    {"pollSeconds", PHUB_KEY_INTEGER, "300", 0, 1, 86400,
     "how often the inbox is polled (MESH asks for at most every 5 minutes)"},
    {"workflowFilter", PHUB_KEY_STRING, "", 0, 0, 0,
     "take only the messages of these workflows (MESH v2 workflow_filter: W, W*, *W*, !...); "
     "others stay in the inbox for another source"},
};

// The client settings from an instance's keys.
mesh::MeshSettings meshSettings(const sdk::Host& host);

}  // namespace pathhub::transport_mesh
