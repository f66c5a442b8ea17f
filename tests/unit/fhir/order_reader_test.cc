// FHIR laboratory orders (the NHS England request bundles of the corpus, JSON and XML) read
// as OML^O21; report bundles are not orders.
#include "fhir/order_reader.h"

#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include "corpus.h"
#include "fhir/fhir_xml.h"
#include "hl7/message.h"

namespace pathhub::fhir {
namespace {

Poco::JSON::Object::Ptr json(const std::string& file) {
  return Poco::JSON::Parser()
      .parse(testing::readCorpusFile(file))
      .extract<Poco::JSON::Object::Ptr>();
}

TEST(FhirOrder, ARequestBundleBecomesAnOml) {
  auto bundle = json("fhir/nhse_path_r4_hba1c_request_message_bundle.json");
  ASSERT_TRUE(isOrderBundle(bundle));
  auto oml = orderBundleToOml(bundle);
  ASSERT_TRUE(oml) << oml.error().text;
  auto m = hl7::Message::parse(*oml);
  ASSERT_TRUE(m) << m.error().describe();
  EXPECT_EQ(m->messageType(), "OML");
  EXPECT_EQ(m->controlId(), "a37a0ee9-7a32-47d0-a72f-876d6c26e540");
  EXPECT_EQ(*m->get("MSH-4"), "B82033");
  EXPECT_EQ(*m->get("MSH-6"), "Y8J7D");
  EXPECT_EQ(*m->get("PID-3.1"), "9727710638");
  EXPECT_EQ(*m->get("PID-3.5"), "NH");
  EXPECT_EQ(*m->get("ORC-1"), "NW");
  EXPECT_EQ(*m->get("ORC-2"), "REQ-20220129-000241");
  EXPECT_EQ(*m->get("ORC-21.3"), "B82033");
  EXPECT_EQ(*m->get("OBR-4.1"), "43396009");
  EXPECT_EQ(*m->get("OBR-4.3"), "SCT");
}

TEST(FhirOrder, EachServiceRequestOfAnXmlBundleIsAnOrderGroup) {
  auto bundle =
      xmlToJson(testing::readCorpusFile("fhir/nhse_path_r4_lipids_hba1c_request_bundle.xml"));
  ASSERT_TRUE(bundle) << bundle.error().text;
  auto oml = orderBundleToOml(*bundle);
  ASSERT_TRUE(oml) << oml.error().text;
  auto m = hl7::Message::parse(*oml);
  ASSERT_TRUE(m);
  ASSERT_EQ(m->segmentIndexes("ORC").size(), 2u);
  EXPECT_EQ(*m->get("ORC[2]-2"), "REQ-20220704-000027-002");
  EXPECT_EQ(*m->get("OBR[1]-4.1"), "271244005");
}

TEST(FhirOrder, AReportIsNoOrderAndAnOrderWithoutACodeIsRefused) {
  EXPECT_FALSE(isOrderBundle(json("fhir/nhse_path_r4_hba1c_report_message_bundle.json")));
  auto bundle = json("fhir/nhse_path_r4_hba1c_request_message_bundle.json");
  auto entries = bundle->getArray("entry");
  for (std::size_t i = 0; i < entries->size(); ++i) {
    auto r = entries->getObject(static_cast<unsigned>(i))->getObject("resource");
    if (r->getValue<std::string>("resourceType") == "ServiceRequest") r->remove("code");
  }
  auto refused = orderBundleToOml(bundle);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().text.find("/code/coding: no test code"), std::string::npos);
}

}  // namespace
}  // namespace pathhub::fhir
