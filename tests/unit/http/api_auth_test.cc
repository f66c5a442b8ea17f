// Bearer tokens and roles: hashing, lookup, the Authorization header, role order.
#include "http/api_auth.h"

#include <gtest/gtest.h>

namespace pathhub::http {
namespace {

TEST(ApiAuth, HashesTokensWithSha256) {
  // The FIPS 180-2 test vector.
  EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(ApiAuth, FindsTheCallerOfAConfiguredTokenOnly) {
  TokenBook book({{"ada", "admin", sha256Hex("ada-token-0123456789")},
                  {"vic", "viewer", sha256Hex("vic-token-0123456789")}});
  auto ada = book.find("ada-token-0123456789");
  ASSERT_TRUE(ada);
  EXPECT_EQ(ada->name, "ada");
  EXPECT_EQ(ada->role, Role::kAdmin);
  EXPECT_EQ(book.find("vic-token-0123456789")->role, Role::kViewer);
  EXPECT_FALSE(book.find("ada-token-012345678"));
  EXPECT_FALSE(book.find(""));
  EXPECT_FALSE(book.find(sha256Hex("ada-token-0123456789")));  // the hash is not the token
}

TEST(ApiAuth, ReadsTheBearerToken) {
  EXPECT_EQ(TokenBook::bearer("Bearer abc"), "abc");
  EXPECT_EQ(TokenBook::bearer("bearer  abc "), "abc");
  EXPECT_EQ(TokenBook::bearer("Basic YWRhOnB3"), "");
  EXPECT_EQ(TokenBook::bearer("Bearer"), "");
  EXPECT_EQ(TokenBook::bearer(""), "");
}

TEST(ApiAuth, RolesAreOrderedAndNamed) {
  EXPECT_LT(Role::kViewer, Role::kClinical);
  EXPECT_LT(Role::kClinical, Role::kOperator);
  EXPECT_LT(Role::kOperator, Role::kAdmin);
  for (Role r : {Role::kViewer, Role::kClinical, Role::kOperator, Role::kAdmin}) {
    EXPECT_EQ(parseRole(roleName(r)), r);
  }
  EXPECT_FALSE(parseRole("root"));
}

}  // namespace
}  // namespace pathhub::http
