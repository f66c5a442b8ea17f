// The offline checks of an outgoing pathology message Bundle (fhir/bundle_check.h): every
// corpus result the writer turns into a Bundle passes them, and hand-made breaches of each
// constraint — the kind a mapping script or a broken conversion could make — are named.
#include "fhir/bundle_check.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <sstream>

#include "corpus.h"
#include "fhir/bundle_writer.h"
#include "hl7/batch.h"
#include "hl7/message.h"
#include "model/v2_reader.h"

namespace pathhub::fhir {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

// One Bundle per patient of every ORU in the corpus (as the hub would send them).
std::vector<std::string> corpusBundles() {
  std::vector<std::string> out;
  for (const std::string& result : testing::corpusResults()) {
    auto message = hl7::Message::parse(result);
    if (!message) continue;
    auto models = model::readV2Split(*message, model::LocalZone::london());
    if (!models) continue;
    for (auto& m : *models) out.push_back(writeBundleJson(m));
  }
  return out;
}

std::string joined(const std::vector<std::string>& problems) {
  std::string out;
  for (const auto& p : problems) out += "\n  " + p;
  return out;
}

TEST(BundleCheck, EveryCorpusResultTheWriterMakesPasses) {
  const auto bundles = corpusBundles();
  ASSERT_GE(bundles.size(), 15u);
  for (const auto& b : bundles) {
    const auto problems = checkPathologyMessage(b);
    EXPECT_TRUE(problems.empty()) << joined(problems) << "\n" << b.substr(0, 400);
  }
}

// A good bundle, parsed, to break one constraint at a time.
class BrokenBundle : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string bytes = hl7::normalizeSegmentSeparators(
        testing::readCorpusFile("hl7v2/oru_r01_dhcw_hba1c_fbc_corrected_v251.hl7"));
    auto message = hl7::Message::parse(bytes);
    ASSERT_TRUE(message);
    auto models = model::readV2Split(*message, model::LocalZone::london());
    ASSERT_TRUE(models);
    const std::string json = writeBundleJson(models->front());
    ASSERT_TRUE(checkPathologyMessage(json).empty()) << joined(checkPathologyMessage(json));
    bundle_ = Poco::JSON::Parser().parse(json).extract<Object::Ptr>();
  }
  Array::Ptr entries() { return bundle_->getArray("entry"); }
  // The first entry's resource of this type.
  Object::Ptr first(const std::string& type) {
    for (std::size_t i = 0; i < entries()->size(); ++i) {
      Object::Ptr r = entries()->getObject(i)->getObject("resource");
      if (r->getValue<std::string>("resourceType") == type) return r;
    }
    ADD_FAILURE() << "no " << type;
    return new Object;
  }
  // The problems of the bundle as it now is, as one text.
  std::string problems() {
    std::ostringstream out;
    bundle_->stringify(out);
    return joined(checkPathologyMessage(out.str()));
  }
  Object::Ptr bundle_;
};

TEST_F(BrokenBundle, NotAMessageIsNamed) {
  bundle_->set("type", "collection");
  EXPECT_NE(problems().find("Bundle.type is 'collection', not 'message'"), std::string::npos)
      << problems();
}

TEST_F(BrokenBundle, AResultWithoutStatusOrCodeIsNamed) {
  Object::Ptr observation = first("Observation");
  observation->remove("status");
  observation->set("code", Object::Ptr(new Object));
  const std::string found = problems();
  EXPECT_NE(found.find("(Observation): status missing"), std::string::npos) << found;
  EXPECT_NE(found.find("(Observation): code says nothing"), std::string::npos) << found;
}

// A report a practice could not match a correction to: no identifier, or only empty ones.
TEST_F(BrokenBundle, AReportWithoutItsLabNumberIsNamed) {
  Object::Ptr report = first("DiagnosticReport");
  Array::Ptr empty = new Array;
  Object::Ptr blank = new Object;
  blank->set("system", "https://lab.example.nhs.uk/report");
  empty->add(blank);
  report->set("identifier", empty);
  std::string found = problems();
  EXPECT_NE(found.find("(DiagnosticReport): no identifier with a value (the lab's report number)"),
            std::string::npos)
      << found;
  report->remove("identifier");
  found = problems();
  EXPECT_NE(found.find("(DiagnosticReport): no identifier with a value"), std::string::npos)
      << found;
}

