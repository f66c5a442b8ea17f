// Admission and deadlines for incoming connections (see connection_guard.h).
#include "tls/connection_guard.h"

#include <sys/resource.h>
#include <sys/socket.h>

namespace pathhub::tls {
namespace {

int descriptorLimit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return 1 << 20;
  return static_cast<int>(limit.rlim_cur);
}

}  // namespace

ConnectionGuard::ConnectionGuard(ConnectionLimits limits)
    : limits_(limits), watcher_([this] { watch(); }) {}

ConnectionGuard::~ConnectionGuard() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  watcher_.join();
}

std::unique_ptr<ConnectionGuard::Ticket> ConnectionGuard::admit(
    const Poco::Net::StreamSocket& socket, std::string* why) {
  const int fd = static_cast<int>(socket.impl()->sockfd());
  std::string address;
  try {
    address = socket.peerAddress().host().toString();
  } catch (const Poco::Exception&) {
    *why = "the peer went before it was admitted";
    return nullptr;
  }
  // Descriptors are handed out lowest first: one this high means few are left.
  if (fd >= descriptorLimit() - kReservedDescriptors) {
    *why = "the hub is near its open-file limit; connections wait until others close";
    return nullptr;
  }
  std::lock_guard lock(mutex_);
  int& count = perAddress_[address];
  if (count >= limits_.perAddress) {
    *why = "too many connections from " + address + " (at most " +
           std::to_string(limits_.perAddress) + ")";
    return nullptr;
  }
  ++count;
  ++open_;
  std::unique_ptr<Ticket> ticket(new Ticket(*this, address));
  tickets_[ticket.get()] = {fd, std::chrono::steady_clock::time_point::max()};
  return ticket;
}

void ConnectionGuard::shutdownAll() {
  std::lock_guard lock(mutex_);
  for (const auto& [ticket, entry] : tickets_) ::shutdown(entry.fd, SHUT_RDWR);
}

int ConnectionGuard::open() const {
  std::lock_guard lock(mutex_);
  return open_;
}

ConnectionGuard::Ticket::Ticket(ConnectionGuard& guard, std::string address)
    : guard_(guard), address_(std::move(address)) {}

ConnectionGuard::Ticket::~Ticket() {
  std::lock_guard lock(guard_.mutex_);
  guard_.tickets_.erase(this);
  if (--guard_.perAddress_[address_] == 0) guard_.perAddress_.erase(address_);
  --guard_.open_;
}

void ConnectionGuard::Ticket::arm(std::chrono::milliseconds within) {
  {
    std::lock_guard lock(guard_.mutex_);
    guard_.tickets_[this].deadline = std::chrono::steady_clock::now() + within;
  }
  guard_.wake_.notify_all();
}

void ConnectionGuard::Ticket::disarm() {
  std::lock_guard lock(guard_.mutex_);
  guard_.tickets_[this].deadline = std::chrono::steady_clock::time_point::max();
}

void ConnectionGuard::watch() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    auto next = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    const auto now = std::chrono::steady_clock::now();
    for (auto& [ticket, entry] : tickets_) {
      if (entry.deadline <= now) {
        // The descriptor stays open (its owner closes it, after giving back its ticket);
        // shutting it down ends the owner's waiting read or write at once, TLS or not.
        ::shutdown(entry.fd, SHUT_RDWR);
        entry.deadline = std::chrono::steady_clock::time_point::max();
      } else {
        next = std::min(next, entry.deadline);
      }
    }
    wake_.wait_until(lock, next);
  }
}

}  // namespace pathhub::tls
