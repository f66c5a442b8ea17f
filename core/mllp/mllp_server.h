// An MLLP listener: accepts connections, decodes frames, and answers each message with the
// reply its handler returns. Used by hl7sink and by the hub's MLLP sources.
//
// Each connection is served by one thread from a bounded pool (Poco TCPServer); connections
// beyond the limit wait in the accept queue. A tls::ConnectionGuard caps connections per peer
// address and keeps descriptors for the journal; idle connections go sooner when the pool is
// nearly full. Framing errors are handed to the handler too, so
// that it can NACK them (the bytes are never silently dropped).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "mllp/mllp_client.h"
#include "mllp/mllp_codec.h"
#include "tls/tls_context.h"

namespace Poco::Net {
class TCPServer;
}

namespace pathhub::mllp {

struct ServerOptions {
  std::size_t maxMessageBytes = 16 * 1024 * 1024;
  Poco::Net::Context::Ptr tls{};  // null: plain TCP; else connections are TLS (tls/tls_context.h)
  int maxConnections = 64;
  std::chrono::milliseconds idleTimeout{600000};  // a silent peer is disconnected after this
  int perAddress = 32;  // open connections from one peer address; more are closed at once
  // With three quarters of maxConnections open, a peer silent this long is disconnected, so
  // idle connections cannot keep a sender with something to send waiting.
  std::chrono::milliseconds idleWhenBusy{10000};
};

// What to do with one decoded frame: the reply to send (framed by the server), an empty
// string to send nothing and go on, or nullopt to close the connection without replying.
using FrameHandler = std::function<std::optional<std::string>(const DecodedFrame& frame)>;

class Server {
 public:
  Server(Endpoint listen, FrameHandler handler, ServerOptions options = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts accepting. Port 0 picks a free port; port() tells which.
  Result<void> start();
  void stop();
  std::uint16_t port() const { return port_; }

  struct Shared;

 private:
  Endpoint listen_;
  std::shared_ptr<Shared> shared_;
  std::unique_ptr<Poco::Net::TCPServer> server_;
  std::uint16_t port_ = 0;
};

}  // namespace pathhub::mllp
