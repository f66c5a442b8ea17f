// The record's FHIR search parameters (see fhir_search.h).
#include "record/fhir_search.h"

#include <charconv>
#include <set>
#include <vector>

#include "hl7/types.h"
#include "record/instants.h"

namespace pathhub::record {
namespace {

std::vector<std::string> splitCommas(const std::string& value) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const auto comma = value.find(',', start);
    out.push_back(value.substr(start, comma == std::string::npos ? comma : comma - start));
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

std::vector<std::string> tokens(const std::string& name, const std::string& value) {
  auto out = splitCommas(value);
  for (const auto& t : out) {
    if (t.empty() || t == "|") throw SearchError(name, "an empty token");
  }
  return out;
}

int number(const std::string& name, const std::string& value, int min, int max) {
  int n = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (ec != std::errc() || end != value.data() + value.size() || n < min || n > max) {
    throw SearchError(name, "'" + value + "' is not a whole number from " + std::to_string(min) +
                                " to " + std::to_string(max));
  }
  return n;
}

// One date parameter as bounds on the effective time.
void addDate(const std::string& value, std::vector<journal::RecordQuery::DateBound>& out) {
  std::string prefix = "eq", iso = value;
  if (value.size() > 2 && std::isalpha(static_cast<unsigned char>(value[0]))) {
    prefix = value.substr(0, 2);
    iso = value.substr(2);
  }
  static const std::set<std::string> kPrefixes = {"eq", "ge", "gt", "le", "lt"};
  if (!kPrefixes.count(prefix)) {
    throw SearchError("date", "the prefix '" + prefix + "' is not supported (eq, ge, gt, le, lt)");
  }
  const auto start = epochMs(iso);
  const auto end = periodEndMs(iso);
  if (!start || !end) throw SearchError("date", "'" + iso + "' is not an ISO 8601 date or time");
  if (prefix == "eq") {
    out.push_back({"ge", *start});
    out.push_back({"lt", *end});
  } else if (prefix == "ge") {
    out.push_back({"ge", *start});
  } else if (prefix == "gt") {
    out.push_back({"ge", *end});
  } else if (prefix == "le") {
    out.push_back({"lt", *end});
  } else {
    out.push_back({"lt", *start});
  }
}

}  // namespace

std::string nhsNumberOf(const std::string& parameter, const std::string& token) {
  std::string number = token;
  if (const auto bar = token.find('|'); bar != std::string::npos) {
    if (token.substr(0, bar) != kNhsNumberSystem) {
      throw SearchError(parameter, "the record is searched by NHS number: the system must be " +
                                       std::string(kNhsNumberSystem));
    }
    number = token.substr(bar + 1);
  }
  if (!hl7::isValidNhsNumber(number)) {
    throw SearchError(parameter,
                      "'" + number + "' is not a valid NHS number (ten digits, modulus 11)");
  }
  return number;
}

Search parseSearch(const std::string& type, const std::multimap<std::string, std::string>& params) {
  Search s;
  s.type = type;
  std::set<std::string> allowed;
  if (type == "Patient") {
    allowed = {"identifier", "_format"};
  } else if (type == "DiagnosticReport") {
    allowed = {"patient.identifier",
               "subject:identifier",
               "date",
               "category",
               "code",
               "status",
               "_include",
               "_sort",
               "_count",
               "_offset",
               "_format"};
  } else if (type == "Observation") {
    allowed = {"patient.identifier",
               "subject:identifier",
               "date",
               "code",
               "status",
               "_sort",
               "_count",
               "_offset",
               "_format"};
  } else {
    throw SearchError("type",
                      "the record holds Patient, DiagnosticReport and Observation"
                      " searches, not " +
                          type);
  }
  for (const auto& [name, value] : params) {
    if (!allowed.count(name)) {
      throw SearchError(name, "not a search parameter the record supports for " + type);
    }
    if (name == "identifier" || name == "patient.identifier" || name == "subject:identifier") {
      const std::string nhs = nhsNumberOf(name, value);
      if (!s.query.nhsNumber.empty() && s.query.nhsNumber != nhs) {
        throw SearchError(name, "names a second patient");
      }
      s.query.nhsNumber = nhs;
    } else if (name == "date") {
      addDate(value, s.query.dates);
    } else if (name == "category") {
      s.query.categories.push_back(tokens(name, value));
    } else if (name == "code") {
      s.query.codes.push_back(tokens(name, value));
    } else if (name == "status") {
      s.query.statuses.push_back(tokens(name, value));
    } else if (name == "_include") {
      if (value == "DiagnosticReport:result") {
        s.includeResults = true;
      } else if (value == "DiagnosticReport:specimen") {
        s.includeSpecimens = true;
      } else {
        throw SearchError(name, "'" + value +
                                    "' is not supported (DiagnosticReport:result,"
                                    " DiagnosticReport:specimen)");
      }
    } else if (name == "_sort") {
      if (value != "-date" && value != "date") {
        throw SearchError(name, "'" + value + "' is not supported (date, -date)");
      }
      s.query.newestFirst = value == "-date";
    } else if (name == "_count") {
      s.query.count = number(name, value, 0, 500);
    } else if (name == "_offset") {
      s.query.offset = number(name, value, 0, 100000000);
    } else if (name == "_format") {
      if (value != "json" && value != "application/fhir+json" && value != "application/json") {
        throw SearchError(name, "the record answers in JSON only");
      }
    }
  }
  if (s.query.nhsNumber.empty()) {
    throw SearchError(type == "Patient" ? "identifier" : "patient.identifier",
                      "the record is searched one patient at a time, by NHS number");
  }
  return s;
}

bool isPurposeOfUse(const std::string& code) {
  // HL7 v3 PurposeOfUse (the value set of ActReason's purpose-of-use concepts).
  static const std::set<std::string> kCodes = {
      "BIORCH",      "BTG",       "CAREMGT",  "CLINTRCH",  "CLINTRCHNPC", "CLINTRCHPC", "CLINTRL",
      "CLMATTCH",    "COC",       "COVAUTH",  "COVERAGE",  "DECEASED",    "DISASTER",   "DONAT",
      "DSRCH",       "ELIGDTRM",  "ELIGVER",  "ENROLLM",   "ERTREAT",     "ETREAT",     "FAMRQT",
      "FRAUD",       "GOV",       "HACCRED",  "HCOMPL",    "HDECD",       "HDIRECT",    "HDM",
      "HLEGAL",      "HMARKT",    "HOPERAT",  "HOUTCOMS",  "HPAYMT",      "HPRGRP",     "HQUALIMP",
      "HRESCH",      "HSYSADMIN", "HTEST",    "LABELING",  "MEMADMIN",    "METAMGT",    "MILCDM",
      "MILDCRG",     "PATADMIN",  "PATRQT",   "PATSFTY",   "PERFMSR",     "POARCH",     "POPHLTH",
      "PRECLINTRCH", "PUBHLTH",   "PWATRNY",  "RECORDMGT", "REMITADV",    "SUPNWK",     "SYSDEV",
      "THREAT",      "TRAIN",     "TRANSRCH", "TREAT"};
  return kCodes.count(code) > 0;
}

}  // namespace pathhub::record
