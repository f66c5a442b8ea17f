// Orders tracked from placing to final result (see journal.h, core/orders/README.md).

#include <algorithm>
#include <map>
#include <sstream>

#include "journal/journal_reads.h"
#include "journal/journal_writes.h"
#include "journal/sql_journal.h"
#include "journal/writer_statements.h"

namespace pathhub::journal {
namespace {

constexpr const char* kOrderColumns =
    "id, message_id, placer, lab, filler, requester, nhs_number, channel, state, tests,"
    " placed_at, due_at, updated_at, overdue";

// How far an order has come; cancelled and rejected end it (-1).
int rank(const std::string& state) {
  static const std::map<std::string, int> kRanks = {
      {"placed", 0},  {"sent", 1},  {"accepted", 2}, {"specimen_received", 3},
      {"partial", 4}, {"final", 5}, {"amended", 6}};
  const auto it = kRanks.find(state);
  return it == kRanks.end() ? -1 : it->second;
}

// Whether an order in `current` moves to `next`.
bool moves(const std::string& current, const std::string& next) {
  if (rank(current) < 0) return false;  // cancelled or rejected: it stays so
  if (rank(next) < 0) return rank(current) < rank("final");
  return rank(next) > rank(current);
}

std::vector<OrderRecord> orderRows(SqlConnection& db, const std::string& where,
                                   const std::vector<std::string>& texts,
                                   const std::vector<std::int64_t>& numbers,
                                   const std::string& tail = " ORDER BY id DESC LIMIT 500") {
  std::vector<OrderRecord> out;
  eachRow(db, std::string("SELECT ") + kOrderColumns + " FROM orders WHERE " + where + tail, texts,
          numbers, [&out](const SqlStatement& q) {
            OrderRecord r;
            r.id = q.int64(0);
            r.messageId = q.int64(1);
            r.placer = q.text(2);
            r.lab = q.text(3);
            r.filler = q.text(4);
            r.requester = q.text(5);
            r.nhsNumber = q.text(6);
            r.channel = q.text(7);
            r.state = q.text(8);
            r.tests = q.text(9);
            r.placedAtMs = q.int64(10);
            r.dueAtMs = q.int64(11);
            r.updatedAtMs = q.int64(12);
            r.overdue = q.int64(13) != 0;
            out.push_back(std::move(r));
          });
  return out;
}

void history(SqlConnection& db, std::int64_t order, const std::string& state,
             const std::string& detail, MessageId messageId) {
  db.run("INSERT INTO order_history(order_id, at, state, detail, message_id) VALUES(?, ?, ?, ?, ?)",
         order, nowMs(), state, detail, messageId);
}

bool sharesTest(const OrderRecord& o, const std::vector<std::string>& tests) {
  const std::string list = "," + o.tests + ",";
  return std::any_of(tests.begin(), tests.end(), [&](const std::string& t) {
    return list.find("," + t + ",") != std::string::npos;
  });
}

}  // namespace

namespace {

// A new order row, or (placer and lab known already) a line of history saying so.
void placeOrderIn(SqlConnection& db, const Journal::OrderPlacement& p, const std::string& again) {
  auto known = orderRows(db, "placer = ? AND lab = ?", {p.placer, p.lab}, {});
  if (!known.empty()) {
    history(db, known.front().id, known.front().state, again, p.messageId);
    return;
  }
  const std::int64_t id = *db.integer(
      "INSERT INTO orders(placer, lab, requester, nhs_number, tests, channel, state, placed_at,"
      " due_at, updated_at, message_id) VALUES(?, ?, ?, ?, ?, ?, 'placed', ?, ?, ?, ?)"
      " RETURNING id",
      p.placer, p.lab, p.requester, p.nhsNumber, p.tests, p.channel, nowMs(), p.dueAtMs, nowMs(),
      p.messageId);
  history(db, id, "placed", "placed by " + p.requester + " for " + p.lab, p.messageId);
}

}  // namespace

Result<void> SqlJournal::placeOrder(const OrderPlacement& p) {
  return writer_->run([&](SqlConnection& db) -> std::function<void()> {
    placeOrderIn(db, p, "placed again (a resend)");
    return nullptr;
  });
}

Result<std::vector<Journal::StuckOrderPart>> SqlJournal::stuckOrderParts(
    const std::string& placer) {
  return reading([&](SqlConnection& db) {
    std::vector<StuckOrderPart> out;
    eachRow(db,
            std::string("SELECT d.message_id, d.id, d.sequence, d.channel,"
                        " COALESCE(m.mapped, m.bytes), d.attributes FROM deliveries d"
                        " JOIN messages m ON m.id = d.message_id WHERE (d.attributes LIKE"
                        " 'exception=%' OR d.attributes LIKE '%' || ") +
                db.newline() + " || 'exception=%') AND " +
                db.containsText(
                    std::string(db.newline()) + " || d.attributes",
                    std::string(db.newline()) + " || 'order-placer=' || ? || " + db.newline()) +
                " AND NOT " + db.containsText("d.attributes", "'rerouted='") + " ORDER BY d.id",
            {placer}, {}, [&out](const SqlStatement& q) {
              out.push_back({q.int64(0), q.int64(1), q.int64(2), q.text(3), q.text(4), q.text(5)});
            });
    return out;
  });
}

Result<void> SqlJournal::rerouteOrder(const OrderReroute& r) {
  return writer_->run([&](SqlConnection& db) -> std::function<void()> {
    WriterStatements w(db);
    const StuckOrderPart& part = r.part;
    for (const std::string& d : r.routing.destinations) {
      w.insertDelivery(part.messageId, part.sequence, part.channel, d,
                       attributesOf(r.routing.attributes, d));
    }
    for (const Derived& d : r.routing.derived) {
      insertDerived(w, part.channel, part.messageId, part.sequence, d,
                    "made by re-routing message " + std::to_string(part.messageId));
    }
    db.run(std::string("UPDATE deliveries SET attributes = attributes || 'rerouted=' || ? || ") +
               db.newline() + " WHERE id = ?",
           (std::to_string(nowMs())), part.deliveryId);
    w.insertEvent(part.messageId, "rerouted", r.detail);
    for (const OrderPlacement& p : r.placements) {
      placeOrderIn(db, p, "re-routed: " + r.detail);
    }
    if (r.settled && !r.placements.empty()) {
      for (const OrderRecord& o : orderRows(db, "placer = ? AND lab = '' AND state = 'placed'",
                                            {r.placements[0].placer}, {})) {
        db.run("UPDATE orders SET state = 'rerouted', overdue = 0, updated_at = ? WHERE id = ?",
               nowMs(), o.id);
        history(db, o.id, "rerouted", r.detail, part.messageId);
      }
    }
    return nullptr;
  });
}

Result<std::vector<std::int64_t>> SqlJournal::changeOrders(const OrderChange& c) {
  std::vector<std::int64_t> found;
  auto ok = writer_->run([&](SqlConnection& db) -> std::function<void()> {
    found.clear();
    std::vector<OrderRecord> candidates;
    if (!c.placer.empty()) {
      candidates = c.lab.empty() ? orderRows(db, "placer = ?", {c.placer}, {})
                                 : orderRows(db, "placer = ? AND lab = ?", {c.placer, c.lab}, {});
    }
    if (candidates.empty() && !c.filler.empty()) {
      candidates = orderRows(db, "filler = ?", {c.filler}, {});
    }
    std::string how = "matched by placer or filler number";
    if (candidates.empty() && c.result && !c.nhsNumber.empty() && !c.tests.empty()) {
      // The fallback: the same patient, one of the same tests, placed within the window.
      for (auto& o : orderRows(db,
                               "nhs_number = ? AND placed_at >= ? AND state NOT IN"
                               " ('cancelled', 'rejected')",
                               {c.nhsNumber}, {nowMs() - c.matchWindowMs})) {
        if (sharesTest(o, c.tests)) {
          candidates.push_back(o);
          break;  // the most recent
        }
      }
      how = "matched by NHS number and test within the window";
    }
    // A split order shares its placer number: the parts with one of these tests, when any.
    if (candidates.size() > 1 && !c.tests.empty()) {
      std::vector<OrderRecord> narrowed;
      for (const auto& o : candidates) {
        if (sharesTest(o, c.tests)) narrowed.push_back(o);
      }
      if (!narrowed.empty()) candidates = narrowed;
    }
    for (const auto& o : candidates) {
      found.push_back(o.id);
      const bool move = moves(o.state, c.state);
      if (move || (!c.filler.empty() && o.filler.empty())) {
        db.run(
            "UPDATE orders SET state = ?, filler = CASE WHEN filler = '' THEN ? ELSE filler END,"
            " updated_at = ?, overdue = CASE WHEN ? IN ('final', 'amended') THEN 0 ELSE overdue"
            " END WHERE id = ?",
            (move ? c.state : o.state), c.filler, nowMs(), (move ? c.state : o.state), o.id);
      }
      history(db, o.id, c.state,
              c.detail + (move ? "" : " (kept " + o.state + ")") +
                  (c.result && how.find("NHS") != std::string::npos ? "; " + how : ""),
              c.messageId);
    }
    if (candidates.empty() && c.result) {
      std::string tests;
      for (const auto& t : c.tests) tests += (tests.empty() ? "" : ",") + t;
      db.run(
          "INSERT INTO unmatched_results(message_id, channel, placer, filler, nhs_number, tests,"
          " received_at, reason) VALUES(?, ?, ?, ?, ?, ?, ?, ?)",
          c.messageId, c.channel, c.placer, c.filler, c.nhsNumber, tests, nowMs(),
          "no order with placer '" + c.placer + "' or filler '" + c.filler +
              "', nor by NHS number and test");
    }
    return nullptr;
  });
  if (!ok) return tl::unexpected(ok.error());
  return found;
}

Result<void> SqlJournal::orderSent(const std::string& placer, const std::string& lab,
                                   MessageId messageId) {
  OrderChange c;
  c.placer = placer;
  c.lab = lab;
  c.state = "sent";
  c.detail = "sent to " + lab;
  c.messageId = messageId;
  auto changed = changeOrders(c);
  if (!changed) return tl::unexpected(changed.error());
  return {};
}

Result<std::vector<OrderRecord>> SqlJournal::orders(const OrderFilter& f) {
  return reading([&](SqlConnection& db) {
    std::string where = "1 = 1";
    std::vector<std::string> texts;
    if (!f.requester.empty()) {
      where += " AND requester = ?";
      texts.push_back(f.requester);
    }
    if (!f.state.empty()) {
      where += " AND state = ?";
      texts.push_back(f.state);
    }
    if (!f.lab.empty()) {
      where += " AND lab = ?";
      texts.push_back(f.lab);
    }
    return orderRows(db, where, texts, {},
                     " ORDER BY id DESC LIMIT " + std::to_string(pageLimit(f.limit)));
  });
}

Result<std::vector<std::pair<OrderRecord, std::vector<OrderHistoryEntry>>>> SqlJournal::order(
    const std::string& placer) {
  return reading([&](SqlConnection& db) {
    std::vector<std::pair<OrderRecord, std::vector<OrderHistoryEntry>>> out;
    for (auto& o : orderRows(db, "placer = ?", {placer}, {}, " ORDER BY id")) {
      std::vector<OrderHistoryEntry> entries;
      eachRow(db,
              "SELECT at, message_id, state, detail FROM order_history WHERE order_id = ?"
              " ORDER BY id",
              {}, {o.id}, [&entries](const SqlStatement& q) {
                entries.push_back({q.int64(0), q.int64(1), q.text(2), q.text(3)});
              });
      out.emplace_back(std::move(o), std::move(entries));
    }
    return out;
  });
}

Result<std::vector<OrderRecord>> SqlJournal::markOrdersOverdue(std::int64_t at) {
  constexpr const char* kDue =
      "overdue = 0 AND due_at > 0 AND due_at < ? AND state NOT IN ('final', 'amended',"
      " 'cancelled', 'rejected')";
  // Asked as often as the shortest turnaround needs: a read first, so that nothing due takes
  // no write.
  auto due = reading(
      [&](SqlConnection& db) { return !orderRows(db, kDue, {}, {at}, " LIMIT 1").empty(); });
  if (!due) return tl::unexpected(due.error());
  if (!*due) return std::vector<OrderRecord>{};
  std::vector<OrderRecord> marked;
  auto ok = writer_->run([&](SqlConnection& db) -> std::function<void()> {
    marked = orderRows(db, kDue, {}, {at});
    for (auto& o : marked) {
      o.overdue = true;
      db.run("UPDATE orders SET overdue = 1 WHERE id = ?", o.id);
      history(db, o.id, o.state, "overdue: no final result by its turnaround target", 0);
    }
    return nullptr;
  });
  if (!ok) return tl::unexpected(ok.error());
  return marked;
}

Result<std::vector<OrderRecord>> SqlJournal::overdueOrders(int limit) {
  return reading([&](SqlConnection& db) {
    return orderRows(db,
                     "overdue = 1 AND state NOT IN ('final', 'amended', 'cancelled',"
                     " 'rejected')",
                     {}, {}, " ORDER BY due_at LIMIT " + std::to_string(pageLimit(limit)));
  });
}

Result<std::vector<UnmatchedResult>> SqlJournal::unmatchedResults(int limit) {
  return reading([&](SqlConnection& db) {
    const std::string sql =
        "SELECT id, message_id, received_at, channel, placer, filler, nhs_number, tests, reason"
        " FROM unmatched_results ORDER BY id DESC LIMIT " +
        std::to_string(pageLimit(limit));
    std::vector<UnmatchedResult> out;
    eachRow(db, sql, {}, {}, [&out](const SqlStatement& q) {
      out.push_back({q.int64(0), q.int64(1), q.int64(2), q.text(3), q.text(4), q.text(5), q.text(6),
                     q.text(7), q.text(8)});
    });
    return out;
  });
}

}  // namespace pathhub::journal
