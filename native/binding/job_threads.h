// Threads of myelin's own for the Promise-returning calls (predictAsync, evaluate, gemmAsync,
// deepShapAsync; fit has a thread per call, see fit_task.h), instead of libuv's pool. Node waits for
// running libuv pool work before it runs an environment's cleanup hooks, so worker.terminate() waited
// for a whole predictAsync or evaluate call (3 s and 8 s for 100,000 rows here). A job queued here is
// cancelled by its environment's cleanup hook instead (async.h): dropped if it has not started, else
// stopped at its next chunk of rows or batch.
#pragma once

#include <cstdint>
#include <functional>

namespace myelin::binding::jobs {

using Ticket = uint64_t;

// Queues fn; a thread runs it as soon as one is free. Threads start on demand, up to libuv's default
// pool size (4) or the number of cores if more, and are kept for the next calls.
Ticket submit(std::function<void()> fn);

// Removes a job that has not started: true when fn will never run.
bool drop(Ticket t);

}  // namespace myelin::binding::jobs
