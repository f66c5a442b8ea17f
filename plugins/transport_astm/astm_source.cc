// ASTM source (see astm_source.h).
#include "astm_source.h"

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Net/TCPServer.h>
#include <Poco/Net/TCPServerConnection.h>
#include <Poco/Net/TCPServerConnectionFactory.h>
#include <Poco/Net/TCPServerParams.h>

#include <stdexcept>
#include <thread>

#include "astm_link.h"
#include "mllp/mllp_client.h"
#include "tls/tls_context.h"

namespace pathhub::transport_astm {
namespace {

constexpr auto kPoll = std::chrono::milliseconds(200);

// What one connection has received of the current message.
struct Assembly {
  std::string partial;               // text of a record not yet ended by CR
  std::vector<std::string> records;  // complete records of the message since its H
};

class Connection : public Poco::Net::TCPServerConnection {
 public:
  Connection(const Poco::Net::StreamSocket& socket, std::shared_ptr<AstmSource::Shared> shared)
      : TCPServerConnection(socket), shared_(std::move(shared)) {}

  void run() override {
    Poco::Net::StreamSocket& s = socket();
    peer_ = s.peerAddress().toString();
    LinkReceiver link;
    std::vector<LinkEvent> events;
    char buffer[4096];
    auto silent = std::chrono::milliseconds(0);
    try {
      while (!shared_->stopping) {
        if (!s.poll(Poco::Timespan(kPoll.count() * 1000), Poco::Net::Socket::SELECT_READ)) {
          silent += kPoll;
          if (silent >= shared_->frameTimeout && inTransmission_) {
            abandon("no frame for " + std::to_string(shared_->frameTimeout.count()) + " s");
            link.reset();
          }
          continue;
        }
        silent = std::chrono::milliseconds(0);
        const int n = s.receiveBytes(buffer, sizeof buffer);
        if (n <= 0) break;
        events.clear();
        link.feed(std::string_view(buffer, static_cast<std::size_t>(n)), events);
        for (const LinkEvent& e : events) {
          if (!answer(s, link, e)) return;
        }
      }
    } catch (const Poco::Exception&) {
      // The analyser went away; it sends the unacknowledged frame again on reconnecting.
    }
    if (inTransmission_) abandon("the connection closed before the end of the transmission");
  }

 private:
  void send(Poco::Net::StreamSocket& s, char c) { s.sendBytes(&c, 1); }

  // Answers one event; false ends the connection without an answer (hub stopping).
  bool answer(Poco::Net::StreamSocket& s, LinkReceiver& link, const LinkEvent& e) {
    const sdk::Host& host = shared_->host;
    switch (e.kind) {
      case LinkEvent::Kind::kEnquiry:
        inTransmission_ = true;
        send(s, kAck);
        return true;
      case LinkEvent::Kind::kRepeatFrame:
        send(s, kAck);
        return true;
      case LinkEvent::Kind::kBadFrame:
        host.log(PHUB_LOG_WARNING, peer_ + ": frame refused (NAK): " + e.reason);
        host.count("frames_nak");
        send(s, kNak);
        return true;
      case LinkEvent::Kind::kEndOfTransmission:
        if (!assembly_.records.empty() || !assembly_.partial.empty()) {
          abandon("the transmission ended before the message's L record");
        }
        inTransmission_ = false;
        return true;
      case LinkEvent::Kind::kFrame:
        break;
    }
    // A frame: take its records on a copy, so that a NAK leaves nothing of it behind.
    Assembly next = assembly_;
    next.partial += e.text;
    std::vector<std::vector<std::string>> complete;
    for (std::size_t cr; (cr = next.partial.find('\r')) != std::string::npos;) {
      std::string record = next.partial.substr(0, cr);
      next.partial.erase(0, cr + 1);
      if (record.empty()) continue;
      if (record[0] == 'H') next.records.clear();
      next.records.push_back(std::move(record));
      if (next.records.back()[0] == 'L') {
        complete.push_back(std::move(next.records));
        next.records.clear();
      }
    }
    for (const auto& message : complete) {
      const phub_submit_result r = deliver(message);
      if (r.status == PHUB_SUBMIT_STOPPING) return false;
      if (r.status == PHUB_SUBMIT_BUSY || r.status == PHUB_SUBMIT_FAILED) {
        host.log(PHUB_LOG_WARNING,
                 peer_ + ": frame NAKed, the hub could not take the message: " + r.reason);
        send(s, kNak);  // the analyser sends the frame again
        return true;
      }
    }
    assembly_ = std::move(next);
    link.frameAccepted();
    send(s, kAck);
    return true;
  }

