// The network's test catalogue: which lab performs each test, on what specimen, and how soon
// its result is due. A CSV table (scripts/tables/test_catalogue.csv; header
// code,name,lab,specimen,turnaroundHours), each problem named with its file and line.
// Requesters may be sent elsewhere: a second table (scripts/tables/requester_labs.csv; header
// requester,test,lab; test "*" for every test) names the lab a practice's tests go to instead.
#pragma once

#include <chrono>
#include <map>
#include <string>

#include "pathhub/error.h"

namespace pathhub::orders {

struct CatalogueTest {
  std::string code, name;
  std::string lab;       // the performing lab, as the channel's <lab name> calls it
  std::string specimen;  // the specimen type it needs
  std::chrono::milliseconds turnaround{std::chrono::hours(24)};  // hours in the file, decimals too
};

class TestCatalogue {
 public:
  static Result<TestCatalogue> parse(const std::string& csv, const std::string& source);
  static Result<TestCatalogue> load(const std::string& path);
  const CatalogueTest* find(const std::string& code) const;
  // Adds the requester table; its labs must be labs the catalogue names.
  Result<void> loadRequesterLabs(const std::string& path);
  // The lab for `test` ordered by `requester` (an ODS code): the requester table's, else the
  // catalogue's; "" when the catalogue lacks the test.
  std::string labFor(const std::string& test, const std::string& requester) const;
  const std::map<std::string, CatalogueTest>& tests() const { return tests_; }
  // The shortest turnaround of any test (a day when there are none).
  std::chrono::milliseconds shortestTurnaround() const;

 private:
  std::map<std::string, CatalogueTest> tests_;
  std::map<std::pair<std::string, std::string>, std::string> requesterLabs_;  // (ODS, test|*)
};

}  // namespace pathhub::orders
