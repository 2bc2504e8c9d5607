//! Extraction of real documents built here, and of hostile ones.

use std::io::Write as _;

use pli_dlp::{Extracted, Format, Kind, Limits, NotInspectable, extract, extract_bytes};
use zip::write::SimpleFileOptions;

/// A one-page PDF whose text layer holds `lines` (Helvetica, WinAnsi), or no text at all.
pub fn pdf(lines: &[&str]) -> Vec<u8> {
    let mut content = String::from("BT /F1 12 Tf 72 720 Td 14 TL\n");
    for line in lines {
        content.push_str(&format!(
            "({}) Tj T*\n",
            line.replace('(', "\\(").replace(')', "\\)")
        ));
    }
    content.push_str("ET\n");
    if lines.is_empty() {
        // A scanned page: only a filled rectangle, no text operators.
        content = "0 0 0 rg 72 72 100 100 re f\n".to_owned();
    }
    pdf_of(&[
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_owned(),
        stream("", &content),
        HELVETICA.to_owned(),
    ])
}

const HELVETICA: &str =
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>";

/// A two-page PDF: page 1 holds `line` as text, page 2 only draws a 2×2 grey image, as a
/// scanned page among typed ones does.
pub fn pdf_with_image_page(line: &str) -> Vec<u8> {
    pdf_of(&[
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R 5 0 R] /Count 2 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R \
         /Resources << /Font << /F1 7 0 R >> >> >>"
            .to_owned(),
        stream("", &format!("BT /F1 12 Tf 72 720 Td ({line}) Tj ET\n")),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 6 0 R \
         /Resources << /XObject << /Im1 8 0 R >> >> >>"
            .to_owned(),
        stream("", "q 500 0 0 700 50 50 cm /Im1 Do Q\n"),
        HELVETICA.to_owned(),
        stream(
            "/Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray \
             /BitsPerComponent 8",
            "\u{7f}\u{7f}\u{7f}\u{7f}",
        ),
    ])
}

/// A one-page PDF whose page shows `line` and, after it, `extra` content (an inline image);
/// `objects` are added after the font (object 6 onwards).
fn pdf_page_with(line: &str, extra: &str, objects: &[String]) -> Vec<u8> {
    let mut all = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_owned(),
        stream(
            "",
            &format!("BT /F1 12 Tf 72 720 Td ({line}) Tj ET\n{extra}"),
        ),
        HELVETICA.to_owned(),
    ];
    all.extend_from_slice(objects);
    pdf_of(&all)
}

fn stream(dictionary: &str, content: &str) -> String {
    format!(
        "<< {dictionary} /Length {} >>\nstream\n{content}\nendstream",
        content.len()
    )
}

/// A PDF file of these objects, numbered from 1, the first being the catalog.
fn pdf_of(objects: &[String]) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (index, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", index + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// A zip holding these (name, content) entries, deflated.
pub fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, content) in entries {
        writer
            .start_file(*name, SimpleFileOptions::default())
            .unwrap();
        writer.write_all(content).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

pub fn docx(paragraphs: &[&str]) -> Vec<u8> {
    docx_with(paragraphs, &[])
}

/// [`docx`] with more parts.
pub fn docx_with(paragraphs: &[&str], parts: &[(&str, &[u8])]) -> Vec<u8> {
    let body: String = paragraphs
        .iter()
        .map(|paragraph| format!("<w:p><w:r><w:t>{paragraph}</w:t></w:r></w:p>"))
        .collect();
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
    );
    let mut entries: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", b"<Types/>"),
        ("word/document.xml", document.as_bytes()),
        (
            "word/footer1.xml",
            br#"<w:ftr xmlns:w="x"><w:p><w:r><w:t>Contact : secretariat@chu-exemple.fr</w:t></w:r></w:p></w:ftr>"#,
        ),
    ];
    entries.extend_from_slice(parts);
    zip(&entries)
}

pub fn odt(paragraphs: &[&str]) -> Vec<u8> {
    odt_with(paragraphs, &[])
}

