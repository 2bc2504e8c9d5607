//! `pli scan FILE... [--json]`: the data loss prevention detectors over files, before anything
//! is sent. Each file's text is extracted in a child process (this binary, re-run with the
//! hidden `__extract` command) under time and memory limits, because document parsers can
//! crash or loop on hostile files; a file whose extraction fails is reported as not
//! inspectable, never as clean.

use std::fs::File;
use std::io::{BufWriter, Read as _, Write};
use std::path::Path;
use std::process::{ExitCode, Stdio};
use std::time::Duration;

use anyhow::{Context as _, Result, bail};
use pli_dlp::{Extracted, Finding, Kind, Limits, NotInspectable};
use wait_timeout::ChildExt as _;

use super::{StdoutClosed, print_line};
use crate::args::{ExtractArgs, ScanArgs};
use crate::format;

/// Wall-clock limit of one file's extraction, unless `PLI_SCAN_TIMEOUT_SECS` says otherwise.
const DEFAULT_TIMEOUT_SECS: u64 = 30;
/// Address-space limit of the extraction process, unless `PLI_SCAN_MEMORY_MB` says otherwise.
const DEFAULT_MEMORY_MB: u64 = 1024;

/// Runs `pli scan`.
pub fn run(args: &ScanArgs) -> Result<()> {
    let settings = Settings::from_env()?;
    let mut summary = Summary::default();
    for path in &args.files {
        let shown = path.display().to_string();
        let report = match inspect(path, &settings) {
            Ok(report) => report,
            Err(error) => {
                // The file's own problem (missing, unreadable) is the user's to fix; the
                // others are still scanned.
                eprintln!("error: {}: {error:#}", format::clean(&shown));
                summary.n_errors += 1;
                continue;
            }
        };
        summary.add(&report);
        if args.json {
            print_json(&shown, &report)?;
        } else {
            print_human(&format::clean(&shown), &report)?;
        }
    }
    if !args.json {
        print_line(&summary.line())?;
    }
    if summary.n_errors > 0 {
        bail!(
            "{} of {} files could not be scanned",
            summary.n_errors,
            args.files.len()
        );
    }
    Ok(())
}

/// What `pli send` reports to the policy: kinds and counts over `files`, each scanned exactly
/// as `pli scan` does (isolated extraction), and how many could not be inspected.
pub fn labels_of(files: &[std::path::PathBuf]) -> Result<pli_dlp::Labels> {
    let settings = Settings::from_env()?;
    let mut labels = pli_dlp::Labels::default();
    for path in files {
        match inspect(path, &settings)
            .with_context(|| format!("scanning {}", format::clean(&path.display().to_string())))?
        {
            Report::Inspected {
                findings, unread, ..
            } => {
                labels.add_findings(findings.iter().map(|(finding, _)| finding));
                // Partly read: its findings count, and so does what was not read.
                if unread.is_some() {
                    labels.not_inspectable += 1;
                }
            }
            Report::NotInspectable(_) => labels.not_inspectable += 1,
        }
    }
    Ok(labels)
}

/// The hidden `__extract` command: reads a file on stdin, extracts its text, writes the
/// encoded result on stdout. Runs with limits on itself first, so a hostile file costs at
/// most this process.
pub fn extract_child(args: &ExtractArgs) -> ExitCode {
    if apply_limits(args.memory_mb, args.cpu_secs).is_err() {
        return ExitCode::FAILURE;
    }
    let limits = Limits::default();
    let mut bytes = Vec::new();
    if std::io::stdin()
        .lock()
        .take(limits.max_file_bytes + 1)
        .read_to_end(&mut bytes)
        .is_err()
    {
        return ExitCode::FAILURE;
    }
    let extracted = pli_dlp::extract_bytes(&bytes, args.name.as_deref(), &limits);
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(&extracted.encode())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::FAILURE,
    }
}

/// Limits of the extraction process, from the environment.
struct Settings {
    timeout: Duration,
    memory_mb: u64,
}

