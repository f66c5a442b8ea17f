// Fills a SQLite journal for the record's benchmark (tools/bench/record_bench): synthetic
// patients (valid NHS numbers, never real ones), each report a U&E of five results, received,
// mapped and then recorded by the record's own indexer, as the hub does.
//
//   record_fill JOURNAL RESULTS HEAVY_RESULTS
//
// RESULTS results in all, HEAVY_RESULTS of them for one patient (the first NHS number printed),
// the rest spread over patients of about ten reports each. Prints what it made as JSON:
// {"heavyPatient", "lightPatient" (about ten reports), "messages", "results", "reports",
// "appendSeconds", "recordSeconds"}.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "hl7/types.h"
#include "journal/journal.h"
#include "record/record_indexer.h"

namespace {

using namespace pathhub;

constexpr int kResultsPerReport = 5;

// The n-th synthetic NHS number: nine digits from n, the check digit that makes it valid
// (numbers whose check digit would be 10 are skipped).
std::string nhsNumber(long n) {
  for (long k = n;; k += 7919) {
    char nine[16];
    std::snprintf(nine, sizeof nine, "9%08ld", k % 100000000);
    int sum = 0;
    for (int i = 0; i < 9; ++i) sum += (nine[i] - '0') * (10 - i);
    const int check = (11 - sum % 11) % 11;
    if (check == 10) continue;
    std::string number = std::string(nine) + static_cast<char>('0' + check);
    if (hl7::isValidNhsNumber(number)) return number;
  }
}

std::string report(long index, const std::string& nhs, std::mt19937& random) {
  std::uniform_int_distribution<int> days(0, 5 * 365), minute(0, 59);
  // Collected some day in the five years from 2021.
  const std::time_t at =
      1609459200 + static_cast<std::time_t>(days(random)) * 86400 + 8 * 3600 + minute(random) * 60;
  char when[32];
  std::strftime(when, sizeof when, "%Y%m%d%H%M%S", std::gmtime(&at));
  const std::string filler = "F" + std::to_string(index);
  std::uniform_real_distribution<double> k(3.0, 6.0), na(130, 150), urea(2, 12), cr(50, 150);
  char values[5][16];
  std::snprintf(values[0], 16, "%.0f", na(random));
  std::snprintf(values[1], 16, "%.1f", k(random));
  std::snprintf(values[2], 16, "%.1f", urea(random));
  std::snprintf(values[3], 16, "%.0f", cr(random));
  std::snprintf(values[4], 16, "%d", 60 + static_cast<int>(index % 30));
  const char* codes[5] = {"2951-2^Sodium^LN", "2823-3^Potassium^LN", "3094-0^Urea^LN",
                          "2160-0^Creatinine^LN", "33914-3^eGFR^LN"};
  const char* units[5] = {"mmol/L", "mmol/L", "mmol/L", "umol/L", "mL/min/1.73m2"};
  std::string m = "MSH|^~\\&|LIMS|RAJ01|GP|G85001|" + std::string(when) + "||ORU^R01|B" +
                  std::to_string(index) + "|P|2.4\rPID|1||" + nhs +
                  "^^^NHS^NH||SYNTHETIC^PATIENT||19700101|U\rOBR|1|P" + std::to_string(index) +
                  "|" + filler + "|UE^Urea and electrolytes^WinPath|||" + when + "|||||||||||||||" +
                  when + "|||F\r";
  for (int i = 0; i < kResultsPerReport; ++i) {
    m += "OBX|" + std::to_string(i + 1) + "|NM|" + codes[i] + "||" + values[i] + "|" + units[i] +
         "||N|||F\r";
  }
  return m;
}

double seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: record_fill JOURNAL RESULTS HEAVY_RESULTS\n";
    return 2;
  }
  const long results = std::stol(argv[2]), heavyResults = std::stol(argv[3]);
  const long messages = results / kResultsPerReport, heavy = heavyResults / kResultsPerReport;
  auto journal = journal::Journal::open(journal::JournalOptions::sqlite(argv[1], {}));
  if (!journal) {
    std::cerr << journal.error().describe() << "\n";
    return 1;
  }
  const std::string heavyPatient = nhsNumber(0);
  const long stride = std::max(1L, messages / std::max(1L, heavy));
  const auto began = std::chrono::steady_clock::now();
  std::atomic<long> next{0};
  std::atomic<bool> failed{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 random(t);
      std::vector<journal::Journal::Mapping> mapped;
      std::vector<std::future<Result<void>>> pending;
      for (long i; (i = next++) < messages && !failed;) {
        // The heavy patient's reports spread through the journal, the rest ten a patient.
        const std::string nhs =
            i % stride == 0 && i / stride < heavy ? heavyPatient : nhsNumber(1 + i / 10);
        journal::NewMessage m;
        m.channel = "lab";
        m.source = "lab/mllp";
        m.controlId = "B" + std::to_string(i);
        m.messageType = "ORU^R01";
        m.bytes = report(i, nhs, random);
        m.nhsNumber = nhs;
        auto appended = (*journal)->append(m);
        if (!appended) {
          std::cerr << appended.error().describe() << "\n";
          failed = true;
          return;
        }
        journal::Journal::Mapping mapping;
        mapping.id = appended->id;
        mapped.push_back(std::move(mapping));
        if (mapped.size() == 64) {
          pending.push_back((*journal)->submitMapped(std::move(mapped)));
          mapped.clear();
        }
      }
      if (!mapped.empty()) pending.push_back((*journal)->submitMapped(std::move(mapped)));
      for (auto& p : pending) {
        if (!p.get()) failed = true;
      }
    });
  }
  for (auto& t : threads) t.join();
  if (failed) return 1;
  const double appendSeconds = seconds(began);
  const auto recording = std::chrono::steady_clock::now();
  record::RecordIndexer indexer(**journal, {std::chrono::milliseconds(0), 500});
  while (true) {
    auto n = indexer.recordBatch();
    if (!n) {
      std::cerr << n.error().describe() << "\n";
      return 1;
    }
    if (*n == 0) break;
  }
  const double recordSeconds = seconds(recording);
  auto status = (*journal)->recordStatus();
  std::cout << "{\"heavyPatient\": \"" << heavyPatient << "\", \"lightPatient\": \"" << nhsNumber(1)
            << "\", \"messages\": " << messages
            << ", \"results\": " << (status ? status->observations : 0)
            << ", \"reports\": " << (status ? status->reports : 0)
            << ", \"appendSeconds\": " << appendSeconds << ", \"recordSeconds\": " << recordSeconds
            << "}\n";
  return 0;
}
