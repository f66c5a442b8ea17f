// SNOMED CT concept identifiers (see snomed_id.h).
#include "model/snomed_id.h"

#include <cstdint>

namespace pathhub::model {
namespace {

// Verhoeff's dihedral-group tables: d is the group's multiplication, p the position's
// permutation (the row for position i is p[i % 8]).
constexpr std::uint8_t kD[10][10] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 2, 3, 4, 0, 6, 7, 8, 9, 5}, {2, 3, 4, 0, 1, 7, 8, 9, 5, 6},
    {3, 4, 0, 1, 2, 8, 9, 5, 6, 7}, {4, 0, 1, 2, 3, 9, 5, 6, 7, 8}, {5, 9, 8, 7, 6, 0, 4, 3, 2, 1},
    {6, 5, 9, 8, 7, 1, 0, 4, 3, 2}, {7, 6, 5, 9, 8, 2, 1, 0, 4, 3}, {8, 7, 6, 5, 9, 3, 2, 1, 0, 4},
    {9, 8, 7, 6, 5, 4, 3, 2, 1, 0}};
constexpr std::uint8_t kP[8][10] = {{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 5, 7, 6, 2, 8, 3, 0, 9, 4},
                                    {5, 8, 0, 3, 7, 9, 6, 1, 4, 2}, {8, 9, 1, 6, 0, 4, 3, 5, 2, 7},
                                    {9, 4, 5, 3, 1, 2, 6, 8, 7, 0}, {4, 2, 8, 6, 5, 7, 3, 9, 0, 1},
                                    {2, 7, 9, 3, 8, 0, 6, 4, 1, 5}, {7, 0, 4, 6, 9, 1, 3, 2, 5, 8}};

bool verhoeffValid(std::string_view digits) {
  std::uint8_t c = 0;
  std::size_t position = 0;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it, ++position) {
    c = kD[c][kP[position % 8][*it - '0']];
  }
  return c == 0;
}

}  // namespace

bool isSnomedConceptId(std::string_view code) {
  if (code.size() < 6 || code.size() > 18 || code.front() == '0') return false;
  for (char ch : code) {
    if (ch < '0' || ch > '9') return false;
  }
  // The two digits before the check digit: format (0 short, 1 long) then kind (0 concept).
  const std::string_view partition = code.substr(code.size() - 3, 2);
  if (partition != "00" && partition != "10") return false;
  return verhoeffValid(code);
}

}  // namespace pathhub::model
