//! PDF: the text layer, through `pdf-extract`. A PDF whose pages carry no text (a scan, a
//! photographed page) is reported as such: its content exists but cannot be inspected. A PDF
//! with text whose pages also draw images (a scanned page among typed ones, an identity card
//! pasted into a letter) or which carries attached files is read, and reported as partly
//! inspected.
//!
//! `pdf-extract` and `lopdf` can panic or loop on hostile files; callers run extraction in
//! a separate process with limits, so a failure here costs only that process.

use std::collections::BTreeSet;

use pdf_extract::content::Content;
use pdf_extract::{Dictionary, Document, Object, ObjectId, PlainTextOutput};

use super::{Format, NotInspectable, Offsets, Reading, Text};

/// Form XObjects nest; deeper than this, a form is assumed to hold an image.
const MAX_FORM_DEPTH: usize = 16;

pub(super) fn extract(bytes: &[u8]) -> Result<Reading, NotInspectable> {
    // The parsers' messages may quote the document: only the kind of failure is kept.
    let failed = || {
        if memchr::memmem::find(bytes, b"/Encrypt").is_some() {
            NotInspectable::Encrypted
        } else {
            NotInspectable::Corrupt
        }
    };
    let mut document = Document::load_mem(bytes).map_err(|_| failed())?;
    if document.is_encrypted() {
        // An empty user password opens many "protected" PDFs, as readers do.
        document.decrypt("").map_err(|_| failed())?;
    }
    let mut text = String::new();
    pdf_extract::output_doc(&document, &mut PlainTextOutput::new(&mut text))
        .map_err(|_| failed())?;
    if text.trim().is_empty() {
        return Err(NotInspectable::ScannedPdf);
    }
    // Attachments first: a whole file may hide there, more than an image holds.
    let unread = if has_attachments(&document) {
        Some(NotInspectable::EmbeddedObjectsNotInspected)
    } else if has_images(&document) {
        Some(NotInspectable::ImagesNotInspected)
    } else {
        None
    };
    Ok(Reading {
        text: Text {
            format: Format::Pdf,
            text,
            offsets: Offsets::Extracted,
        },
        unread,
    })
}

/// Whether a page of `document` draws an image: an image XObject in its resources (its own or
/// inherited, or those of a form it uses) or an inline image in its content. An image declared
/// but never drawn counts too: telling would mean running the content streams, and counting
/// one too many only asks for a look.
fn has_images(document: &Document) -> bool {
    let mut seen = BTreeSet::new();
    document.get_pages().into_values().any(|page_id| {
        let Ok((own, inherited)) = document.get_page_resources(page_id) else {
            return true;
        };
        let resources = own.into_iter().chain(
            inherited
                .into_iter()
                .filter_map(|id| document.get_dictionary(id).ok()),
        );
        for resources in resources {
            if resources_have_images(document, resources, 0, &mut seen) {
                return true;
            }
        }
        match document.get_page_content(page_id) {
            Ok(content) => content_has_inline_image(&content),
            Err(_) => true,
        }
    })
}

fn resources_have_images(
    document: &Document,
    resources: &Dictionary,
    depth: usize,
    seen: &mut BTreeSet<ObjectId>,
) -> bool {
    let Ok(xobjects) = resources
        .get(b"XObject")
        .and_then(|object| document.dereference(object))
        .and_then(|(_, object)| object.as_dict())
    else {
        return false;
    };
    for (_, xobject) in xobjects.iter() {
        if let Object::Reference(id) = xobject {
            // A form used on many pages is looked at once.
            if !seen.insert(*id) {
                continue;
            }
        }
        let Ok((_, Object::Stream(stream))) = document.dereference(xobject) else {
            continue;
        };
        match stream.dict.get(b"Subtype").and_then(Object::as_name) {
            Ok(b"Image") => return true,
            Ok(b"Form") => {
                if depth >= MAX_FORM_DEPTH {
                    return true;
                }
                let form_resources = stream
                    .dict
                    .get(b"Resources")
                    .and_then(|object| document.dereference(object))
                    .and_then(|(_, object)| object.as_dict());
                if let Ok(form_resources) = form_resources
                    && resources_have_images(document, form_resources, depth + 1, seen)
                {
                    return true;
                }
                let content = stream
                    .decompressed_content()
                    .unwrap_or_else(|_| stream.content.clone());
                if content_has_inline_image(&content) {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

/// Whether a content stream holds an inline image (`BI ... ID ... EI`). Content that does not
/// parse may hide one.
fn content_has_inline_image(content: &[u8]) -> bool {
    // Most pages have none: their content is not parsed a second time.
    if memchr::memmem::find(content, b"BI").is_none() {
        return false;
    }
    match Content::decode(content) {
        Ok(content) => content
            .operations
            .iter()
            .any(|operation| operation.operator == "BI"),
        Err(_) => true,
    }
}

/// Whether `document` carries attached files, whose content is not extracted: an embedded
/// file stream, a file specification holding one, or a file attachment annotation.
fn has_attachments(document: &Document) -> bool {
    let named = |dictionary: &Dictionary, key: &[u8], name: &[u8]| {
        dictionary.get(key).and_then(Object::as_name).ok() == Some(name)
    };
    document.objects.values().any(|object| match object {
        Object::Stream(stream) => named(&stream.dict, b"Type", b"EmbeddedFile"),
        Object::Dictionary(dictionary) => {
            dictionary.has(b"EF") || named(dictionary, b"Subtype", b"FileAttachment")
        }
        _ => false,
    })
}
