// The MESH test server (see mesh_test_server.h).
#include "mesh_test_server.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <cctype>
#include <chrono>
#include <sstream>

#include "mesh_auth.h"
#include "mesh_client.h"

namespace pathhub::testing {
namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// "a=1&b=2" → {a: 1, b: 2}, decoded.
std::map<std::string, std::string> queryParameters(const std::string& query) {
  std::map<std::string, std::string> out;
  Poco::URI uri("/?" + query);
  for (const auto& [name, value] : uri.getQueryParameters()) out[name] = value;
  return out;
}

std::vector<std::string> pathParts(const std::string& path) {
  std::vector<std::string> out;
  std::istringstream in(path);
  std::string part;
  while (std::getline(in, part, '/')) {
    if (!part.empty()) out.push_back(part);
  }
  return out;
}

MeshTestServer::Response json(int status, const Poco::JSON::Object& body) {
  std::ostringstream text;
  body.stringify(text);
  return {status, {{"Content-Type", "application/json"}}, text.str()};
}

MeshTestServer::Response error(int status, const std::string& code, const std::string& text) {
  Poco::JSON::Object body;
  body.set("errorCode", code);
  body.set("errorDescription", text);
  return json(status, body);
}

class Handler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Handler(MeshTestServer& server) : server_(server) {}
  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    MeshTestServer::Request r;
    r.method = request.getMethod();
    const Poco::URI uri(request.getURI());
    r.path = uri.getPath();
    r.query = uri.getQuery();
    for (const auto& [name, value] : request) r.headers[lower(name)] = value;
    r.authorization = request.get("Authorization", "");
    Poco::StreamCopier::copyToString(request.stream(), r.body);
    const MeshTestServer::Response answer = server_.handle(r);
    const auto parts = pathParts(r.path);
    if (r.method == "GET" && parts.size() == 4 && parts[2] == "inbox" && answer.status < 300) {
      server_.downloaded(parts[3]);  // before the answer leaves: the client is waiting for it
    }
    response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(answer.status));
    for (const auto& [name, value] : answer.headers) response.set(name, value);
    response.setContentLength(static_cast<std::streamsize>(answer.body.size()));
    response.send() << answer.body;
  }

 private:
  MeshTestServer& server_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(MeshTestServer& server) : server_(server) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new Handler(server_);
  }

 private:
  MeshTestServer& server_;
};

}  // namespace

std::string MeshTestServer::Message::bytes() const {
  std::string out;
  for (const auto& c : chunks) out += c;
  return out;
}

MeshTestServer::MeshTestServer(std::string sharedSecret, Poco::Net::Context::Ptr tls)
    : secret_(std::move(sharedSecret)), tls_(static_cast<bool>(tls)) {
  Poco::Net::ServerSocket socket =
      tls ? Poco::Net::SecureServerSocket(Poco::Net::SocketAddress("127.0.0.1", 0), 64, tls)
          : Poco::Net::ServerSocket(Poco::Net::SocketAddress("127.0.0.1", 0));
  port_ = socket.address().port();
  auto params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(4);
  server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), socket, params);
  server_->start();
}

MeshTestServer::~MeshTestServer() { server_->stopAll(true); }

void MeshTestServer::addMailbox(const std::string& mailbox, const std::string& password) {
  std::lock_guard lock(mutex_);
  passwords_[mailbox] = password;
}

void MeshTestServer::addEndpoint(const std::string& ods, const std::string& workflow,
                                 const std::string& mailbox) {
  std::lock_guard lock(mutex_);
  endpoints_[ods + "/" + workflow] = mailbox;
}

void MeshTestServer::setFirstChunkRange(const std::string& id, const std::string& range) {
  std::lock_guard lock(mutex_);
  for (auto& m : messages_) {
    if (m.id == id) m.firstRange = range;
  }
}

void MeshTestServer::setChecksum(const std::string& id, const std::string& checksum) {
  std::lock_guard lock(mutex_);
  for (auto& m : messages_) {
    if (m.id == id) m.checksum = checksum;
  }
}

std::string MeshTestServer::put(const std::string& from, const std::string& to,
                                const std::string& workflow, const std::string& bytes, int chunks) {
  std::lock_guard lock(mutex_);
  Message m;
  m.id = "TEST" + std::to_string(next_++);
  m.from = from;
  m.to = to;
  m.workflow = workflow;
  const std::size_t size = (bytes.size() + chunks - 1) / chunks;
  for (int i = 0; i < chunks; ++i) m.chunks.push_back(bytes.substr(i * size, size));
  m.expectedChunks = chunks;
  messages_.push_back(m);
  return m.id;
}

