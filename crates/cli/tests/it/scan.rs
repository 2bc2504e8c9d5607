//! `pli scan`: findings, masked excerpts, files that cannot be inspected, hostile files.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::{Run, pli};

const NIR: &str = "2 55 08 14 168 025 38";
const IBAN: &str = "FR14 2004 1010 0505 0001 3M02 606";
const CARD: &str = "4111 1111 1111 1111";

fn scan(files: &[&Path], json: bool, env: &[(&str, &str)]) -> Run {
    let mut command = pli(None);
    command.env_remove("PLI_SCAN_TIMEOUT_SECS");
    command.env_remove("PLI_SCAN_MEMORY_MB");
    command.envs(env.iter().copied());
    command.arg("scan").args(files);
    if json {
        command.arg("--json");
    }
    Run::from(command.output().unwrap())
}

fn json_lines(run: &Run) -> Vec<Value> {
    run.ok()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

fn write(dir: &Path, name: &str, content: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

fn letter() -> String {
    format!(
        "Lyon, le 3 mai 2024\nObjet : Mme Durand, née le 12/03/1985\n\
         NIR : {NIR}\nSuivie pour schizophrénie.\nIBAN {IBAN}\nCarte {CARD}\n\
         Contact : secretariat@chu-exemple.fr, 06 12 34 56 78\n"
    )
}

/// A one-page PDF whose text layer holds `line`, or with no text at all.
fn pdf(line: Option<&str>) -> Vec<u8> {
    let content = match line {
        Some(line) => format!("BT /F1 12 Tf 72 720 Td ({line}) Tj ET\n"),
        None => "0 0 0 rg 72 72 100 100 re f\n".to_owned(),
    };
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_owned(),
        format!(
            "<< /Length {} >>\nstream\n{content}endstream",
            content.len()
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_owned(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (index, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", index + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(b"xref\n0 6\n0000000000 65535 f \n");
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
    );
    out
}

fn docx(document_xml: &[u8]) -> Vec<u8> {
    docx_with(document_xml, &[])
}

/// [`docx`] with more parts.
pub fn docx_with(document_xml: &[u8], parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    writer.start_file("[Content_Types].xml", options).unwrap();
    writer.write_all(b"<Types/>").unwrap();
    writer.start_file("word/document.xml", options).unwrap();
    writer.write_all(document_xml).unwrap();
    for (name, content) in parts {
        writer.start_file(*name, options).unwrap();
        writer.write_all(content).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

#[test]
fn text_file_findings_at_file_offsets() {
    let dir = tempfile::tempdir().unwrap();
    let letter = letter();
    let path = write(dir.path(), "lettre.txt", letter.as_bytes());
    let run = scan(&[&path], true, &[]);
    let reports = json_lines(&run);
    assert_eq!(reports.len(), 1);
    let report = &reports[0];
    assert_eq!(report["file"], path.display().to_string());
    assert_eq!(report["inspectable"], true);
    assert_eq!(report["format"], "text");
    assert_eq!(report["offsets"], "file");
    assert_eq!(
        report["labels"],
        serde_json::json!([
            "nir",
            "iban",
            "card",
            "phone",
            "email",
            "birthdate",
            "health"
        ])
    );
    let findings = report["findings"].as_array().unwrap();
    let nir = findings
        .iter()
        .find(|finding| finding["kind"] == "nir")
        .unwrap();
    let (start, end) = (
        nir["start"].as_u64().unwrap() as usize,
        nir["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&letter.as_bytes()[start..end], NIR.as_bytes());
    assert_eq!(nir["excerpt"], "2 55 ** ** *** *** 38");
    for finding in findings {
        assert!(finding["confidence"].as_f64().unwrap() > 0.0);
    }
}

#[test]
fn no_output_holds_a_whole_value() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "lettre.txt", letter().as_bytes());
    let values = [
        NIR,
        IBAN,
        CARD,
        "secretariat@chu-exemple.fr",
        "06 12 34 56 78",
        "12/03/1985",
        "schizophrénie",
    ];
    for json in [false, true] {
        let run = scan(&[&path], json, &[]);
        assert_eq!(run.code, 0, "{run:#?}");
        for value in values {
            let compact: String = value.chars().filter(|c| *c != ' ').collect();
            for output in [&run.stdout, &run.stderr] {
                assert!(!output.contains(value), "{value} in {output}");
                assert!(!output.contains(&compact), "{compact} in {output}");
            }
        }
    }
}

#[test]
fn human_output_lists_findings_and_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    let letter = write(dir.path(), "lettre.txt", letter().as_bytes());
    let clean = write(
        dir.path(),
        "menu.txt",
        "Lundi : gratin, salade.\n".as_bytes(),
    );
    let scanned = write(dir.path(), "scan.pdf", &pdf(None));
    let run = scan(&[&letter, &clean, &scanned], false, &[]);
    let stdout = run.ok();
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[0].starts_with(&format!("{}: 7 findings (", letter.display())),
        "{stdout}"
    );
    assert!(
        lines
            .iter()
            .any(|line| line.trim_start().starts_with("nir")
                && line.ends_with("2 55 ** ** *** *** 38")),
        "{stdout}"
    );
    assert!(stdout.contains(&format!("{}: no findings (text)", clean.display())));
    assert!(stdout.contains(&format!(
        "{}: not inspectable: PDF without a text layer (scanned or image-only)",
        scanned.display()
    )));
    assert_eq!(
        lines.last().copied(),
        Some(
            "scanned 3 files: 1 with findings, 1 without, 1 not inspectable; findings: \
             nir 1, iban 1, card 1, phone 1, email 1, birthdate 1, health 1"
        )
    );
}

#[test]
fn documents_are_extracted() {
    let dir = tempfile::tempdir().unwrap();
    let with_text = write(dir.path(), "cr.pdf", &pdf(Some(&format!("NIR {NIR}"))));
    let word = write(
        dir.path(),
        "cr.docx",
        &docx(format!("<w:document><w:body><w:p><w:r><w:t>IBAN {IBAN}</w:t></w:r></w:p></w:body></w:document>").as_bytes()),
    );
    let run = scan(&[&with_text, &word], true, &[]);
    let reports = json_lines(&run);
    assert_eq!(reports[0]["format"], "pdf");
    assert_eq!(reports[0]["offsets"], "text");
    assert_eq!(reports[0]["labels"], serde_json::json!(["nir"]));
    assert_eq!(reports[1]["format"], "docx");
    assert_eq!(reports[1]["labels"], serde_json::json!(["iban"]));
}

#[test]
fn documents_with_pictures_are_not_inspectable_with_their_texts_findings() {
    let dir = tempfile::tempdir().unwrap();
    let document = format!(
        "<w:document><w:body><w:p><w:r><w:t>NIR {NIR}</w:t></w:r></w:p></w:body></w:document>"
    );
    let scanned_card = write(
        dir.path(),
        "carte.docx",
        &docx_with(
            document.as_bytes(),
            &[("word/media/image1.png", b"\x89PNG\r\n\x1a\n")],
        ),
    );
    let clean = write(dir.path(), "clean.txt", b"Bonjour.\n");
    let run = scan(&[&scanned_card, &clean], true, &[]);
    let reports = json_lines(&run);
    let report = &reports[0];
    assert_eq!(report["inspectable"], false);
    assert_eq!(report["reason"], "images-not-inspected");
    assert_eq!(report["format"], "docx");
    assert_eq!(report["labels"], serde_json::json!(["nir"]));
    assert_eq!(report["findings"][0]["kind"], "nir");
    assert!(report["findings"][0]["end"].as_u64() > report["findings"][0]["start"].as_u64());

    let run = scan(&[&scanned_card, &clean], false, &[]);
    let lines: Vec<&str> = run.ok().lines().collect();
    assert_eq!(
        lines[0],
        format!(
            "{}: not inspectable: holds images, whose text cannot be read without OCR (its \
             text was scanned)",
            scanned_card.display()
        )
    );
    assert_eq!(
        lines[1],
        "  its text: 1 finding (nir; byte offsets in the extracted text)"
    );
    assert!(lines[2].starts_with("  nir "), "{lines:?}");
    assert_eq!(
        lines.last(),
        Some(&"scanned 2 files: 1 with findings, 1 without, 1 not inspectable; findings: nir 1")
    );
}

#[test]
fn hostile_files_are_reported_not_inspectable() {
    let dir = tempfile::tempdir().unwrap();
    let whole = pdf(Some(&format!("NIR {NIR}")));
    let truncated = write(dir.path(), "truncated.pdf", &whole[..whole.len() / 3]);
    let mut noise = b"%PDF-1.7\n".to_vec();
    noise.extend((0..8192u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    let garbage = write(dir.path(), "garbage.pdf", &noise);
    // 80 MiB of paragraphs, over the 64 MiB cap of a decompressed part.
    let paragraph = b"<w:p><w:r><w:t>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</w:t></w:r></w:p>";
    let mut document = Vec::with_capacity(81 << 20);
    while document.len() < 80 << 20 {
        document.extend_from_slice(paragraph);
    }
    let bomb_bytes = docx(&document);
    assert!(bomb_bytes.len() < 1 << 20);
    let bomb = write(dir.path(), "bomb.docx", &bomb_bytes);
    let image = write(
        dir.path(),
        "photo.txt",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    );
    let empty = write(dir.path(), "empty.pdf", b"");
    let run = scan(&[&truncated, &garbage, &bomb, &image, &empty], true, &[]);
    let reports = json_lines(&run);
    let reasons: Vec<&Value> = reports.iter().map(|report| &report["reason"]).collect();
    assert_eq!(
        reasons,
        [
            &Value::from("corrupt"),
            &Value::from("corrupt"),
            &Value::from("too-large"),
            &Value::from("image"),
            &Value::Null
        ]
    );
    for report in &reports[..4] {
        assert_eq!(report["inspectable"], false);
        assert_eq!(report["findings"], serde_json::json!([]));
        assert!(report["message"].as_str().unwrap().len() > 5);
    }
    // An empty file holds nothing: inspected, clean.
    assert_eq!(reports[4]["inspectable"], true);
    assert_eq!(reports[4]["findings"], serde_json::json!([]));
}

#[test]
fn extraction_limits_are_enforced() {
    let dir = tempfile::tempdir().unwrap();
    let big = "Compte rendu sans donnée particulière.\n".repeat(200_000);
    let path = write(dir.path(), "big.txt", big.as_bytes());
    let timed_out = scan(&[&path], true, &[("PLI_SCAN_TIMEOUT_SECS", "0")]);
    assert_eq!(json_lines(&timed_out)[0]["reason"], "timeout");
    let starved = scan(&[&path], true, &[("PLI_SCAN_MEMORY_MB", "16")]);
    assert_eq!(json_lines(&starved)[0]["reason"], "extractor-failed");
    let fine = scan(&[&path], true, &[]);
    assert_eq!(json_lines(&fine)[0]["inspectable"], true);
}

#[test]
fn unreadable_files_fail_but_the_others_are_scanned() {
    let dir = tempfile::tempdir().unwrap();
    let good = write(dir.path(), "note.txt", format!("NIR {NIR}").as_bytes());
    let missing = dir.path().join("absent.txt");
    let run = scan(&[&missing, dir.path(), &good], true, &[]);
    assert_eq!(run.code, 1, "{run:#?}");
    let reports: Vec<Value> = run
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0]["labels"], serde_json::json!(["nir"]));
    assert!(
        run.stderr.contains("absent.txt: opening the file"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("not a regular file"), "{}", run.stderr);
    assert!(
        run.stderr
            .trim_end()
            .ends_with("error: 2 of 3 files could not be scanned"),
        "{}",
        run.stderr
    );
}

#[test]
fn special_files_are_refused_without_waiting() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.txt");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let good = write(dir.path(), "note.txt", format!("NIR {NIR}").as_bytes());
    let mut command = pli(None);
    command
        .args(["scan", "--json"])
        .arg(&fifo)
        .arg(&good)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = command.spawn().unwrap();
    // Opening the pipe would wait for a writer that never comes: the test must not.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("pli scan of a named pipe still running after 30 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let run = Run::from(child.wait_with_output().unwrap());
    let stderr = run.fails();
    assert!(
        stderr.contains(&format!(
            "{}: not a regular file (a named pipe)",
            fifo.display()
        )),
        "{stderr}"
    );
    let reports: Vec<Value> = run
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0]["labels"], serde_json::json!(["nir"]));
}

#[test]
fn a_text_mentioning_a_pdf_header_is_text() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "note.txt",
        format!("Convertir en %PDF-1.4 svp. NIR {NIR}\n").as_bytes(),
    );
    let report = &json_lines(&scan(&[&path], true, &[]))[0];
    assert_eq!(report["format"], "text");
    assert_eq!(report["labels"], serde_json::json!(["nir"]));
}

#[test]
fn usage_errors() {
    let run = Run::from(pli(None).arg("scan").output().unwrap());
    assert_eq!(run.code, 2, "{run:#?}");
    let run = Run::from(
        pli(None)
            .args(["scan", "x.txt"])
            .env("PLI_SCAN_TIMEOUT_SECS", "soon")
            .output()
            .unwrap(),
    );
    assert_eq!(run.code, 1, "{run:#?}");
    assert!(
        run.stderr
            .contains("PLI_SCAN_TIMEOUT_SECS must be a whole number")
    );
}
