// The small CSV tables operators keep beside the configuration (the practice directory, the
// test catalogue): a header line that must read exactly as expected, then one row per line;
// blank lines and lines starting with '#' are skipped; a field in double quotes may hold
// commas ("" is a quote). Problems name the file and line.
#pragma once

#include <string>
#include <vector>

#include "pathhub/error.h"

namespace pathhub::routing {

struct CsvRow {
  int line = 0;
  std::vector<std::string> fields;  // trimmed; as many as the header has
};

// The rows that read, and a problem ("<source>:<line>: ...") for each line that did not (a bad
// header, an open quote, a wrong column count): the caller adds its own about the rows and
// reports them all together (csvProblems).
struct CsvTable {
  std::vector<CsvRow> rows;
  std::vector<std::string> problems;
};
CsvTable readCsvTable(const std::string& text, const std::string& source,
                      const std::vector<std::string>& header);
// The same from a file; a file that cannot be read is an io_error naming it.
Result<CsvTable> loadCsvTable(const std::string& path, const std::vector<std::string>& header);
// "<source>:<line>: " for a row's own problems.
std::string csvWhere(const std::string& source, const CsvRow& row);
// Joins problems one per line into an error (kInvalidValue); none: success.
Result<void> csvProblems(const std::vector<std::string>& problems);

}  // namespace pathhub::routing
