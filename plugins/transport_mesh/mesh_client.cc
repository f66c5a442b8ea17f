// MESH API client (see mesh_client.h).
#include "mesh_client.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/MD5Engine.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/SHA1Engine.h>
#include <Poco/SHA2Engine.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <stdexcept>

#include "mesh_auth.h"
#include "tls/http_client_session.h"

namespace pathhub::mesh {
namespace {

constexpr std::size_t kReasonBytes = 300;

// MESH API v2: every call says so; v2 answers in its own JSON (message_id, links.next).
constexpr const char* kMeshV2 = "application/vnd.mesh.v2+json";
// An inbox is listed a page at a time (v2's max_results, 10..5000); a poll reads at most
// kInboxPages pages, the rest waiting for the next poll.
constexpr int kInboxPage = 500;
constexpr int kInboxPages = 20;

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The most chunks a message may come in: a header asking for more is refused, not followed.
constexpr int kMaxChunks = 1000;

// Mex-Chunk-Range of a message's first chunk: "1:N" with 1 <= N <= kMaxChunks ({1, 1} when
// absent). Anything else is refused: following "3:2" or "1:x" as "one chunk" would take a
// part of the message for the whole of it.
Result<std::pair<int, int>> chunkRange(const std::map<std::string, std::string>& headers) {
  const auto it = headers.find("mex-chunk-range");
  if (it == headers.end()) return std::pair{1, 1};
  const std::string& text = it->second;
  const auto colon = text.find(':');
  int first = 0, last = 0;
  const auto readInt = [](std::string_view part, int& out) {
    const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), out);
    return ec == std::errc() && end == part.data() + part.size();
  };
  if (colon == std::string::npos || !readInt(std::string_view(text).substr(0, colon), first) ||
      !readInt(std::string_view(text).substr(colon + 1), last) || first != 1 || last < 1) {
    return fail(ErrorCode::kMalformedMessage,
                "Mex-Chunk-Range '" + text + "' is not 1:N for the first chunk");
  }
  if (last > kMaxChunks) {
    return fail(ErrorCode::kMessageTooLarge, "Mex-Chunk-Range '" + text + "' asks for more than " +
                                                 std::to_string(kMaxChunks) + " chunks");
  }
  return std::pair{first, last};
}

std::string header(const std::map<std::string, std::string>& headers, const std::string& name) {
  const auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

std::string sha256Hex(const std::string& bytes) {
  Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
  engine.update(bytes);
  return Poco::DigestEngine::digestToHex(engine.digest());
}

std::string hexDigest(Poco::DigestEngine&& engine, const std::string& bytes) {
  engine.update(bytes);
  return Poco::DigestEngine::digestToHex(engine.digest());
}

// Mex-Content-Checksum is the sender's, in a form MESH does not fix. The forms senders use
// ("SHA256:<hex>", as this client sends; "MD5:<hex>", "SHA1:<hex>"; or the bare hex of one of
// them) are checked against the bytes downloaded; a mismatch means what arrived is not what
// was sent, so it is not stored or acknowledged. Anything else cannot be checked and is not.
Result<void> checkContentChecksum(const std::string& said, const std::string& bytes,
                                  const std::string& messageId) {
  if (said.empty()) return {};
  std::string algorithm, hex = Poco::toLower(said);
  if (const auto colon = hex.find(':'); colon != std::string::npos) {
    algorithm = hex.substr(0, colon);
    hex = hex.substr(colon + 1);
  }
  if (hex.find_first_not_of("0123456789abcdef") != std::string::npos) return {};
  if (algorithm.empty()) {
    algorithm = hex.size() == 64   ? "sha256"
                : hex.size() == 40 ? "sha1"
                : hex.size() == 32 ? "md5"
                                   : "";
  }
  std::string actual;
  if (algorithm == "sha256" && hex.size() == 64) {
    actual = hexDigest(Poco::SHA2Engine(Poco::SHA2Engine::SHA_256), bytes);
  } else if (algorithm == "sha1" && hex.size() == 40) {
    actual = hexDigest(Poco::SHA1Engine(), bytes);
  } else if (algorithm == "md5" && hex.size() == 32) {
    actual = hexDigest(Poco::MD5Engine(), bytes);
  } else {
    return {};
  }
  if (actual == hex) return {};
  return fail(ErrorCode::kMalformedMessage,
              "message " + messageId + ": its Mex-Content-Checksum is " + said + " but the " +
                  std::to_string(bytes.size()) + " bytes downloaded hash to " + actual +
                  ": not what was sent, so it is neither stored nor acknowledged");
}

Poco::JSON::Object::Ptr parseObject(const std::string& body) {
  Poco::JSON::Parser parser;
  return parser.parse(body).extract<Poco::JSON::Object::Ptr>();
}

}  // namespace

