// The canonical model written as NHS003 MEDRPT: one message per report, in one interchange,
// laid out as medrpt_reader.h reads it (parties, report, patient, clinical details, specimens,
// investigations with RSL, RND, FTX). What NHS003 cannot carry is added to the model's
// warnings: embedded documents, per-result status, method and performer, parent-result links.
// Times are written as UK local time (CCYYMMDDHHMM, format 203), dates as CCYYMMDD (102).
#pragma once

#include <string>

#include "model/pathology.h"

namespace pathhub::edifact {

struct MedrptEnvelope {
  std::string sender, recipient;  // EDIFACT mailbox ids for UNB (default: the header's facilities)
  std::string reference = "1";    // the interchange reference
  // Ask for an NHSACK (UNB 0031) even when the message read did not.
  bool acknowledgementRequested = false;
  // The preparation time when the message has none (ISO 8601); "" for the clock's.
  std::string now;
};

std::string writeMedrpt(model::Message& message, const MedrptEnvelope& envelope = {});

}  // namespace pathhub::edifact