impl Settings {
    fn from_env() -> Result<Settings> {
        let number = |name: &str, default: u64| -> Result<u64> {
            match std::env::var(name) {
                Ok(value) => value
                    .parse()
                    .with_context(|| format!("{name} must be a whole number, not {value:?}")),
                Err(_) => Ok(default),
            }
        };
        Ok(Settings {
            timeout: Duration::from_secs(number("PLI_SCAN_TIMEOUT_SECS", DEFAULT_TIMEOUT_SECS)?),
            memory_mb: number("PLI_SCAN_MEMORY_MB", DEFAULT_MEMORY_MB)?,
        })
    }
}

/// What scanning one file found.
enum Report {
    Inspected {
        format: pli_dlp::Format,
        offsets_in_file: bool,
        /// Each with its masked excerpt.
        findings: Vec<(Finding, String)>,
        /// What the file holds besides its text that was not read (images, embedded
        /// objects): such a file is not inspectable, with the findings of its text.
        unread: Option<NotInspectable>,
    },
    NotInspectable(NotInspectable),
}

fn inspect(path: &Path, settings: &Settings) -> Result<Report> {
    // Opening a named pipe waits for a writer, possibly forever: the path is checked before
    // the open, and the opened file again, in case another took its place in between.
    regular_file(&std::fs::metadata(path).context("opening the file")?)?;
    let file = File::open(path).context("opening the file")?;
    regular_file(&file.metadata().context("reading the file")?)?;
    Ok(match extract_isolated(file, path, settings)? {
        Extracted::Text(text) => Report::Inspected {
            format: text.format,
            offsets_in_file: text.offsets.in_file(),
            findings: text.scan_with_excerpts(),
            unread: None,
        },
        Extracted::Partial { text, unread } => Report::Inspected {
            format: text.format,
            offsets_in_file: text.offsets.in_file(),
            findings: text.scan_with_excerpts(),
            unread: Some(unread),
        },
        Extracted::NotInspectable(reason) => Report::NotInspectable(reason),
    })
}

fn regular_file(metadata: &std::fs::Metadata) -> Result<()> {
    Ok(pli_client::send::regular_file(metadata)?)
}

/// Extracts `file`'s text in a child process with time, CPU and memory limits.
fn extract_isolated(file: File, path: &Path, settings: &Settings) -> Result<Extracted> {
    let exe = std::env::current_exe().context("finding the pli executable")?;
    let mut command = std::process::Command::new(exe);
    command
        .arg("__extract")
        .arg("--memory-mb")
        .arg(settings.memory_mb.to_string())
        .arg("--cpu-secs")
        .arg(settings.timeout.as_secs().max(1).to_string());
    if let Some(name) = path.file_name().and_then(|name| name.to_str()) {
        command.arg("--name").arg(name);
    }
    // The file is the child's stdin: it opens nothing itself. Its stderr is dropped: a
    // parser's panic message could quote the document.
    let mut child = command
        .stdin(Stdio::from(file))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .context("starting the extraction process")?;
    let Some(stdout) = child.stdout.take() else {
        bail!("internal error: no pipe from the extraction process");
    };
    // Read on another thread so a large output cannot block the child while we wait.
    let max_output = Limits::default().max_text_bytes as u64 + 4096;
    let reader = std::thread::spawn(move || {
        let mut output = Vec::new();
        let _ = stdout.take(max_output).read_to_end(&mut output);
        output
    });
    let status = child
        .wait_timeout(settings.timeout)
        .context("waiting for the extraction process")?;
    let Some(status) = status else {
        let _ = child.kill();
        let _ = child.wait();
        let _ = reader.join();
        return Ok(Extracted::NotInspectable(NotInspectable::Timeout));
    };
    let output = reader.join().unwrap_or_default();
    if !status.success() {
        return Ok(Extracted::NotInspectable(NotInspectable::ExtractorFailed));
    }
    Ok(Extracted::decode(&output)
        .unwrap_or(Extracted::NotInspectable(NotInspectable::ExtractorFailed)))
}

