// Console sessions: what the cookie carries, how long a session lasts, and that a session ends
// with its token (removed or given another role by a reload).
#include "http/console_sessions.h"

#include <gtest/gtest.h>

#include <thread>

namespace pathhub::http {
namespace {

config::ApiToken token(const std::string& name, const std::string& role,
                       const std::string& secret) {
  config::ApiToken t;
  t.name = name;
  t.role = role;
  t.sha256 = sha256Hex(secret);
  return t;
}

TEST(ConsoleSessions, ASessionLastsAsLongAsItsTokenAndItsTime) {
  TokenBook tokens({token("ann", "operator", "s1"), token("bob", "viewer", "s2")});
  SessionBook book(std::chrono::minutes(60));
  const Session ann = book.open(Caller{"ann", Role::kOperator}, sha256Hex("s1"));
  const Session bob = book.open(Caller{"bob", Role::kViewer}, sha256Hex("s2"));
  EXPECT_NE(ann.id, bob.id);
  EXPECT_NE(ann.id, ann.csrf);
  ASSERT_TRUE(book.find(ann.id, tokens));
  EXPECT_EQ(book.find(ann.id, tokens)->caller.role, Role::kOperator);
  EXPECT_FALSE(book.find("not-a-session", tokens));
  EXPECT_FALSE(book.find("", tokens));
  // A reload gives ann's token another role and removes bob's: both sessions end.
  tokens.replace({token("ann", "viewer", "s1")});
  EXPECT_FALSE(book.find(ann.id, tokens));
  EXPECT_FALSE(book.find(bob.id, tokens));
  tokens.replace({token("ann", "operator", "s1")});
  EXPECT_FALSE(book.find(ann.id, tokens)) << "an ended session came back";
  // Signing out ends it at once; an expired one is gone.
  const Session again = book.open(Caller{"ann", Role::kOperator}, sha256Hex("s1"));
  book.close(again.id);
  EXPECT_FALSE(book.find(again.id, tokens));
  SessionBook brief(std::chrono::minutes(0));
  const Session gone = brief.open(Caller{"ann", Role::kOperator}, sha256Hex("s1"));
  EXPECT_FALSE(brief.find(gone.id, tokens));
}

TEST(ConsoleSessions, TheCookieIsFoundAmongOthersAndSetSafely) {
  EXPECT_EQ(SessionBook::cookieValue("pathhub_session=abc"), "abc");
  EXPECT_EQ(SessionBook::cookieValue("a=1; pathhub_session=abc; b=2"), "abc");
  EXPECT_EQ(SessionBook::cookieValue("xpathhub_session=abc"), "");
  EXPECT_EQ(SessionBook::cookieValue("pathhub_sessionx=abc"), "");
  EXPECT_EQ(SessionBook::cookieValue(""), "");
  SessionBook book(std::chrono::minutes(90));
  EXPECT_EQ(book.setCookie("abc", true),
            "pathhub_session=abc; Path=/; HttpOnly; SameSite=Strict; Max-Age=5400; Secure");
  EXPECT_EQ(book.setCookie("", false),
            "pathhub_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
}

TEST(ConsoleSessions, TheOldestSessionEndsWhenTooManyAreOpen) {
  TokenBook tokens({token("ann", "viewer", "s1")});
  SessionBook book;
  const Session first = book.open(Caller{"ann", Role::kViewer}, sha256Hex("s1"));
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  for (std::size_t i = 0; i < SessionBook::kMaxSessions; ++i) {
    (void)book.open(Caller{"ann", Role::kViewer}, sha256Hex("s1"));
  }
  EXPECT_FALSE(book.find(first.id, tokens));
}

}  // namespace
}  // namespace pathhub::http