// What R4 asks of the message and of a result's value, unit and range: a header saying who
// sent it, a unit code with its system (qty-3), a number that is a number, not a value and a
// reason for its absence both (obs-6), and references that point at the right kind of entry.
TEST_F(BrokenBundle, AValueUnitOrStructureR4ForbidsIsNamed) {
  first("MessageHeader")->getObject("source")->remove("endpoint");
  Object::Ptr observation;
  for (std::size_t i = 0; i < entries()->size() && !observation; ++i) {
    Object::Ptr r = entries()->getObject(i)->getObject("resource");
    if (r->getValue<std::string>("resourceType") == "Observation" && r->has("valueQuantity")) {
      observation = r;
    }
  }
  ASSERT_TRUE(observation);
  Object::Ptr quantity = observation->getObject("valueQuantity");
  quantity->remove("system");
  quantity->set("value", "49");
  Object::Ptr absent = new Object;
  absent->set("text", "not done");
  observation->set("dataAbsentReason", absent);
  // The report's result pointing at the Patient instead of an Observation.
  Object::Ptr report = first("DiagnosticReport");
  Object::Ptr patientRef = new Object;
  patientRef->set("reference", report->getObject("subject")->getValue<std::string>("reference"));
  Array::Ptr results = new Array;
  results->add(patientRef);
  report->set("result", results);
  const std::string found = problems();
  for (const char* expected :
       {"MessageHeader.source has no endpoint", "valueQuantity: unit code 'mmol/mol' without",
        "valueQuantity: value '49' is text, not a number",
        "(Observation): a value and a dataAbsentReason both",
        "(DiagnosticReport): result urn:uuid:"}) {
    EXPECT_NE(found.find(expected), std::string::npos) << expected << "\n" << found;
  }
  EXPECT_NE(found.find("is a Patient, which result cannot name"), std::string::npos) << found;
}

TEST_F(BrokenBundle, AReferenceToNothingInTheBundleIsNamed) {
  Object::Ptr subject = new Object;
  subject->set("reference", "urn:uuid:00000000-0000-0000-0000-000000000000");
  first("Observation")->set("subject", subject);
  const std::string found = problems();
  EXPECT_NE(found.find("reference urn:uuid:00000000-0000-0000-0000-000000000000 is not in the"),
            std::string::npos)
      << found;
  EXPECT_NE(found.find("is not the bundle's Patient"), std::string::npos) << found;
}

TEST_F(BrokenBundle, AnNhsNumberFailingItsCheckDigitIsNamed) {
  Array::Ptr ids = first("Patient")->getArray("identifier");
  bool changed = false;
  for (std::size_t i = 0; ids && i < ids->size(); ++i) {
    Object::Ptr id = ids->getObject(i);
    if (id->optValue<std::string>("system", "") != "https://fhir.nhs.uk/Id/nhs-number") continue;
    std::string value = id->getValue<std::string>("value");
    value.back() = value.back() == '0' ? '1' : '0';  // another check digit
    id->set("value", value);
    changed = true;
  }
  ASSERT_TRUE(changed) << "the sample has an NHS number";
  EXPECT_NE(problems().find("is not ten digits with a right check digit"), std::string::npos)
      << problems();
}

TEST_F(BrokenBundle, TheHeaderNotFirstOrASecondPatientIsNamed) {
  // A second Patient (another person's identity in the same report).
  Object::Ptr patientEntry;
  for (std::size_t i = 0; i < entries()->size(); ++i) {
    Object::Ptr e = entries()->getObject(i);
    if (e->getObject("resource")->getValue<std::string>("resourceType") == "Patient") {
      patientEntry = e;
    }
  }
  ASSERT_TRUE(patientEntry);
  Object::Ptr other = new Object(*patientEntry);
  other->set("fullUrl", "urn:uuid:11111111-1111-1111-1111-111111111111");
  entries()->add(other);
  // The MessageHeader moved to the end.
  Object::Ptr header = entries()->getObject(0);
  entries()->remove(0);
  entries()->add(header);
  const std::string found = problems();
  EXPECT_NE(found.find("holds 2 Patients"), std::string::npos) << found;
  EXPECT_NE(found.find("not the MessageHeader"), std::string::npos) << found;
}

TEST(BundleCheck, WhatIsNotABundleIsNamed) {
  EXPECT_FALSE(checkPathologyMessage("not json").empty());
  EXPECT_FALSE(checkPathologyMessage("[]").empty());
  const auto empty = checkPathologyMessage(R"({"resourceType":"Bundle","type":"message"})");
  EXPECT_NE(joined(empty).find("no entries"), std::string::npos) << joined(empty);
}

}  // namespace
}  // namespace pathhub::fhir