/// Limits the calling process: address space, CPU time, no file written, no core dump (it
/// would hold the document).
fn apply_limits(memory_mb: u64, cpu_secs: u64) -> std::io::Result<()> {
    use rlimit::Resource;
    let memory = memory_mb.saturating_mul(1 << 20);
    rlimit::setrlimit(Resource::CORE, 0, 0)?;
    rlimit::setrlimit(Resource::FSIZE, 0, 0)?;
    rlimit::setrlimit(Resource::CPU, cpu_secs, cpu_secs)?;
    rlimit::setrlimit(Resource::AS, memory, memory)?;
    Ok(())
}

/// Writes `report` as one line of JSON on stdout. The object is written as it goes, a finding
/// at a time: built whole as a `serde_json::Value`, a file with millions of findings took
/// gigabytes. Keys are in the order `serde_json::Value` gave them before: sorted.
fn print_json(file: &str, report: &Report) -> Result<()> {
    let mut stdout = BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let written = write_json(&mut stdout, file, report)
        .and_then(|()| stdout.write_all(b"\n"))
        .and_then(|()| stdout.flush());
    match written {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Err(StdoutClosed.into()),
        Err(error) => Err(anyhow::Error::new(error).context("writing to stdout")),
    }
}

fn write_json(out: &mut impl Write, file: &str, report: &Report) -> std::io::Result<()> {
    out.write_all(b"{\"file\":")?;
    serde_json::to_writer(&mut *out, file)?;
    match report {
        Report::Inspected {
            format,
            offsets_in_file,
            findings,
            unread,
        } => {
            out.write_all(b",\"findings\":[")?;
            for (index, (finding, excerpt)) in findings.iter().enumerate() {
                if index > 0 {
                    out.write_all(b",")?;
                }
                out.write_all(b"{\"confidence\":")?;
                serde_json::to_writer(&mut *out, &confidence(finding))?;
                out.write_all(b",\"end\":")?;
                serde_json::to_writer(&mut *out, &finding.end)?;
                out.write_all(b",\"excerpt\":")?;
                serde_json::to_writer(&mut *out, excerpt)?;
                out.write_all(b",\"kind\":")?;
                serde_json::to_writer(&mut *out, finding.kind.as_str())?;
                out.write_all(b",\"start\":")?;
                serde_json::to_writer(&mut *out, &finding.start)?;
                out.write_all(b"}")?;
            }
            // Keys in the order a JSON object sorts them, as before streaming.
            out.write_all(b"],\"format\":")?;
            serde_json::to_writer(&mut *out, format.as_str())?;
            out.write_all(b",\"inspectable\":")?;
            serde_json::to_writer(&mut *out, &unread.is_none())?;
            out.write_all(b",\"labels\":")?;
            serde_json::to_writer(&mut *out, &labels(findings))?;
            if let Some(reason) = unread {
                out.write_all(b",\"message\":")?;
                serde_json::to_writer(&mut *out, &reason.to_string())?;
            }
            out.write_all(b",\"offsets\":")?;
            serde_json::to_writer(&mut *out, if *offsets_in_file { "file" } else { "text" })?;
            if let Some(reason) = unread {
                out.write_all(b",\"reason\":")?;
                serde_json::to_writer(&mut *out, reason.code())?;
            }
        }
        Report::NotInspectable(reason) => {
            out.write_all(b",\"findings\":[],\"inspectable\":false,\"labels\":[],\"message\":")?;
            serde_json::to_writer(&mut *out, &reason.to_string())?;
            out.write_all(b",\"reason\":")?;
            serde_json::to_writer(&mut *out, reason.code())?;
        }
    }
    out.write_all(b"}")
}

fn confidence(finding: &Finding) -> f64 {
    (f64::from(finding.confidence) * 100.0).round() / 100.0
}

