#include "alerts/calendar.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace pathhub::alerts {

std::string periodAt(const config::AlertsConfig& config, std::chrono::system_clock::time_point at) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(at);
  std::tm local{};
  localtime_r(&seconds, &local);
  char date[32];
  std::snprintf(date, sizeof date, "%04d-%02d-%02d", local.tm_year + 1900, local.tm_mon + 1,
                local.tm_mday);
  if (std::binary_search(config.bankHolidayDates.begin(), config.bankHolidayDates.end(),
                         std::string(date))) {
    return "bank-holiday";
  }
  if (std::find(config.workingDays.begin(), config.workingDays.end(), local.tm_wday) ==
      config.workingDays.end()) {
    return "weekend";
  }
  const int minute = local.tm_hour * 60 + local.tm_min;
  return minute >= config.workStartMinute && minute < config.workEndMinute ? "working-hours"
                                                                           : "out-of-hours";
}

}  // namespace pathhub::alerts
