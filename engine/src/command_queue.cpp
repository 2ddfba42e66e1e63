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
    // The callers of the last batch are only now coming back with their next commands: wait a
    // moment for them, or the batches would alternate between one command and all the others.
    // A single caller (last batch of one) never waits.
    if (last_batch_size_ > 1 && waiting_.size() < last_batch_size_)
      arrived_.wait_for(lock, gather_window, [&] { return waiting_.size() >= last_batch_size_; });
    last_batch_size_ = waiting_.size();
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

void CommandQueue::run_batch(const std::vector<Job*>& batch) {
  bool any_exclusive = std::any_of(batch.begin(), batch.end(), [](const Job* j) { return j->exclusive; });
  if (batch.size() == 1 || any_exclusive || !store_.begin_batch()) {
    for (Job* job : batch) job->run();  // each in a transaction of its own
    return;
  }
  for (Job* job : batch) job->run();
  if (Status committed = store_.commit_batch(); !committed) {
    store_.rollback_batch();
    for (Job* job : batch) job->fail(committed);
  }
}

}  // namespace casegate
