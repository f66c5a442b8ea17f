// Query parameters and routes: every refusal names the parameter, 404 and 405 are told apart.
#include "http/api_request.h"

#include <gtest/gtest.h>

#include "http/api_router.h"

namespace pathhub::http {
namespace {

ApiRequest withQuery(std::multimap<std::string, std::string> query) {
  ApiRequest r;
  r.query = std::move(query);
  return r;
}

std::string parameterOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status(), 400);
    return e.parameter();
  }
  return "(accepted)";
}

TEST(ApiRequest, RefusesUnknownAndRepeatedParametersByName) {
  auto r = withQuery({{"chanel", "demo"}});
  EXPECT_EQ(parameterOf([&] { r.allowOnly({"channel"}); }), "chanel");
  auto twice = withQuery({{"state", "a"}, {"state", "b"}});
  EXPECT_EQ(parameterOf([&] { (void)twice.text("state"); }), "state");
  EXPECT_NO_THROW(withQuery({{"channel", "demo"}}).allowOnly({"channel"}));
}

TEST(ApiRequest, ReadsNumbersWithinTheirBounds) {
  EXPECT_EQ(withQuery({{"limit", "20"}}).integer("limit", 50, 1, 500), 20);
  EXPECT_EQ(withQuery({}).integer("limit", 50, 1, 500), 50);
  for (const char* bad : {"0", "501", "ten", "5x", ""}) {
    auto r = withQuery({{"limit", bad}});
    if (std::string(bad).empty()) continue;  // empty reads as absent
    EXPECT_EQ(parameterOf([&] { (void)r.integer("limit", 50, 1, 500); }), "limit") << bad;
  }
  EXPECT_EQ(withQuery({{"before", "42"}}).id("before"), 42);
  auto negative = withQuery({{"before", "-1"}});
  EXPECT_EQ(parameterOf([&] { (void)negative.id("before"); }), "before");
}

TEST(ApiRequest, ReadsInstantsAsIso8601OrEpochMilliseconds) {
  EXPECT_EQ(withQuery({{"from", "1764000000000"}}).instantMs("from"), 1764000000000);
  EXPECT_EQ(withQuery({{"from", "2025-11-24T16:00:00Z"}}).instantMs("from"), 1764000000000);
  EXPECT_EQ(withQuery({{"from", "2025-11-24T16:00:00.250Z"}}).instantMs("from"), 1764000000250);
  EXPECT_EQ(withQuery({{"from", "2025-11-24T17:00:00+01:00"}}).instantMs("from"), 1764000000000);
  EXPECT_EQ(withQuery({{"from", "2025-11-24"}}).instantMs("from"), 1763942400000);
  for (const char* bad : {"yesterday", "24/11/2025", "2025-11-24 16:00"}) {
    auto r = withQuery({{"from", bad}});
    EXPECT_EQ(parameterOf([&] { (void)r.instantMs("from"); }), "from") << bad;
  }
}

TEST(ApiRequest, ReadsAJsonObjectBody) {
  ApiRequest r;
  EXPECT_EQ(r.jsonBody()->size(), 0u);
  r.body = R"({"destinations": ["gp"]})";
  EXPECT_TRUE(r.jsonBody()->has("destinations"));
  for (const char* bad : {"[1]", "{nope", "\"text\""}) {
    r.body = bad;
    try {
      (void)r.jsonBody();
      ADD_FAILURE() << bad;
    } catch (const ApiError& e) {
      EXPECT_EQ(e.status(), 400);
      EXPECT_EQ(e.code(), "bad_body");
    }
  }
}

TEST(ApiRouter, MatchesPatternsAndTellsMissingPathsFromWrongMethods) {
  Router router;
  router.add({"GET", "/api/v1/messages/{id}", Role::kClinical, nullptr});
  router.add({"POST", "/api/v1/messages/{id}/replay", Role::kOperator, nullptr});
  std::map<std::string, std::string> params;
  const Route& show = router.match("GET", "/api/v1/messages/17", params);
  EXPECT_EQ(show.least, Role::kClinical);
  EXPECT_EQ(params.at("id"), "17");
  router.match("POST", "/api/v1/messages/17/replay", params);
  EXPECT_EQ(params.at("id"), "17");
  try {
    router.match("DELETE", "/api/v1/messages/17", params);
    ADD_FAILURE();
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status(), 405);
  }
  try {
    router.match("GET", "/api/v1/nothing", params);
    ADD_FAILURE();
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status(), 404);
  }
}

TEST(ApiRequest, WritesTimesAsIso8601Utc) {
  EXPECT_EQ(isoTime(1764000000250), "2025-11-24T16:00:00.250Z");
  EXPECT_EQ(isoTime(0), "");
}

}  // namespace
}  // namespace pathhub::http
