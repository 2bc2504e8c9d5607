//! DOCX and ODT: a zip of XML parts. Each part is decompressed under a size cap (a zip
//! bomb's declared sizes are not trusted: reading stops at the cap) and streamed through
//! `quick-xml`, which expands no custom entity.
//!
//! Only text is read. Pictures (`word/media/`, ODT `Pictures/`, images inlined in the XML) and
//! embedded objects (`word/embeddings/`, imported chunks, ODT `Object N/` sub-documents) are
//! not: a document holding any is reported as partly inspected, since a picture may be the
//! scan of an identity card and an embedded spreadsheet a list of patients. Whether a picture
//! is only a logo cannot be told, so every one counts. A document's thumbnail (ODT
//! `Thumbnails/`, DOCX `docProps/thumbnail.*`) is a rendering of its own first page, not
//! content of its own, and is ignored.

use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::Event;
use zip::ZipArchive;

use super::{Format, Limits, NotInspectable, Offsets, Reading, Text};

/// More entries than any document has: a sign of a hostile archive.
const MAX_ENTRIES: usize = 10_000;

pub(super) fn extract(bytes: &[u8], limits: &Limits) -> Result<Reading, NotInspectable> {
    let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(|_| NotInspectable::Corrupt)?;
    if archive.len() > MAX_ENTRIES {
        return Err(NotInspectable::TooLarge);
    }
    let names: Vec<String> = archive.file_names().map(str::to_owned).collect();
    let has = |name: &str| names.iter().any(|entry| entry == name);
    if has("word/document.xml") {
        // The body first, then what a reader also sees or can open: headers, footers, notes,
        // comments.
        let mut parts = vec!["word/document.xml".to_owned()];
        let mut extra: Vec<String> = names
            .iter()
            .filter(|name| {
                let part = name.strip_prefix("word/").unwrap_or("");
                (part.starts_with("header") || part.starts_with("footer"))
                    && part.ends_with(".xml")
                    && !part.contains('/')
                    || matches!(part, "footnotes.xml" | "endnotes.xml" | "comments.xml")
            })
            .cloned()
            .collect();
        extra.sort();
        parts.extend(extra);
        let mut unread = Unread::default();
        // `word/media/`, and the media of sub-parts such as the glossary's.
        let folders = names
            .iter()
            .filter_map(|name| name.strip_prefix("word/")?.rsplit_once('/'))
            .flat_map(|(folders, _)| folders.split('/'));
        for folder in folders {
            match folder {
                "media" => unread.images = true,
                "embeddings" => unread.objects = true,
                _ => {}
            }
        }
        return read_parts(
            &mut archive,
            &parts,
            Dialect::Word,
            Format::Docx,
            limits,
            unread,
        );
    }
    let mimetype = read_part(&mut archive, "mimetype", 256).ok();
    if mimetype.as_deref() == Some(b"application/vnd.oasis.opendocument.text") {
        let mut parts = vec!["content.xml".to_owned()];
        if has("styles.xml") {
            // Headers and footers of an ODT live in its styles.
            parts.push("styles.xml".to_owned());
        }
        let mut unread = Unread::default();
        for name in &names {
            unread.images |= name.starts_with("Pictures/");
            // `Object 1/` is a sub-document; `ObjectReplacements/` holds pictures of objects.
            unread.objects |= name.starts_with("Object");
        }
        return read_parts(
            &mut archive,
            &parts,
            Dialect::Odf,
            Format::Odt,
            limits,
            unread,
        );
    }
    if has("[Content_Types].xml") && names.iter().any(|name| name.contains("/encryption")) {
        return Err(NotInspectable::Encrypted);
    }
    // Spreadsheets, presentations, other archives.
    Err(NotInspectable::UnsupportedFormat)
}

/// Content of a document whose text is not read.
#[derive(Clone, Copy, Default)]
struct Unread {
    images: bool,
    objects: bool,
}

impl Unread {
    /// The reason to report, objects first: one may hold a whole document, more than a
    /// picture shows.
    fn reason(self) -> Option<NotInspectable> {
        if self.objects {
            Some(NotInspectable::EmbeddedObjectsNotInspected)
        } else if self.images {
            Some(NotInspectable::ImagesNotInspected)
        } else {
            None
        }
    }
}

#[derive(Clone, Copy)]
enum Dialect {
    Word,
    Odf,
}

fn read_parts(
    archive: &mut ZipArchive<Cursor<&[u8]>>,
    parts: &[String],
    dialect: Dialect,
    format: Format,
    limits: &Limits,
    mut unread: Unread,
) -> Result<Reading, NotInspectable> {
    let mut text = String::new();
    for part in parts {
        let xml = read_part(archive, part, limits.max_part_bytes)?;
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        xml_text(&xml, dialect, &mut text, &mut unread)?;
        if text.len() > limits.max_text_bytes {
            return Err(NotInspectable::TooLarge);
        }
    }
    Ok(Reading {
        text: Text {
            format,
            text,
            offsets: Offsets::Extracted,
        },
        unread: unread.reason(),
    })
}

fn read_part(
    archive: &mut ZipArchive<Cursor<&[u8]>>,
    name: &str,
    max_bytes: u64,
) -> Result<Vec<u8>, NotInspectable> {
    let file = archive.by_name(name).map_err(|error| match error {
        zip::result::ZipError::UnsupportedArchive(_) => NotInspectable::Encrypted,
        _ => NotInspectable::Corrupt,
    })?;
    if file.encrypted() {
        return Err(NotInspectable::Encrypted);
    }
    if file.size() > max_bytes {
        return Err(NotInspectable::TooLarge);
    }
    let mut content = Vec::new();
    file.take(max_bytes + 1)
        .read_to_end(&mut content)
        .map_err(|_| NotInspectable::Corrupt)?;
    if content.len() as u64 > max_bytes {
        return Err(NotInspectable::TooLarge);
    }
    Ok(content)
}

