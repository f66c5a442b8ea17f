// What the MLLP and HTTP listeners and the API do so that connections that
// say nothing, say it slowly or come in crowds cannot keep real senders out:
//  - at most `perAddress` open connections from one peer address;
//  - no new connection once the process's descriptors near their limit, so the journal can
//    always open its files (a reserve of kReservedDescriptors);
//  - deadlines: a connection armed with one is shut down when it passes it (an HTTP request's
//    head must arrive within one, its body and answer within another), by a watcher thread
//    that shuts the socket's descriptor, which ends whatever read or write is waiting on it.
// Each admitted connection holds a Ticket for as long as it is open.
#pragma once

#include <Poco/Net/StreamSocket.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace pathhub::tls {

struct ConnectionLimits {
  int perAddress = 16;                                // open connections from one address
  std::chrono::milliseconds headerDeadline{10000};    // HTTP: the request line and headers
  std::chrono::milliseconds requestDeadline{120000};  // HTTP: the body read and the answer
  std::chrono::milliseconds keepAliveIdle{15000};     // HTTP: waiting for the next request
};

// Descriptors kept free for the journal, logs and plugins' files.
constexpr int kReservedDescriptors = 64;

class ConnectionGuard {
 public:
  explicit ConnectionGuard(ConnectionLimits limits);
  ~ConnectionGuard();
  ConnectionGuard(const ConnectionGuard&) = delete;
  ConnectionGuard& operator=(const ConnectionGuard&) = delete;

  class Ticket {
   public:
    ~Ticket();
    // Shut the connection down unless disarmed or re-armed within `within`.
    void arm(std::chrono::milliseconds within);
    void disarm();

   private:
    friend class ConnectionGuard;
    Ticket(ConnectionGuard& guard, std::string address);
    ConnectionGuard& guard_;
    std::string address_;
  };

  // A ticket for an accepted connection, or null with `why` saying why it may not stay.
  std::unique_ptr<Ticket> admit(const Poco::Net::StreamSocket& socket, std::string* why);

  const ConnectionLimits& limits() const { return limits_; }
  int open() const;  // connections holding a ticket now
  // Shuts every admitted connection down (a server stopping without waiting for its peers).
  void shutdownAll();

 private:
  void watch();

  ConnectionLimits limits_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::map<std::string, int> perAddress_;
  int open_ = 0;
  struct Entry {
    int fd;
    std::chrono::steady_clock::time_point deadline;  // max(): not armed
  };
  std::map<const Ticket*, Entry> tickets_;
  std::thread watcher_;
};

}  // namespace pathhub::tls