/// [`odt`] with more entries.
pub fn odt_with(paragraphs: &[&str], entries: &[(&str, &[u8])]) -> Vec<u8> {
    let body: String = paragraphs
        .iter()
        .map(|paragraph| format!("<text:p>{paragraph}</text:p>"))
        .collect();
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>{body}</office:text></office:body></office:document-content>"#
    );
    let mut all: Vec<(&str, &[u8])> = vec![
        ("mimetype", b"application/vnd.oasis.opendocument.text"),
        ("content.xml", content.as_bytes()),
    ];
    all.extend_from_slice(entries);
    zip(&all)
}

fn text_of(extracted: Extracted) -> pli_dlp::Text {
    match extracted {
        Extracted::Text(text) => text,
        other => panic!("not wholly inspected: {other:?}"),
    }
}

/// The text of a file read only in part, and why.
fn partial(extracted: Extracted) -> (pli_dlp::Text, NotInspectable) {
    match extracted {
        Extracted::Partial { text, unread } => (text, unread),
        other => panic!("not read in part: {other:?}"),
    }
}

fn kinds(text: &pli_dlp::Text) -> Vec<Kind> {
    text.scan().iter().map(|finding| finding.kind).collect()
}

fn extracted(bytes: &[u8]) -> Extracted {
    extract_bytes(bytes, None, &Limits::default())
}

#[test]
fn pdf_text_layer() {
    let text = text_of(extracted(&pdf(&[
        "Compte rendu de consultation",
        "NIR 2 55 08 14 168 025 38",
    ])));
    assert_eq!(text.format, Format::Pdf);
    assert!(text.text.contains("Compte rendu"), "{:?}", text.text);
    assert!(kinds(&text).contains(&Kind::Nir), "{:?}", text.text);
}

#[test]
fn docx_body_and_footer() {
    let text = text_of(extracted(&docx(&[
        "Patiente suivie pour sclérose en plaques.",
        "IBAN FR14 2004 1010 0505 0001 3M02 606",
    ])));
    assert_eq!(text.format, Format::Docx);
    assert_eq!(kinds(&text), [Kind::Health, Kind::Iban, Kind::Email]);
}

#[test]
fn odt_paragraphs() {
    let text = text_of(extracted(&odt(&[
        "Née le 12/03/1985",
        "Tél. 06 12 34 56 78",
    ])));
    assert_eq!(text.format, Format::Odt);
    assert_eq!(kinds(&text), [Kind::Birthdate, Kind::Phone]);
}

#[test]
fn plain_text_offsets_are_the_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("note.txt");
    let content = "Écrit à Saint-Étienne. NIR : 2 55 08 14 168 025 38\n";
    std::fs::write(&path, content).unwrap();
    let text = text_of(extract(&path, &Limits::default()).unwrap());
    let findings = text.scan();
    assert_eq!(findings.len(), 1);
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(
        &bytes[findings[0].start..findings[0].end],
        b"2 55 08 14 168 025 38"
    );
}

#[test]
fn scanned_pdf_is_not_inspectable() {
    assert_eq!(
        extracted(&pdf(&[])),
        Extracted::NotInspectable(NotInspectable::ScannedPdf)
    );
}

#[test]
fn truncated_pdf_is_not_inspectable() {
    let whole = pdf(&["NIR 2 55 08 14 168 025 38"]);
    for cut in [whole.len() / 2, 40, 12] {
        let result = extracted(&whole[..cut]);
        assert!(
            matches!(result, Extracted::NotInspectable(_)),
            "cut at {cut}: {result:?}"
        );
    }
}

#[test]
fn garbage_named_pdf_is_not_inspectable() {
    let mut garbage = b"%PDF-1.7\n".to_vec();
    let mut state = 0x2545_F491_u32;
    for _ in 0..4096 {
        // A fixed xorshift stream: binary noise, the same on every run.
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        garbage.push(state as u8);
    }
    assert_eq!(
        extract_bytes(&garbage, Some("report.pdf"), &Limits::default()),
        Extracted::NotInspectable(NotInspectable::Corrupt)
    );
    // Noise without a PDF header is of no known format.
    assert_eq!(
        extract_bytes(&garbage[9..], Some("report.pdf"), &Limits::default()),
        Extracted::NotInspectable(NotInspectable::UnknownFormat)
    );
}