/// Appends the text of a WordprocessingML or ODF part: runs of text, with tabs and line
/// breaks where the document has them and a newline after each paragraph. Content the part
/// holds but whose text is not read (an inlined picture, an imported chunk) is noted in
/// `unread`.
fn xml_text(
    xml: &[u8],
    dialect: Dialect,
    out: &mut String,
    unread: &mut Unread,
) -> Result<(), NotInspectable> {
    let mut reader = Reader::from_reader(xml);
    let mut buffer = Vec::new();
    // Depth inside elements whose text is document text.
    let mut in_text = 0usize;
    loop {
        let event = reader
            .read_event_into(&mut buffer)
            .map_err(|_| NotInspectable::Corrupt)?;
        match event {
            Event::Start(element) => {
                let name = element.name();
                if is_text_element(dialect, name.as_ref()) {
                    in_text += 1;
                }
                note_unread(dialect, name.as_ref(), unread);
            }
            Event::Empty(element) => {
                let name = element.name();
                note_unread(dialect, name.as_ref(), unread);
                match (dialect, name.as_ref()) {
                    (Dialect::Word, b"w:tab") | (Dialect::Odf, b"text:tab") => out.push('\t'),
                    (Dialect::Word, b"w:br" | b"w:cr") | (Dialect::Odf, b"text:line-break") => {
                        out.push('\n');
                    }
                    (Dialect::Odf, b"text:s") => {
                        let count = element
                            .try_get_attribute("text:c")
                            .ok()
                            .flatten()
                            .and_then(|attribute| {
                                std::str::from_utf8(&attribute.value)
                                    .ok()?
                                    .parse::<usize>()
                                    .ok()
                            })
                            .unwrap_or(1)
                            .min(64);
                        out.extend(std::iter::repeat_n(' ', count));
                    }
                    (Dialect::Word, b"w:p") | (Dialect::Odf, b"text:p" | b"text:h") => {
                        out.push('\n');
                    }
                    _ => {}
                }
            }
            Event::End(element) => {
                let name = element.name();
                if is_text_element(dialect, name.as_ref()) {
                    in_text = in_text.saturating_sub(1);
                }
                if matches!(
                    (dialect, name.as_ref()),
                    (Dialect::Word, b"w:p") | (Dialect::Odf, b"text:p" | b"text:h")
                ) {
                    out.push('\n');
                }
            }
            Event::Text(content) if in_text > 0 => {
                let decoded = content.decode().map_err(|_| NotInspectable::Corrupt)?;
                out.push_str(&decoded);
            }
            Event::CData(content) if in_text > 0 => {
                let decoded = content.decode().map_err(|_| NotInspectable::Corrupt)?;
                out.push_str(&decoded);
            }
            Event::GeneralRef(reference) if in_text > 0 => {
                if let Ok(Some(c)) = reference.resolve_char_ref() {
                    out.push(c);
                } else {
                    let name = reference.decode().map_err(|_| NotInspectable::Corrupt)?;
                    out.push_str(match name.as_ref() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        _ => "",
                    });
                }
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
        buffer.clear();
    }
}

/// Elements that bring in content whose text is not read: an imported chunk (HTML, RTF or
/// another document) in Word, a picture inlined as base64 in ODF.
fn note_unread(dialect: Dialect, name: &[u8], unread: &mut Unread) {
    match (dialect, name) {
        (Dialect::Word, b"w:altChunk") => unread.objects = true,
        (Dialect::Odf, b"office:binary-data") => unread.images = true,
        _ => {}
    }
}

fn is_text_element(dialect: Dialect, name: &[u8]) -> bool {
    match dialect {
        // Deleted text of tracked changes is still in the file, and still readable.
        Dialect::Word => matches!(name, b"w:t" | b"w:delText"),
        Dialect::Odf => matches!(name, b"text:p" | b"text:h"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_paragraphs_tabs_and_entities() {
        let xml = br#"<w:document><w:body><w:p><w:r><w:t>Patient :</w:t></w:r><w:r><w:tab/><w:t xml:space="preserve">M. Dupont &amp; fils</w:t></w:r></w:p><w:p><w:r><w:t>NIR 2 55</w:t><w:delText> 08</w:delText></w:r></w:p><w:p/></w:body></w:document>"#;
        let mut text = String::new();
        xml_text(xml, Dialect::Word, &mut text, &mut Unread::default()).unwrap();
        assert_eq!(text, "Patient :\tM. Dupont & fils\nNIR 2 55 08\n\n");
    }

    #[test]
    fn odf_spaces_and_headings() {
        let xml = r#"<office:text><text:h>Compte rendu</text:h><text:p>Né le<text:s text:c="2"/>12/03/1985<text:line-break/>fin</text:p></office:text>"#;
        let mut text = String::new();
        xml_text(
            xml.as_bytes(),
            Dialect::Odf,
            &mut text,
            &mut Unread::default(),
        )
        .unwrap();
        assert_eq!(text, "Compte rendu\nNé le  12/03/1985\nfin\n");
    }

    #[test]
    fn malformed_xml_is_corrupt() {
        let mut text = String::new();
        assert_eq!(
            xml_text(
                b"<w:t>open</w:p>",
                Dialect::Word,
                &mut text,
                &mut Unread::default()
            ),
            Err(NotInspectable::Corrupt)
        );
    }
}
