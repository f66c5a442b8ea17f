// A client of the MESH API v2 (NHS England's Message Exchange for Social Care and Health):
// the mailbox handshake, sending (in chunks when large) with the mex-* headers (the payload's
// SHA-256 as mex-content-checksum), the inbox (count, list page by page, download with chunks,
// acknowledge), tracking by message id and endpoint lookup. Every request says
// "Accept: application/vnd.mesh.v2+json" and reads v2's answers; every request carries a
// fresh NHSMESH Authorization header (mesh_auth.h); https URLs use mutual TLS through
// core/tls (client certificate, CA). Not thread-safe: one client per thread.
//
// Errors: ErrorCode::kIoError for what may pass (a connection failure, a timeout, 5xx, 429);
// kInvalidValue for a refusal that will not (other 4xx: an unknown recipient, a workflow the
// mailbox may not send); kNotFound for a message the inbox no longer holds.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "pathhub/error.h"

namespace Poco::Net {
class HTTPClientSession;
}

namespace pathhub::mesh {

struct MeshSettings {
  std::string url;  // http(s)://host:port of the MESH server
  std::string mailbox, password, sharedSecret;
  std::string caFile, certificate, privateKey;  // TLS (https)
  bool verifyHost = true;
  int timeoutMs = 30000;
  std::size_t chunkBytes = 20 * 1024 * 1024;  // larger messages go in chunks of this size
};

struct Outgoing {
  std::string to, workflow, localId, subject, fileName;
  std::string bytes;
};

struct Incoming {
  std::string messageId, from, to, workflow, localId, fileName, subject;
  std::string messageType;  // DATA, or REPORT (an error report about a message sent)
  std::map<std::string, std::string> headers;  // every Mex-* header, names lower-cased
  std::string bytes;
};

// Whether a workflow id passes MESH API v2's inbox workflow_filter: "W" equals W, "W*" begins
// with W, "*W*" contains W, and a leading "!" negates any of them; an empty filter passes all.
bool workflowMatches(std::string_view filter, std::string_view workflow);

class MeshClient {
 public:
  explicit MeshClient(MeshSettings settings);  // throws std::invalid_argument on a bad url/TLS
  ~MeshClient();

  Result<void> handshake();
  // Returns the MESH message id.
  Result<std::string> send(const Outgoing& message);
  // The ids of the messages waiting, page by page (links.next), at most 10,000 per call.
  // With a workflow filter (v2's workflow_filter, workflowMatches below), only the messages
  // of the workflows it names.
  Result<std::vector<std::string>> inbox(const std::string& workflowFilter = "");
  // How many messages wait in the inbox.
  Result<int> count();
  // The whole message, its chunks fetched in turn: refused (nothing returned, so nothing is
  // acknowledged) when its Mex-Chunk-Range is not 1:N, when it has more than 1,000 chunks or
  // more than `maxBytes` bytes (read against the limit, never past it), or when the hub stops.
  Result<Incoming> download(const std::string& messageId,
                            std::size_t maxBytes = std::numeric_limits<std::size_t>::max() - 1);
  // Set by a source: a download in progress stops between chunks once it is true.
  void stopWith(const std::atomic<bool>* stopping) { stopping_ = stopping; }
  Result<void> acknowledge(const std::string& messageId);
  // The tracking record of a message sent (its JSON, as MESH v2 gives it), by its MESH id.
  Result<std::string> track(const std::string& messageId);
  // The mailboxes of an organisation (ODS code) for a workflow.
  Result<std::vector<std::string>> lookup(const std::string& ods, const std::string& workflow);

  // How long MESH's last answer asked the client to wait (Retry-After on a 429 or 503), zero
  // when it asked for nothing.
  std::chrono::seconds askedToWait() const { return askedToWait_; }

 private:
  struct Response {
    int status = 0;
    std::map<std::string, std::string> headers;  // names lower-cased
    std::string body;
  };
  Result<Response> request(const std::string& method, const std::string& path,
                           const std::map<std::string, std::string>& headers,
                           const std::string& body,
                           std::size_t maxBody = std::numeric_limits<std::size_t>::max() - 1);
  // Fails with the right code when the status is not 2xx.
  static Result<void> expectSuccess(const Response& r, const std::string& what);
  std::string mailboxPath() const;

  MeshSettings settings_;
  std::unique_ptr<Poco::Net::HTTPClientSession> session_;
  const std::atomic<bool>* stopping_ = nullptr;
  std::chrono::seconds askedToWait_{0};
};

}  // namespace pathhub::mesh
