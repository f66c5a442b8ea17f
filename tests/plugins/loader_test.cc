// The plugin loader: the shipped plugins load and describe themselves; broken plugins are
// refused with a message naming the file and the reason; settings are checked against the
// schema a plugin declares.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "plugin/plugin_config.h"
#include "plugin/plugin_host.h"
#include "plugin/plugin_registry.h"

namespace pathhub::plugin {
namespace {

const std::filesystem::path kShipped = PATHHUB_PLUGIN_DIR;
const std::filesystem::path kBroken = PATHHUB_BROKEN_PLUGIN_DIR;

TEST(PluginLoader, LoadsTheShippedPlugins) {
  PluginRegistry registry;
  EXPECT_TRUE(registry.loadFolders({kShipped, "/nonexistent/folder"}).empty());
  ASSERT_EQ(registry.plugins().size(), 12u);
  const LoadedPlugin* from = nullptr;
  ASSERT_TRUE(registry.find<phub_source_kind>("mllp", &from));
  EXPECT_STREQ(from->descriptor->name, "transport_mllp");
  EXPECT_TRUE(registry.destination("mllp"));
  EXPECT_TRUE(registry.source("file"));
  EXPECT_TRUE(registry.destination("file"));
  EXPECT_TRUE(registry.source("http"));
  EXPECT_TRUE(registry.destination("http"));
  EXPECT_TRUE(registry.source("astm"));
  EXPECT_TRUE(registry.destination("nhs-pathology-api"));
  EXPECT_FALSE(registry.destination("ftp"));
  EXPECT_TRUE(registry.codec("fhir-json"));
  EXPECT_TRUE(registry.codec("fhir-xml"));
  EXPECT_TRUE(registry.codec("edifact"));
  for (const char* dialect : {"winpath", "copath", "dhcw", "epic"}) {
    EXPECT_TRUE(registry.codec(dialect)) << dialect;
  }
  EXPECT_FALSE(registry.codec("pdf"));
  const std::string listing = registry.describe();
  for (const char* expected : {"transport_mllp 1.0.0 (ABI 1.6", "source mllp:", "destination file:",
                               "codec fhir-json: FHIR R4 message Bundle",
                               "codec edifact:", "endpoint (host:port, required)",
                               "ackTimeoutMs (integer 1..3600000, default \"30000\")"}) {
    EXPECT_NE(listing.find(expected), std::string::npos) << expected << "\n" << listing;
  }
}

TEST(PluginLoader, LoadsAPluginBuiltForAbi10AndReadsNoCodecsFromIt) {
  PluginRegistry registry;
  ASSERT_TRUE(registry.loadFile(std::string(PATHHUB_COMPAT_PLUGIN_DIR) + "/abi10.so"));
  ASSERT_EQ(registry.plugins().size(), 1u);
  EXPECT_TRUE(registry.destination("abi10"));
  EXPECT_FALSE(registry.codec("anything"));
  EXPECT_EQ(registry.describe().find("codec"), std::string::npos);
}

TEST(PluginLoader, ReadsTheSmallerCodecKindsOfAnAbi11PluginAtTheirOwnStride) {
  PluginRegistry registry;
  ASSERT_TRUE(registry.loadFile(std::string(PATHHUB_COMPAT_PLUGIN_DIR) + "/abi11.so"));
  for (const char* type : {"abi11-a", "abi11-b"}) {
    const phub_codec_kind* codec = registry.codec(type);
    ASSERT_TRUE(codec) << type;
    EXPECT_EQ(codec->create, nullptr) << "ABI 1.2 fields must read as absent";
    EXPECT_EQ(codec->destroy, nullptr);
    auto converted = converter(*codec, Direction::kDecode).convert("MSH|x");
    ASSERT_TRUE(converted) << converted.error().text;
    EXPECT_EQ(converted->messages.at(0), std::string(1, type[6]) + "MSH|x");
  }
  // Settings for a codec that takes none are refused, naming the element.
  auto refused = makeConverter(registry, "abi11-a", {{"colour", "red"}}, Direction::kDecode, "lab",
                               "source", "channel 'lab' source");
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().text.find("channel 'lab' source codecSettings"), std::string::npos)
      << refused.error().text;
  EXPECT_NE(refused.error().text.find("colour"), std::string::npos) << refused.error().text;
}

TEST(PluginLoader, ReadsTheSmallerDestinationKindsOfAnAbi14PluginAtTheirOwnStride) {
  PluginRegistry registry;
  ASSERT_TRUE(registry.loadFile(std::string(PATHHUB_COMPAT_PLUGIN_DIR) + "/abi14.so"));
  for (const char* type : {"abi14-a", "abi14-b"}) {
    const phub_destination_kind* kind = registry.destination(type);
    ASSERT_TRUE(kind) << type;
    EXPECT_STREQ(kind->type, type);
    EXPECT_NE(kind->deliver, nullptr);
    EXPECT_NE(kind->destroy, nullptr) << "read at the plugin's stride, not the hub's";
    EXPECT_EQ(kind->deliver_window, nullptr) << "the ABI 1.5 field must read as absent";
  }
}

TEST(PluginLoader, RefusesBrokenPluginsNamingTheFileAndTheReason) {
  PluginRegistry registry;
  const auto problems = registry.loadFolders({kBroken});
  auto refusal = [&problems](const std::string& file) {
    for (const auto& p : problems) {
      if (p.find("/" + file + " refused: ") != std::string::npos) return p;
    }
    return std::string("(no refusal of ") + file + ")";
  };
  EXPECT_NE(refusal("wrong_abi.so").find("built for plugin ABI 2.x; this hub has ABI 1.6"),
            std::string::npos)
      << refusal("wrong_abi.so");
  EXPECT_NE(refusal("no_entry.so").find("has no phub_plugin_entry"), std::string::npos);
  EXPECT_NE(refusal("bad_schema.so").find("schema key 'folder' is twice"), std::string::npos)
      << refusal("bad_schema.so");
  const std::string missing = refusal("missing_symbol.so");
  EXPECT_NE(missing.find("cannot be loaded"), std::string::npos) << missing;
  EXPECT_NE(missing.find("phub_function_no_hub_has"), std::string::npos) << missing;
  // The sound plugin in the same folder is kept.
  ASSERT_EQ(registry.plugins().size(), 1u);
  EXPECT_STREQ(registry.plugins()[0].descriptor->name, "faulty");
  EXPECT_EQ(problems.size(), 4u);
}

// Issue 18, item 13: a truncated plugin (a half-finished copy) is refused with the reason;
// dlopen of it could kill the hub with SIGBUS before a word was said.
TEST(PluginLoader, RefusesATruncatedOrForeignFileBeforeLoadingIt) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("truncated-plugin-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto whole = kShipped / "transport_file.so";
  const auto size = std::filesystem::file_size(whole);
  std::filesystem::copy_file(whole, dir / "cut.so",
                             std::filesystem::copy_options::overwrite_existing);
  std::filesystem::resize_file(dir / "cut.so", size / 2);
  std::ofstream(dir / "text.so") << std::string(200, '#') << " not a plugin at all";
  PluginRegistry registry;
  auto cut = registry.loadFile(dir / "cut.so");
  ASSERT_FALSE(cut);
  EXPECT_NE(cut.error().text.find("truncated"), std::string::npos) << cut.error().text;
  auto text = registry.loadFile(dir / "text.so");
  ASSERT_FALSE(text);
  EXPECT_NE(text.error().text.find("not an ELF file"), std::string::npos) << text.error().text;
  EXPECT_TRUE(registry.loadFile(whole));
  std::filesystem::remove_all(dir);
}

TEST(PluginSdk, TurnsExceptionsIntoTheErrorsTheAbiExpects) {
  PluginRegistry registry;
  ASSERT_TRUE(registry.loadFile(kBroken / "faulty.so"));
  const phub_source_kind* kind = registry.source("throws_in_stop");
  ASSERT_TRUE(kind);
  const phub_context context{sizeof(phub_context), nullptr, nullptr, nullptr, "lab", "source", 0};
  char error[256] = "";
  void* self = kind->create(&context, error, sizeof error);
  ASSERT_TRUE(self) << error;
  EXPECT_EQ(kind->start(self, error, sizeof error), 0);
  EXPECT_NE(kind->stop(self, error, sizeof error), 0);
  EXPECT_STREQ(error, "listener thread would not join");
  kind->destroy(self);
  const phub_destination_kind* create = registry.destination("throws_in_create");
  ASSERT_TRUE(create);
  EXPECT_EQ(create->create(&context, error, 8), nullptr);
  EXPECT_STREQ(error, "cannot ");  // cut to the 8 bytes given, terminated
}

TEST(PluginLoader, RefusesASecondPluginOfTheSameName) {
  PluginRegistry registry;
  ASSERT_TRUE(registry.loadFile(kShipped / "transport_mllp.so"));
  auto again = registry.loadFile(kShipped / "transport_mllp.so");
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().text.find("a plugin named 'transport_mllp' is already loaded"),
            std::string::npos)
      << again.error().text;
  EXPECT_EQ(again.error().context.file, (kShipped / "transport_mllp.so").string());
}

