// A channel's script versions against a real SQLite journal: a hash resolved once (the file's
// text kept when it still holds it, by hash only when it has changed again), a deployment
// written whole and recorded with who and from where, and one that cannot be written refused
// with the folder named and nothing recorded.
#include "pipeline/script_versions.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "common/digest.h"

namespace pathhub::pipeline {
namespace {

namespace fs = std::filesystem;

class ScriptVersionsUnitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("script-versions-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto j = journal::Journal::open(
        journal::JournalOptions::sqlite((dir_ / "j.db").string(), std::chrono::seconds(60)));
    ASSERT_TRUE(j) << j.error().describe();
    journal_ = std::move(*j);
  }
  void TearDown() override {
    journal_.reset();
    fs::remove_all(dir_);
  }
  std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }

  fs::path dir_;
  std::unique_ptr<journal::Journal> journal_;
};

TEST_F(ScriptVersionsUnitTest, HashesAreResolvedToVersionsAndDeploymentsRecordWhoAndWhere) {
  const fs::path script = dir_ / "map.lua";
  const std::string v1 = "function map(msg, ctx) end\n";
  std::ofstream(script) << v1;
  ScriptVersions versions("lab", script, *journal_);
  EXPECT_EQ(versions.resolve(""), 0) << "no script, no version";
  EXPECT_EQ(versions.resolve(sha256Hex(v1)), 1);
  EXPECT_EQ(**journal_->scriptContent("lab", 1), v1);
  // A version the file no longer holds is known by its hash only.
  EXPECT_EQ(versions.resolve(sha256Hex("an edit saved and replaced at once")), 2);
  EXPECT_FALSE(*journal_->scriptContent("lab", 2));

  const std::string v3 = "function map(msg, ctx) msg:set('MSH-3', 'X') end\n";
  auto deployed = versions.deploy(v3, "operator-user", "API from 127.0.0.1:5000", "deployed");
  ASSERT_TRUE(deployed) << deployed.error().describe();
  EXPECT_EQ(*deployed, 3);
  EXPECT_EQ(read(script), v3);
  EXPECT_EQ(versions.resolve(sha256Hex(v3)), 3) << "the mappers' results name the deployed one";
  auto history = journal_->scriptDeployments("lab", 10);
  ASSERT_TRUE(history);
  EXPECT_EQ((*history)[0].by, "operator-user");
  EXPECT_EQ((*history)[0].action, "deployed");
  EXPECT_EQ((*journal_->scriptVersions("lab"))[0].createdBy, "operator-user");
  for (const auto& e : fs::directory_iterator(dir_)) {
    EXPECT_EQ(e.path().string().find(".deploying-"), std::string::npos) << "nothing left behind";
  }
}

TEST_F(ScriptVersionsUnitTest, AScriptInAFolderTheHubCannotWriteIsNotDeployed) {
  ScriptVersions versions("lab", dir_ / "no-such-folder" / "map.lua", *journal_);
  auto deployed = versions.deploy("function map(msg, ctx) end\n", "op", "API", "deployed");
  ASSERT_FALSE(deployed);
  EXPECT_EQ(deployed.error().code, ErrorCode::kInvalidState);
  EXPECT_NE(deployed.error().text.find("no-such-folder"), std::string::npos)
      << deployed.error().text;
  EXPECT_TRUE(journal_->scriptVersions("lab")->empty()) << "nothing recorded";
}

}  // namespace
}  // namespace pathhub::pipeline
