// The practice directory (see practice_directory.h).
#include "routing/practice_directory.h"

#include <cctype>
#include <set>
#include <vector>

#include "config/hub_config.h"
#include "routing/csv_table.h"

namespace pathhub::routing {
namespace {

const std::vector<std::string> kColumns = {"ods",     "name",     "format",         "transport",
                                           "address", "workflow", "acknowledgement"};

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

Result<PracticeDirectory> fromRows(const CsvTable& table, const std::string& source) {
  PracticeDirectory out;
  std::vector<std::string> problems = table.problems;
  const std::set<std::string> formats(config::kPracticeFormats.begin(),
                                      config::kPracticeFormats.end());
  const std::set<std::string> transports(config::kPracticeTransports.begin(),
                                         config::kPracticeTransports.end());
  for (const CsvRow& row : table.rows) {
    const std::string at = csvWhere(source, row);
    const auto& f = row.fields;
    Practice p{upper(f[0]), f[1], f[2], f[3], f[4], f[5], f[6] == "yes"};
    if (p.ods.empty()) problems.push_back(at + "the ODS code is empty");
    if (!formats.count(p.format)) {
      problems.push_back(at + "format '" + p.format + "' is not one of fhir, hl7v2, nhs003");
    }
    if (!transports.count(p.transport)) {
      problems.push_back(at + "transport '" + p.transport +
                         "' is not one of file, http, mesh, mllp, nhs-pathology-api");
    }
    if (p.transport == "nhs-pathology-api" && p.format != "fhir") {
      problems.push_back(at + "the NHS Pathology API takes FHIR only, not " + p.format);
    }
    if (p.address.empty()) problems.push_back(at + "the address is empty");
    if (p.transport == "mesh" && p.workflow.empty()) {
      problems.push_back(at + "a MESH practice needs a workflow id");
    }
    // A GP system files what arrives by its workflow: a FHIR Bundle sent under an EDIFACT
    // workflow would reach the practice's NHS003 reader, and the other way round.
    const bool edifactWorkflow =
        p.workflow.rfind("PATH_MEDRPT", 0) == 0 || p.workflow.rfind("SCRN_BCS_MEDRPT", 0) == 0;
    if (p.transport == "mesh" && p.format == "fhir" && edifactWorkflow) {
      problems.push_back(at + "workflow " + p.workflow +
                         " carries NHS003 EDIFACT; a FHIR practice needs the FHIR workflow its "
                         "mailbox is registered for");
    }
    if (p.transport == "mesh" && p.format == "nhs003" && !p.workflow.empty() && !edifactWorkflow) {
      problems.push_back(at + "workflow " + p.workflow +
                         " is no NHS003 workflow (PATH_MEDRPT_V3, SCRN_BCS_MEDRPT_V4)");
    }
    if (f[6] != "yes" && f[6] != "no") {
      problems.push_back(at + "acknowledgement '" + f[6] + "' is not yes or no");
    }
    if (!p.ods.empty() && !out.add(p)) {
      problems.push_back(at + "practice " + p.ods + " is listed twice");
    }
  }
  if (auto ok = csvProblems(problems); !ok) return tl::unexpected(ok.error());
  return out;
}

}  // namespace

Result<PracticeDirectory> PracticeDirectory::parse(const std::string& csv,
                                                   const std::string& source) {
  return fromRows(readCsvTable(csv, source, kColumns), source);
}

Result<PracticeDirectory> PracticeDirectory::load(const std::string& path) {
  auto table = loadCsvTable(path, kColumns);
  if (!table) return tl::unexpected(table.error());
  return fromRows(*table, path);
}

bool PracticeDirectory::add(const Practice& p) { return practices_.emplace(p.ods, p).second; }

const Practice* PracticeDirectory::find(const std::string& ods) const {
  const auto it = practices_.find(upper(ods));
  return it == practices_.end() ? nullptr : &it->second;
}

}  // namespace pathhub::routing
