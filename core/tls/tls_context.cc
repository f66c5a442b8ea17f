// TLS contexts (see tls_context.h).
#include "tls/tls_context.h"

#include <Poco/Net/AcceptCertificateHandler.h>
#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SSLManager.h>

#include <filesystem>
#include <mutex>

namespace pathhub::tls {
namespace {

// Poco asks an "invalid certificate handler" what to do with a certificate that fails to
// verify; its default may prompt on the console. Reject, always, on both sides.
void initialiseOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    Poco::Net::initializeSSL();
    Poco::Net::SSLManager::instance().initializeClient(
        nullptr, new Poco::Net::RejectCertificateHandler(false), nullptr);
    Poco::Net::SSLManager::instance().initializeServer(
        nullptr, new Poco::Net::RejectCertificateHandler(true), nullptr);
  });
}

Result<void> readable(const std::string& what, const std::string& file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) {
    ErrorContext ctx;
    ctx.file = file;
    return fail(ErrorCode::kInvalidValue, "TLS " + what + " " + file + " is not a readable file",
                ctx);
  }
  return {};
}

Result<Poco::Net::Context::Ptr> make(Poco::Net::Context::Usage usage, const TlsSettings& s,
                                     Poco::Net::Context::VerificationMode mode, bool server) {
  initialiseOnce();
  if (server && (s.certificate.empty() || s.privateKey.empty())) {
    return fail(ErrorCode::kInvalidValue, "a TLS listener needs a certificate and a private key");
  }
  if (s.certificate.empty() != s.privateKey.empty()) {
    return fail(ErrorCode::kInvalidValue, "a TLS certificate needs its private key, and back");
  }
  for (const auto& [what, file] :
       {std::pair{"certificate", s.certificate}, std::pair{"private key", s.privateKey},
        std::pair{"CA file", s.caFile}}) {
    if (file.empty()) continue;
    if (auto ok = readable(what, file); !ok) return tl::unexpected(ok.error());
  }
  try {
    Poco::Net::Context::Params params;
    params.privateKeyFile = s.privateKey;
    params.certificateFile = s.certificate;
    params.caLocation = s.caFile;
    params.verificationMode = mode;
    params.loadDefaultCAs = !server && s.caFile.empty();
    Poco::Net::Context::Ptr context = new Poco::Net::Context(usage, params);
    context->disableProtocols(Poco::Net::Context::PROTO_SSLV2 | Poco::Net::Context::PROTO_SSLV3 |
                              Poco::Net::Context::PROTO_TLSV1 | Poco::Net::Context::PROTO_TLSV1_1);
    // Extended verification matches the peer's certificate to the host name: right for a
    // client checking its server, meaningless for a server looking at its clients.
    context->enableExtendedCertificateVerification(!server && s.verifyHost);
    return context;
  } catch (const Poco::Exception& e) {
    return fail(ErrorCode::kInvalidValue, "cannot set up TLS: " + e.displayText());
  }
}

}  // namespace

Result<Poco::Net::Context::Ptr> serverContext(const TlsSettings& s) {
  using Poco::Net::Context;
  const Context::VerificationMode mode =
      s.requirePeerCertificate
          ? Context::VERIFY_STRICT
          : (s.caFile.empty() ? Context::VERIFY_NONE : Context::VERIFY_RELAXED);
  return make(Context::TLS_SERVER_USE, s, mode, true);
}

Result<Poco::Net::Context::Ptr> clientContext(const TlsSettings& s) {
  using Poco::Net::Context;
  // STRICT: a server always presents a certificate, and Poco skips the host name check for
  // local addresses in any weaker mode.
  return make(Context::TLS_CLIENT_USE, s, Context::VERIFY_STRICT, false);
}

}  // namespace pathhub::tls

#include <Poco/Net/SecureServerSocket.h>

namespace pathhub::tls {

Result<Poco::Net::ServerSocket> listeningSocket(const Poco::Net::SocketAddress& address,
                                                int backlog, Poco::Net::Context::Ptr context) {
  try {
    // SO_REUSEADDR (a restart may bind while old connections linger in TIME_WAIT), never
    // SO_REUSEPORT (two hubs would share the port).
    if (!context) {
      Poco::Net::ServerSocket plain;
      plain.bind(address, true, false);
      plain.listen(backlog);
      return plain;
    }
    Poco::Net::SecureServerSocket secure(context);
    secure.bind(address, true, false);
    secure.listen(backlog);
    return Poco::Net::ServerSocket(secure);
  } catch (const Poco::Exception& e) {
    return fail(ErrorCode::kIoError,
                "cannot listen on " + address.toString() + ": " + e.displayText());
  }
}

Result<Poco::Net::ServerSocket> listeningSocket(const Poco::Net::SocketAddress& address,
                                                int backlog, const TlsSettings* settings) {
  if (!settings) return listeningSocket(address, backlog, Poco::Net::Context::Ptr());
  auto context = serverContext(*settings);
  if (!context) return tl::unexpected(context.error());
  return listeningSocket(address, backlog, *context);
}

}  // namespace pathhub::tls
