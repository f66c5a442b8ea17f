// TLS contexts (Poco NetSSL over OpenSSL) for the hub's listeners and clients, e.g. MLLP's
// (mllp::ServerOptions::tls, mllp::ClientOptions::tls). Certificates and keys are PEM files. A
// certificate that does not verify is always rejected (never prompted for, never accepted),
// and the error names the file or the peer.
#pragma once

#include <Poco/Net/Context.h>

#include <string>

#include "pathhub/error.h"

namespace pathhub::tls {

struct TlsSettings {
  std::string certificate;  // this side's certificate (required for a server)
  std::string privateKey;   // its private key
  std::string caFile;       // CAs to verify the peer with; "" for a client: the system's CAs
  // Server: refuse clients without a certificate the CAs sign (mutual TLS).
  bool requirePeerCertificate = false;
  // Client: check that the server's certificate names the host connected to.
  bool verifyHost = true;
};

// Contexts for accepting and for opening TLS connections; errors name the unreadable file.
Result<Poco::Net::Context::Ptr> serverContext(const TlsSettings& settings);
Result<Poco::Net::Context::Ptr> clientContext(const TlsSettings& settings);

}  // namespace pathhub::tls

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>

namespace pathhub::tls {

// A listening socket on `address`: plain, or TLS with `settings` (or an already made server
// `context`) when given. Every listener of the hub is made here, bound without SO_REUSEPORT:
// Poco's ServerSocket(address) sets it, and then a second hub started on the same
// configuration would share the port and the kernel would split senders between two journals.
// A port in use is an error naming the address; so is an unreadable certificate file.
Result<Poco::Net::ServerSocket> listeningSocket(const Poco::Net::SocketAddress& address,
                                                int backlog, const TlsSettings* settings);
Result<Poco::Net::ServerSocket> listeningSocket(const Poco::Net::SocketAddress& address,
                                                int backlog, Poco::Net::Context::Ptr context);

}  // namespace pathhub::tls
