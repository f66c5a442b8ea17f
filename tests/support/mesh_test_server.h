// A MESH server for the tests — a test double, not MESH. It implements the parts of the
// published MESH API the hub uses, on 127.0.0.1 over plain HTTP (or HTTPS with the TLS context
// given, mutual when that context asks for client certificates), with mailboxes in memory:
// MESH API v2 only (every request must say "Accept: application/vnd.mesh.v2+json", or it is
// refused with 406, as by a server that has retired v1; answers in v2's JSON):
//   GET  /messageexchange/{mailbox}                     handshake
//   POST /messageexchange/{mailbox}/outbox              send (mex-to, mex-workflowid, …;
//   POST /messageexchange/{mailbox}/outbox/{id}/{n}       mex-chunk-range for chunks) →
//                                                         {"message_id"}
//   GET  /messageexchange/{mailbox}/inbox?max_results=N[&continue_from=ID]
//                                                       a page: {"messages", "links": {"next"}}
//   GET  /messageexchange/{mailbox}/count               count
//   GET  /messageexchange/{mailbox}/inbox/{id}[/{n}]    download (chunks; mex-* headers)
//   PUT  /messageexchange/{mailbox}/inbox/{id}/status/acknowledged
//   GET  /messageexchange/{mailbox}/outbox/tracking?messageID=   {"message_id", "status": …}
//   GET  /messageexchange/endpointlookup/{ods}/{workflow}        {"results": [{"mailbox_id"}]}
// Every request must carry a valid NHSMESH Authorization header for a known mailbox (its
// password and the shared secret, a timestamp within two hours, a nonce not used before);
// otherwise 403. A message sent to an unknown mailbox is refused with 417, as MESH does.
// Tests put messages in a mailbox's inbox (as a practice would send them), read what the hub
// sent, and can be told of each download (to crash the hub at that moment).
#pragma once

#include <Poco/Net/Context.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace Poco::Net {
class HTTPServer;
}

namespace pathhub::testing {

class MeshTestServer {
 public:
  struct Message {
    std::string id, from, to, workflow, localId, fileName, subject, messageType = "DATA";
    std::vector<std::string> chunks;  // all of them once complete
    int expectedChunks = 1;
    std::string checksum;    // Mex-Content-Checksum as sent
    std::string firstRange;  // when set, the first chunk's Mex-Chunk-Range (a broken server)
    bool acknowledged = false;
    std::string bytes() const;
  };

  explicit MeshTestServer(std::string sharedSecret, Poco::Net::Context::Ptr tls = nullptr);
  ~MeshTestServer();

  void addMailbox(const std::string& mailbox, const std::string& password);
  // endpointlookup answers `mailbox` for this ODS code and workflow.
  void addEndpoint(const std::string& ods, const std::string& workflow, const std::string& mailbox);
  std::uint16_t port() const { return port_; }
  std::string url() const {
    return (tls_ ? "https://127.0.0.1:" : "http://127.0.0.1:") + std::to_string(port_);
  }

  // A message from `from` into `to`'s inbox; returns its id. `chunks` > 1 splits it.
  std::string put(const std::string& from, const std::string& to, const std::string& workflow,
                  const std::string& bytes, int chunks = 1);
  // The first chunk of message `id` comes with this Mex-Chunk-Range (adversarial tests).
  void setFirstChunkRange(const std::string& id, const std::string& range);
  // Message `id` is served with this Mex-Content-Checksum (as its sender gave it).
  void setChecksum(const std::string& id, const std::string& checksum);
  // Every complete message sent to `mailbox`, in order.
  std::vector<Message> sentTo(const std::string& mailbox) const;
  bool acknowledged(const std::string& id) const;
  std::size_t inboxCount(const std::string& mailbox) const;  // not yet acknowledged
  int refusedRequests() const;                               // 403s given
  int v1Refused() const;   // requests refused for not asking for API v2 (406)
  int inboxPages() const;  // inbox pages listed
  // The next `sends` sends are refused 429 with this Retry-After, as a busy MESH does.
  void busy(int sends, const std::string& retryAfter);
  // Called (on the server's thread) for each download, just before its answer is sent: the
  // client has asked for the message and is waiting for it.
  void onDownload(std::function<void(const std::string& id)> hook);

  // Used by the request handler.
  struct Request {
    std::string method, path, query, authorization, body;
    std::map<std::string, std::string> headers;  // lower-cased names
  };
  struct Response {
    int status = 200;
    std::map<std::string, std::string> headers;
    std::string body;
  };
  Response handle(const Request& r);
  void downloaded(const std::string& id);

 private:
  bool authorised(const Request& r, const std::string& mailbox);

  std::string secret_;
  mutable std::mutex mutex_;
  std::map<std::string, std::string> passwords_;
  std::map<std::string, std::string> endpoints_;  // "ODS/WORKFLOW" → mailbox
  std::vector<Message> messages_;
  std::map<std::string, bool> nonces_;
  int refused_ = 0;
  int busySends_ = 0;
  std::string busyRetryAfter_;
  int v1Refused_ = 0;
  int inboxPages_ = 0;
  std::uint64_t next_ = 1;
  std::function<void(const std::string&)> downloadHook_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  std::uint16_t port_ = 0;
  bool tls_ = false;
};

}  // namespace pathhub::testing