fn print_human(file: &str, report: &Report) -> Result<()> {
    match report {
        Report::Inspected {
            format,
            offsets_in_file,
            findings,
            unread,
        } => {
            let file = match unread {
                Some(reason) => {
                    print_line(&format!("{file}: not inspectable: {reason}"))?;
                    if findings.is_empty() {
                        return print_line(&format!(
                            "  its text: no findings ({})",
                            format.as_str()
                        ));
                    }
                    "  its text"
                }
                None if findings.is_empty() => {
                    return print_line(&format!("{file}: no findings ({})", format.as_str()));
                }
                None => file,
            };
            let unit = if *offsets_in_file {
                "byte offsets in the file"
            } else {
                "byte offsets in the extracted text"
            };
            print_line(&format!(
                "{file}: {} finding{} ({}; {unit})",
                findings.len(),
                if findings.len() == 1 { "" } else { "s" },
                labels(findings).join(", ")
            ))?;
            for (finding, excerpt) in findings {
                print_line(&format!(
                    "  {:<9} {:>8}..{:<8} {}",
                    finding.kind.as_str(),
                    finding.start,
                    finding.end,
                    format::clean(excerpt)
                ))?;
            }
            Ok(())
        }
        Report::NotInspectable(reason) => print_line(&format!("{file}: not inspectable: {reason}")),
    }
}

/// The distinct kinds found, in the contract's order.
fn labels(findings: &[(Finding, String)]) -> Vec<&'static str> {
    Kind::ALL
        .into_iter()
        .filter(|kind| findings.iter().any(|(finding, _)| finding.kind == *kind))
        .map(Kind::as_str)
        .collect()
}

#[derive(Default)]
struct Summary {
    n_files: usize,
    n_with_findings: usize,
    /// Inspected whole, nothing found.
    n_clean: usize,
    n_not_inspectable: usize,
    n_errors: usize,
    per_kind: Vec<(Kind, usize)>,
}

impl Summary {
    fn add(&mut self, report: &Report) {
        self.n_files += 1;
        match report {
            Report::Inspected {
                findings, unread, ..
            } => {
                // A partly read file is counted both with findings (if any) and not
                // inspectable: it is never "without".
                if !findings.is_empty() {
                    self.n_with_findings += 1;
                }
                if unread.is_some() {
                    self.n_not_inspectable += 1;
                } else if findings.is_empty() {
                    self.n_clean += 1;
                }
                for (finding, _) in findings {
                    match self
                        .per_kind
                        .iter_mut()
                        .find(|(kind, _)| *kind == finding.kind)
                    {
                        Some((_, count)) => *count += 1,
                        None => self.per_kind.push((finding.kind, 1)),
                    }
                }
            }
            Report::NotInspectable(_) => self.n_not_inspectable += 1,
        }
    }

    fn line(&self) -> String {
        let mut per_kind = self.per_kind.clone();
        per_kind.sort();
        let counts: Vec<String> = per_kind
            .iter()
            .map(|(kind, count)| format!("{kind} {count}"))
            .collect();
        let mut line = format!(
            "scanned {} file{}: {} with findings, {} without, {} not inspectable",
            self.n_files,
            if self.n_files == 1 { "" } else { "s" },
            self.n_with_findings,
            self.n_clean,
            self.n_not_inspectable,
        );
        if self.n_errors > 0 {
            line.push_str(&format!(", {} unreadable", self.n_errors));
        }
        if !counts.is_empty() {
            line.push_str(&format!("; findings: {}", counts.join(", ")));
        }
        line
    }
}

#[cfg(test)]
mod tests {
    use pli_dlp::Format;
    use serde_json::json;

    use super::*;

