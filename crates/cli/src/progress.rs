//! Progress bars on stderr, only when stderr is a terminal: scripts and logs get none.

use std::io::IsTerminal as _;
use std::sync::Arc;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use pli_client::{NoProgress, Progress};

/// A progress reporter for a transfer labelled `label` ("sending", "receiving").
pub fn transfer(label: &'static str) -> Arc<dyn Progress> {
    if std::io::stderr().is_terminal() {
        Arc::new(Bar {
            label,
            bar: ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()),
        })
    } else {
        Arc::new(Quiet)
    }
}

/// No bar, for scripts and logs; a resumption is still said on stderr.
struct Quiet;

impl Progress for Quiet {
    fn start(&self, total: u64) {
        NoProgress.start(total);
    }

    fn advance(&self, n: u64) {
        NoProgress.advance(n);
    }

    fn finish(&self) {
        NoProgress.finish();
    }

    fn resume(&self, offset: u64, attempt: u32, attempts: u32, reason: &str) {
        eprintln!("{}", resume_message(offset, attempt, attempts, reason));
    }
}

/// The line said when a transfer resumes.
fn resume_message(offset: u64, attempt: u32, attempts: u32, reason: &str) -> String {
    format!("{reason}; resuming from byte {offset} (attempt {attempt} of {attempts})")
}

struct Bar {
    label: &'static str,
    bar: ProgressBar,
}

impl Progress for Bar {
    fn start(&self, total: u64) {
        self.bar.set_length(total);
        let style = ProgressStyle::with_template(
            "{prefix} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
        self.bar.set_style(style);
        self.bar.set_prefix(self.label);
    }

    fn advance(&self, n: u64) {
        self.bar.inc(n);
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }

    fn resume(&self, offset: u64, attempt: u32, attempts: u32, reason: &str) {
        self.bar
            .suspend(|| eprintln!("{}", resume_message(offset, attempt, attempts, reason)));
        self.bar.set_position(offset);
    }
}
