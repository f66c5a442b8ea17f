// Google Benchmark cases for the HL7 v2 codec and MLLP framing: full-tree parse, encode,
// path lookups and edits on a 1.5 KB ORU^R01 and a 30 KB text report. Each case checks that
// its operation succeeds before timing it, so a broken codec cannot report a fast time.
//
//   hl7_bench [--write-samples DIR] [Google Benchmark flags]
#include <benchmark/benchmark.h>

#include <cstring>
#include <fstream>
#include <iostream>

#include "bench_samples.h"
#include "hl7/message.h"
#include "lua/lua_mapper.h"
#include "mllp/mllp_codec.h"

namespace pathhub::bench {
namespace {

const std::string& sample(int which) {
  static const std::string oru = oruSample();
  static const std::string report = longTextReport();
  return which == 0 ? oru : report;
}

void BM_Parse(benchmark::State& state) {
  const std::string& bytes = sample(static_cast<int>(state.range(0)));
  if (!hl7::Message::parse(bytes)) {
    state.SkipWithError("sample does not parse");
    return;
  }
  for (auto _ : state) {
    auto m = hl7::Message::parse(bytes);
    benchmark::DoNotOptimize(m);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes.size()));
  state.SetLabel(state.range(0) == 0 ? "oru_1.5k" : "report_30k");
}
BENCHMARK(BM_Parse)->Arg(0)->Arg(1);

void BM_Encode(benchmark::State& state) {
  const std::string& bytes = sample(static_cast<int>(state.range(0)));
  auto m = hl7::Message::parse(bytes);
  if (!m || m->encode() != bytes) {
    state.SkipWithError("sample does not round-trip");
    return;
  }
  for (auto _ : state) {
    std::string out = m->encode();
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes.size()));
  state.SetLabel(state.range(0) == 0 ? "oru_1.5k" : "report_30k");
}
BENCHMARK(BM_Encode)->Arg(0)->Arg(1);

void BM_LookupPid3(benchmark::State& state) {
  auto m = hl7::Message::parse(sample(0));
  const hl7::Path path = *hl7::Path::parse("PID-3.1");
  if (!m || m->get(path).empty()) {
    state.SkipWithError("PID-3.1 not found");
    return;
  }
  for (auto _ : state) {
    std::string value = m->get(path);
    benchmark::DoNotOptimize(value);
  }
  state.SetLabel("PID-3.1, path parsed once");
}
BENCHMARK(BM_LookupPid3);

void BM_LookupPid3FromText(benchmark::State& state) {
  auto m = hl7::Message::parse(sample(0));
  if (!m || !m->get("PID-3.1") || m->get("PID-3.1")->empty()) {
    state.SkipWithError("PID-3.1 not found");
    return;
  }
  for (auto _ : state) {
    auto value = m->get("PID-3.1");
    benchmark::DoNotOptimize(value);
  }
  state.SetLabel("PID-3.1, path text parsed per call");
}
BENCHMARK(BM_LookupPid3FromText);

void BM_LookupLastObx(benchmark::State& state) {
  auto m = hl7::Message::parse(sample(1));
  const int last = static_cast<int>(m->segmentIndexes("OBX").size());
  const hl7::Path path = *hl7::Path::parse("OBX[" + std::to_string(last) + "]-5");
  if (m->get(path).empty()) {
    state.SkipWithError("last OBX-5 not found");
    return;
  }
  for (auto _ : state) {
    std::string value = m->get(path);
    benchmark::DoNotOptimize(value);
  }
  state.SetLabel("OBX[" + std::to_string(last) + "]-5 of report_30k, decoded");
}
BENCHMARK(BM_LookupLastObx);

void BM_SetObx5(benchmark::State& state) {
  auto m = hl7::Message::parse(sample(0));
  const hl7::Path path = *hl7::Path::parse("OBX[2]-5");
  if (!m || !m->set(path, "12.5")) {
    state.SkipWithError("cannot set OBX[2]-5");
    return;
  }
  int i = 0;
  for (auto _ : state) {
    auto ok = m->set(path, (++i & 1) ? "12.5" : "13.0");
    benchmark::DoNotOptimize(ok);
  }
  state.SetLabel("set OBX[2]-5 on oru_1.5k");
}
BENCHMARK(BM_SetObx5);

void BM_MllpDecode(benchmark::State& state) {
  const std::string framed = mllp::frame(sample(0));
  std::string stream;
  for (int i = 0; i < 64; ++i) stream += framed;
  std::vector<mllp::DecodedFrame> out;
  mllp::Decoder decoder;
  decoder.feed(stream, out);
  if (out.size() != 64 || !out.back().ok) {
    state.SkipWithError("decoder lost frames");
    return;
  }
  for (auto _ : state) {
    out.clear();
    decoder.feed(stream, out);
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * stream.size()));
  state.SetLabel("64 framed oru_1.5k per feed");
}
BENCHMARK(BM_MllpDecode);

// The typical code-mapping script on one worker: every OBX-3 through a table, PID-3 tidied.
void BM_LuaCodeMapping(benchmark::State& state) {
  lua::ScriptOptions options;
  options.script = std::string(PATHHUB_SOURCE_DIR) + "/scripts/examples/bench_code_mapping.lua";
  options.scriptsRoot = std::string(PATHHUB_SOURCE_DIR) + "/scripts";
  options.tables = std::make_shared<lua::CodeTables>(options.scriptsRoot / "tables");
  auto mapper = lua::LuaMapper::create(options, "bench");
  const std::string& bytes = sample(0);
  if (!mapper) {
    state.SkipWithError(mapper.error().describe().c_str());
    return;
  }
  auto first = (*mapper)->map(bytes, pipeline::MapContext{"bench", 1});
  if (first.kind != pipeline::MapResult::Kind::kMapped ||
      first.bytes.find("^SCT") == std::string::npos) {
    state.SkipWithError(("the mapping did not map: " + first.reason).c_str());
    return;
  }
  std::int64_t id = 1;
  for (auto _ : state) {
    auto result = (*mapper)->map(bytes, pipeline::MapContext{"bench", ++id});
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel("messages/s per worker, oru_1.5k");
}
BENCHMARK(BM_LuaCodeMapping);

bool writeSamples(const std::string& dir) {
  for (const auto& [name, bytes] :
       {std::pair{"oru_1.5k.hl7", sample(0)}, std::pair{"report_30k.hl7", sample(1)}}) {
    std::ofstream out(dir + "/" + name, std::ios::binary);
    out << bytes;
    if (!out) return false;
  }
  return true;
}

}  // namespace
}  // namespace pathhub::bench

int main(int argc, char** argv) {
  if (argc == 3 && std::strcmp(argv[1], "--write-samples") == 0) {
    if (!pathhub::bench::writeSamples(argv[2])) {
      std::cerr << "hl7_bench: cannot write samples to " << argv[2] << "\n";
      return 1;
    }
    return 0;
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
