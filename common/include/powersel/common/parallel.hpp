// A minimal fork-join loop over independent work items.
#pragma once

#include <cstddef>
#include <functional>

namespace powersel {

// Calls body(i) for every i < count on up to `threads` threads (at least one), items taken in
// order; the first exception thrown by any item is rethrown after all threads stop.
void ParallelFor(std::size_t count, int threads, const std::function<void(std::size_t)>& body);

// The default for --threads: the machine's hardware threads.
int DefaultThreads();

}  // namespace powersel