    /// How a report was written before it was streamed: built whole as one value.
    fn as_value(file: &str, report: &Report) -> serde_json::Value {
        match report {
            Report::Inspected {
                format,
                offsets_in_file,
                findings,
                unread,
            } => {
                let mut value = json!({
                    "file": file,
                    "inspectable": unread.is_none(),
                    "format": format.as_str(),
                    "offsets": if *offsets_in_file { "file" } else { "text" },
                    "findings": findings.iter().map(|(finding, excerpt)| json!({
                        "kind": finding.kind.as_str(),
                        "start": finding.start,
                        "end": finding.end,
                        "excerpt": excerpt,
                        "confidence": (f64::from(finding.confidence) * 100.0).round() / 100.0,
                    })).collect::<Vec<_>>(),
                    "labels": labels(findings),
                });
                if let (Some(reason), Some(object)) = (unread, value.as_object_mut()) {
                    object.insert("reason".into(), reason.code().into());
                    object.insert("message".into(), reason.to_string().into());
                }
                value
            }
            Report::NotInspectable(reason) => json!({
                "file": file,
                "inspectable": false,
                "reason": reason.code(),
                "message": reason.to_string(),
                "findings": [],
                "labels": [],
            }),
        }
    }

    fn check(file: &str, report: &Report) {
        let mut streamed = Vec::new();
        write_json(&mut streamed, file, report).unwrap();
        let streamed = String::from_utf8(streamed).unwrap();
        let value = as_value(file, report);
        assert_eq!(streamed, value.to_string());
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&streamed).unwrap(),
            value
        );
    }

    fn finding(kind: Kind, start: usize, confidence: f32) -> Finding {
        Finding {
            kind,
            start,
            end: start + 10,
            confidence,
        }
    }

    #[test]
    fn streamed_json_is_the_value_it_replaces() {
        let letter = "Lyon, le 3 mai 2024\nObjet : Mme Durand, née le 12/03/1985\n\
                      NIR : 2 55 08 14 168 025 38\nSuivie pour schizophrénie.\n\
                      IBAN FR14 2004 1010 0505 0001 3M02 606\nCarte 4111 1111 1111 1111\n\
                      Contact : secretariat@chu-exemple.fr, 06 12 34 56 78\n";
        let Extracted::Text(text) =
            pli_dlp::extract_bytes(letter.as_bytes(), Some("lettre.txt"), &Limits::default())
        else {
            panic!("the letter is text");
        };
        let scanned = Report::Inspected {
            format: text.format,
            offsets_in_file: true,
            findings: text.scan_with_excerpts(),
            unread: None,
        };
        check("lettre.txt", &scanned);
        check("dossier \"Durand\"\u{7}\\é\n.txt", &scanned);
        check(
            "cr.pdf",
            &Report::Inspected {
                format: Format::Pdf,
                offsets_in_file: false,
                findings: vec![
                    (finding(Kind::Card, 0, 1.0), "**** 1111".to_owned()),
                    (
                        finding(Kind::Health, 9, 0.333_333),
                        "s\"\\\u{1}\u{2028}**".to_owned(),
                    ),
                    (finding(Kind::Phone, usize::MAX - 10, 0.7), String::new()),
                    (finding(Kind::Nir, 3, 0.954), "2 55 **".to_owned()),
                ],
                unread: None,
            },
        );
        // A document read in part: its text's findings, and why it is not inspectable.
        check(
            "carte.docx",
            &Report::Inspected {
                format: Format::Docx,
                offsets_in_file: false,
                findings: vec![(finding(Kind::Nir, 12, 0.95), "2 55 **".to_owned())],
                unread: Some(NotInspectable::ImagesNotInspected),
            },
        );
        check(
            "menu.txt",
            &Report::Inspected {
                format: Format::Csv,
                offsets_in_file: true,
                findings: Vec::new(),
                unread: None,
            },
        );
        for reason in [
            NotInspectable::ScannedPdf,
            NotInspectable::Corrupt,
            NotInspectable::Timeout,
        ] {
            check("scan.pdf", &Report::NotInspectable(reason));
        }
    }
}
