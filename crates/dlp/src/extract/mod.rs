//! Text extraction: a file's bytes become the text the detectors scan, or a reason why it
//! cannot be inspected. The format is told by the content, not the name (a `.pdf` full of
//! text is scanned as text, a `.txt` holding a PNG is an image).

use std::fmt;
use std::io::Read as _;
use std::path::Path;

use crate::{Finding, scan_text};

mod office;
mod pdf;

/// Size limits of an extraction. Time and memory are limited by the process running it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Files larger than this are not read ([`NotInspectable::TooLarge`]).
    pub max_file_bytes: u64,
    /// The decompressed size allowed for one part of a DOCX or ODT (guards zip bombs).
    pub max_part_bytes: u64,
    /// Extracted text beyond this is [`NotInspectable::TooLarge`].
    pub max_text_bytes: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_file_bytes: 256 << 20,
            max_part_bytes: 64 << 20,
            max_text_bytes: 64 << 20,
        }
    }
}

/// The outcome of an extraction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Extracted {
    /// The file's text, ready for the detectors.
    Text(Text),
    /// The file cannot be inspected; it must not be treated as clean.
    NotInspectable(NotInspectable),
    /// The file's text was read, but the file also holds content whose text was not: images
    /// (a pasted scan of an identity card), embedded objects (a spreadsheet inside a letter).
    /// The text's findings stand, and the file still counts as not inspectable: what was not
    /// read may hold more.
    Partial {
        /// The text that was read.
        text: Text,
        /// What was not read: [`NotInspectable::ImagesNotInspected`] or
        /// [`NotInspectable::EmbeddedObjectsNotInspected`].
        unread: NotInspectable,
    },
}

/// A file's formats from which text is extracted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Format {
    /// Plain text (UTF-8, UTF-16 with a byte-order mark, or a single-byte Windows encoding).
    Text,
    /// Comma- or semicolon-separated values (by the file's extension), read as text.
    Csv,
    /// PDF with a text layer.
    Pdf,
    /// Word document (Office Open XML).
    Docx,
    /// OpenDocument text.
    Odt,
}

impl Format {
    /// Stable lowercase name: `text`, `csv`, `pdf`, `docx`, `odt`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Csv => "csv",
            Format::Pdf => "pdf",
            Format::Docx => "docx",
            Format::Odt => "odt",
        }
    }

    fn from_name(name: &str) -> Option<Format> {
        [
            Format::Text,
            Format::Csv,
            Format::Pdf,
            Format::Docx,
            Format::Odt,
        ]
        .into_iter()
        .find(|format| format.as_str() == name)
    }
}

/// Extracted text and how its offsets relate to the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text {
    /// The format the text came from.
    pub format: Format,
    /// The text (UTF-8).
    pub text: String,
    /// What a byte offset in `text` means in the file.
    pub offsets: Offsets,
}

/// What a byte offset in extracted text means in the file it came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Offsets {
    /// The text is the file (UTF-8): offsets are the file's.
    File,
    /// The file is in a single-byte encoding (Windows-1252): each character of the text is
    /// one byte of the file, and [`Text::scan`] converts offsets back to the file's.
    SingleByte,
    /// The file is UTF-16 behind its byte-order mark: [`Text::scan`] converts offsets back to
    /// the file's (two bytes a code unit, after the mark's two).
    Utf16,
    /// The text was extracted from a document: offsets are in the text only.
    Extracted,
}

impl Offsets {
    fn as_str(self) -> &'static str {
        match self {
            Offsets::File => "file",
            Offsets::SingleByte => "single-byte",
            Offsets::Utf16 => "utf-16",
            Offsets::Extracted => "extracted",
        }
    }

    fn from_name(name: &str) -> Option<Offsets> {
        [
            Offsets::File,
            Offsets::SingleByte,
            Offsets::Utf16,
            Offsets::Extracted,
        ]
        .into_iter()
        .find(|offsets| offsets.as_str() == name)
    }

    /// Whether the offsets [`Text::scan`] reports are byte offsets in the file itself.
    pub fn in_file(self) -> bool {
        matches!(self, Offsets::File | Offsets::SingleByte | Offsets::Utf16)
    }
}

