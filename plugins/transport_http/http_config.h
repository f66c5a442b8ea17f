// The configuration keys of the HTTP source and destination (the schema the hub checks
// before create(); README.md lists the same keys).
#pragma once

#include <array>

#include "pathhub/plugin.h"

namespace pathhub::transport_http {

inline constexpr std::array<phub_config_key, 13> kSourceKeys = {{
    {"listen", PHUB_KEY_ENDPOINT, "127.0.0.1:8580", 0, 0, 0,
     "address and port to listen on (port 0: any free port)"},
    {"path", PHUB_KEY_STRING, "/messages", 0, 0, 0, "the URL path messages are POSTed to"},
    {"contentTypes", PHUB_KEY_STRING, "x-application/hl7-v2+er7,application/hl7-v2,text/plain", 0,
     0, 0,
     "Content-Types taken, comma-separated (with codec=\"fhir-json\": application/fhir+json)"},
    {"maxConnections", PHUB_KEY_INTEGER, "16", 0, 1, 1000, "requests served at once"},
    {"timeoutSeconds", PHUB_KEY_INTEGER, "60", 0, 1, 3600,
     "a connection silent this long is closed"},
    {"maxConnectionsPerAddress", PHUB_KEY_INTEGER, "8", 0, 1, 1000,
     "open connections from one address; more are answered 503"},
    {"headerSeconds", PHUB_KEY_INTEGER, "10", 0, 1, 600,
     "a request's line and headers must arrive within this"},
    {"requestSeconds", PHUB_KEY_INTEGER, "120", 0, 1, 3600,
     "a request's body must arrive, and its answer leave, within this"},
    {"tls", PHUB_KEY_BOOLEAN, "false", 0, 0, 0, "serve HTTPS only"},
    {"certificate", PHUB_KEY_PATH, nullptr, 0, 0, 0, "TLS: this listener's certificate (PEM)"},
    {"privateKey", PHUB_KEY_PATH, nullptr, 0, 0, 0, "TLS: its private key (PEM)"},
    {"caFile", PHUB_KEY_PATH, nullptr, 0, 0, 0, "TLS: CAs that sign client certificates (PEM)"},
    {"requireClientCertificate", PHUB_KEY_BOOLEAN, "false", 0, 0, 0,
     "TLS: refuse clients without a certificate signed by caFile"},
}};

inline constexpr std::array<phub_config_key, 8> kDestinationKeys = {{
    {"url", PHUB_KEY_URL, nullptr, 1, 0, 0, "http(s)://HOST[:PORT]/PATH each message is POSTed to"},
    {"contentType", PHUB_KEY_STRING, "x-application/hl7-v2+er7", 0, 0, 0,
     "the Content-Type header sent"},
    {"authorization", PHUB_KEY_STRING, nullptr, 0, 0, 0,
     "an Authorization header value to send (e.g. \"Bearer ...\")"},
    {"timeoutMs", PHUB_KEY_INTEGER, "30000", 0, 1, 3600000,
     "how long to wait for the connection and for the answer"},
    {"caFile", PHUB_KEY_PATH, nullptr, 0, 0, 0,
     "https: CAs to verify the receiver with (PEM; default: the system's)"},
    {"certificate", PHUB_KEY_PATH, nullptr, 0, 0, 0, "https: client certificate to present (PEM)"},
    {"privateKey", PHUB_KEY_PATH, nullptr, 0, 0, 0, "https: its private key (PEM)"},
    {"verifyHost", PHUB_KEY_BOOLEAN, "true", 0, 0, 0,
     "https: the receiver's certificate must name the URL's host"},
}};

}  // namespace pathhub::transport_http
