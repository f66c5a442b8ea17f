// An NHS003 (and NHS002/NHS004) MEDRPT pathology report message read into the canonical
// model, following the NHS Pathology EDIFACT message implementation guide as the NHS
// lab-results adaptor reads it: S01 parties (NAD+PO requester, NAD+MR recipient, NAD+SLA
// laboratory), S02 the report (RFF+SRI, STS, DTM+ISR), S06/S07 the patient, S10 clinical
// information, S16 specimens, and the investigations (INV, RSL, RND, FTX). An investigation
// followed by SEQ is a group (a panel such as an FBC): it becomes a result without a value
// followed by its members. The field mapping is in core/model/README.md.
#pragma once

#include "edifact/edifact_syntax.h"
#include "model/pathology.h"

namespace pathhub::edifact {

// `interchange` supplies the sender and recipient (UNB) when the message came in one.
Result<model::Message> readMedrpt(const Message& message, const Interchange* interchange = nullptr);

}  // namespace pathhub::edifact
