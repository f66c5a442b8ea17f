// The test catalogue (see test_catalogue.h).
#include "orders/test_catalogue.h"

#include <set>

#include "routing/csv_table.h"

namespace pathhub::orders {
namespace {

const std::vector<std::string> kColumns = {"code", "name", "lab", "specimen", "turnaroundHours"};

Result<void> fromRows(const routing::CsvTable& table, const std::string& source,
                      std::map<std::string, CatalogueTest>& tests) {
  std::vector<std::string> problems = table.problems;
  for (const auto& row : table.rows) {
    const std::string at = routing::csvWhere(source, row);
    const auto& f = row.fields;
    CatalogueTest t{f[0], f[1], f[2], f[3], {}};
    if (t.code.empty()) problems.push_back(at + "the test code is empty");
    if (t.lab.empty()) problems.push_back(at + "test " + t.code + " names no lab");
    double hours = 0;
    try {
      std::size_t used = 0;
      hours = std::stod(f[4], &used);
      if (used != f[4].size() || !(hours > 0) || hours > 24 * 366) {
        throw std::invalid_argument("");
      }
    } catch (const std::exception&) {
      problems.push_back(at + "turnaroundHours '" + f[4] + "' is not a number of hours");
    }
    t.turnaround = std::chrono::milliseconds(static_cast<std::int64_t>(hours * 3600 * 1000));
    if (!t.code.empty() && !tests.emplace(t.code, t).second) {
      problems.push_back(at + "test " + t.code + " is listed twice");
    }
  }
  return routing::csvProblems(problems);
}

}  // namespace

Result<TestCatalogue> TestCatalogue::parse(const std::string& csv, const std::string& source) {
  TestCatalogue out;
  auto ok = fromRows(routing::readCsvTable(csv, source, kColumns), source, out.tests_);
  if (!ok) return tl::unexpected(ok.error());
  return out;
}

Result<TestCatalogue> TestCatalogue::load(const std::string& path) {
  TestCatalogue out;
  auto table = routing::loadCsvTable(path, kColumns);
  if (!table) return tl::unexpected(table.error());
  auto ok = fromRows(*table, path, out.tests_);
  if (!ok) return tl::unexpected(ok.error());
  return out;
}

std::chrono::milliseconds TestCatalogue::shortestTurnaround() const {
  std::chrono::milliseconds out = std::chrono::hours(24);
  for (const auto& [code, t] : tests_) out = std::min(out, t.turnaround);
  return out;
}

Result<void> TestCatalogue::loadRequesterLabs(const std::string& path) {
  auto loaded = routing::loadCsvTable(path, {"requester", "test", "lab"});
  if (!loaded) return tl::unexpected(loaded.error());
  const routing::CsvTable& table = *loaded;
  std::vector<std::string> problems = table.problems;
  std::set<std::string> labs;
  for (const auto& [code, t] : tests_) labs.insert(t.lab);
  for (const auto& row : table.rows) {
    const std::string at = routing::csvWhere(path, row);
    const auto& f = row.fields;
    if (f[0].empty()) problems.push_back(at + "the requester is empty");
    if (f[1] != "*" && !find(f[1]))
      problems.push_back(at + "test " + f[1] + " is not in the catalogue");
    if (!labs.count(f[2]))
      problems.push_back(at + "lab " + f[2] + " performs nothing in the catalogue");
    if (!requesterLabs_.emplace(std::pair{f[0], f[1]}, f[2]).second) {
      problems.push_back(at + "requester " + f[0] + " and test " + f[1] + " are listed twice");
    }
  }
  return routing::csvProblems(problems);
}

std::string TestCatalogue::labFor(const std::string& test, const std::string& requester) const {
  const CatalogueTest* known = find(test);
  if (!known) return {};
  for (const std::string& which : {test, std::string("*")}) {
    if (auto it = requesterLabs_.find({requester, which}); it != requesterLabs_.end()) {
      return it->second;
    }
  }
  return known->lab;
}

const CatalogueTest* TestCatalogue::find(const std::string& code) const {
  const auto it = tests_.find(code);
  return it == tests_.end() ? nullptr : &it->second;
}

}  // namespace pathhub::orders
