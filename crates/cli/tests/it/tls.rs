//! A server under a self-signed certificate: trusted through `PLI_CA_CERT`, refused otherwise.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::{Run, Server, listing, pli};

fn self_signed(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let cert = dir.join("cert.pem");
    let key = dir.join("key.pem");
    let status = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-addext",
            "basicConstraints=critical,CA:FALSE",
            "-addext",
            "extendedKeyUsage=serverAuth",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    (cert, key)
}

#[test]
fn https_with_a_private_certificate() {
    let certs = tempfile::tempdir().unwrap();
    let (cert, key) = self_signed(certs.path());
    let server =
        Server::start_with(&[Path::new("--tls-cert"), &cert, Path::new("--tls-key"), &key]);
    assert!(
        server.url.starts_with("https://127.0.0.1:"),
        "{}",
        server.url
    );
    let code = server.invite("alice@hospital.fr", "hospital", "admin", &[]);
    let home = tempfile::tempdir().unwrap();
    let join = |ca: Option<&Path>| {
        let mut command = pli(Some(home.path()));
        command
            .args([
                "join",
                &server.url,
                "--email",
                "alice@hospital.fr",
                "--code",
                &code,
            ])
            .env("PLI_PASSWORD", "a long enough password");
        if let Some(ca) = ca {
            command.env("PLI_CA_CERT", ca);
        }
        Run::from(command.output().unwrap())
    };

    // Not trusted by default: nothing is sent, nothing saved.
    let run = join(None);
    assert!(
        run.fails().starts_with(&format!(
            "error: joining: the server's certificate at {} is not trusted: if the server uses \
             a private or self-signed certificate, set PLI_CA_CERT to its PEM file: ",
            server.url
        )),
        "{run:#?}"
    );
    assert!(listing(home.path()).is_empty());

    let missing = certs.path().join("missing.pem");
    let run = join(Some(&missing));
    assert!(
        run.fails().starts_with(&format!(
            "error: joining: cannot use the CA certificate {} (from PLI_CA_CERT)",
            missing.display()
        )),
        "{run:#?}"
    );

    join(Some(&cert)).ok();
    let run = Run::from(
        pli(Some(home.path()))
            .args(["whoami", "--json"])
            .env("PLI_CA_CERT", &cert)
            .output()
            .unwrap(),
    );
    let me: serde_json::Value = serde_json::from_str(run.ok()).unwrap();
    assert_eq!(me["server"], server.url.as_str());
}
