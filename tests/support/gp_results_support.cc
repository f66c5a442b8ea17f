// What the GP-results end-to-end tests share (see gp_results_support.h).
#include "gp_results_support.h"

#include <Poco/JSON/Array.h>
#include <gtest/gtest.h>

#include "api_client.h"
#include "corpus.h"
#include "hl7/batch.h"
#include "hl7/message.h"
#include "hl7_parse.h"
#include "mllp/mllp_client.h"

namespace pathhub::testing {

std::string dhcwResultFor(const std::string& controlId, const std::string& practice,
                          bool labNumbers) {
  hl7::Message m = parseOk(hl7::normalizeSegmentSeparators(
      readCorpusFile("hl7v2/oru_r01_dhcw_hba1c_fbc_corrected_v251.hl7")));
  EXPECT_TRUE(m.set("MSH-10", controlId));
  for (std::size_t orc : m.segmentIndexes("ORC")) {
    EXPECT_TRUE(m.set(orc, hl7::Path::at("", 21, 1), "Practice"));
    EXPECT_TRUE(m.set(orc, hl7::Path::at("", 21, 3), practice));
  }
  if (!labNumbers) {
    for (std::size_t obr : m.segmentIndexes("OBR")) {
      EXPECT_TRUE(m.set(obr, hl7::Path::at("", 2), ""));
      EXPECT_TRUE(m.set(obr, hl7::Path::at("", 3), ""));
    }
  }
  return m.encode();
}

std::string sendOverMllp(std::uint16_t port, const std::string& message) {
  mllp::Client client({"127.0.0.1", port});
  auto reply = client.exchange(message);
  EXPECT_TRUE(reply);
  auto ack = hl7::Message::parse(reply ? *reply : "");
  return ack ? ack->get("MSA-1").value_or("") : "";
}

std::string hubMailboxKeys(const MeshTestServer& mesh, const std::string& sharedSecret) {
  return "url=\"" + mesh.url() + "\" mailbox=\"HUB01\" password=\"hub-password\" sharedSecret=\"" +
         sharedSecret + "\" timeoutMs=\"5000\"";
}

Poco::JSON::Object::Ptr GpApi::get(const std::string& target) const {
  const ApiAnswer a = apiGet(port_, token_, target);
  EXPECT_EQ(a.status, 200) << target << ": " << a.body;
  return a.json ? a.json : Poco::JSON::Object::Ptr(new Poco::JSON::Object);
}

std::int64_t GpApi::messageId(const std::string& channel, const std::string& controlId) const {
  auto list =
      get("/api/v1/messages?channel=" + channel + "&controlId=" + controlId)->getArray("messages");
  return list && list->size() ? list->getObject(0)->getValue<std::int64_t>("id") : 0;
}

GpApi::Delivery GpApi::delivery(std::int64_t id, const std::string& destination) const {
  Delivery out;
  auto d = get("/api/v1/messages/" + std::to_string(id))->getArray("deliveries");
  for (std::size_t i = 0; d && i < d->size(); ++i) {
    auto one = d->getObject(static_cast<unsigned>(i));
    if (one->getValue<std::string>("destination") != destination) continue;
    out.state = one->getValue<std::string>("state");
    out.lastError = one->optValue<std::string>("lastError", "");
    out.response = one->optValue<std::string>("response", "");
    auto answers = one->getArray("acknowledgements");
    for (std::size_t j = 0; answers && j < answers->size(); ++j) {
      auto a = answers->getObject(static_cast<unsigned>(j));
      out.answers.push_back(a->getValue<std::string>("state") +
                            (a->has("detail") ? ": " + a->getValue<std::string>("detail") : ""));
    }
  }
  return out;
}

std::vector<std::string> GpApi::history(std::int64_t id, const std::string& kind) const {
  std::vector<std::string> out;
  auto h = get("/api/v1/messages/" + std::to_string(id))->getArray("history");
  for (std::size_t i = 0; h && i < h->size(); ++i) {
    auto e = h->getObject(static_cast<unsigned>(i));
    if (e->getValue<std::string>("kind") == kind) out.push_back(e->getValue<std::string>("detail"));
  }
  return out;
}

}  // namespace pathhub::testing
