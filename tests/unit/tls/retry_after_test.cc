// Retry-After as HTTP gives it (RFC 9110 10.2.3): delta-seconds or an HTTP date, read as the
// wait from now; what cannot be read asks for no wait rather than a made-up one.
#include <gtest/gtest.h>

#include "tls/http_client_session.h"

namespace pathhub::tls {
namespace {

using std::chrono::seconds;

TEST(RetryAfter, ReadsSecondsAndHttpDates) {
  const auto now = std::chrono::system_clock::from_time_t(1764756000);  // 2025-12-03 10:00 UTC
  EXPECT_EQ(retryAfter("120", now), seconds(120));
  EXPECT_EQ(retryAfter(" 7 ", now), seconds(7));
  EXPECT_EQ(retryAfter("Wed, 03 Dec 2025 10:01:30 GMT", now), seconds(90));
  EXPECT_EQ(retryAfter("Wed, 03 Dec 2025 09:59:00 GMT", now), seconds(0)) << "already past";
  EXPECT_EQ(retryAfter("", now), seconds(0));
  EXPECT_EQ(retryAfter("-5", now), seconds(0));
  EXPECT_EQ(retryAfter("soon", now), seconds(0));
  EXPECT_EQ(retryAfter("12 minutes", now), seconds(0));
}

}  // namespace
}  // namespace pathhub::tls
