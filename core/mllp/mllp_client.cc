// Blocking MLLP client over Poco sockets (see mllp_client.h).
#include "mllp/mllp_client.h"

#include <Poco/Exception.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Timespan.h>

#include <vector>

namespace pathhub::mllp {
namespace {

Poco::Timespan span(std::chrono::milliseconds ms) {
  return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(ms.count()) * 1000);
}

}  // namespace

Result<Endpoint> parseEndpoint(std::string_view text, bool forListening) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) {
    return fail(ErrorCode::kInvalidValue, "'" + std::string(text) + "' is not HOST:PORT");
  }
  unsigned long port = 0;
  for (char c : text.substr(colon + 1)) {
    if (c < '0' || c > '9' || port > 65535) {
      return fail(ErrorCode::kInvalidValue, "'" + std::string(text) + "': port is not a number");
    }
    port = port * 10 + static_cast<unsigned long>(c - '0');
  }
  if ((port == 0 && !forListening) || port > 65535) {
    return fail(ErrorCode::kInvalidValue, "'" + std::string(text) + "': port must be 1-65535");
  }
  return Endpoint{std::string(text.substr(0, colon)), static_cast<std::uint16_t>(port)};
}

Client::Client(Endpoint endpoint, ClientOptions options)
    : endpoint_(std::move(endpoint)), options_(options), decoder_(options.maxReplyBytes) {}

Client::~Client() { close(); }

void Client::close() {
  if (!socket_) return;
  try {
    socket_->close();
  } catch (const Poco::Exception&) {
    // Closing an already broken socket: nothing left to release.
  }
  socket_.reset();
  decoder_ = Decoder(options_.maxReplyBytes);
  replies_.clear();
}

Result<void> Client::connect() {
  close();
  try {
    std::unique_ptr<Poco::Net::StreamSocket> socket;
    if (options_.tls) {
      auto secure = std::make_unique<Poco::Net::SecureStreamSocket>(options_.tls);
      secure->setPeerHostName(endpoint_.host);  // what the server's certificate must name
      socket = std::move(secure);
    } else {
      socket = std::make_unique<Poco::Net::StreamSocket>();
    }
    socket->connect(Poco::Net::SocketAddress(endpoint_.host, endpoint_.port),
                    span(options_.connectTimeout));
    socket->setNoDelay(true);
    socket->setReceiveTimeout(span(options_.replyTimeout));
    socket_ = std::move(socket);
    return {};
  } catch (const Poco::TimeoutException&) {
    return fail(ErrorCode::kTimeout, "connecting to " + where() + " timed out");
  } catch (const Poco::Exception& e) {
    return fail(ErrorCode::kIoError, "cannot connect to " + where() + ": " + e.displayText());
  }
}

Result<std::string> Client::exchange(std::string_view message) {
  replies_.clear();
  const std::string_view one[] = {message};
  if (auto sent = sendAll(one); !sent) return tl::unexpected(sent.error());
  return receive();
}

std::string Client::where() const { return endpoint_.host + ":" + std::to_string(endpoint_.port); }

Result<void> Client::sendAll(std::span<const std::string_view> messages) {
  if (!socket_) {
    if (auto ok = connect(); !ok) return tl::unexpected(ok.error());
  }
  try {
    std::string framed;
    for (std::string_view m : messages) framed += frame(m);
    socket_->sendBytes(framed.data(), static_cast<int>(framed.size()));
    return {};
  } catch (const Poco::Exception& e) {
    close();
    return fail(ErrorCode::kIoError, "sending to " + where() + " failed: " + e.displayText());
  }
}

Result<std::string> Client::receive() {
  if (!socket_) return fail(ErrorCode::kIoError, "not connected to " + where());
  try {
    std::vector<DecodedFrame> frames;
    char buffer[16384];
    while (replies_.empty()) {
      const int n = socket_->receiveBytes(buffer, sizeof buffer);
      if (n <= 0) {
        close();
        return fail(ErrorCode::kIoError, where() + " closed the connection without a reply");
      }
      frames.clear();
      decoder_.feed(std::string_view(buffer, static_cast<std::size_t>(n)), frames);
      for (DecodedFrame& f : frames) replies_.push_back(std::move(f));
    }
    DecodedFrame reply = std::move(replies_.front());
    replies_.pop_front();
    if (!reply.ok) {
      close();
      return tl::unexpected(reply.error);
    }
    return std::move(reply.payload);
  } catch (const Poco::TimeoutException&) {
    close();
    return fail(ErrorCode::kTimeout, "no reply from " + where() + " within " +
                                         std::to_string(options_.replyTimeout.count()) + " ms");
  } catch (const Poco::Exception& e) {
    close();
    return fail(ErrorCode::kIoError, "exchange with " + where() + " failed: " + e.displayText());
  }
}

}  // namespace pathhub::mllp
