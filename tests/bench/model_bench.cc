// Google Benchmark cases for the conversions: an ORU^R01 (the 1.5 KB sample, twenty OBX) and
// the corpus's EDIFACT interchange of three NHS003 reports (B12/folate, an FBC of fifteen
// investigations, B12/folate) each to FHIR R4 JSON message Bundles, the whole way: parse,
// read into the model, write the Bundle. Each case
// checks its conversion succeeds before timing it.
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>

#include "bench_samples.h"
#include "edifact/edifact_syntax.h"
#include "edifact/medrpt_reader.h"
#include "fhir/bundle_writer.h"
#include "hl7/batch.h"
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

// Every report of the interchange to a Bundle; the Bundles' total size (0 on failure).
std::size_t edifactToFhir(const std::string& text) {
  auto interchange = edifact::parse(text);
  if (!interchange) return 0;
  std::size_t bytes = 0;
  for (const auto& message : interchange->messages) {
    auto model = edifact::readMedrpt(message, &*interchange);
    if (!model) return 0;
    bytes += fhir::writeBundleJson(*model).size();
  }
  return bytes;
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

// What the record indexer does first with each message: split it out of what was kept, parse
// it and read it into the model, one model message per patient.
std::size_t oruToModel(const std::string& bytes) {
  auto split = hl7::splitMessages(bytes);
  if (!split) return 0;
  std::size_t results = 0;
  for (std::string_view text : split->messages) {
    auto parsed = hl7::Message::parse(std::string(text));
    if (!parsed) return 0;
    auto models = model::readV2Split(*parsed, model::LocalZone::london());
    if (!models) return 0;
    for (const auto& m : *models) {
      for (const auto& r : m.reports) results += r.results.size();
    }
  }
  return results;
}

void BM_OruToModel(benchmark::State& state) {
  const std::string bytes = oruSample();
  if (oruToModel(bytes) == 0) {
    state.SkipWithError("the ORU did not read");
    return;
  }
  for (auto _ : state) {
    auto results = oruToModel(bytes);
    benchmark::DoNotOptimize(results);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel("messages/s, oru_1.5k split, parsed and read into the model (the record's read)");
}
BENCHMARK(BM_OruToModel);

void BM_EdifactToFhirJson(benchmark::State& state) {
  std::ifstream in(std::string(PATHHUB_CORPUS_DIR) +
                   "/edifact/nhs003_medrpt_interchange_3msgs_b12_folate_fbc.edi");
  std::stringstream text;
  text << in.rdbuf();
  const std::string interchange = text.str();
  if (edifactToFhir(interchange) < 1000) {
    state.SkipWithError("the EDIFACT reports did not convert");
    return;
  }
  for (auto _ : state) {
    auto bytes = edifactToFhir(interchange);
    benchmark::DoNotOptimize(bytes);
  }
  state.SetItemsProcessed(state.iterations() * 3);
  state.SetLabel("messages/s, 3 NHS003 reports (4 KB interchange) → 3 FHIR R4 JSON Bundles");
}
BENCHMARK(BM_EdifactToFhirJson);

}  // namespace
}  // namespace pathhub::bench

BENCHMARK_MAIN();
