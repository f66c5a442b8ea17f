// Which period of the week a moment falls in, for the rotas: a bank holiday (from the
// configured table), else a day that is not a working day ("weekend"), else within the
// working hours or out of them. Local time of the hub's machine (its TZ), as the rota's
// people read their clocks.
#pragma once

#include <chrono>
#include <string>

#include "config/alerts_config.h"

namespace pathhub::alerts {

std::string periodAt(const config::AlertsConfig& config, std::chrono::system_clock::time_point at);

}  // namespace pathhub::alerts
