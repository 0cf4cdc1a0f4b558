#include "powersel/common/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace powersel {

void ParallelFor(std::size_t count, int threads, const std::function<void(std::size_t)>& body) {
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr first_error;
  std::mutex error_mutex;
  auto worker = [&] {
    for (std::size_t i = next++; i < count && !failed; i = next++) {
      try {
        body(i);
      } catch (...) {
        const std::lock_guard lock(error_mutex);
        if (!first_error) {
          first_error = std::current_exception();
        }
        failed = true;
      }
    }
  };
  const std::size_t workers =
      std::min<std::size_t>(count, static_cast<std::size_t>(std::max(1, threads)));
  std::vector<std::jthread> pool;
  for (std::size_t t = 1; t < workers; ++t) {
    pool.emplace_back(worker);
  }
  worker();
  pool.clear();  // joins
  if (first_error) {
    std::rethrow_exception(first_error);
  }
}

int DefaultThreads() {
  return std::max(1U, std::thread::hardware_concurrency());
}

}  // namespace powersel
