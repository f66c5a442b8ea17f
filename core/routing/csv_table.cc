// CSV tables (see csv_table.h).
#include "routing/csv_table.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace pathhub::routing {
namespace {

std::string trim(std::string s) {
  s.erase(0, s.find_first_not_of(" \t\r"));
  s.erase(s.find_last_not_of(" \t\r") + 1);
  return s;
}

// One line's fields; false when a quote is left open.
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

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ",") + n;
  return out;
}

}  // namespace

std::string csvWhere(const std::string& source, const CsvRow& row) {
  return source + ":" + std::to_string(row.line) + ": ";
}

Result<void> csvProblems(const std::vector<std::string>& problems) {
  if (problems.empty()) return {};
  std::string text;
  for (const auto& p : problems) text += (text.empty() ? "" : "\n") + p;
  return fail(ErrorCode::kInvalidValue, text);
}

CsvTable readCsvTable(const std::string& text, const std::string& source,
                      const std::vector<std::string>& header) {
  CsvTable table;
  std::vector<CsvRow>& rows = table.rows;
  std::vector<std::string>& problems = table.problems;
  std::istringstream lines(text);
  std::string line;
  int number = 0;
  bool sawHeader = false;
  std::vector<std::string> fields;
  while (std::getline(lines, line)) {
    ++number;
    const std::string at = source + ":" + std::to_string(number) + ": ";
    if (trim(line).empty() || trim(line)[0] == '#') continue;
    if (!splitLine(line, fields)) {
      problems.push_back(at + "a quote is not closed");
      continue;
    }
    if (!sawHeader) {
      if (fields != header) {
        problems.push_back(at + "the header must be: " + joined(header));
        break;
      }
      sawHeader = true;
      continue;
    }
    if (fields.size() != header.size()) {
      problems.push_back(at + std::to_string(fields.size()) + " columns where " +
                         std::to_string(header.size()) + " are expected");
      continue;
    }
    rows.push_back({number, fields});
  }
  if (!sawHeader && problems.empty()) problems.push_back(source + ": no header line");
  return table;
}

Result<CsvTable> loadCsvTable(const std::string& path, const std::vector<std::string>& header) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return fail(ErrorCode::kIoError, path + ": cannot be read (" + std::strerror(errno) + ")");
  }
  std::ostringstream text;
  text << in.rdbuf();
  return readCsvTable(text.str(), path, header);
}

}  // namespace pathhub::routing