std::vector<MeshTestServer::Message> MeshTestServer::sentTo(const std::string& mailbox) const {
  std::lock_guard lock(mutex_);
  std::vector<Message> out;
  for (const auto& m : messages_) {
    if (m.to == mailbox && static_cast<int>(m.chunks.size()) == m.expectedChunks) {
      out.push_back(m);
    }
  }
  return out;
}

bool MeshTestServer::acknowledged(const std::string& id) const {
  std::lock_guard lock(mutex_);
  for (const auto& m : messages_) {
    if (m.id == id) return m.acknowledged;
  }
  return false;
}

std::size_t MeshTestServer::inboxCount(const std::string& mailbox) const {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const auto& m : messages_) n += m.to == mailbox && !m.acknowledged;
  return n;
}

int MeshTestServer::refusedRequests() const {
  std::lock_guard lock(mutex_);
  return refused_;
}

int MeshTestServer::v1Refused() const {
  std::lock_guard lock(mutex_);
  return v1Refused_;
}

void MeshTestServer::busy(int sends, const std::string& retryAfter) {
  std::lock_guard lock(mutex_);
  busySends_ = sends;
  busyRetryAfter_ = retryAfter;
}

int MeshTestServer::inboxPages() const {
  std::lock_guard lock(mutex_);
  return inboxPages_;
}

void MeshTestServer::onDownload(std::function<void(const std::string&)> hook) {
  std::lock_guard lock(mutex_);
  downloadHook_ = std::move(hook);
}

void MeshTestServer::downloaded(const std::string& id) {
  std::function<void(const std::string&)> hook;
  {
    std::lock_guard lock(mutex_);
    hook = downloadHook_;
  }
  if (hook) hook(id);
}

bool MeshTestServer::authorised(const Request& r, const std::string& mailbox) {
  const auto token = mesh::parseAuthorization(r.authorization);
  if (!token || (!mailbox.empty() && token->mailbox != mailbox)) return false;
  const auto password = passwords_.find(token->mailbox);
  if (password == passwords_.end()) return false;
  if (!mesh::hashMatches(*token, password->second, secret_)) return false;
  if (!mesh::timestampWithin(token->timestamp, std::chrono::system_clock::now(),
                             std::chrono::hours(2))) {
    return false;
  }
  // A token is good for one request.
  return nonces_.emplace(token->nonce + ":" + token->nonceCount, true).second;
}

