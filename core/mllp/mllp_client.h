// A blocking MLLP client: connect, send a framed message, wait for the framed reply.
// Used by hl7send and by MLLP destinations; one Client per connection, one thread at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "mllp/mllp_codec.h"
#include "pathhub/error.h"
#include "tls/tls_context.h"

namespace Poco::Net {
class StreamSocket;
}

namespace pathhub::mllp {

struct Endpoint {
  std::string host;
  std::uint16_t port = 0;
};
// "127.0.0.1:2575" → {127.0.0.1, 2575}; errors say what is wrong with the text. Port 0
// ("pick a free port") is accepted only for listening.
Result<Endpoint> parseEndpoint(std::string_view text, bool forListening = false);

struct ClientOptions {
  std::chrono::milliseconds connectTimeout{5000};
  std::chrono::milliseconds replyTimeout{30000};
  std::size_t maxReplyBytes = 1024 * 1024;
  Poco::Net::Context::Ptr tls{};  // null: plain TCP; else TLS (tls/tls_context.h)
};

class Client {
 public:
  explicit Client(Endpoint endpoint, ClientOptions options = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  Result<void> connect();
  bool connected() const { return socket_ != nullptr; }
  // Sends `message` framed and returns the payload of the reply frame. On any error the
  // connection is closed, so the next exchange starts on a fresh one. A reply that came
  // before the message was sent is no reply to it: it is thrown away.
  Result<std::string> exchange(std::string_view message);
  // Pipelining: sends every message framed, in one write, without waiting for replies...
  Result<void> sendAll(std::span<const std::string_view> messages);
  // ...and returns the payload of the next reply frame, in the order they come. Errors as
  // for exchange().
  Result<std::string> receive();
  void close();

 private:
  std::string where() const;  // "host:port", for errors

  Endpoint endpoint_;
  ClientOptions options_;
  std::unique_ptr<Poco::Net::StreamSocket> socket_;
  Decoder decoder_;
  std::deque<DecodedFrame> replies_;  // decoded and not yet taken by receive()
};

}  // namespace pathhub::mllp