MeshClient::MeshClient(MeshSettings settings) : settings_(std::move(settings)) {
  Poco::URI url;
  try {
    url = Poco::URI(settings_.url);
  } catch (const Poco::Exception& e) {
    throw std::invalid_argument("url: " + e.displayText());
  }
  if ((url.getScheme() != "http" && url.getScheme() != "https") || url.getHost().empty()) {
    throw std::invalid_argument("url: '" + settings_.url + "' is not an http(s)://HOST[:PORT]");
  }
  if (settings_.mailbox.empty()) throw std::invalid_argument("mailbox: none given");
  tls::TlsSettings tls{settings_.certificate, settings_.privateKey, settings_.caFile};
  tls.verifyHost = settings_.verifyHost;
  auto session = tls::httpClientSession(
      url, tls, Poco::Timespan(static_cast<long>(settings_.timeoutMs) * 1000));
  if (!session) throw std::invalid_argument(session.error().text);
  session_ = std::move(*session);
}

MeshClient::~MeshClient() = default;

std::string MeshClient::mailboxPath() const { return "/messageexchange/" + settings_.mailbox; }

Result<MeshClient::Response> MeshClient::request(const std::string& method, const std::string& path,
                                                 const std::map<std::string, std::string>& headers,
                                                 const std::string& body, std::size_t maxBody) {
  try {
    Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    req.set("Authorization",
            authorizationHeader(settings_.mailbox, settings_.password, settings_.sharedSecret));
    req.set("Accept", kMeshV2);
    req.set("mex-clientversion", "pathhub==1.0");
    req.set("mex-osname", "Linux");
    req.set("mex-osversion", "Debian");
    for (const auto& [name, value] : headers) req.set(name, value);
    if (method == "POST" || method == "PUT") {
      req.setContentLength(static_cast<std::streamsize>(body.size()));
      if (!req.has("Content-Type")) req.setContentType("application/octet-stream");
    }
    std::ostream& out = session_->sendRequest(req);
    out.write(body.data(), static_cast<std::streamsize>(body.size()));
    Poco::Net::HTTPResponse response;
    std::istream& in = session_->receiveResponse(response);
    Response r;
    r.status = static_cast<int>(response.getStatus());
    // Read against the limit, never more than one byte past it.
    char buffer[65536];
    while (in && r.body.size() <= maxBody) {
      in.read(buffer, static_cast<std::streamsize>(
                          std::min<std::size_t>(sizeof buffer, maxBody + 1 - r.body.size())));
      r.body.append(buffer, static_cast<std::size_t>(in.gcount()));
    }
    if (r.body.size() > maxBody) {
      session_->reset();  // the rest of the body is not read
      return fail(ErrorCode::kMessageTooLarge,
                  "MESH " + path + ": the answer exceeds " + std::to_string(maxBody) + " bytes");
    }
    for (const auto& [name, value] : response) r.headers[lower(name)] = value;
    askedToWait_ = r.status == 429 || r.status == 503
                       ? tls::retryAfter(response.get("Retry-After", ""))
                       : std::chrono::seconds(0);
    return r;
  } catch (const Poco::Exception& e) {
    session_->reset();  // a fresh connection next time
    return fail(ErrorCode::kIoError, "MESH " + settings_.url + ": " + e.displayText());
  }
}

Result<void> MeshClient::expectSuccess(const Response& r, const std::string& what) {
  if (r.status >= 200 && r.status < 300) return {};
  const std::string why =
      what + ": MESH answered " + std::to_string(r.status) +
      (r.body.empty() ? "" : ": " + r.body.substr(0, std::min(r.body.size(), kReasonBytes)));
  if (r.status == 404 || r.status == 410) return fail(ErrorCode::kNotFound, why);
  const bool transient = r.status >= 500 || r.status == 408 || r.status == 429;
  return fail(transient ? ErrorCode::kIoError : ErrorCode::kInvalidValue, why);
}

Result<void> MeshClient::handshake() {
  auto r = request("GET", mailboxPath(), {}, "");
  if (!r) return tl::unexpected(r.error());
  return expectSuccess(*r, "handshake");
}