MeshTestServer::Response MeshTestServer::handle(const Request& r) {
  std::lock_guard lock(mutex_);
  const auto parts = pathParts(r.path);
  if (parts.size() < 2 || parts[0] != "messageexchange") return error(404, "404", "not MESH");
  // MESH API v2 only: a client that does not ask for it is refused, as a v1 client would be
  // by a server that has retired v1.
  const auto accept = r.headers.find("accept");
  if (accept == r.headers.end() ||
      accept->second.find("application/vnd.mesh.v2+json") == std::string::npos) {
    ++v1Refused_;
    return error(406, "406", "this server speaks MESH API v2: Accept application/vnd.mesh.v2+json");
  }
  const bool lookup = parts[1] == "endpointlookup";
  if (!authorised(r, lookup ? std::string() : parts[1])) {
    ++refused_;
    return error(403, "403", "Authentication failed");
  }
  if (lookup && parts.size() == 4) {
    Poco::JSON::Object body;
    Poco::JSON::Array results;
    if (auto it = endpoints_.find(parts[2] + "/" + parts[3]); it != endpoints_.end()) {
      Poco::JSON::Object one;
      one.set("mailbox_id", it->second);
      one.set("mailbox_name", "practice " + parts[2]);
      results.add(one);
    }
    body.set("results", results);
    return json(200, body);
  }
  const std::string mailbox = parts[1];
  auto header = [&r](const std::string& name) {
    const auto it = r.headers.find(name);
    return it == r.headers.end() ? std::string() : it->second;
  };
  if (parts.size() == 2 && r.method == "GET") return {200, {}, ""};
  const std::string area = parts[2];
  if (area == "count" && r.method == "GET") {
    Poco::JSON::Object body;
    int n = 0;
    for (const auto& m : messages_) n += m.to == mailbox && !m.acknowledged;
    body.set("count", n);
    return json(200, body);
  }
  if (area == "outbox" && r.method == "POST" && parts.size() == 3) {
    if (busySends_ > 0) {
      --busySends_;
      Response busy = error(429, "429", "Too many requests");
      busy.headers["Retry-After"] = busyRetryAfter_;
      return busy;
    }
    const std::string to = header("mex-to");
    if (to.empty()) return error(400, "08", "Missing Mex-To header");
    if (!passwords_.count(to)) return error(417, "12", "Unregistered to address");
    if (header("mex-from") != mailbox) return error(403, "07", "Invalid From Address");
    Message m;
    m.id = "MSG" + std::to_string(next_++);
    m.from = mailbox;
    m.to = to;
    m.workflow = header("mex-workflowid");
    m.localId = header("mex-localid");
    m.fileName = header("mex-filename");
    m.subject = header("mex-subject");
    m.checksum = header("mex-content-checksum");
    const std::string range = header("mex-chunk-range");
    m.expectedChunks = range.empty() ? 1 : std::stoi(range.substr(range.find(':') + 1));
    m.chunks.push_back(r.body);
    messages_.push_back(m);
    Poco::JSON::Object body;
    body.set("message_id", m.id);
    return json(202, body);
  }
  if (area == "outbox" && r.method == "POST" && parts.size() == 5) {
    for (auto& m : messages_) {
      if (m.id != parts[3] || m.from != mailbox) continue;
      if (std::stoi(parts[4]) != static_cast<int>(m.chunks.size()) + 1) {
        return error(400, "06", "chunk out of order");
      }
      m.chunks.push_back(r.body);
      return {202, {}, ""};
    }
    return error(404, "404", "no such message");
  }
  const auto query = queryParameters(r.query);
  auto parameter = [&query](const std::string& name) {
    const auto it = query.find(name);
    return it == query.end() ? std::string() : it->second;
  };
  if (area == "outbox" && r.method == "GET" && parts.size() == 4 && parts[3] == "tracking") {
    const std::string id = parameter("messageID");
    for (const auto& m : messages_) {
      if (m.from != mailbox || m.id != id) continue;
      Poco::JSON::Object body;
      body.set("message_id", m.id);
      body.set("local_id", m.localId);
      body.set("workflow_id", m.workflow);
      body.set("recipient", m.to);
      body.set("status", m.acknowledged ? "acknowledged" : "accepted");
      return json(200, body);
    }
    return error(404, "404", "no message with that id");
  }
  if (area == "inbox" && r.method == "GET" && parts.size() == 3) {
    // A page of max_results (10..5000, as MESH allows) after continue_from; links.next when
    // more wait.
    const std::string asked = parameter("max_results");
    const int page = asked.empty() ? 500 : std::stoi(asked);
    if (page < 10 || page > 5000) return error(400, "400", "max_results must be 10..5000");
    const std::string after = parameter("continue_from");
    const std::string filter = parameter("workflow_filter");
    Poco::JSON::Object body;
    Poco::JSON::Array ids;
    bool past = after.empty();
    int waiting = 0;
    std::string last;
    bool more = false;
    for (const auto& m : messages_) {
      if (m.to != mailbox || m.acknowledged ||
          static_cast<int>(m.chunks.size()) != m.expectedChunks ||
          !mesh::workflowMatches(filter, m.workflow)) {
        continue;
      }
      ++waiting;
      if (!past) {
        past = m.id == after;
        continue;
      }
      if (static_cast<int>(ids.size()) == page) {
        more = true;
        continue;
      }
      ids.add(m.id);
      last = m.id;
    }
    body.set("messages", ids);
    body.set("approx_inbox_count", waiting);
    Poco::JSON::Object links;
    std::string self = "/messageexchange/" + mailbox + "/inbox?max_results=" + asked;
    if (!filter.empty()) {
      std::string encoded;
      Poco::URI::encode(filter, "!*&=+#?/ ", encoded);
      self += "&workflow_filter=" + encoded;
    }
    links.set("self", self);
    if (more) links.set("next", self + "&continue_from=" + last);
    body.set("links", links);
    ++inboxPages_;
    return json(200, body);
  }
  for (auto& m : messages_) {
    if (parts.size() < 4 || m.id != parts[3] || m.to != mailbox) continue;
    if (area == "inbox" && r.method == "GET") {
      const int chunk = parts.size() == 5 ? std::stoi(parts[4]) : 1;
      if (chunk < 1 || chunk > static_cast<int>(m.chunks.size())) {
        return error(404, "404", "no such chunk");
      }
      Response out{m.expectedChunks > 1 ? 206 : 200,
                   {{"mex-from", m.from},
                    {"mex-to", m.to},
                    {"mex-workflowid", m.workflow},
                    {"mex-messagetype", m.messageType},
                    {"mex-messageid", m.id},
                    {"mex-chunk-range",
                     chunk == 1 && !m.firstRange.empty()
                         ? m.firstRange
                         : std::to_string(chunk) + ":" + std::to_string(m.expectedChunks)}},
                   m.chunks[chunk - 1]};
      if (!m.localId.empty()) out.headers["mex-localid"] = m.localId;
      if (!m.checksum.empty()) out.headers["mex-content-checksum"] = m.checksum;
      return out;
    }
    if (area == "inbox" && r.method == "PUT" && parts.size() == 6 && parts[5] == "acknowledged") {
      m.acknowledged = true;
      return {200, {}, ""};
    }
  }
  return error(404, "404", "not found: " + r.method + " " + r.path);
}

}  // namespace pathhub::testing
