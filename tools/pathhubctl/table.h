// Plain-text tables for people: a header row, columns padded to their widest cell.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace pathhub::ctl {

class Table {
 public:
  explicit Table(std::vector<std::string> header) : rows_{std::move(header)} {}
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  void print(std::ostream& out) const;

 private:
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace pathhub::ctl