#[test]
fn zip_bomb_docx_stops_at_the_part_limit() {
    // 32 MiB of one paragraph repeated compresses to a few tens of kilobytes.
    let paragraph =
        b"<w:p><w:r><w:t>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</w:t></w:r></w:p>";
    let mut document = b"<w:document><w:body>".to_vec();
    while document.len() < 32 << 20 {
        document.extend_from_slice(paragraph);
    }
    document.extend_from_slice(b"</w:body></w:document>");
    let bomb = zip(&[("word/document.xml", &document)]);
    assert!(bomb.len() < 1 << 20, "{} bytes", bomb.len());
    let limits = Limits {
        max_part_bytes: 8 << 20,
        ..Limits::default()
    };
    assert_eq!(
        extract_bytes(&bomb, Some("bomb.docx"), &limits),
        Extracted::NotInspectable(NotInspectable::TooLarge)
    );
}

#[test]
fn broken_and_foreign_archives() {
    let whole = docx(&["Bonjour"]);
    assert_eq!(
        extracted(&whole[..whole.len() / 2]),
        Extracted::NotInspectable(NotInspectable::Corrupt)
    );
    let spreadsheet = zip(&[("xl/workbook.xml", b"<workbook/>")]);
    assert_eq!(
        extracted(&spreadsheet),
        Extracted::NotInspectable(NotInspectable::UnsupportedFormat)
    );
    let bad_xml = zip(&[("word/document.xml", b"<w:document><w:t>open</w:p>")]);
    assert_eq!(
        extracted(&bad_xml),
        Extracted::NotInspectable(NotInspectable::Corrupt)
    );
}

#[test]
fn empty_file_is_inspected_and_clean() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.pdf");
    std::fs::write(&path, b"").unwrap();
    let text = text_of(extract(&path, &Limits::default()).unwrap());
    assert!(text.scan().is_empty());
}

#[test]
fn missing_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    assert!(extract(&dir.path().join("absent.txt"), &Limits::default()).is_err());
}

const NIR: &str = "NIR 2 55 08 14 168 025 38";
/// The smallest PNG header: the content does not matter, only that a picture is there.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

#[test]
fn docx_with_a_picture_is_read_in_part() {
    let (text, unread) = partial(extracted(&docx_with(
        &[NIR],
        &[("word/media/image1.png", PNG)],
    )));
    assert_eq!(unread, NotInspectable::ImagesNotInspected);
    // The text read still counts.
    assert_eq!(kinds(&text), [Kind::Nir, Kind::Email]);
    // A picture of a header, or of the glossary, is a picture too.
    for name in ["word/glossary/media/image1.jpeg", "word/media/logo.emf"] {
        assert_eq!(
            partial(extracted(&docx_with(&["Bonjour"], &[(name, PNG)]))).1,
            NotInspectable::ImagesNotInspected,
            "{name}"
        );
    }
}

#[test]
fn docx_with_an_embedded_object_is_read_in_part() {
    let spreadsheet = zip(&[("xl/workbook.xml", b"<workbook/>")]);
    for parts in [
        &[(
            "word/embeddings/Microsoft_Excel_Worksheet.xlsx",
            &spreadsheet[..],
        )][..],
        // An OLE object comes with its picture: the object is what is reported.
        &[
            ("word/embeddings/oleObject1.bin", b"\xD0\xCF\x11\xE0"),
            ("word/media/image1.emf", PNG),
        ],
    ] {
        let (text, unread) = partial(extracted(&docx_with(&[NIR], parts)));
        assert_eq!(unread, NotInspectable::EmbeddedObjectsNotInspected);
        assert!(kinds(&text).contains(&Kind::Nir));
    }
    // An imported chunk (HTML, RTF, another document) is not read either.
    let chunk = zip(&[(
        "word/document.xml",
        b"<w:document><w:body><w:p><w:r><w:t>Bonjour</w:t></w:r></w:p><w:altChunk r:id=\"rId9\"/></w:body></w:document>",
    )]);
    assert_eq!(
        partial(extracted(&chunk)).1,
        NotInspectable::EmbeddedObjectsNotInspected
    );
}

