#include "command_queue.hpp"

#include <algorithm>

namespace casegate {

void CommandQueue::submit(Job& job) {
  std::unique_lock lock(mutex_);
  waiting_.push_back(&job);
  arrived_.notify_one();
  while (!job.done) {
    if (running_) {
      finished_.wait(lock);
      continue;
    }
    running_ = true;
    std::vector<Job*> batch;
    batch.swap(waiting_);
    lock.unlock();
    run_batch(batch);
    lock.lock();
    for (Job* finished : batch) finished->done = true;
    running_ = false;
    finished_.notify_all();
  }
}

void CommandQueue::run_batch(std::vector<Job*>& batch) {
  // The callers of the last batch are only now coming back with their next commands. Rather than
  // wait for them, run what is here and take them into the same transaction as they arrive,
  // until as many as last time have run or the gather window ends, and then whoever is already
  // queued (so a batch can grow); then commit once. A lone caller (a last batch of one) runs in a
  // transaction of its own, exactly as without the queue.
  const std::size_t expected = last_batch_size_;
  bool any_exclusive = std::any_of(batch.begin(), batch.end(), [](const Job* j) { return j->exclusive; });
  if ((batch.size() == 1 && expected <= 1) || any_exclusive || !store_.begin_batch()) {
    for (Job* job : batch) {
      job->run();  // each in a transaction of its own
      count_commit(1);
    }
    last_batch_size_ = batch.size();
    return;
  }
  const auto deadline = std::chrono::steady_clock::now() + gather_window;
  for (std::size_t next = 0;;) {
    for (; next < batch.size(); ++next) batch[next]->run();
    std::unique_lock lock(mutex_);
    if (batch.size() < expected) arrived_.wait_until(lock, deadline, [&] { return !waiting_.empty(); });
    // An exclusive command needs the store to itself: it waits for the next round.
    auto joining = std::stable_partition(waiting_.begin(), waiting_.end(), [](const Job* j) { return !j->exclusive; });
    if (joining == waiting_.begin()) break;  // no one else is here, and the window has ended or was not needed
    batch.insert(batch.end(), waiting_.begin(), joining);
    waiting_.erase(waiting_.begin(), joining);
  }
  last_batch_size_ = batch.size();
  if (Status committed = store_.commit_batch(); !committed) {
    store_.rollback_batch();
    for (Job* job : batch) job->fail(committed);
    return;
  }
  count_commit(batch.size());
}

void CommandQueue::count_commit(std::size_t commands) {
  std::size_t bucket = 0;
  while (bucket + 1 < CommitStats::buckets && commands > CommitStats::bucket_limit(bucket)) ++bucket;
  ++commits_by_size_[bucket];
  commands_ += commands;
}

CommitStats CommandQueue::stats() const {
  CommitStats stats;
  for (std::size_t b = 0; b < CommitStats::buckets; ++b) stats.commits_by_size[b] = commits_by_size_[b];
  stats.commands = commands_;
  return stats;
}

}  // namespace casegate
