// FHIR R4 message Bundles ⇄ the model: every ORU in the corpus goes v2 → FHIR → v2 keeping
// its mapped fields (what FHIR cannot carry is warned of, never silently dropped); every
// FHIR JSON sample in the corpus reads; bad bundles are refused with a JSON pointer.
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include "corpus.h"
#include "fhir/bundle_reader.h"
#include "fhir/bundle_writer.h"
#include "hl7/batch.h"
#include "hl7/message.h"
#include "model/v2_reader.h"
#include "model/v2_writer.h"
#include "model_compare.h"
#include "model_print.h"

namespace pathhub::fhir {
namespace {

model::Message readOru(const std::string& bytes) {
  auto parsed = hl7::Message::parse(bytes);
  EXPECT_TRUE(parsed);
  auto m = model::readV2(*parsed);
  EXPECT_TRUE(m) << m.error().describe();
  return m ? *m : model::Message{};
}

// Not carried by FHIR, with a warning (checked below): the unit of a non-numeric result.
void normalise(model::Observation& o) {
  testing::sameCodingOrder(o.code);
  if (o.value.kind != model::Value::Kind::kQuantity && o.value.kind != model::Value::Kind::kRange) {
    o.unit.clear();
  }
  o.value.quantity.unit = o.value.kind == model::Value::Kind::kQuantity ? o.unit : "";
}

TEST(FhirBundle, EveryOruGoesToFhirAndBackKeepingItsFields) {
  const auto messages = testing::corpusResults();
  ASSERT_GE(messages.size(), 15u);
  for (const std::string& bytes : messages) {
    model::Message original = readOru(bytes);
    model::Message toFhir = original;
    const std::string json = writeBundleJson(toFhir);
    auto fromFhir = readBundleJson(json);
    ASSERT_TRUE(fromFhir) << fromFhir.error().describe();
    // Not carried, with a warning: the v2 version, and an event other than ORU^R01.
    fromFhir->header.version = original.header.version;
    if (original.header.event != "ORU^R01") {
      bool warned = false;
      for (const auto& w : toFhir.warnings)
        warned |= w.find("event " + original.header.event) != std::string::npos;
      EXPECT_TRUE(warned) << original.header.event;
      fromFhir->header.event = original.header.event;
    }
    auto v2 = model::writeV2(*fromFhir);
    ASSERT_TRUE(v2) << v2.error().describe();
    model::Message back = readOru(v2->encode());
    EXPECT_EQ(original.header, back.header) << original.header.messageId;
    EXPECT_EQ(original.patient, back.patient) << original.header.messageId;
    EXPECT_EQ(original.specimens, back.specimens) << original.header.messageId;
    ASSERT_EQ(original.reports.size(), back.reports.size());
    for (std::size_t i = 0; i < original.reports.size(); ++i) {
      model::Report a = original.reports[i];
      model::Report b = back.reports[i];
      ASSERT_EQ(a.results.size(), b.results.size()) << original.header.messageId;
      for (std::size_t j = 0; j < a.results.size(); ++j) {
        if (!a.results[j].unit.empty() &&
            a.results[j].value.kind != model::Value::Kind::kQuantity &&
            a.results[j].value.kind != model::Value::Kind::kRange) {
          bool warned = false;
          for (const auto& w : toFhir.warnings)
            warned |= w.find("unit '" + a.results[j].unit) != std::string::npos;
          EXPECT_TRUE(warned) << a.results[j].unit;
        }
        normalise(a.results[j]);
        normalise(b.results[j]);
        EXPECT_EQ(a.results[j], b.results[j])
            << original.header.messageId << " report " << i << " result " << j;
      }
      a.results.clear();
      b.results.clear();
      testing::sameCodingOrder(a.code);
      testing::sameCodingOrder(b.code);
      // A document whose data is not base64 (the genomics sample's is cut short, "JVBERi0x...")
      // is not written to FHIR, with a warning.
      bool notBase64 = false;
      for (const auto& w : toFhir.warnings)
        notBase64 |= w.find("is not base64") != std::string::npos;
      if (notBase64) a.documents = b.documents;
      EXPECT_EQ(a, b) << original.header.messageId << " report " << i;
    }
  }
}

TEST(FhirBundle, FollowsTheNhsEnglandShape) {
  model::Message m = readOru(hl7::normalizeSegmentSeparators(
      testing::readCorpusFile("hl7v2/oru_r01_dhcw_hba1c_fbc_corrected_v251.hl7")));
  auto bundle = writeBundle(m);
  EXPECT_EQ(bundle->getValue<std::string>("type"), "message");
  auto entries = bundle->getArray("entry");
  ASSERT_GT(entries->size(), 3u);
  auto header = entries->getObject(0)->getObject("resource");
  EXPECT_EQ(header->getValue<std::string>("resourceType"), "MessageHeader");
  EXPECT_EQ(header->getObject("eventCoding")->getValue<std::string>("code"),
            "unsolicited-observations");
  std::set<std::string> types;
  for (std::size_t i = 0; i < entries->size(); ++i) {
    auto entry = entries->getObject(static_cast<unsigned>(i));
    EXPECT_EQ(entry->getValue<std::string>("fullUrl").rfind("urn:uuid:", 0), 0u);
    auto resource = entry->getObject("resource");
    types.insert(resource->getValue<std::string>("resourceType"));
    if (resource->getValue<std::string>("resourceType") == "Patient") {
      auto id = resource->getArray("identifier")->getObject(0);
      EXPECT_EQ(id->getValue<std::string>("system"), "https://fhir.nhs.uk/Id/nhs-number");
      EXPECT_EQ(id->getValue<std::string>("value"), "5189214567");
    }
  }
  for (const char* t : {"MessageHeader", "Patient", "ServiceRequest", "DiagnosticReport",
                        "Observation", "Specimen"}) {
    EXPECT_TRUE(types.count(t)) << t;
  }
  // Decimals keep their precision in the JSON text.
  model::Message again = m;
  const std::string json = writeBundleJson(again);
  EXPECT_EQ(json, writeBundleJson(m)) << "the same message gives the same Bundle";
}

TEST(FhirBundle, WritesDecimalsExactly) {
  model::Message m;
  m.header.messageId = "D1";
  model::Report r;
  model::Observation o;
  o.code = {"1", "x", "", {}};
  o.value.kind = model::Value::Kind::kQuantity;
  o.value.quantity = {"5.20", "<", "mmol/L"};
  r.results.push_back(o);
  m.reports.push_back(r);
  const std::string json = writeBundleJson(m);
  EXPECT_NE(json.find(R"("valueQuantity":{"value":5.20,"comparator":"<","unit":"mmol/L",)"
                      R"("system":"http://unitsofmeasure.org","code":"mmol/L"})"),
            std::string::npos)
      << json;
}

TEST(FhirBundle, PointsAtReportsHeldElsewhereWithAnAttachmentUrl) {
  model::Message m;
  m.header.messageId = "RP1";
  model::Report r;
  r.documents.push_back({"application/pdf", "", "Report PDF", "https://docs.lab.example/F1.pdf"});
  m.reports.push_back(r);
  model::Message copy = m;
  const std::string json = writeBundleJson(copy);
  EXPECT_NE(json.find(R"("presentedForm":[{"contentType":"application/pdf",)"
                      R"("url":"https://docs.lab.example/F1.pdf","title":"Report PDF"}])"),
            std::string::npos)
      << json;
  for (auto back : {readBundleJson(json), readBundleXml(writeBundleXml(copy))}) {
    ASSERT_TRUE(back) << back.error().text;
    EXPECT_EQ(back->reports.at(0).documents, m.reports[0].documents);
  }
}

TEST(FhirBundle, CodesUnitsInUcumThroughTheTableOnly) {
  model::Message m;
  m.header.messageId = "U1";
  model::Report r;
  for (const char* unit : {"x10^9/L", "IU/L", "mg/dl", "furlongs"}) {
    model::Observation o;
    o.code = {"1", "x", "", {}};
    o.value.kind = model::Value::Kind::kQuantity;
    o.value.quantity = {"1", "", unit};
    r.results.push_back(o);
  }
  m.reports.push_back(r);
  const std::string json = writeBundleJson(m);
  EXPECT_NE(json.find(R"("unit":"x10^9/L","system":"http://unitsofmeasure.org","code":"10*9/L")"),
            std::string::npos);
  EXPECT_NE(json.find(R"("code":"[IU]/L")"), std::string::npos);
  EXPECT_NE(json.find(R"("unit":"mg/dl","system":"http://unitsofmeasure.org","code":"mg/dL")"),
            std::string::npos);
  EXPECT_NE(json.find(R"("unit":"furlongs"})"), std::string::npos) << json;
  bool warned = false;
  for (const auto& w : m.warnings)
    warned |= w.find("'furlongs' is not in the UCUM table") != std::string::npos;
  EXPECT_TRUE(warned);
}

TEST(FhirBundle, LinksSensitivitiesToTheIsolateTheyWereMeasuredOn) {
  model::Message m;
  m.header.messageId = "MICRO1";
  model::Report culture;
  culture.fillerOrder = "20V042424";
  for (const char* sub : {"1", "2"}) {
    model::Observation isolate;
    isolate.code = {"ISOLATE", "Isolate", "WinPath", {}};
    isolate.subId = sub;
    isolate.value.kind = model::Value::Kind::kCoded;
    isolate.value.coded = {sub[0] == '1' ? "KLEOXY" : "PROMIR", "", "", {}};
    culture.results.push_back(isolate);
  }
  model::Report sensitivities;
  sensitivities.fillerOrder = "20V042424";
  sensitivities.parentFiller = "20V042424";
  sensitivities.parentCode = "ISOLATE";
  sensitivities.parentSubId = "2";
  model::Observation amikacin;
  amikacin.code = {"VAK", "Amikacin", "WinPath", {}};
  amikacin.interpretation = {"S"};
  sensitivities.results.push_back(amikacin);
  m.reports = {culture, sensitivities};

  model::Message copy = m;
  Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
  auto bundle = parser.parse(writeBundleJson(copy)).extract<Poco::JSON::Object::Ptr>();
  std::string isolate2, derivedFrom;
  auto entries = bundle->getArray("entry");
  for (std::size_t i = 0; i < entries->size(); ++i) {
    auto e = entries->getObject(static_cast<unsigned>(i));
    auto r = e->getObject("resource");
    if (r->getValue<std::string>("resourceType") != "Observation") continue;
    auto code =
        r->getObject("code")->getArray("coding")->getObject(0)->getValue<std::string>("code");
    if (code == "ISOLATE" &&
        r->getArray("identifier")->getObject(0)->getValue<std::string>("value") == "2") {
      isolate2 = e->getValue<std::string>("fullUrl");
    }
    if (code == "VAK") {
      derivedFrom = r->getArray("derivedFrom")->getObject(0)->getValue<std::string>("reference");
    }
  }
  EXPECT_FALSE(isolate2.empty());
  EXPECT_EQ(derivedFrom, isolate2);
  // And the link reads back exactly, from JSON and from XML.
  for (auto back : {readBundleJson(writeBundleJson(copy)), readBundleXml(writeBundleXml(copy))}) {
    ASSERT_TRUE(back);
    ASSERT_EQ(back->reports.size(), 2u);
    EXPECT_EQ(back->reports[1].parentFiller, "20V042424");
    EXPECT_EQ(back->reports[1].parentCode, "ISOLATE");
    EXPECT_EQ(back->reports[1].parentSubId, "2");
  }
}

TEST(FhirBundle, ReadsEveryFhirJsonSampleOfTheCorpus) {
  int read = 0;
  for (const auto& f : testing::corpusFiles("fhir")) {
    if (f.extension() != ".json") continue;
    auto m = readBundleJson(testing::readFile(f));
    ASSERT_TRUE(m) << f << ": " << m.error().describe();
    if (f.filename().string().find("request") != std::string::npos) continue;
    EXPECT_FALSE(m->reports.empty()) << f;
    EXPECT_FALSE(m->patient.name.family.empty()) << f;
    ++read;
  }
  EXPECT_GE(read, 4);
}

TEST(FhirBundle, ReadsTheNhsEnglandHba1cReport) {
  auto m =
      readBundleJson(testing::readCorpusFile("fhir/nhse_path_r4_hba1c_report_message_bundle.json"));
  ASSERT_TRUE(m) << m.error().describe();
  EXPECT_EQ(m->header.event, "ORU^R01");
  EXPECT_EQ(m->header.sendingFacility, "Y8J7D");
  EXPECT_EQ(m->header.receivingFacility, "B82033");
  EXPECT_EQ(m->patient.nhsNumber, "9727710638");
  EXPECT_EQ(m->patient.nhsNumberStatus, "01");
  EXPECT_EQ(m->patient.birthDate, "1972-08-23");
  EXPECT_EQ(m->patient.sex, "male");
  ASSERT_EQ(m->reports.size(), 1u);
  const model::Report& r = m->reports[0];
  EXPECT_EQ(r.status, "final");
  EXPECT_EQ(r.placerOrder, "REQ-20220129-000241");
  EXPECT_EQ(r.requester.name.family, "GASKELL");
  ASSERT_EQ(m->specimens.size(), 1u);
  EXPECT_EQ(m->specimens[0].type.code, "122555007");
  EXPECT_EQ(m->specimens[0].collectedAt, "2022-01-29T10:18:00+00:00");
  ASSERT_FALSE(r.results.empty());
  EXPECT_EQ(r.results[0].value.quantity.value, "54");
  EXPECT_EQ(r.results[0].value.quantity.unit, "mmol/mol");
}

TEST(FhirBundle, RefusesBadBundlesNamingThePlace) {
  auto notJson = readBundleJson("{\"resourceType\": ");
  ASSERT_FALSE(notJson);
  EXPECT_NE(notJson.error().text.find("does not parse"), std::string::npos);
  auto wrongType = readBundleJson(R"({"resourceType": "Patient"})");
  ASSERT_FALSE(wrongType);
  EXPECT_EQ(wrongType.error().text, "FHIR Bundle /resourceType: expected Bundle, found 'Patient'");
  auto broken = readBundleJson(R"({"resourceType": "Bundle", "type": "message", "entry": [
      {"fullUrl": "urn:uuid:h", "resource": {"resourceType": "MessageHeader",
        "focus": [{"reference": "urn:uuid:r"}]}},
      {"fullUrl": "urn:uuid:r", "resource": {"resourceType": "DiagnosticReport", "status": "final",
        "result": [{"reference": "urn:uuid:missing"}]}}]})");
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().text,
            "FHIR Bundle /entry/1/resource/result/0: no entry has fullUrl urn:uuid:missing");
  auto noHeader = readBundleJson(R"({"resourceType": "Bundle", "entry": [{"resource": {}}]})");
  ASSERT_FALSE(noHeader);
  EXPECT_EQ(noHeader.error().text,
            "FHIR Bundle /entry/0/resource: missing, or without a resourceType");
}

}  // namespace
}  // namespace pathhub::fhir