#[test]
fn odt_with_pictures_or_objects_is_read_in_part() {
    let (text, unread) = partial(extracted(&odt_with(&[NIR], &[("Pictures/a.png", PNG)])));
    assert_eq!(unread, NotInspectable::ImagesNotInspected);
    assert_eq!(kinds(&text), [Kind::Nir]);
    let object = odt_with(
        &["Bonjour"],
        &[
            ("Object 1/content.xml", b"<office:document-content/>"),
            ("ObjectReplacements/Object 1", PNG),
        ],
    );
    assert_eq!(
        partial(extracted(&object)).1,
        NotInspectable::EmbeddedObjectsNotInspected
    );
    // A picture inlined in the XML, as base64.
    let inlined = odt(&[
        "Bonjour<draw:frame><draw:image><office:binary-data>iVBORw0KGgo=</office:binary-data></draw:image></draw:frame>",
    ]);
    assert_eq!(
        partial(extracted(&inlined)).1,
        NotInspectable::ImagesNotInspected
    );
}

#[test]
fn thumbnails_and_text_only_documents_are_inspected() {
    // A thumbnail renders the document's own first page.
    let text = text_of(extracted(&odt_with(
        &["Bonjour"],
        &[
            ("Thumbnails/thumbnail.png", PNG),
            ("styles.xml", b"<office:document-styles/>"),
        ],
    )));
    assert_eq!(text.format, Format::Odt);
    let text = text_of(extracted(&docx_with(
        &["Bonjour"],
        &[("docProps/thumbnail.jpeg", PNG)],
    )));
    assert_eq!(text.format, Format::Docx);
    assert_eq!(text_of(extracted(&pdf(&[NIR]))).format, Format::Pdf);
    // Text that spells the operator of an inline image is only text.
    assert_eq!(
        text_of(extracted(&pdf(&["OBJET : BILAN BI ID EI"]))).format,
        Format::Pdf
    );
}

#[test]
fn pdf_with_an_image_page_is_read_in_part() {
    let (text, unread) = partial(extracted(&pdf_with_image_page(NIR)));
    assert_eq!(unread, NotInspectable::ImagesNotInspected);
    assert_eq!(kinds(&text), [Kind::Nir]);
}

#[test]
fn pdf_with_images_or_attachments_on_a_text_page_is_read_in_part() {
    // An inline image, on the page with the text.
    let inline = pdf_page_with(
        NIR,
        "q 10 0 0 10 72 600 cm BI /W 1 /H 1 /CS /G /BPC 8 ID \u{7f} EI Q\n",
        &[],
    );
    assert_eq!(
        partial(extracted(&inline)).1,
        NotInspectable::ImagesNotInspected
    );
    // An image inside a form the page draws.
    let form = pdf_of(&[
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> /XObject << /Fm1 6 0 R >> >> >>"
            .to_owned(),
        stream(
            "",
            &format!("BT /F1 12 Tf 72 720 Td ({NIR}) Tj ET /Fm1 Do\n"),
        ),
        HELVETICA.to_owned(),
        stream(
            "/Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << /XObject << /Im1 7 0 R >> >>",
            "/Im1 Do",
        ),
        stream(
            "/Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8",
            "\u{7f}",
        ),
    ]);
    assert_eq!(
        partial(extracted(&form)).1,
        NotInspectable::ImagesNotInspected
    );
    // An attached file.
    let attached = pdf_page_with(
        NIR,
        "",
        &[stream("/Type /EmbeddedFile", "NIR 1 85 03 75 123 456 78")],
    );
    let (text, unread) = partial(extracted(&attached));
    assert_eq!(unread, NotInspectable::EmbeddedObjectsNotInspected);
    assert_eq!(kinds(&text), [Kind::Nir]);
}
