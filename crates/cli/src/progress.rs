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
        Arc::new(NoProgress)
    }
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
}
