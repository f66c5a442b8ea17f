// Google Benchmark cases for the conversions: an ORU^R01 (the 1.5 KB sample, twenty OBX) and
// an EDIFACT NHS003 FBC report (the corpus's, fifteen investigations) each to a FHIR R4 JSON
// message Bundle, the whole way: parse, read into the model, write the Bundle. Each case
// checks its conversion succeeds before timing it.
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>

#include "bench_samples.h"
#include "edifact/edifact_syntax.h"
#include "edifact/medrpt_reader.h"
#include "fhir/bundle_writer.h"
#include "hl7/message.h"
#include "model/v2_reader.h"

namespace pathhub::bench {
namespace {

std::string oruToFhir(const std::string& bytes) {
  auto parsed = hl7::Message::parse(bytes);
  if (!parsed) return {};
  auto model = model::readV2(*parsed);
  if (!model) return {};
  return fhir::writeBundleJson(*model);
}

std::string edifactToFhir(const std::string& text) {
  auto interchange = edifact::parse(text);
  if (!interchange || interchange->messages.size() < 2) return {};
  auto model = edifact::readMedrpt(interchange->messages[1], &*interchange);
  if (!model) return {};
  return fhir::writeBundleJson(*model);
}

void BM_OruToFhirJson(benchmark::State& state) {
  const std::string bytes = oruSample();
  const std::string first = oruToFhir(bytes);
  if (first.find("\"DiagnosticReport\"") == std::string::npos) {
    state.SkipWithError("the ORU did not convert");
    return;
  }
  for (auto _ : state) {
    auto json = oruToFhir(bytes);
    benchmark::DoNotOptimize(json);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel("messages/s, oru_1.5k → FHIR R4 JSON");
}
BENCHMARK(BM_OruToFhirJson);

void BM_EdifactToFhirJson(benchmark::State& state) {
  std::ifstream in(std::string(PATHHUB_CORPUS_DIR) +
                   "/edifact/nhs003_medrpt_interchange_3msgs_b12_folate_fbc.edi");
  std::stringstream text;
  text << in.rdbuf();
  const std::string interchange = text.str();
  const std::string first = edifactToFhir(interchange);
  if (first.find("\"Observation\"") == std::string::npos) {
    state.SkipWithError("the EDIFACT report did not convert");
    return;
  }
  for (auto _ : state) {
    auto json = edifactToFhir(interchange);
    benchmark::DoNotOptimize(json);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel("interchanges/s, 3 NHS003 messages parsed, the FBC one → FHIR R4 JSON");
}
BENCHMARK(BM_EdifactToFhirJson);

}  // namespace
}  // namespace pathhub::bench

BENCHMARK_MAIN();
