// The code systems and identifier systems the FHIR conversions write and recognise, in one
// place. `urn:pathhub:…` systems are pathhub's own, for HL7 v2 values FHIR has no element
// for (an OBX-4 sub-id, a v2 control id); they are documented in core/fhir/README.md.
#pragma once

#include <string>

namespace pathhub::fhir::systems {

inline constexpr const char* kNhsNumber = "https://fhir.nhs.uk/Id/nhs-number";
inline constexpr const char* kOds = "https://fhir.nhs.uk/Id/ods-organization-code";
inline constexpr const char* kGmc = "https://fhir.hl7.org.uk/Id/gmc-number";
inline constexpr const char* kGmp = "https://fhir.hl7.org.uk/Id/gmp-number";
inline constexpr const char* kNhsNumberStatusExtension =
    "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus";
inline constexpr const char* kNhsNumberStatus =
    "https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland";
inline constexpr const char* kMessageEvent = "https://fhir.nhs.uk/CodeSystem/message-event";
inline constexpr const char* kV2IdentifierType = "http://terminology.hl7.org/CodeSystem/v2-0203";
inline constexpr const char* kV2ServiceSection = "http://terminology.hl7.org/CodeSystem/v2-0074";
inline constexpr const char* kObservationCategory =
    "http://terminology.hl7.org/CodeSystem/observation-category";
inline constexpr const char* kInterpretation =
    "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
inline constexpr const char* kSnomed = "http://snomed.info/sct";
inline constexpr const char* kUcum = "http://unitsofmeasure.org";
// SNOMED CT 281296001 "Result comments": a report's comments travel as such an Observation.
inline constexpr const char* kResultCommentsCode = "281296001";
inline constexpr const char* kControlId = "urn:pathhub:hl7v2:control-id";
inline constexpr const char* kSubId = "urn:pathhub:hl7v2:obx-sub-id";
// On a DiagnosticReport: the result it hangs from (microbiology sensitivities under an
// isolate), as HL7 v2 names it: sub-extensions filler, code and subId (OBR-29, OBR-26).
inline constexpr const char* kParentResult = "urn:pathhub:hl7v2:parent-result";
// HL7 table 0916 (relevant clinical information): a specimen's fasting status.
inline constexpr const char* kFastingStatus = "http://terminology.hl7.org/CodeSystem/v2-0916";
// A lab's own coding system, named as the lab names it ("WinPath", "L"), as a URI in that
// lab's namespace: urn:pathhub:code-system:<sending facility>:<name>, percent-encoded.
inline constexpr const char* kLocalCodeSystemPrefix = "urn:pathhub:code-system:";
// A MessageHeader endpoint where the sender or receiver is known only by name or ODS code.
inline constexpr const char* kEndpointPrefix = "urn:pathhub:endpoint:";

std::string percentEncoded(const std::string& text);
std::string percentDecoded(const std::string& text);
// `base`, when set (a site's <codecSettings localCodeSystems>), replaces the default namespace:
// "https://pathology.example.nhs.uk/CodeSystem/" + the percent-encoded name.
std::string localCodeSystem(const std::string& facility, const std::string& name,
                            const std::string& base = {});
// The lab's own name of a system written by localCodeSystem (in the default namespace or
// under `base`); `uri` itself otherwise.
std::string localCodeName(const std::string& uri, const std::string& base = {});
std::string endpoint(const std::string& facility);

}  // namespace pathhub::fhir::systems
