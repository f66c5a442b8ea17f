// The configuration keys of the NHS Pathology API destination (the schema the hub checks before
// create(); README.md lists the same keys).
#pragma once

#include "pathhub/plugin.h"

namespace pathhub::nhs_pathology_api {

inline constexpr phub_config_key kDestinationKeys[] = {
    {"url", PHUB_KEY_URL, nullptr, 1, 0, 0,
     "where Bundles are POSTed (the API's Bundle endpoint); a delivery's \"to\" wins"},
    {"tokenUrl", PHUB_KEY_URL, nullptr, 1, 0, 0,
     "the API platform's OAuth 2.0 token endpoint (the client assertion's audience)"},
    {"apiKey", PHUB_KEY_STRING, nullptr, 1, 0, 0,
     "the application's API key: the assertion's issuer and subject"},
    {"signingKey", PHUB_KEY_PATH, nullptr, 1, 0, 0,
     "the RSA private key (PEM) that signs the client assertion (RS512)"},
    {"keyId", PHUB_KEY_STRING, nullptr, 1, 0, 0,
     "the assertion's kid: names the public key registered with the API platform"},
    {"assertionSeconds", PHUB_KEY_INTEGER, "300", 0, 10, 300,
     "how long a client assertion is valid (the platform takes at most 5 minutes)"},
    {"timeoutMs", PHUB_KEY_INTEGER, "30000", 0, 1, 3600000, "connection, send and answer timeout"},
    {"caFile", PHUB_KEY_PATH, nullptr, 0, 0, 0,
     "CAs to verify the API and the token endpoint with (PEM; default: the system's)"},
    {"certificate", PHUB_KEY_PATH, nullptr, 0, 0, 0,
     "mutual TLS: this hub's client certificate (PEM)"},
    {"privateKey", PHUB_KEY_PATH, nullptr, 0, 0, 0, "mutual TLS: its private key (PEM)"},
    {"verifyHost", PHUB_KEY_BOOLEAN, "true", 0, 0, 0,
     "the servers' certificates must name the URL's host"},
};

}  // namespace pathhub::nhs_pathology_api
