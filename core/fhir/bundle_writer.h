// The canonical model written as a FHIR R4 message Bundle, following UK Core and the NHS
// England pathology profiles: MessageHeader (event unsolicited-observations, sender and
// receiver by ODS code, focus on the reports), Organization, Practitioner/PractitionerRole,
// Patient (NHS number under https://fhir.nhs.uk/Id/nhs-number), ServiceRequest, Specimen,
// DiagnosticReport and Observation, all with urn:uuid: fullUrls. The uuids are derived from
// the message id, so the same message always gives the same Bundle. Which model field becomes
// which element is the table in core/model/README.md; what FHIR cannot carry is added to the
// message's warnings.
#pragma once

#include <Poco/JSON/Object.h>

#include <string>

#include "model/pathology.h"

namespace pathhub::fhir {

struct WriteOptions {
  // The namespace of a lab's own coding systems (fhir_systems.h): "" for
  // urn:pathhub:code-system:<sending facility>:<name>.
  std::string localCodeSystems;
};

Poco::JSON::Object::Ptr writeBundle(model::Message& message, const WriteOptions& options = {});
std::string writeBundleJson(model::Message& message, bool pretty = false,
                            const WriteOptions& options = {});
std::string writeBundleXml(model::Message& message, bool pretty = false,
                           const WriteOptions& options = {});
// An order (model::readV2Orders) as the NHS England pathology request message: MessageHeader
// event laboratory-order with the ServiceRequests in focus, each with its code, requester,
// priority, status (RequestStatus), specimens, notes, and the answers to the questions asked
// at order entry as Observations in supportingInfo. No DiagnosticReport: an order is no report.
std::string writeRequestBundleJson(model::Message& order, bool pretty = false,
                                   const WriteOptions& options = {});
std::string writeRequestBundleXml(model::Message& order, bool pretty = false,
                                  const WriteOptions& options = {});

}  // namespace pathhub::fhir
