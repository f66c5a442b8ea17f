// The rotas' periods: a bank holiday from the table, else a day off, else in or out of the
// working hours — in the hub's local time (TZ: UTC here).
#include "alerts/calendar.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>

namespace pathhub::alerts {
namespace {

std::chrono::system_clock::time_point utc(int y, int mo, int d, int h, int mi) {
  std::tm t{};
  t.tm_year = y - 1900;
  t.tm_mon = mo - 1;
  t.tm_mday = d;
  t.tm_hour = h;
  t.tm_min = mi;
  return std::chrono::system_clock::from_time_t(timegm(&t));
}

class Calendar : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("TZ", "UTC", 1);
    tzset();
    config_.bankHolidayDates = {"2026-12-25", "2026-12-28"};
  }
  config::AlertsConfig config_;
};

TEST_F(Calendar, WorkingHoursAreHalfOpenOnWorkingDays) {
  EXPECT_EQ(periodAt(config_, utc(2026, 12, 3, 8, 0)), "working-hours");  // a Thursday
  EXPECT_EQ(periodAt(config_, utc(2026, 12, 3, 17, 59)), "working-hours");
  EXPECT_EQ(periodAt(config_, utc(2026, 12, 3, 18, 0)), "out-of-hours");
  EXPECT_EQ(periodAt(config_, utc(2026, 12, 3, 7, 59)), "out-of-hours");
  EXPECT_EQ(periodAt(config_, utc(2026, 12, 4, 3, 0)), "out-of-hours");
}

TEST_F(Calendar, DaysOffAreWeekendsWhateverTheHour) {
  EXPECT_EQ(periodAt(config_, utc(2026, 12, 5, 11, 0)), "weekend");  // Saturday
  EXPECT_EQ(periodAt(config_, utc(2026, 12, 6, 23, 0)), "weekend");  // Sunday
  config_.workingDays = {1, 2, 3, 4, 5, 6};                          // a lab that works Saturdays
  EXPECT_EQ(periodAt(config_, utc(2026, 12, 5, 11, 0)), "working-hours");
}

TEST_F(Calendar, BankHolidaysFromTheTableWinOverEverything) {
  EXPECT_EQ(periodAt(config_, utc(2026, 12, 25, 11, 0)), "bank-holiday");  // a Friday
  EXPECT_EQ(periodAt(config_, utc(2026, 12, 28, 2, 0)), "bank-holiday");   // a Monday
  EXPECT_EQ(periodAt(config_, utc(2026, 12, 29, 11, 0)), "working-hours");
}

TEST_F(Calendar, ReadsTheHubsLocalTime) {
  setenv("TZ", "XXX-10", 1);  // ten hours ahead of UTC
  tzset();
  EXPECT_EQ(periodAt(config_, utc(2026, 12, 2, 23, 0)), "working-hours");  // 09:00 Thursday
  EXPECT_EQ(periodAt(config_, utc(2026, 12, 3, 10, 0)), "out-of-hours");   // 20:00 Thursday
  setenv("TZ", "UTC", 1);
  tzset();
}

}  // namespace
}  // namespace pathhub::alerts