impl Text {
    /// Runs the detectors over the text. For a plain-text file the offsets of the findings
    /// are byte offsets in the file itself, whatever its encoding.
    pub fn scan(&self) -> Vec<Finding> {
        let mut findings = scan_text(&self.text);
        self.to_file_offsets(findings.iter_mut());
        findings
    }

    /// [`Text::scan`], each finding with its masked excerpt ([`Finding::excerpt`]), for
    /// display: offsets may be the file's, so excerpts are taken from the text before.
    pub fn scan_with_excerpts(&self) -> Vec<(Finding, String)> {
        let mut findings: Vec<(Finding, String)> = scan_text(&self.text)
            .into_iter()
            .map(|finding| (finding, finding.excerpt(&self.text)))
            .collect();
        self.to_file_offsets(findings.iter_mut().map(|(finding, _)| finding));
        findings
    }

    /// Converts the offsets of `findings`, sorted and disjoint, from the text's to the file's
    /// where they differ.
    fn to_file_offsets<'a>(&self, findings: impl Iterator<Item = &'a mut Finding>) {
        // Bytes of the file before the text, and per character of the text.
        let (mut file, per_char): (usize, fn(char) -> usize) = match self.offsets {
            Offsets::SingleByte => (0, |_| 1),
            Offsets::Utf16 => (2, |c| 2 * c.len_utf16()),
            Offsets::File | Offsets::Extracted => return,
        };
        // One walk converts every offset.
        let mut byte = 0;
        let mut advance = |to: usize| {
            file += self
                .text
                .get(byte..to)
                .map_or(0, |part| part.chars().map(per_char).sum());
            byte = to;
            file
        };
        for finding in findings {
            finding.start = advance(finding.start);
            finding.end = advance(finding.end);
        }
    }
}

/// Why a file cannot be inspected. The codes ([`NotInspectable::code`]) are stable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum NotInspectable {
    /// A PDF without a text layer: scanned pages or images.
    ScannedPdf,
    /// Encrypted or password-protected.
    Encrypted,
    /// An image: its text could only be read by OCR.
    Image,
    /// A known format whose text is not extracted (spreadsheet, presentation, archive, legacy
    /// Word).
    UnsupportedFormat,
    /// Binary content of no known format.
    UnknownFormat,
    /// Damaged, truncated, or not what its content claims.
    Corrupt,
    /// Larger than the inspection limits (file, decompressed part or text).
    TooLarge,
    /// The extraction ran past its time limit.
    Timeout,
    /// The extraction crashed or exceeded its memory limit.
    ExtractorFailed,
    /// A document whose text was read but which also holds images (pictures, scanned pages):
    /// their text could only be read by OCR. Whether an image is a logo or a scan cannot be
    /// told, so any image counts.
    ImagesNotInspected,
    /// A document whose text was read but which also holds embedded objects or attached files
    /// (an OLE object, a spreadsheet, a sub-document), whose content is not extracted.
    EmbeddedObjectsNotInspected,
}

impl NotInspectable {
    const ALL: [NotInspectable; 11] = [
        NotInspectable::ScannedPdf,
        NotInspectable::Encrypted,
        NotInspectable::Image,
        NotInspectable::UnsupportedFormat,
        NotInspectable::UnknownFormat,
        NotInspectable::Corrupt,
        NotInspectable::TooLarge,
        NotInspectable::Timeout,
        NotInspectable::ExtractorFailed,
        NotInspectable::ImagesNotInspected,
        NotInspectable::EmbeddedObjectsNotInspected,
    ];

    /// Stable code, as in `pli scan --json`: `scanned-pdf`, `encrypted`, `image`, ...
    pub fn code(self) -> &'static str {
        match self {
            NotInspectable::ScannedPdf => "scanned-pdf",
            NotInspectable::Encrypted => "encrypted",
            NotInspectable::Image => "image",
            NotInspectable::UnsupportedFormat => "unsupported-format",
            NotInspectable::UnknownFormat => "unknown-format",
            NotInspectable::Corrupt => "corrupt",
            NotInspectable::TooLarge => "too-large",
            NotInspectable::Timeout => "timeout",
            NotInspectable::ExtractorFailed => "extractor-failed",
            NotInspectable::ImagesNotInspected => "images-not-inspected",
            NotInspectable::EmbeddedObjectsNotInspected => "embedded-objects-not-inspected",
        }
    }

    /// The reason with this code.
    pub fn from_code(code: &str) -> Option<NotInspectable> {
        NotInspectable::ALL
            .into_iter()
            .find(|reason| reason.code() == code)
    }
}

