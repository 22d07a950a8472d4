// A persistent pool of worker threads shared by every kernel. The caller of parallel_for takes part
// in the work. Results never depend on the thread count: callers split work over disjoint outputs
// (rows or columns), never over a reduction.
#pragma once

#include <chrono>
#include <functional>

namespace myelin {

// How long an idle worker polls for the next job before it sleeps (waking it then costs the next parallel_for
// tens of microseconds on a VM); callers that decide whether to wake it read it too (gemv.cc).
constexpr auto kPoolSpin = std::chrono::microseconds(100);

// Threads used by parallel_for, including the caller (1 inside a parallel_for task). Default: MYELIN_NUM_THREADS, else
// the number of hardware threads. Clamped to [1, max_threads()]; lowering it ends the workers no longer needed.
void set_num_threads(int n);
int num_threads();
// 4x the hardware threads: more only adds context switches (and each thread's stack and scratch).
int max_threads();

// Runs task(i) for every i in [0, n_tasks), spread over the pool, and returns when all are done. The caller
// runs task 0 (then takes others as the workers do), so work split the same way at every call finds task 0's
// data in the caller's caches.
// Nested calls, and calls made while another caller owns the pool, run inline on the caller.
// wake = false: sleeping workers are not woken (the caller runs the tasks no spinning worker takes), for jobs of a
// few microseconds, which a wake-up would take longer than.
void parallel_for(int n_tasks, const std::function<void(int)>& task, bool wake = true);

}  // namespace myelin
