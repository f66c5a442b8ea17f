// MLLP listener over Poco's TCPServer (see mllp_server.h).
#include "mllp/mllp_server.h"

#include <Poco/Exception.h>
#include <Poco/Logger.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Net/TCPServer.h>
#include <Poco/Net/TCPServerConnection.h>
#include <Poco/Net/TCPServerConnectionFactory.h>
#include <Poco/Net/TCPServerParams.h>
#include <poll.h>
#include <pthread.h>

#include <atomic>
#include <cerrno>
#include <thread>
#include <vector>

#include "tls/connection_guard.h"
#include "tls/tls_context.h"

namespace pathhub::mllp {

// Shared by the server and its connection threads, so that a connection still finishing its
// last reply never outlives what it uses.
struct Server::Shared {
  FrameHandler handler;
  ServerOptions options;
  std::atomic<bool> stopping{false};
  std::unique_ptr<tls::ConnectionGuard> guard;
};

namespace {

Poco::Logger& log() { return Poco::Logger::get("mllp"); }

constexpr auto kPollInterval = std::chrono::milliseconds(200);

// Whether bytes can be read within `timeout`. poll(2) on the socket itself: Poco's
// Socket::poll makes, arms and closes an epoll set on every call, four system calls where one
// does, and this runs once per message received.
bool readable(const Poco::Net::StreamSocket& s, std::chrono::milliseconds timeout) {
  pollfd fd{s.impl()->sockfd(), POLLIN, 0};
  const int n = ::poll(&fd, 1, static_cast<int>(timeout.count()));
  if (n < 0 && errno != EINTR) throw Poco::IOException("poll failed", errno);
  return n > 0;  // readable, or hung up / in error: the read that follows says which
}

class Connection : public Poco::Net::TCPServerConnection {
 public:
  Connection(const Poco::Net::StreamSocket& socket, std::shared_ptr<Server::Shared> shared)
      : TCPServerConnection(socket), shared_(std::move(shared)) {}

  void run() override {
    // Pooled threads serve other listeners too: named for what they do now (profiles, top).
    pthread_setname_np(pthread_self(), "mllp-in");
    Poco::Net::StreamSocket& s = socket();
    std::string why;
    const auto ticket = shared_->guard->admit(s, &why);
    if (!ticket) {
      log().warning("MLLP connection closed at once: %s", why);
      return;  // no frame read, so none to answer: the sender sees the connection close
    }
    const std::string peer = s.peerAddress().toString();
    Decoder decoder(shared_->options.maxMessageBytes);
    std::vector<DecodedFrame> frames;
    std::vector<char> buffer(65536);
    auto idle = std::chrono::milliseconds(0);
    try {
      s.setNoDelay(true);
      while (!shared_->stopping) {
        // Poll rather than block, so that stop() is noticed within one interval. Bytes TLS has
        // already decrypted (available()) are read without waiting for the socket.
        if ((!s.secure() || s.available() == 0) && !readable(s, kPollInterval)) {
          idle += kPollInterval;
          if (idle >= shared_->options.idleTimeout) return;
          const int open = shared_->guard->open();
          if (idle >= shared_->options.idleWhenBusy &&
              4 * open >= 3 * shared_->options.maxConnections) {
            return;  // make room: others may be waiting in the accept queue
          }
          continue;
        }
        idle = std::chrono::milliseconds(0);
        const int n = s.receiveBytes(buffer.data(), static_cast<int>(buffer.size()));
        if (n <= 0) return;  // peer closed
        frames.clear();
        decoder.feed(std::string_view(buffer.data(), static_cast<std::size_t>(n)), frames);
        const auto readAt = std::chrono::steady_clock::now();
        for (DecodedFrame& f : frames) {
          f.peer = peer;
          f.readAt = readAt;
          std::optional<std::string> reply = shared_->handler(f);
          if (!reply) return;
          if (reply->empty()) continue;  // the sender asked for no acknowledgement
          const std::string framed = frame(*reply);
          s.sendBytes(framed.data(), static_cast<int>(framed.size()));
        }
      }
    } catch (const Poco::Exception&) {
      // Connection reset or similar: this connection ends, the server goes on.
    }
  }

 private:
  std::shared_ptr<Server::Shared> shared_;
};

class Factory : public Poco::Net::TCPServerConnectionFactory {
 public:
  explicit Factory(std::shared_ptr<Server::Shared> shared) : shared_(std::move(shared)) {}
  Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override {
    return new Connection(socket, shared_);
  }

 private:
  std::shared_ptr<Server::Shared> shared_;
};

}  // namespace

Server::Server(Endpoint listen, FrameHandler handler, ServerOptions options)
    : listen_(std::move(listen)), shared_(std::make_shared<Shared>()) {
  shared_->handler = std::move(handler);
  shared_->options = options;
  tls::ConnectionLimits limits;
  limits.perAddress = options.perAddress;
  shared_->guard = std::make_unique<tls::ConnectionGuard>(limits);
}

Server::~Server() { stop(); }

Result<void> Server::start() {
  try {
    auto listening = tls::listeningSocket(Poco::Net::SocketAddress(listen_.host, listen_.port), 64,
                                          shared_->options.tls);
    if (!listening) return tl::unexpected(listening.error());
    Poco::Net::ServerSocket socket = *listening;
    port_ = socket.address().port();
    auto* params = new Poco::Net::TCPServerParams;
    params->setMaxThreads(shared_->options.maxConnections);
    params->setMaxQueued(shared_->options.maxConnections);
    server_ = std::make_unique<Poco::Net::TCPServer>(new Factory(shared_), socket, params);
    server_->start();
    return {};
  } catch (const Poco::Exception& e) {
    return fail(ErrorCode::kIoError, "cannot listen on " + listen_.host + ":" +
                                         std::to_string(listen_.port) + ": " + e.displayText());
  }
}

void Server::stop() {
  if (!server_) return;
  shared_->stopping = true;
  server_->stop();
  // Connections notice `stopping` within one poll interval; wait for them to finish.
  for (int i = 0; i < 50 && server_->currentThreads() > 0; ++i) {
    std::this_thread::sleep_for(kPollInterval / 4);
  }
  server_.reset();
}

}  // namespace pathhub::mllp
