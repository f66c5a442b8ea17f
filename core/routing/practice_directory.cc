// The practice directory (see practice_directory.h).
#include "routing/practice_directory.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>
#include <vector>

namespace pathhub::routing {
namespace {

const std::vector<std::string> kColumns = {"ods",     "name",     "format",         "transport",
                                           "address", "workflow", "acknowledgement"};

std::string trim(std::string s) {
  s.erase(0, s.find_first_not_of(" \t\r"));
  s.erase(s.find_last_not_of(" \t\r") + 1);
  return s;
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// One CSV line: fields split at commas; a field in double quotes may hold commas, and "" in it
// is one quote. Returns false when a quote is left open.
bool splitLine(const std::string& line, std::vector<std::string>& out) {
  out.clear();
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.push_back(trim(field));
      field.clear();
    } else {
      field += c;
    }
  }
  out.push_back(trim(field));
  return !quoted;
}

}  // namespace

Result<PracticeDirectory> PracticeDirectory::parse(const std::string& csv,
                                                   const std::string& source) {
  PracticeDirectory out;
  std::vector<std::string> problems;
  std::istringstream lines(csv);
  std::string line;
  int number = 0;
  bool header = false;
  std::vector<std::string> fields;
  const std::set<std::string> formats{"nhs003", "fhir", "hl7v2"};
  const std::set<std::string> transports{"mesh", "http", "mllp", "file"};
  while (std::getline(lines, line)) {
    ++number;
    const std::string at = source + ":" + std::to_string(number) + ": ";
    if (trim(line).empty() || trim(line)[0] == '#') continue;
    if (!splitLine(line, fields)) {
      problems.push_back(at + "a quote is not closed");
      continue;
    }
    if (!header) {
      if (fields != kColumns) {
        problems.push_back(at +
                           "the header must be: ods,name,format,transport,address,workflow,"
                           "acknowledgement");
        break;
      }
      header = true;
      continue;
    }
    if (fields.size() != kColumns.size()) {
      problems.push_back(at + std::to_string(fields.size()) + " columns where 7 are expected");
      continue;
    }
    Practice p{upper(fields[0]), fields[1], fields[2], fields[3], fields[4], fields[5], false};
    const std::string ack = fields[6];
    if (p.ods.empty()) problems.push_back(at + "the ODS code is empty");
    if (!formats.count(p.format)) {
      problems.push_back(at + "format '" + p.format + "' is not one of fhir, hl7v2, nhs003");
    }
    if (!transports.count(p.transport)) {
      problems.push_back(at + "transport '" + p.transport +
                         "' is not one of file, http, mesh, mllp");
    }
    if (p.address.empty()) problems.push_back(at + "the address is empty");
    if (p.transport == "mesh" && p.workflow.empty()) {
      problems.push_back(at + "a MESH practice needs a workflow id");
    }
    if (ack != "yes" && ack != "no") {
      problems.push_back(at + "acknowledgement '" + ack + "' is not yes or no");
    }
    p.acknowledged = ack == "yes";
    if (!p.ods.empty() && !out.practices_.emplace(p.ods, p).second) {
      problems.push_back(at + "practice " + p.ods + " is listed twice");
    }
  }
  if (!header && problems.empty()) problems.push_back(source + ": no header line");
  if (!problems.empty()) {
    std::string text;
    for (const auto& p : problems) text += (text.empty() ? "" : "\n") + p;
    return fail(ErrorCode::kInvalidValue, text);
  }
  return out;
}

Result<PracticeDirectory> PracticeDirectory::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorCode::kIoError, path + ": cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  return parse(text.str(), path);
}

const Practice* PracticeDirectory::find(const std::string& ods) const {
  const auto it = practices_.find(upper(ods));
  return it == practices_.end() ? nullptr : &it->second;
}

}  // namespace pathhub::routing
