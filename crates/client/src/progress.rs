//! Progress reporting for transfers, so a front end can draw a bar without the library knowing
//! about terminals.

/// Receives the progress of one transfer. Called from a blocking thread, hence `Send + Sync`.
pub trait Progress: Send + Sync {
    /// A transfer of `total` bytes begins.
    fn start(&self, total: u64);
    /// `n` more bytes went through.
    fn advance(&self, n: u64);
    /// The transfer ended, successfully or not.
    fn finish(&self);
    /// The connection broke (`reason`) and the transfer starts again, as attempt `attempt` of
    /// `attempts`, from byte `offset`: the bytes before it went through already.
    fn resume(&self, offset: u64, attempt: u32, attempts: u32, reason: &str) {
        let _ = (offset, attempt, attempts, reason);
    }
}

/// Reports nothing.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&self, _total: u64) {}
    fn advance(&self, _n: u64) {}
    fn finish(&self) {}
}