  phub_submit_result deliver(const std::vector<std::string>& records) {
    const sdk::Host& host = shared_->host;
    auto oru = toOru(records, shared_->oru);
    if (!oru) {
      host.count("messages_refused");
      return host.refuse(joined(records), peer_, "ASTM message not converted: " + oru.error().text,
                         PHUB_REFUSAL_UNCONVERTIBLE);
    }
    host.count("messages");
    return host.submit(*oru, peer_);
  }

  // Keeps what arrived of an unfinished message as refused, so nothing is lost silently.
  void abandon(const std::string& why) {
    std::vector<std::string> records = assembly_.records;
    if (!assembly_.partial.empty()) records.push_back(assembly_.partial);
    if (!records.empty()) shared_->host.refuse(joined(records), peer_, why);
    shared_->host.log(PHUB_LOG_WARNING, peer_ + ": transmission abandoned: " + why);
    assembly_ = {};
    inTransmission_ = false;
  }

  static std::string joined(const std::vector<std::string>& records) {
    std::string out;
    for (const auto& r : records) out += r + "\r";
    return out;
  }

  std::shared_ptr<AstmSource::Shared> shared_;
  std::string peer_;
  Assembly assembly_;
  bool inTransmission_ = false;
};

class Factory : public Poco::Net::TCPServerConnectionFactory {
 public:
  explicit Factory(std::shared_ptr<AstmSource::Shared> shared) : shared_(std::move(shared)) {}
  Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& s) override {
    return new Connection(s, shared_);
  }

 private:
  std::shared_ptr<AstmSource::Shared> shared_;
};

}  // namespace

AstmSource::AstmSource(const sdk::Host& host) : shared_(std::make_shared<Shared>(host)) {
  shared_->oru.sendingFacility = host.text("sendingFacility");
  shared_->oru.codingSystem = host.text("codingSystem", "ASTM");
  shared_->frameTimeout = std::chrono::seconds(host.integer("frameTimeoutSeconds", 30));
}

AstmSource::~AstmSource() { stop(); }

void AstmSource::start() {
  const sdk::Host& host = shared_->host;
  auto listen = mllp::parseEndpoint(host.text("listen"), true);
  if (!listen) throw std::invalid_argument("listen: " + listen.error().text);
  auto listening =
      tls::listeningSocket(Poco::Net::SocketAddress(listen->host, listen->port), 16, nullptr);
  if (!listening) throw std::runtime_error(listening.error().text);
  try {
    Poco::Net::ServerSocket socket = *listening;
    auto* params = new Poco::Net::TCPServerParams;
    const int connections = static_cast<int>(host.integer("maxConnections", 8));
    params->setMaxThreads(connections);
    params->setMaxQueued(connections);
    server_ = std::make_unique<Poco::Net::TCPServer>(new Factory(shared_), socket, params);
    server_->start();
    host.log(PHUB_LOG_INFO, "ASTM source listening on " + listen->host + ":" +
                                std::to_string(socket.address().port()));
  } catch (const Poco::Exception& e) {
    throw std::runtime_error("cannot listen on " + host.text("listen") + ": " + e.displayText());
  }
}

void AstmSource::stop() {
  if (!server_) return;
  shared_->stopping = true;
  server_->stop();
  for (int i = 0; i < 50 && server_->currentThreads() > 0; ++i) {
    std::this_thread::sleep_for(kPoll / 4);
  }
  server_.reset();
}

}  // namespace pathhub::transport_astm