impl fmt::Display for NotInspectable {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(match self {
            NotInspectable::ScannedPdf => "PDF without a text layer (scanned or image-only)",
            NotInspectable::Encrypted => "encrypted or password-protected",
            NotInspectable::Image => "image (its text cannot be read without OCR)",
            NotInspectable::UnsupportedFormat => {
                "format whose text is not extracted (spreadsheet, presentation, archive, .doc)"
            }
            NotInspectable::UnknownFormat => "binary content of an unknown format",
            NotInspectable::Corrupt => "damaged or truncated file",
            NotInspectable::TooLarge => "larger than the inspection limits",
            NotInspectable::Timeout => "extraction ran past its time limit",
            NotInspectable::ExtractorFailed => "extraction crashed or ran out of memory",
            NotInspectable::ImagesNotInspected => {
                "holds images, whose text cannot be read without OCR (its text was scanned)"
            }
            NotInspectable::EmbeddedObjectsNotInspected => {
                "holds embedded objects or attached files, whose content is not extracted \
                 (its text was scanned)"
            }
        })
    }
}

/// Errors reading a file to extract (not the file's content: a bad file is
/// [`NotInspectable`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExtractError {
    /// The file could not be opened or read.
    #[error("reading the file")]
    Io(#[from] std::io::Error),
}

/// Errors decoding an extraction result carried between processes.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeError {
    /// The bytes are not an extraction result of this version.
    #[error("malformed extraction result")]
    Malformed,
}

