//! `pli send` through a loopback proxy that cuts the connection once in the middle of the
//! upload: the send resumes from what the server acknowledged, without sending it again.

use std::io::{Read as _, Write as _};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crate::{Server, User, files, noise};

const MIB: u64 = 1024 * 1024;

/// Forwards loopback connections to the server, counting the bytes that go towards it, and
/// cuts the connection that carries the `cut_after`-th byte (once).
struct CuttingProxy {
    url: String,
    /// Bytes forwarded towards the server since the proxy started.
    forwarded: Arc<AtomicU64>,
    /// Bytes the cut connection had forwarded when it was cut (0 until then).
    cut_at: Arc<AtomicU64>,
}

impl CuttingProxy {
    fn start(server_url: &str, cut_after: u64) -> CuttingProxy {
        let upstream = server_url.trim_start_matches("http://").to_owned();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let forwarded = Arc::new(AtomicU64::new(0));
        let cut_at = Arc::new(AtomicU64::new(0));
        let cut_done = Arc::new(AtomicBool::new(false));
        let (total, cut) = (forwarded.clone(), cut_at.clone());
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { break };
                let Ok(server) = TcpStream::connect(&upstream) else {
                    continue;
                };
                let (total, cut, cut_done) = (total.clone(), cut.clone(), cut_done.clone());
                let (client_in, server_out) =
                    (client.try_clone().unwrap(), server.try_clone().unwrap());
                // Answers flow back untouched.
                std::thread::spawn(move || {
                    let (mut from, mut to) = (server, client);
                    let _ = std::io::copy(&mut from, &mut to);
                    let _ = to.shutdown(Shutdown::Write);
                });
                std::thread::spawn(move || {
                    let (mut from, mut to) = (client_in, server_out);
                    let mut in_connection = 0u64;
                    let mut buffer = vec![0u8; 64 * 1024];
                    loop {
                        let n = match from.read(&mut buffer) {
                            Ok(0) | Err(_) => break,
                            Ok(n) => n,
                        };
                        if to.write_all(&buffer[..n]).is_err() {
                            break;
                        }
                        in_connection += n as u64;
                        let before = total.fetch_add(n as u64, Ordering::SeqCst);
                        if before + n as u64 >= cut_after && !cut_done.swap(true, Ordering::SeqCst)
                        {
                            cut.store(in_connection, Ordering::SeqCst);
                            // Both ways at once: the server sees the body end early, the
                            // client sees its connection fail.
                            let _ = to.shutdown(Shutdown::Both);
                            let _ = from.shutdown(Shutdown::Both);
                            return;
                        }
                    }
                    let _ = to.shutdown(Shutdown::Write);
                });
            }
        });
        CuttingProxy {
            url,
            forwarded,
            cut_at,
        }
    }
}

/// Joins `server` through `url` (the proxy), so the profile talks to the server through it.
fn join_through(server: &Server, url: &str, email: &str) -> User {
    let code = server.invite(email, "CHU", "agent", &[]);
    let user = User {
        email: email.to_owned(),
        password: format!("long password of {email}"),
        home: tempfile::tempdir().unwrap(),
        totp: None,
    };
    let run = user.run(&["join", url, "--email", email, "--code", &code]);
    assert_eq!(run.ok(), "", "{run:#?}");
    user
}

#[test]
fn a_send_cut_in_the_middle_resumes_without_sending_again_what_the_server_holds() {
    let server = Server::start();
    let size = 24 * MIB;
    let cut_after = 6 * MIB;
    let proxy = CuttingProxy::start(&server.url, cut_after);
    let sender = join_through(&server, &proxy.url, "medecin@chu.fr");
    let reader = User::invited(&server, "greffe@chu.fr", "CHU", "agent");
    let content = noise(size as usize, 41);
    let (_dir, paths) = files(&[("scanner.bin", &content)]);
    let before = proxy.forwarded.load(Ordering::SeqCst);

    let run = sender.run(&[
        "send",
        paths[0].to_str().unwrap(),
        "--to",
        "greffe@chu.fr",
        "--subject",
        "coupure",
    ]);
    let id = run.ok().to_owned();
    assert_eq!(id.len(), 32, "{run:#?}");
    let resumed: Vec<&str> = run
        .stderr
        .lines()
        .filter(|line| line.contains("resuming from byte"))
        .collect();
    assert_eq!(resumed.len(), 1, "one resumption, said on stderr: {run:#?}");
    assert!(
        resumed[0].starts_with("the connection to the server failed; resuming from byte ")
            && resumed[0].ends_with(" (attempt 2 of 6)"),
        "{run:#?}"
    );

    let cut = proxy.cut_at.load(Ordering::SeqCst);
    let forwarded = proxy.forwarded.load(Ordering::SeqCst) - before;
    assert!(
        cut >= MIB,
        "the cut came in the middle of the upload: {cut}"
    );
    // A resend from the start would forward the whole envelope after the cut bytes; what is
    // forwarded beyond the envelope's size is only requests around it and bytes the server
    // had not acknowledged when the connection broke.
    assert!(
        forwarded < size + cut / 2,
        "forwarded {forwarded} bytes for an envelope of about {size}, cut after {cut}"
    );
    eprintln!(
        "resume: {forwarded} bytes forwarded for a {size}-byte file, connection cut after {cut}; \
         {} bytes more than the file",
        forwarded.saturating_sub(size)
    );

    let out = tempfile::tempdir().unwrap();
    reader.get(&id, out.path()).ok();
    let received = std::fs::read(out.path().join("scanner.bin")).unwrap();
    assert!(
        received == content,
        "the resumed envelope opens to the same bytes"
    );
    assert!(Path::new(&out.path().join("scanner.bin")).exists());
}
