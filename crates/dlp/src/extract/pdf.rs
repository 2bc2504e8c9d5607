//! PDF: the text layer, through `pdf-extract`. A PDF whose pages carry no text (a scan, a
//! photographed page) is reported as such: its content exists but cannot be inspected.
//!
//! `pdf-extract` and `lopdf` can panic or loop on hostile files; callers run extraction in
//! a separate process with limits, so a failure here costs only that process.

use super::{Format, NotInspectable, Offsets, Text};

pub fn extract(bytes: &[u8]) -> Result<Text, NotInspectable> {
    match pdf_extract::extract_text_from_mem(bytes) {
        Ok(text) if text.trim().is_empty() => Err(NotInspectable::ScannedPdf),
        Ok(text) => Ok(Text {
            format: Format::Pdf,
            text,
            offsets: Offsets::Extracted,
        }),
        // The parsers' messages may quote the document: only the kind of failure is kept.
        Err(_) if memchr::memmem::find(bytes, b"/Encrypt").is_some() => {
            Err(NotInspectable::Encrypted)
        }
        Err(_) => Err(NotInspectable::Corrupt),
    }
}