TEST(PluginSettings, ChecksEveryKeyAgainstTheSchemaAndFillsDefaults) {
  const phub_config_key keys[] = {
      {"endpoint", PHUB_KEY_ENDPOINT, nullptr, 1, 0, 0, "peer"},
      {"timeoutMs", PHUB_KEY_INTEGER, "500", 0, 1, 1000, "wait"},
      {"tls", PHUB_KEY_BOOLEAN, "false", 0, 0, 0, "encrypt"},
      {"label", PHUB_KEY_STRING, nullptr, 0, 0, 0, "optional, no default"},
  };
  auto ok = checkSettings(keys, 4, {{"endpoint", "127.0.0.1:2575"}}, "channel 'a' source");
  ASSERT_TRUE(ok) << ok.error().text;
  EXPECT_EQ(ok->values,
            (std::map<std::string, std::string>{
                {"endpoint", "127.0.0.1:2575"}, {"timeoutMs", "500"}, {"tls", "false"}}));
  auto bad = checkSettings(keys, 4, {{"timeoutMs", "5000"}, {"tls", "yes"}, {"colour", "red"}},
                           "channel 'a' destination 'gp'");
  ASSERT_FALSE(bad);
  for (const char* expected : {"channel 'a' destination 'gp': needs endpoint=\"...\" (peer)",
                               "channel 'a' destination 'gp': timeoutMs: '5000' is outside 1..1000",
                               "channel 'a' destination 'gp': tls: 'yes' is not true or false",
                               "channel 'a' destination 'gp': unknown attribute 'colour'"}) {
    EXPECT_NE(bad.error().text.find(expected), std::string::npos) << expected << "\n"
                                                                  << bad.error().text;
  }
  EXPECT_FALSE(checkSettings(keys, 4, {{"endpoint", "nohost"}}, "x"));
}

TEST(PluginSettings, FindsUnsoundSchemas) {
  const phub_config_key badDefault[] = {{"n", PHUB_KEY_INTEGER, "ten", 0, 1, 5, ""}};
  EXPECT_NE(schemaProblem(badDefault, 1).find("'n' default: 'ten' is not a whole number"),
            std::string::npos);
  const phub_config_key backwards[] = {{"n", PHUB_KEY_INTEGER, nullptr, 0, 5, 1, ""}};
  EXPECT_NE(schemaProblem(backwards, 1).find("min > max"), std::string::npos);
  const phub_config_key unnamed[] = {{nullptr, PHUB_KEY_STRING, nullptr, 0, 0, 0, ""}};
  EXPECT_NE(schemaProblem(unnamed, 1).find("has no name"), std::string::npos);
  EXPECT_EQ(schemaProblem(nullptr, 0), "");
}

}  // namespace
}  // namespace pathhub::plugin
