#pragma once
// Group commit. Commands from several threads queue up; whichever thread finds no batch running
// takes everything queued (and whatever arrives while it runs, for a moment) and runs it as one
// transaction (each command in its own savepoint, so a failed or refused command never touches
// another), commits once, and wakes the others. Each caller returns only after the commit that
// holds its command: durable, one fsync for many.
// A lone command runs in a transaction of its own, exactly as without the queue.
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <vector>

#include "casegate/case_store.hpp"  // Transactions
#include "casegate/engine.hpp"      // CommitStats

namespace casegate {

class CommandQueue {
 public:
  struct Job {
    std::function<void()> run;                // the command: begin/commit_command and all
    std::function<void(const Status&)> fail;  // called instead when its batch cannot commit
    bool exclusive = false;                   // needs the store to itself (no open transaction)
    bool done = false;
  };

  explicit CommandQueue(Transactions& store) : store_(store) {}

  // Blocks until `job` has run and its transaction has ended.
  void submit(Job& job);

  // How many commits carried how many commands (CommitStats's buckets).
  CommitStats stats() const;

 private:
  // Runs `batch`, and the callers that join it while it runs (added to it); see the .cpp.
  void run_batch(std::vector<Job*>& batch);
  void count_commit(std::size_t commands);

  // Well under one fsync, so gathering company never costs more than the commit it shares.
  static constexpr std::chrono::microseconds gather_window{200};

  Transactions& store_;
  std::mutex mutex_;
  std::condition_variable finished_;
  std::condition_variable arrived_;
  std::size_t last_batch_size_ = 0;
  std::vector<Job*> waiting_;
  bool running_ = false;
  std::array<std::atomic<std::uint64_t>, CommitStats::buckets> commits_by_size_{};
  std::atomic<std::uint64_t> commands_{0};
};

}  // namespace casegate
