// FHIR XML: the corpus's XML bundles read; JSON and XML of the same bundle carry the same
// content, both ways; bad XML is refused with its line; entities are never expanded.
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include "corpus.h"
#include "fhir/bundle_reader.h"
#include "fhir/bundle_writer.h"
#include "fhir/fhir_xml.h"
#include "fhir/json_parse.h"
#include "hl7/batch.h"
#include "hl7/message.h"
#include "model/v2_reader.h"
#include "model_compare.h"
#include "model_print.h"

namespace pathhub::fhir {
namespace {

TEST(FhirXml, ReadsTheCorpusXmlBundlesAndResources) {
  int bundles = 0;
  for (const auto& f : testing::corpusFiles("fhir")) {
    if (f.extension() != ".xml") continue;
    const std::string xml = testing::readFile(f);
    auto json = xmlToJson(xml);
    ASSERT_TRUE(json) << f << ": " << json.error().describe();
    const std::string type = (*json)->getValue<std::string>("resourceType");
    if (type != "Bundle") {
      EXPECT_TRUE(type == "DiagnosticReport" || type == "Observation" || type == "ServiceRequest" ||
                  type == "Specimen")
          << f << ": " << type;
      continue;
    }
    auto m = readBundleXml(xml);
    ASSERT_TRUE(m) << f << ": " << m.error().describe();
    EXPECT_FALSE(m->patient.nhsNumber.empty()) << f;
    ++bundles;
  }
  EXPECT_GE(bundles, 4);
}

TEST(FhirXml, ReadsNestedObservationGroupsOfTheUrineCultureReport) {
  auto m = readBundleXml(testing::readCorpusFile("fhir/nhse_path_r4_urine_mcs_report_bundle.xml"));
  ASSERT_TRUE(m) << m.error().describe();
  ASSERT_FALSE(m->reports.empty());
  std::size_t results = 0;
  for (const auto& r : m->reports) results += r.results.size();
  EXPECT_GT(results, 5u);
}

TEST(FhirXml, KeepsObservationGroupsAsHasMember) {
  auto m =
      readBundleXml(testing::readCorpusFile("fhir/nhse_path_r4_fbc_report_message_bundle.xml"));
  ASSERT_TRUE(m) << m.error().describe();
  const auto& results = m->reports.at(0).results;
  ASSERT_FALSE(results.empty());
  // The FBC test group comes first and holds the counts that follow it.
  ASSERT_GT(results[0].members.size(), 5u);
  EXPECT_EQ(results[0].members.front(), 1u);
  // Written again: the group lists its members, the report lists only the group.
  model::Message copy = *m;
  Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
  auto bundle = parser.parse(writeBundleJson(copy)).extract<Poco::JSON::Object::Ptr>();
  auto entries = bundle->getArray("entry");
  std::size_t reportResults = 0, groupMembers = 0;
  for (std::size_t i = 0; i < entries->size(); ++i) {
    auto r = entries->getObject(static_cast<unsigned>(i))->getObject("resource");
    if (r->getValue<std::string>("resourceType") == "DiagnosticReport") {
      reportResults = r->getArray("result")->size();
    }
    if (r->has("hasMember")) groupMembers += r->getArray("hasMember")->size();
  }
  EXPECT_EQ(groupMembers, results[0].members.size());
  EXPECT_EQ(reportResults + groupMembers, results.size());
}

TEST(FhirXml, JsonAndXmlOfTheSameBundleCarryTheSameContent) {
  int compared = 0;
  // Bundles pathhub writes, from every corpus report.
  for (const std::string& result : testing::corpusResults()) {
    const std::string msh = result.substr(0, result.find('\r'));  // names it in a failure
    auto parsed = hl7::Message::parse(result);
    if (!parsed) continue;
    auto model = model::readV2(*parsed);
    if (!model) continue;
    model::Message a = *model, b = *model;
    auto viaJson = readBundleJson(writeBundleJson(a));
    auto viaXml = readBundleXml(writeBundleXml(b));
    ASSERT_TRUE(viaJson && viaXml) << msh;
    EXPECT_EQ(*viaJson, *viaXml) << msh;  // decimals exactly: both keep their text
    ++compared;
  }
  // And the corpus's own JSON bundles taken to XML.
  for (const auto& f : testing::corpusFiles("fhir")) {
    if (f.extension() != ".json") continue;
    auto parsed = parseJson(testing::readFile(f));
    ASSERT_TRUE(parsed) << f;
    auto object = parsed->extract<Poco::JSON::Object::Ptr>();
    auto viaJson = readBundle(object);
    auto viaXml = readBundleXml(jsonToXml(object));
    ASSERT_TRUE(viaJson) << f;
    ASSERT_TRUE(viaXml) << f << ": " << viaXml.error().describe();
    EXPECT_EQ(*viaJson, *viaXml) << f;
    ++compared;
  }
  EXPECT_GE(compared, 20);
}

TEST(FhirXml, RefusesBadXmlWithItsLineAndExpandsNoEntities) {
  auto broken =
      xmlToJson("<Bundle xmlns=\"http://hl7.org/fhir\">\n<type value=\"message\">\n</Bundle>");
  ASSERT_FALSE(broken);
  EXPECT_NE(broken.error().text.find("FHIR XML does not parse: line 3"), std::string::npos)
      << broken.error().text;
  auto foreign = xmlToJson("<Bundle xmlns=\"urn:other\"/>");
  ASSERT_FALSE(foreign);
  EXPECT_NE(foreign.error().text.find("not in the FHIR namespace"), std::string::npos);
  auto entity = xmlToJson(
      "<?xml version=\"1.0\"?><!DOCTYPE Bundle [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
      "<Bundle xmlns=\"http://hl7.org/fhir\"><type value=\"&x;\"/></Bundle>");
  if (entity) {
    const std::string type = (*entity)->getValue<std::string>("type");
    EXPECT_EQ(type.find("root:"), std::string::npos);
  }
}

TEST(FhirXml, NamesTheFaultyPlaceOfAnXmlBundleByXPath) {
  auto broken = readBundleXml(R"(<Bundle xmlns="http://hl7.org/fhir"><type value="message"/>
    <entry><fullUrl value="urn:uuid:h"/><resource><MessageHeader>
      <focus><reference value="urn:uuid:r"/></focus></MessageHeader></resource></entry>
    <entry><fullUrl value="urn:uuid:r"/><resource><DiagnosticReport><status value="final"/>
      <result><reference value="urn:uuid:missing"/></result></DiagnosticReport></resource></entry>
    </Bundle>)");
  ASSERT_FALSE(broken);
  EXPECT_EQ(
      broken.error().text,
      "FHIR XML /Bundle/entry[2]/resource/*/result[1]: no entry has fullUrl urn:uuid:missing");
  auto notBundle = readBundleXml(R"(<Patient xmlns="http://hl7.org/fhir"/>)");
  ASSERT_FALSE(notBundle);
  EXPECT_EQ(notBundle.error().text, "FHIR XML /*: expected Bundle, found 'Patient'");
}

TEST(FhirXml, WritesTheFhirXmlForm) {
  Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
  auto object = parser
                    .parse(R"({"resourceType": "Observation", "id": "o1", "status": "final",
      "extension": [{"url": "http://example.org/x", "valueString": "y"}],
      "code": {"coding": [{"system": "http://loinc.org", "code": "1"}, {"code": "2"}]},
      "valueQuantity": {"value": 5.2, "unit": "mmol/L"}})")
                    .extract<Poco::JSON::Object::Ptr>();
  const std::string xml = jsonToXml(object);
  EXPECT_NE(xml.find("<Observation xmlns=\"http://hl7.org/fhir\"><id value=\"o1\"/>"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<extension url=\"http://example.org/x\"><valueString value=\"y\"/>"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<coding><system value=\"http://loinc.org\"/><code value=\"1\"/></coding>"
                     "<coding><code value=\"2\"/></coding>"),
            std::string::npos)
      << xml;
  auto back = xmlToJson(xml);
  ASSERT_TRUE(back);
  EXPECT_EQ((*back)->getObject("code")->getArray("coding")->size(), 2u);
  EXPECT_EQ((*back)->getArray("extension") ? 1u : 0u, 0u);  // one extension: an object in XML
  EXPECT_EQ((*back)->getObject("extension")->getValue<std::string>("url"), "http://example.org/x");
}

}  // namespace
}  // namespace pathhub::fhir