Result<std::string> MeshClient::send(const Outgoing& m) {
  const std::size_t chunk = std::max<std::size_t>(settings_.chunkBytes, 1);
  const int chunks = m.bytes.empty() ? 1 : static_cast<int>((m.bytes.size() + chunk - 1) / chunk);
  std::map<std::string, std::string> headers = {{"mex-from", settings_.mailbox},
                                                {"mex-to", m.to},
                                                {"mex-workflowid", m.workflow},
                                                {"mex-chunk-range", "1:" + std::to_string(chunks)}};
  if (!m.localId.empty()) headers["mex-localid"] = m.localId;
  if (!m.subject.empty()) headers["mex-subject"] = m.subject;
  if (!m.fileName.empty()) headers["mex-filename"] = m.fileName;
  headers["mex-content-checksum"] = "SHA256:" + sha256Hex(m.bytes);
  auto r = request("POST", mailboxPath() + "/outbox", headers, m.bytes.substr(0, chunk));
  if (!r) return tl::unexpected(r.error());
  if (auto ok = expectSuccess(*r, "send to " + m.to); !ok) return tl::unexpected(ok.error());
  std::string id;
  try {
    auto body = parseObject(r->body);
    id = body->optValue<std::string>("message_id", "");
  } catch (const Poco::Exception& e) {
    return fail(ErrorCode::kIoError, "send: MESH answered no message id: " + e.displayText());
  }
  if (id.empty()) return fail(ErrorCode::kIoError, "send: MESH answered no message id");
  for (int n = 2; n <= chunks; ++n) {
    auto part = request("POST", mailboxPath() + "/outbox/" + id + "/" + std::to_string(n),
                        {{"mex-chunk-range", std::to_string(n) + ":" + std::to_string(chunks)}},
                        m.bytes.substr(static_cast<std::size_t>(n - 1) * chunk, chunk));
    if (!part) return tl::unexpected(part.error());
    if (auto ok = expectSuccess(*part, "chunk " + std::to_string(n) + " of " + id); !ok) {
      return tl::unexpected(ok.error());
    }
  }
  return id;
}

bool workflowMatches(std::string_view filter, std::string_view workflow) {
  if (filter.empty()) return true;
  const bool negated = filter.front() == '!';
  if (negated) filter.remove_prefix(1);
  bool match;
  if (filter.size() >= 2 && filter.front() == '*' && filter.back() == '*') {
    match = workflow.find(filter.substr(1, filter.size() - 2)) != std::string_view::npos;
  } else if (!filter.empty() && filter.back() == '*') {
    match = workflow.substr(0, filter.size() - 1) == filter.substr(0, filter.size() - 1);
  } else {
    match = workflow == filter;
  }
  return match != negated;
}

Result<std::vector<std::string>> MeshClient::inbox(const std::string& workflowFilter) {
  std::vector<std::string> ids;
  std::string page = mailboxPath() + "/inbox?max_results=" + std::to_string(kInboxPage);
  if (!workflowFilter.empty()) {
    std::string encoded;
    Poco::URI::encode(workflowFilter, "!*&=+#?/ ", encoded);
    page += "&workflow_filter=" + encoded;
  }
  for (int pages = 0; !page.empty() && pages < kInboxPages; ++pages) {
    auto r = request("GET", page, {}, "");
    if (!r) return tl::unexpected(r.error());
    if (auto ok = expectSuccess(*r, "inbox"); !ok) return tl::unexpected(ok.error());
    page.clear();
    try {
      auto body = parseObject(r->body);
      auto messages = body->getArray("messages");
      if (!messages) return fail(ErrorCode::kIoError, "inbox: the answer lists no messages");
      for (std::size_t i = 0; i < messages->size(); ++i) {
        ids.push_back(messages->getElement<std::string>(static_cast<unsigned>(i)));
      }
      // links.next: the next page, as a path (or a whole URL, whose path and query are taken).
      if (auto links = body->getObject("links"); links && links->has("next")) {
        const Poco::URI next(links->getValue<std::string>("next"));
        page = next.getPathAndQuery();
        if (page.rfind(mailboxPath() + "/inbox", 0) != 0) {
          return fail(ErrorCode::kIoError, "inbox: links.next leads elsewhere: " + page);
        }
      }
    } catch (const Poco::Exception& e) {
      return fail(ErrorCode::kIoError, "inbox: not the list MESH gives: " + e.displayText());
    }
  }
  return ids;
}

