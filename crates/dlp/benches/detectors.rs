//! Throughput of `scan_text` over 10 MiB of French text: `cargo bench -p pli-dlp`.
//! Prints MB/s (10^6 bytes per second of CPU time of the scanning thread, the best of five
//! runs) for realistic text and for hostile inputs: each text scanned alone (`scan_text`),
//! scanned again by a `Scanner` that keeps its working memory, and for the realistic text,
//! scanned and every finding's excerpt masked.

#[path = "support/cpu_clock.rs"]
mod cpu_clock;

use cpu_clock::best_cpu_seconds;
use std::hint::black_box;

const SIZE: usize = 10 << 20;

fn main() {
    let realistic = repeat_to_size(&[
        "Compte rendu de consultation du 14/02/2024. Mme Durand, née le 12/03/1985, ",
        "est suivie pour un diabète de type 2 et une hypertension artérielle. ",
        "Traitement : metformine 1000 mg matin et soir, posologie inchangée. ",
        "NIR 2 55 08 14 168 025 38, mutuelle n° 123456. Tél. 06 12 34 56 78. ",
        "Règlement par virement, IBAN FR14 2004 1010 0505 0001 3M02 606, ",
        "facture 2024-0042 de 120,50 euros, SIRET 732 829 320 00074. ",
        "Le patient ne présente pas de complication ; prochain rendez-vous dans six mois, ",
        "contact : secretariat@cabinet-exemple.fr ou au standard de la clinique.\n",
        "La réunion de service a porté sur l'organisation des congés d'été, ",
        "le budget de l'année et le déménagement des archives au deuxième étage. ",
        "Les comptes rendus seront envoyés par voie sécurisée avant la fin du mois.\n",
    ]);
    let prose = repeat_to_size(&[
        "La réunion de service a porté sur l'organisation des congés d'été, ",
        "le budget de l'année et le déménagement des archives au deuxième étage. ",
        "Les comptes rendus seront envoyés par voie sécurisée avant la fin du mois.\n",
    ]);
    let digits = repeat_to_size(&["1 2 3 4 5 6 7 8 9 0 "]);
    let at_signs = repeat_to_size(&["a@a@a.a@"]);
    let words = repeat_to_size(&["néné née né naissance cni passeport adeli "]);
    for (name, text) in [
        ("realistic (identifiers and health terms)", &realistic),
        ("prose without identifiers", &prose),
        ("hostile: digits and spaces", &digits),
        ("hostile: at signs", &at_signs),
        ("hostile: context words", &words),
    ] {
        // PLI_BENCH_ONLY=prose runs only the inputs whose name contains "prose".
        if let Ok(only) = std::env::var("PLI_BENCH_ONLY")
            && !name.contains(&only)
        {
            continue;
        }
        let findings = pli_dlp::scan_text(text);
        let n_findings = findings.len();
        let report = |what: &str, seconds: f64| {
            println!(
                "{:58} {:7.1} MB/s  ({n_findings} findings in {} MiB)",
                format!("{name}{what}"),
                text.len() as f64 / seconds / 1e6,
                text.len() >> 20
            );
        };
        // Each scan on its own, as `pli scan` scans a file.
        report(
            "",
            best_cpu_seconds(5, || {
                black_box(pli_dlp::scan_text(black_box(text)));
            }),
        );
        // Scans one after another, the working memory kept.
        let mut scanner = pli_dlp::Scanner::new();
        report(
            ", Scanner",
            best_cpu_seconds(5, || {
                black_box(scanner.scan(black_box(text)));
            }),
        );
        if name.starts_with("realistic") {
            // What masking costs where every finding is shown, as `pli scan` does.
            report(
                ", every excerpt",
                best_cpu_seconds(5, || {
                    for finding in pli_dlp::scan_text(black_box(text)) {
                        black_box(finding.excerpt(text));
                    }
                }),
            );
        }
    }
}

fn repeat_to_size(parts: &[&str]) -> String {
    let mut text = String::with_capacity(SIZE + 1024);
    while text.len() < SIZE {
        for part in parts {
            text.push_str(part);
        }
    }
    text
}
