//! CPU time of the bench's thread, shared by the benches.

/// Seconds this thread has run on a CPU, so that a loaded machine's waiting does not count.
/// The thread's CPU clock is read to the nanosecond: `/proc/thread-self/schedstat`, read
/// before, is brought up to date only at the scheduler's ticks (4 ms here), a tenth of a scan.
fn thread_seconds() -> f64 {
    let now = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    now.tv_sec as f64 + now.tv_nsec as f64 / 1e9
}

/// Times `work` on the CPU: the best of `runs`.
pub fn best_cpu_seconds(runs: usize, mut work: impl FnMut()) -> f64 {
    let mut best = f64::INFINITY;
    for _ in 0..runs {
        let before = thread_seconds();
        work();
        best = best.min(thread_seconds() - before);
    }
    best
}