Result<int> MeshClient::count() {
  auto r = request("GET", mailboxPath() + "/count", {}, "");
  if (!r) return tl::unexpected(r.error());
  if (auto ok = expectSuccess(*r, "count"); !ok) return tl::unexpected(ok.error());
  try {
    return parseObject(r->body)->getValue<int>("count");
  } catch (const Poco::Exception& e) {
    return fail(ErrorCode::kIoError, "count: " + e.displayText());
  }
}

Result<Incoming> MeshClient::download(const std::string& messageId, std::size_t maxBytes) {
  const std::string path = mailboxPath() + "/inbox/" + messageId;
  auto r = request("GET", path, {}, "", maxBytes);
  if (!r) return tl::unexpected(r.error());
  if (auto ok = expectSuccess(*r, "download " + messageId); !ok) return tl::unexpected(ok.error());
  Incoming in;
  in.messageId = messageId;
  for (const auto& [name, value] : r->headers) {
    if (name.rfind("mex-", 0) == 0) in.headers[name] = value;
  }
  in.from = header(r->headers, "mex-from");
  in.to = header(r->headers, "mex-to");
  in.workflow = header(r->headers, "mex-workflowid");
  in.localId = header(r->headers, "mex-localid");
  in.fileName = header(r->headers, "mex-filename");
  in.subject = header(r->headers, "mex-subject");
  in.messageType = header(r->headers, "mex-messagetype");
  if (in.messageType.empty()) in.messageType = "DATA";
  in.bytes = std::move(r->body);
  const auto range = chunkRange(r->headers);
  if (!range) return tl::unexpected(range.error());
  for (int n = range->first + 1; n <= range->second; ++n) {
    if (stopping_ && *stopping_) {
      return fail(ErrorCode::kUnavailable, "download of " + messageId + " stopped: the hub stops");
    }
    auto part = request("GET", path + "/" + std::to_string(n), {}, "", maxBytes - in.bytes.size());
    if (!part) return tl::unexpected(part.error());
    if (auto ok = expectSuccess(*part, "chunk " + std::to_string(n) + " of " + messageId); !ok) {
      return tl::unexpected(ok.error());
    }
    // Each later chunk says which it is; a server answering another is not followed.
    const std::string said = header(part->headers, "mex-chunk-range");
    if (!said.empty() && said != std::to_string(n) + ":" + std::to_string(range->second)) {
      return fail(ErrorCode::kMalformedMessage, "chunk " + std::to_string(n) + " of " + messageId +
                                                    " came as Mex-Chunk-Range '" + said + "'");
    }
    in.bytes += part->body;
  }
  if (auto same =
          checkContentChecksum(header(r->headers, "mex-content-checksum"), in.bytes, messageId);
      !same) {
    return tl::unexpected(same.error());
  }
  return in;
}

Result<void> MeshClient::acknowledge(const std::string& messageId) {
  auto r = request("PUT", mailboxPath() + "/inbox/" + messageId + "/status/acknowledged", {}, "");
  if (!r) return tl::unexpected(r.error());
  return expectSuccess(*r, "acknowledge " + messageId);
}

Result<std::string> MeshClient::track(const std::string& messageId) {
  Poco::URI path(mailboxPath() + "/outbox/tracking");
  path.addQueryParameter("messageID", messageId);
  auto r = request("GET", path.getPathAndQuery(), {}, "");
  if (!r) return tl::unexpected(r.error());
  if (auto ok = expectSuccess(*r, "tracking " + messageId); !ok) {
    return tl::unexpected(ok.error());
  }
  return r->body;
}

Result<std::vector<std::string>> MeshClient::lookup(const std::string& ods,
                                                    const std::string& workflow) {
  auto r = request("GET", "/messageexchange/endpointlookup/" + ods + "/" + workflow, {}, "");
  if (!r) return tl::unexpected(r.error());
  if (auto ok = expectSuccess(*r, "endpoint lookup " + ods); !ok) {
    return tl::unexpected(ok.error());
  }
  std::vector<std::string> out;
  try {
    auto results = parseObject(r->body)->getArray("results");
    for (std::size_t i = 0; results && i < results->size(); ++i) {
      out.push_back(
          results->getObject(static_cast<unsigned>(i))->getValue<std::string>("mailbox_id"));
    }
  } catch (const Poco::Exception& e) {
    return fail(ErrorCode::kIoError, "endpoint lookup: " + e.displayText());
  }
  return out;
}

}  // namespace pathhub::mesh
