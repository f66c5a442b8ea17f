// The SQLite way of testing, on a real channel: a loop over N fails the N-th journal job, then
// the N-th COMMIT (as a failed fsync does), while messages are taken in, mapped and delivered.
// Whatever N hits (an intake's append, a mapping's record, a delivery's record), no message is
// acknowledged AA unless it is committed, everything AA'd is delivered, and once the fault
// has passed the channel goes on: resent messages are taken and nothing is left behind.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>

#include "journal/journal.h"
#include "pipeline/channel.h"
#include "pipeline/intake.h"
#include "pipeline_test_support.h"

namespace pathhub::pipeline {
namespace {

class RecordingDestination : public Destination {
 public:
  RecordingDestination(std::mutex& m, std::map<std::string, int>& seen) : m_(m), seen_(seen) {}
  DeliveryResult deliver(const std::string& bytes, std::int64_t,
                         const DeliveryAttributes&) override {
    // MSH-10 is the tenth '|'-separated field counting MSH-1 as the separator itself.
    std::size_t at = 0;
    for (int i = 0; i < 9 && at != std::string::npos; ++i) at = bytes.find('|', at + 1);
    const std::string id = bytes.substr(at + 1, bytes.find('|', at + 1) - at - 1);
    std::lock_guard lock(m_);
    ++seen_[id];
    return {DeliveryResult::Kind::kDelivered, "ok"};
  }

 private:
  std::mutex& m_;
  std::map<std::string, int>& seen_;
};

std::string msaCode(const std::string& ack) {
  const auto msa = ack.find("MSA|");
  return msa == std::string::npos ? "" : ack.substr(msa + 4, 2);
}

struct Round {
  int job = 0, commit = 0;
};

void runRound(const Round& fault, int round) {
  SCOPED_TRACE("job fault " + std::to_string(fault.job) + ", commit fault " +
               std::to_string(fault.commit));
  ChannelRig rig("commit-faults-" + std::to_string(round));
  ASSERT_TRUE(rig.journal);
  auto& journal = rig.journal;
  std::mutex m;
  std::map<std::string, int> delivered;
  Channel channel(
      rig.config, *journal, rig.zmq,
      [] { return Result<std::unique_ptr<Mapper>>(std::make_unique<PassThroughMapper>()); },
      [&](const config::DestinationConfig&, Channel&) {
        return Result<std::unique_ptr<Destination>>(
            std::make_unique<RecordingDestination>(m, delivered));
      });
  ASSERT_TRUE(channel.start());
  Intake intake(channel, "mllp");
  journal->writer().injectFaults(
      {static_cast<std::uint64_t>(fault.job), static_cast<std::uint64_t>(fault.commit)});
  constexpr int kMessages = 8;
  auto bytes = [](int i) {
    return "MSH|^~\\&|LAB|RBH|GP|A81001|20261202101500||ORU^R01|M" + std::to_string(i) +
           "|P|2.4\rPID|1||9434765919^^^NHS^NH\rOBX|1|NM|K^Potassium||4.1|mmol/L|||||F\r";
  };
  std::vector<int> refused;
  for (int i = 0; i < kMessages; ++i) {
    const Submission s = intake.submit(bytes(i), "test");
    const std::string code = msaCode(s.reply);
    if (s.status == Submission::Status::kAccepted) {
      EXPECT_EQ(code, "AA") << "M" << i;
      // Acknowledged: it must be committed, so it is in the journal now.
      auto kept = journal->message(s.messageId);
      ASSERT_TRUE(kept) << "M" << i << " ACKed but not in the journal";
      EXPECT_EQ(kept->controlId, "M" + std::to_string(i));
    } else {
      EXPECT_EQ(s.status, Submission::Status::kFailed) << "M" << i;
      EXPECT_EQ(code, "AE") << "M" << i << ": a message not kept is answered AE";
      refused.push_back(i);
    }
  }
  // The sender resends what was refused; the fault has passed.
  for (int i : refused) {
    const Submission s = intake.submit(bytes(i), "test");
    EXPECT_EQ(s.status, Submission::Status::kAccepted) << "resent M" << i;
    EXPECT_EQ(msaCode(s.reply), "AA") << "resent M" << i;
  }
  // Every message is delivered (a failed record of a delivery may deliver it again: at least
  // once), and nothing is left in the journal undelivered or unmapped.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  auto allDelivered = [&] {
    std::lock_guard lock(m);
    if (delivered.size() != kMessages) return false;
    auto pending = journal->countDeliveries("lab", "pending");
    return pending && *pending == 0;
  };
  while (!allDelivered() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  {
    std::lock_guard lock(m);
    EXPECT_EQ(delivered.size(), static_cast<std::size_t>(kMessages));
  }
  EXPECT_EQ(*journal->countMessages("lab", "received"), 0) << "a message left unmapped";
  EXPECT_EQ(*journal->countMessages("lab", "mapped"), kMessages);
  EXPECT_EQ(*journal->countMessages("lab", "duplicate"), 0)
      << "a resend of a message whose commit failed was taken for a duplicate";
}

TEST(CommitFaults, NoAckWithoutACommitAndTheChannelRecoversWhereverTheFaultFalls) {
  int round = 0;
  for (int n = 1; n <= 14; ++n) runRound({n, 0}, ++round);
  for (int n = 1; n <= 10; ++n) runRound({0, n}, ++round);
}

}  // namespace
}  // namespace pathhub::pipeline