/// Reads the file at `path` and extracts its text. Parsers of untrusted documents may crash or
/// loop: run this in a process with time and memory limits.
pub fn extract(path: &Path, limits: &Limits) -> Result<Extracted, ExtractError> {
    let file = std::fs::File::open(path)?;
    if file.metadata()?.len() > limits.max_file_bytes {
        return Ok(Extracted::NotInspectable(NotInspectable::TooLarge));
    }
    let mut bytes = Vec::new();
    file.take(limits.max_file_bytes + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limits.max_file_bytes {
        return Ok(Extracted::NotInspectable(NotInspectable::TooLarge));
    }
    let name = path.file_name().and_then(|name| name.to_str());
    Ok(extract_bytes(&bytes, name, limits))
}

/// Extracts the text of a file's `bytes`; `name`, if known, only tells CSV from plain text.
pub fn extract_bytes(bytes: &[u8], name: Option<&str>, limits: &Limits) -> Extracted {
    if bytes.len() as u64 > limits.max_file_bytes {
        return Extracted::NotInspectable(NotInspectable::TooLarge);
    }
    let result = match sniff(bytes) {
        Sniffed::Pdf => pdf::extract(bytes),
        Sniffed::Zip => office::extract(bytes, limits),
        Sniffed::Image => Err(NotInspectable::Image),
        Sniffed::Unsupported => Err(NotInspectable::UnsupportedFormat),
        Sniffed::Other => plain_text(bytes, name).map(|text| Reading { text, unread: None }),
    };
    match result {
        Ok(reading) if reading.text.text.len() > limits.max_text_bytes => {
            Extracted::NotInspectable(NotInspectable::TooLarge)
        }
        Ok(Reading { text, unread: None }) => Extracted::Text(text),
        Ok(Reading {
            text,
            unread: Some(unread),
        }) => Extracted::Partial { text, unread },
        Err(reason) => Extracted::NotInspectable(reason),
    }
}

/// What an extractor read: the text, and what of the file it could not read, if anything.
struct Reading {
    text: Text,
    unread: Option<NotInspectable>,
}

const MAGIC: &[u8] = b"PLI-EXTRACT 1\n";

impl Extracted {
    /// Serializes the result to carry it from an extraction process to its parent.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        match self {
            Extracted::Text(text) => {
                out.extend_from_slice(
                    format!("text {} {}\n", text.format.as_str(), text.offsets.as_str()).as_bytes(),
                );
                out.extend_from_slice(text.text.as_bytes());
            }
            Extracted::NotInspectable(reason) => {
                out.extend_from_slice(format!("none {}\n", reason.code()).as_bytes());
            }
            Extracted::Partial { text, unread } => {
                out.extend_from_slice(
                    format!(
                        "partial {} {} {}\n",
                        text.format.as_str(),
                        text.offsets.as_str(),
                        unread.code()
                    )
                    .as_bytes(),
                );
                out.extend_from_slice(text.text.as_bytes());
            }
        }
        out
    }

    /// Reads what [`Extracted::encode`] wrote.
    pub fn decode(bytes: &[u8]) -> Result<Extracted, DecodeError> {
        let rest = bytes.strip_prefix(MAGIC).ok_or(DecodeError::Malformed)?;
        let newline = memchr::memchr(b'\n', rest).ok_or(DecodeError::Malformed)?;
        let header = std::str::from_utf8(&rest[..newline]).map_err(|_| DecodeError::Malformed)?;
        let body = &rest[newline + 1..];
        let fields: Vec<&str> = header.split(' ').collect();
        let text = |format: &str, offsets: &str| -> Result<Text, DecodeError> {
            Ok(Text {
                format: Format::from_name(format).ok_or(DecodeError::Malformed)?,
                text: String::from_utf8(body.to_vec()).map_err(|_| DecodeError::Malformed)?,
                offsets: Offsets::from_name(offsets).ok_or(DecodeError::Malformed)?,
            })
        };
        match fields.as_slice() {
            ["text", format, offsets] => Ok(Extracted::Text(text(format, offsets)?)),
            ["partial", format, offsets, code] => Ok(Extracted::Partial {
                unread: NotInspectable::from_code(code).ok_or(DecodeError::Malformed)?,
                text: text(format, offsets)?,
            }),
            ["none", code] if body.is_empty() => NotInspectable::from_code(code)
                .map(Extracted::NotInspectable)
                .ok_or(DecodeError::Malformed),
            _ => Err(DecodeError::Malformed),
        }
    }
}

enum Sniffed {
    Pdf,
    Zip,
    Image,
    Unsupported,
    Other,
}

