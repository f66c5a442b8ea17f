// Test calls of the operations API (see api_client.h).
#include "api_client.h"

#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

namespace pathhub::testing {

ApiAnswer apiCall(std::uint16_t port, const std::string& token, const std::string& method,
                  const std::string& target, const std::string& body) {
  Poco::Net::HTTPClientSession session("127.0.0.1", port);
  session.setTimeout(Poco::Timespan(30, 0));
  Poco::Net::HTTPRequest request(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
  request.set("Authorization", "Bearer " + token);
  if (!body.empty()) {
    request.setContentType("application/json");
    request.setContentLength(static_cast<std::streamsize>(body.size()));
  }
  session.sendRequest(request) << body;
  Poco::Net::HTTPResponse response;
  ApiAnswer out;
  Poco::StreamCopier::copyToString(session.receiveResponse(response), out.body);
  out.status = static_cast<int>(response.getStatus());
  try {
    out.json = Poco::JSON::Parser().parse(out.body).extract<Poco::JSON::Object::Ptr>();
  } catch (const Poco::Exception&) {
    out.json = nullptr;
  }
  return out;
}

ApiAnswer apiGet(std::uint16_t port, const std::string& token, const std::string& target) {
  return apiCall(port, token, "GET", target, "");
}

}  // namespace pathhub::testing
