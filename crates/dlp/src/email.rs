//! Email addresses: found from each `@` outwards, with bounded scans on both sides so a
//! hostile text (`a@a@a@...`, a megabyte of letters) stays linear.

use memchr::memchr_iter;

use crate::{Candidate, Kind};

/// RFC 5321 limits.
const MAX_LOCAL: usize = 64;
const MAX_DOMAIN: usize = 253;

#[cfg(test)]
pub fn scan(text: &str, out: &mut Vec<Candidate>) {
    Emails::default().scan_until(text, text.len(), out);
}

/// A scan of one text for email addresses, read a range at a time.
#[derive(Default)]
pub struct Emails {
    /// Where the search for the next `@` resumes.
    next: usize,
    /// Where the last address ended: an address found later starts at or after it.
    resume: usize,
}

impl Emails {
    /// No candidate found later starts before this: an address starts at most
    /// [`MAX_LOCAL`] bytes before its `@`.
    pub fn horizon(&self) -> usize {
        self.next.saturating_sub(MAX_LOCAL).max(self.resume)
    }

    /// Appends to `out` the addresses around the `@`s before `to` not read yet.
    pub fn scan_until(&mut self, text: &str, to: usize, out: &mut Vec<Candidate>) {
        let bytes = text.as_bytes();
        let from = self.next;
        let Some(range) = bytes.get(from..to) else {
            return;
        };
        self.next = to;
        let mut resume = self.resume;
        for offset in memchr_iter(b'@', range) {
            let at = from + offset;
            if at < resume {
                continue;
            }
            let Some(start) = local_start(bytes, at, resume) else {
                continue;
            };
            let Some(end) = domain_end(bytes, at + 1) else {
                continue;
            };
            out.extend(Candidate::new(Kind::Email, start, end, 0.95));
            resume = end;
        }
        self.resume = resume;
    }
}

fn is_local_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'_' | b'%' | b'+' | b'-' | b'\'')
}

fn local_start(bytes: &[u8], at: usize, floor: usize) -> Option<usize> {
    let mut start = at;
    while start > floor && is_local_byte(bytes[start - 1]) {
        start -= 1;
        if at - start > MAX_LOCAL {
            return None;
        }
    }
    // Quotes and dots at the edges are punctuation of the sentence, not of the address.
    while start < at && matches!(bytes[start], b'.' | b'\'') {
        start += 1;
    }
    (start < at).then_some(start)
}

fn domain_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut end = from;
    while end < bytes.len()
        && (bytes[end].is_ascii_alphanumeric() || matches!(bytes[end], b'.' | b'-'))
    {
        end += 1;
        if end - from > MAX_DOMAIN {
            return None;
        }
    }
    // A sentence's final dot is not part of the domain.
    while end > from && matches!(bytes[end - 1], b'.' | b'-') {
        end -= 1;
    }
    let domain = &bytes[from..end];
    let last_dot = domain.iter().rposition(|byte| *byte == b'.')?;
    let top_level = &domain[last_dot + 1..];
    let labels_ok = domain
        .split(|byte| *byte == b'.')
        .all(|label| !label.is_empty() && !label.starts_with(b"-"));
    (labels_ok && top_level.len() >= 2 && top_level.iter().all(u8::is_ascii_alphabetic))
        .then_some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        scan(text, &mut out);
        out.iter()
            .map(|found| &text[found.start..found.end()])
            .collect()
    }

    #[test]
    fn addresses() {
        assert_eq!(
            spans("Écrire à jean.dupont@chu-lyon.fr."),
            ["jean.dupont@chu-lyon.fr"]
        );
        assert_eq!(
            spans("a@b.fr, c+d@e.example.org"),
            ["a@b.fr", "c+d@e.example.org"]
        );
        assert!(spans("@twitter, a@b, x@y.1, @@").is_empty());
        let hostile = "a@".repeat(10_000);
        assert!(spans(&hostile).is_empty());
    }
}
