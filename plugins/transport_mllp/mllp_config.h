// The configuration keys of the MLLP source and destination (the schema the hub checks
// before create(); README.md lists the same keys).
#pragma once

#include <array>

#include "pathhub/plugin.h"

namespace pathhub::transport_mllp {

inline constexpr std::array<phub_config_key, 10> kSourceKeys = {{
    {"listen", PHUB_KEY_ENDPOINT, "127.0.0.1:2575", 0, 0, 0,
     "address and port to listen on (port 0: any free port)"},
    {"maxConnections", PHUB_KEY_INTEGER, "64", 0, 1, 10000,
     "connections served at once; more wait in the accept queue"},
    {"idleTimeoutSeconds", PHUB_KEY_INTEGER, "600", 0, 1, 86400,
     "a connection silent this long is closed"},
    {"maxConnectionsPerAddress", PHUB_KEY_INTEGER, "32", 0, 1, 10000,
     "open connections from one address; more are closed at once"},
    {"idleWhenBusySeconds", PHUB_KEY_INTEGER, "10", 0, 1, 86400,
     "with three quarters of maxConnections open, a connection silent this long is closed"},
    {"tls", PHUB_KEY_BOOLEAN, "false", 0, 0, 0, "accept TLS connections only"},
    {"certificate", PHUB_KEY_PATH, nullptr, 0, 0, 0, "TLS: this listener's certificate (PEM)"},
    {"privateKey", PHUB_KEY_PATH, nullptr, 0, 0, 0, "TLS: its private key (PEM)"},
    {"caFile", PHUB_KEY_PATH, nullptr, 0, 0, 0, "TLS: CAs that sign client certificates (PEM)"},
    {"requireClientCertificate", PHUB_KEY_BOOLEAN, "false", 0, 0, 0,
     "TLS: refuse clients without a certificate signed by caFile"},
}};

inline constexpr std::array<phub_config_key, 9> kDestinationKeys = {{
    {"endpoint", PHUB_KEY_ENDPOINT, nullptr, 1, 0, 0, "HOST:PORT of the receiving system"},
    {"connectTimeoutMs", PHUB_KEY_INTEGER, "5000", 0, 1, 600000,
     "how long to wait for the connection"},
    {"ackTimeoutMs", PHUB_KEY_INTEGER, "30000", 0, 1, 3600000,
     "how long to wait for the acknowledgement"},
    {"tls", PHUB_KEY_BOOLEAN, "false", 0, 0, 0, "connect with TLS"},
    {"caFile", PHUB_KEY_PATH, nullptr, 0, 0, 0,
     "TLS: CAs to verify the receiver with (PEM; default: the system's)"},
    {"certificate", PHUB_KEY_PATH, nullptr, 0, 0, 0, "TLS: client certificate to present (PEM)"},
    {"privateKey", PHUB_KEY_PATH, nullptr, 0, 0, 0, "TLS: its private key (PEM)"},
    {"verifyHost", PHUB_KEY_BOOLEAN, "true", 0, 0, 0,
     "TLS: the receiver's certificate must name the endpoint's host"},
    {"pipeline", PHUB_KEY_INTEGER, "1", 0, 1, 64,
     "messages in flight on the connection at once; more than 1 only for receivers known to "
     "answer in order"},
}};

}  // namespace pathhub::transport_mllp
