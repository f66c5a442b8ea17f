// Helpers shared by the journal's read paths (journal.cc, journal_queries.cc, audit_trail.cc,
// acknowledgements.cc, orders.cc). Internal to the journal component.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "journal/sql.h"

namespace pathhub::journal {

// A page size the operations queries accept: 1 to 500.
inline int pageLimit(int asked) { return asked < 1 ? 1 : (asked > 500 ? 500 : asked); }

// Runs `sql` with `texts`, then `numbers`, bound to its parameters in order, and calls
// row(statement) for each row it gives. Works on reader and writer connections alike.
template <typename Row>
void eachRow(SqlConnection& c, const std::string& sql, const std::vector<std::string>& texts,
             const std::vector<std::int64_t>& numbers, const Row& row) {
  c.with(sql, [&](SqlStatement& q) {
    int at = 1;
    for (const auto& t : texts) q.bind(at++, t);
    for (const std::int64_t n : numbers) q.bind(at++, n);
    while (q.step()) row(q);
  });
}

}  // namespace pathhub::journal