fn sniff(bytes: &[u8]) -> Sniffed {
    let head = &bytes[..bytes.len().min(1024)];
    // Readers accept a PDF header anywhere in the first kilobyte, after junk such as a
    // MacBinary or mail header. A text that only mentions "%PDF-" in a sentence is not a PDF:
    // it would be reported corrupt and its findings never seen.
    if memchr::memmem::find_iter(head, b"%PDF-").any(|at| !is_written_text(&head[..at])) {
        return Sniffed::Pdf;
    }
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if starts(b"PK\x03\x04") {
        return Sniffed::Zip;
    }
    let image = starts(b"\x89PNG\r\n\x1a\n")
        || starts(b"\xFF\xD8\xFF")
        || starts(b"GIF87a")
        || starts(b"GIF89a")
        || starts(b"II*\x00")
        || starts(b"MM\x00*")
        || (starts(b"BM") && bytes.get(6..10) == Some(b"\x00\x00\x00\x00"))
        || (starts(b"RIFF") && bytes.get(8..12) == Some(b"WEBP"))
        || (bytes.get(4..8) == Some(b"ftyp")
            && matches!(
                bytes.get(8..12),
                Some(b"heic" | b"heix" | b"mif1" | b"avif" | b"msf1")
            ));
    if image {
        return Sniffed::Image;
    }
    // OLE compound files (.doc, .xls, .msg), RAR, 7z, gzip.
    if starts(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")
        || starts(b"Rar!\x1A\x07")
        || starts(b"7z\xBC\xAF\x27\x1C")
        || starts(b"\x1F\x8B")
    {
        return Sniffed::Unsupported;
    }
    Sniffed::Other
}

/// Whether `before`, what precedes a "%PDF-" in a file, is text with something written in it:
/// not only whitespace (or a byte-order mark), and no control byte that text does not hold.
fn is_written_text(before: &[u8]) -> bool {
    let before = before.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(before);
    let is_control = |byte: &u8| {
        (*byte < 0x20 && !matches!(byte, b'\n' | b'\r' | b'\t' | 0x0C)) || *byte == 0x7F
    };
    !before.iter().all(u8::is_ascii_whitespace) && !before.iter().any(is_control)
}

fn plain_text(bytes: &[u8], name: Option<&str>) -> Result<Text, NotInspectable> {
    let extension = name
        .and_then(|name| name.rsplit_once('.'))
        .map(|(_, extension)| extension.to_ascii_lowercase());
    let format = match extension.as_deref() {
        Some("csv" | "tsv") => Format::Csv,
        _ => Format::Text,
    };
    // UTF-16 with a byte-order mark: decoded, offsets converted back to the file's.
    for (bom, encoding) in [
        (&b"\xFF\xFE"[..], encoding_rs::UTF_16LE),
        (&b"\xFE\xFF"[..], encoding_rs::UTF_16BE),
    ] {
        if let Some(body) = bytes.strip_prefix(bom) {
            let (text, had_errors) = encoding.decode_without_bom_handling(body);
            if had_errors {
                return Err(NotInspectable::UnknownFormat);
            }
            return Ok(Text {
                format,
                text: text.into_owned(),
                offsets: Offsets::Utf16,
            });
        }
    }
    if bytes.contains(&0) {
        return Err(NotInspectable::UnknownFormat);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(Text {
            format,
            text: text.to_owned(),
            offsets: Offsets::File,
        });
    }
    // UTF-8 but for a few stray bytes (a truncated copy, one pasted character): each invalid
    // byte becomes `?`, so the rest is read as written and offsets stay those of the file.
    // Decoding it all as Windows-1252 instead would garble every accented word.
    if let Some(text) = utf8_with_stray_bytes(bytes) {
        return Ok(Text {
            format,
            text,
            offsets: Offsets::File,
        });
    }
    // Not UTF-8: French text from older systems is Windows-1252. Binary data decodes too, so
    // it must look like text: few control characters besides line breaks and tabs.
    let n_controls = bytes
        .iter()
        .filter(|byte| **byte < 0x20 && !matches!(byte, b'\n' | b'\r' | b'\t' | 0x0C))
        .count();
    if n_controls * 100 > bytes.len() {
        return Err(NotInspectable::UnknownFormat);
    }
    let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
    Ok(Text {
        format,
        text: text.into_owned(),
        offsets: Offsets::SingleByte,
    })
}

/// `bytes` as UTF-8 with each byte that is not part of a valid character replaced by `?`, when
/// such bytes are no more than the valid characters outside ASCII, of which there is one at
/// least (in Windows-1252 text every accented letter is such a byte, and valid sequences are
/// rare); `None` otherwise.
fn utf8_with_stray_bytes(bytes: &[u8]) -> Option<String> {
    let mut text = String::with_capacity(bytes.len());
    let (mut n_stray, mut n_wide) = (0usize, 0usize);
    let mut rest = bytes;
    loop {
        let (valid, invalid) = match std::str::from_utf8(rest) {
            Ok(valid) => (valid, None),
            Err(error) => {
                let (valid, after) = rest.split_at(error.valid_up_to());
                // Everything up to `valid_up_to` is UTF-8 by the error's own account.
                let valid = std::str::from_utf8(valid).ok()?;
                (
                    valid,
                    Some((error.error_len().unwrap_or(after.len()), after)),
                )
            }
        };
        n_wide += valid.chars().filter(|c| !c.is_ascii()).count();
        text.push_str(valid);
        let Some((length, after)) = invalid else {
            break;
        };
        n_stray += length;
        text.extend(std::iter::repeat_n('?', length));
        rest = after.get(length..).unwrap_or_default();
    }
    (n_wide > 0 && n_stray <= n_wide).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn extract_text(bytes: &[u8], name: &str) -> Extracted {
        extract_bytes(bytes, Some(name), &Limits::default())
    }

    #[test]
    fn formats_are_told_by_content() {
        let Extracted::Text(text) = extract_text(b"hello", "report.pdf") else {
            panic!("text in a .pdf is text");
        };
        assert_eq!(text.format, Format::Text);
        assert_eq!(
            extract_text(b"\x89PNG\r\n\x1a\nrest", "notes.txt"),
            Extracted::NotInspectable(NotInspectable::Image)
        );
        assert_eq!(
            extract_text(b"\x00\x01\x02garbage\xff\xfe", "x.pdf"),
            Extracted::NotInspectable(NotInspectable::UnknownFormat)
        );
        let Extracted::Text(text) = extract_text(b"a;b\n1;2\n", "data.CSV") else {
            panic!("csv is text");
        };
        assert_eq!(text.format, Format::Csv);
        let Extracted::Text(empty) = extract_text(b"", "empty.pdf") else {
            panic!("an empty file holds nothing to hide");
        };
        assert_eq!(empty.text, "");
    }

    #[test]
    fn utf16_text_reports_file_offsets() {
        let text = "Né 😀 le 12/03/1985 ; NIR 2 55 08 14 168 025 38 ; fin";
        for (bom, big_endian) in [(b"\xFF\xFE", false), (b"\xFE\xFF", true)] {
            let mut bytes = bom.to_vec();
            for unit in text.encode_utf16() {
                let pair = if big_endian {
                    unit.to_be_bytes()
                } else {
                    unit.to_le_bytes()
                };
                bytes.extend_from_slice(&pair);
            }
            let Extracted::Text(read) = extract_text(&bytes, "notes.txt") else {
                panic!("UTF-16 is text");
            };
            assert_eq!(read.offsets, Offsets::Utf16);
            assert!(read.offsets.in_file());
            let findings = read.scan();
            assert_eq!(findings.len(), 2, "{findings:?}");
            for (finding, expected) in findings.iter().zip(["12/03/1985", "2 55 08 14 168 025 38"])
            {
                // The file's bytes at the finding's offsets are the value, in UTF-16.
                let units: Vec<u16> = bytes[finding.start..finding.end]
                    .chunks_exact(2)
                    .map(|pair| {
                        let pair = [pair[0], pair[1]];
                        if big_endian {
                            u16::from_be_bytes(pair)
                        } else {
                            u16::from_le_bytes(pair)
                        }
                    })
                    .collect();
                assert_eq!(String::from_utf16(&units).unwrap(), expected);
            }
        }
    }

    #[test]
    fn utf8_with_a_stray_byte_stays_utf8_with_file_offsets() {
        let clean = "Née le 12/03/1985, suivie pour une schizophrénie. NIR 2 55 08 14 168 025 38\n";
        let mut bytes = clean.as_bytes().to_vec();
        bytes.insert(4, 0xFF);
        bytes.extend_from_slice(b"fin\xC3");
        let Extracted::Text(text) = extract_text(&bytes, "notes.txt") else {
            panic!("text with a stray byte is text");
        };
        assert_eq!(text.offsets, Offsets::File);
        assert_eq!(text.text.len(), bytes.len(), "one byte for one byte");
        assert!(text.text.contains("schizophrénie"), "{}", text.text);
        assert!(text.text.ends_with("fin?"), "{}", text.text);
        let kinds: Vec<_> = crate::scan_text(&text.text)
            .iter()
            .map(|f| f.kind)
            .collect();
        assert!(kinds.contains(&crate::Kind::Health), "{kinds:?}");
        assert!(kinds.contains(&crate::Kind::Nir), "{kinds:?}");
        // Windows-1252 text is still read as such.
        let latin = b"N\xe9e le 12/03/1985, schizophr\xe9nie, d\xe9pression";
        let Extracted::Text(text) = extract_text(latin, "old.txt") else {
            panic!("Windows-1252 is text");
        };
        assert_eq!(text.offsets, Offsets::SingleByte);
        assert!(text.text.contains("schizophrénie"));
    }

    #[test]
    fn a_pdf_header_is_told_from_a_mention() {
        let pdf = |bytes: &[u8]| matches!(sniff(bytes), Sniffed::Pdf);
        for real in [
            &b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj"[..],
            b"\n\r\n  %PDF-1.4\n",
            b"\xEF\xBB\xBF%PDF-1.4\n",
            // A MacBinary header before the PDF.
            b"\x00\x11report.pdf\x00\x00PDF CARO\x01\x00%PDF-1.3\n",
            b"Rapport mensuel\x00\x00\x02%PDF-1.5\n",
        ] {
            assert!(pdf(real), "{}", real.escape_ascii());
        }
        for text in [
            &b"Convertir en %PDF-1.4 svp. NIR 2 55 08 14 168 025 38\n"[..],
            b"Objet : export\n%PDF-1.4 est l'en-t\xC3\xAAte d'un PDF\n",
            b"Le fichier commen\xE7ait par %PDF-1.4\n",
            b"%PDF",
        ] {
            assert!(!pdf(text), "{}", text.escape_ascii());
        }
        let mention = format!(
            "Convertir en %PDF-1.4 svp. NIR {}\n",
            "2 55 08 14 168 025 38"
        );
        let Extracted::Text(text) = extract_text(mention.as_bytes(), "note.txt") else {
            panic!("a mention of a PDF header is text");
        };
        assert_eq!(text.scan()[0].kind, crate::Kind::Nir);
    }

    #[test]
    fn single_byte_text_reports_file_offsets() {
        // "Né le 12/03/1985" in Windows-1252: the é is one byte in the file, two in UTF-8.
        let bytes = b"\xc9t\xe9 : n\xe9e le 12/03/1985";
        let Extracted::Text(text) = extract_text(bytes, "old.txt") else {
            panic!("windows-1252 is text");
        };
        assert_eq!(text.offsets, Offsets::SingleByte);
        let findings = text.scan();
        assert_eq!(findings.len(), 1);
        assert_eq!(&bytes[findings[0].start..findings[0].end], b"12/03/1985");
        // Excerpts come from the text, offsets are the file's.
        let excerpted = text.scan_with_excerpts();
        assert_eq!(excerpted, [(findings[0], "**/**/**85".to_owned())]);
    }

    #[test]
    fn results_survive_encoding() {
        for extracted in [
            Extracted::Text(Text {
                format: Format::Docx,
                text: "Né le 1er mars\n".into(),
                offsets: Offsets::Extracted,
            }),
            Extracted::Text(Text {
                format: Format::Text,
                text: "Né le 1er mars\n".into(),
                offsets: Offsets::Utf16,
            }),
            Extracted::NotInspectable(NotInspectable::ScannedPdf),
            Extracted::Partial {
                text: Text {
                    format: Format::Pdf,
                    text: "NIR 2 55 08 14 168 025 38\n".into(),
                    offsets: Offsets::Extracted,
                },
                unread: NotInspectable::ImagesNotInspected,
            },
        ] {
            assert_eq!(Extracted::decode(&extracted.encode()), Ok(extracted));
        }
        assert_eq!(Extracted::decode(b""), Err(DecodeError::Malformed));
        assert_eq!(
            Extracted::decode(b"PLI-EXTRACT 1\nnone scanned-pdf\nextra"),
            Err(DecodeError::Malformed)
        );
        assert_eq!(
            Extracted::decode(b"PLI-EXTRACT 1\ntext pdf file\n\xff"),
            Err(DecodeError::Malformed)
        );
        assert_eq!(
            Extracted::decode(b"PLI-EXTRACT 1\npartial pdf extracted nothing\n"),
            Err(DecodeError::Malformed)
        );
    }

    #[test]
    fn size_limits() {
        let limits = Limits {
            max_file_bytes: 4,
            ..Limits::default()
        };
        assert_eq!(
            extract_bytes(b"hello", None, &limits),
            Extracted::NotInspectable(NotInspectable::TooLarge)
        );
        let limits = Limits {
            max_text_bytes: 4,
            ..Limits::default()
        };
        assert_eq!(
            extract_bytes(b"hello", None, &limits),
            Extracted::NotInspectable(NotInspectable::TooLarge)
        );
    }
}
