// Schema 5: the alerts (see alert_schema.h).
#include "journal/alert_schema.h"

namespace pathhub::journal {

std::vector<std::string> alertSchema(bool postgres) {
  const std::string id = postgres ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT";
  const std::string number = postgres ? "BIGINT" : "INTEGER";
  return {
      "CREATE TABLE alerts (id " + id +
          ", owner TEXT NOT NULL, subject TEXT NOT NULL, state TEXT NOT NULL,"
          " rule TEXT NOT NULL, severity TEXT NOT NULL, condition TEXT NOT NULL,"
          " channel TEXT NOT NULL, destination TEXT NOT NULL, node TEXT NOT NULL,"
          " summary TEXT NOT NULL, value " +
          number + " NOT NULL, true_since " + number + " NOT NULL, fired_at " + number +
          " NOT NULL, last_notified_at " + number + " NOT NULL, resolved_at " + number +
          " NOT NULL, notifications " + number +
          " NOT NULL, told_rotas TEXT NOT NULL,"
          " acknowledged_by TEXT NOT NULL, acknowledged_at " +
          number + " NOT NULL)",
      // A hub reads its own alerts back when it starts: those still firing, then the latest.
      "CREATE INDEX alerts_owner ON alerts(owner, state, id)",
  };
}

}  // namespace pathhub::journal
