//! Randomized probes: random organisations, mailboxes, memberships and envelopes, then more
//! than 100,000 requests by users without rights to their target. None may succeed, and every
//! refusal must be byte for byte the answer for something that does not exist.

use crate::helpers::{Answer, TestApp, User, b64, new_id};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use futures_util::StreamExt as _;
use pli_proto::Role;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use std::collections::BTreeSet;

const N_REQUESTS: usize = 100_000;
/// A well-formed age recipient for key publications (the probes never get far enough for its
/// secret to matter).
const RECIPIENT: &str = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";
const CONCURRENCY: usize = 8;

struct Member {
    user: User,
    org: usize,
    role: Role,
}

struct Box_ {
    name: String,
    org: usize,
    members: BTreeSet<usize>,
}

struct Env {
    id: String,
    sender: usize,
    direct: Vec<usize>,
    boxes: Vec<usize>,
    stored: bool,
    size: usize,
}

struct Model {
    users: Vec<Member>,
    boxes: Vec<Box_>,
    envelopes: Vec<Env>,
}

impl Model {
    fn can_read(&self, user: usize, env: &Env) -> bool {
        env.stored
            && (env.sender == user
                || env.direct.contains(&user)
                || env
                    .boxes
                    .iter()
                    .any(|b| self.boxes[*b].members.contains(&user)))
    }

    fn may_manage(&self, user: usize, mailbox: &Box_) -> bool {
        let member = &self.users[user];
        member.role == Role::Admin && member.org == mailbox.org
    }
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    Envelope,
    Mailbox,
    Forbidden,
}

struct Probe {
    method: Method,
    uri: String,
    user: usize,
    body: Option<(Vec<u8>, &'static str)>,
    kind: Kind,
}

async fn build(app: &TestApp, rng: &mut StdRng) -> Model {
    let n_orgs = rng.gen_range(3..=5);
    let mut users = Vec::new();
    for org in 0..n_orgs {
        let n_users = rng.gen_range(3..=6);
        for n in 0..n_users {
            let role = match n {
                0 => Role::Admin,
                _ => *[Role::Agent, Role::Agent, Role::Auditor, Role::Admin]
                    .choose(rng)
                    .unwrap(),
            };
            let email = format!("u{n}@org{org}.fr");
            let user = app.user(&email, &format!("Org {org}"), role).await;
            users.push(Member { user, org, role });
        }
    }
    let mut boxes = Vec::new();
    for org in 0..n_orgs {
        for n in 0..rng.gen_range(1..=3) {
            let name = format!("box{n}.org{org}");
            app.mailbox(&name, &format!("Org {org}")).await;
            let admin = users
                .iter()
                .find(|m| m.org == org && m.role == Role::Admin)
                .unwrap();
            let mut members = BTreeSet::new();
            for (index, member) in users.iter().enumerate() {
                if member.org == org && rng.gen_bool(0.5) {
                    app.add_member(&admin.user, &name, &member.user.email).await;
                    members.insert(index);
                }
            }
            boxes.push(Box_ { name, org, members });
        }
    }
    let mut envelopes = Vec::new();
    for n in 0..rng.gen_range(60..=100) {
        let sender = rng.gen_range(0..users.len());
        let mut direct: Vec<usize> = (0..rng.gen_range(0..=2))
            .map(|_| rng.gen_range(0..users.len()))
            .collect();
        direct.sort();
        direct.dedup();
        let mut mailboxes: Vec<usize> = (0..rng.gen_range(0..=2))
            .map(|_| rng.gen_range(0..boxes.len()))
            .collect();
        mailboxes.sort();
        mailboxes.dedup();
        if direct.is_empty() && mailboxes.is_empty() {
            direct.push(rng.gen_range(0..users.len()));
        }
        let to: Vec<&str> = direct
            .iter()
            .map(|u| users[*u].user.email.as_str())
            .chain(mailboxes.iter().map(|b| boxes[*b].name.as_str()))
            .collect();
        let size = rng.gen_range(1..64);
        let stored = n % 8 != 0;
        let id = if stored {
            app.send(&users[sender].user, &to, &vec![n as u8; size])
                .await
        } else {
            app.announce(&users[sender].user, &to, size as u64).await
        };
        envelopes.push(Env {
            id,
            sender,
            direct,
            boxes: mailboxes,
            stored,
            size,
        });
    }
    // Some members leave: they must lose access to what their mailbox received.
    for mailbox in &mut boxes {
        let leavers: Vec<usize> = mailbox
            .members
            .iter()
            .copied()
            .filter(|_| rng.gen_bool(0.3))
            .collect();
        let admin = users
            .iter()
            .find(|m| m.org == mailbox.org && m.role == Role::Admin)
            .unwrap();
        for leaver in leavers {
            let answer = app
                .delete(
                    &format!(
                        "/api/admin/mailboxes/{}/members/{}",
                        mailbox.name, users[leaver].user.email
                    ),
                    &admin.user,
                )
                .await;
            assert_eq!(answer.status, StatusCode::NO_CONTENT);
            mailbox.members.remove(&leaver);
        }
    }
    Model {
        users,
        boxes,
        envelopes,
    }
}

/// One request by a user without rights to its target.
fn probe(model: &Model, rng: &mut StdRng) -> Probe {
    let user = rng.gen_range(0..model.users.len());
    let envelope_unreadable = |rng: &mut StdRng| {
        let candidates: Vec<&Env> = model
            .envelopes
            .iter()
            .filter(|e| !model.can_read(user, e))
            .collect();
        candidates
            .choose(rng)
            .map(|e| e.id.clone())
            .unwrap_or_else(new_id)
    };
    let mailbox_not_member = |rng: &mut StdRng| {
        let candidates: Vec<&Box_> = model
            .boxes
            .iter()
            .filter(|b| !b.members.contains(&user))
            .collect();
        candidates
            .choose(rng)
            .map(|b| b.name.clone())
            .unwrap_or_else(|| "nosuchbox".into())
    };
    let mailbox_not_managed = |rng: &mut StdRng| {
        let candidates: Vec<&Box_> = model
            .boxes
            .iter()
            .filter(|b| !model.may_manage(user, b))
            .collect();
        candidates
            .choose(rng)
            .map(|b| b.name.clone())
            .unwrap_or_else(|| "nosuchbox".into())
    };
    let mailbox_not_keyed = |rng: &mut StdRng| {
        let candidates: Vec<&Box_> = model
            .boxes
            .iter()
            .filter(|b| !b.members.contains(&user) && !model.may_manage(user, b))
            .collect();
        candidates
            .choose(rng)
            .map(|b| b.name.clone())
            .unwrap_or_else(|| "nosuchbox".into())
    };
    let wraps = |email: &str| json!([{ "generation": 1, "email": email, "wrapped": b64(b"age-encryption.org/v1\n") }]);
    let (method, uri, body, kind) = match rng.gen_range(0..17) {
        0 => (
            Method::GET,
            format!("/api/envelopes/{}", envelope_unreadable(rng)),
            None,
            Kind::Envelope,
        ),
        1 => (
            Method::GET,
            format!("/api/envelopes/{}/content", envelope_unreadable(rng)),
            None,
            Kind::Envelope,
        ),
        2 => {
            // Anybody's envelope but one's own stored one.
            let candidates: Vec<&Env> = model
                .envelopes
                .iter()
                .filter(|e| !(e.sender == user && e.stored))
                .collect();
            let id = candidates
                .choose(rng)
                .map(|e| e.id.clone())
                .unwrap_or_else(new_id);
            (
                Method::DELETE,
                format!("/api/envelopes/{id}"),
                None,
                Kind::Envelope,
            )
        }
        3 => {
            let candidates: Vec<&Env> = model
                .envelopes
                .iter()
                .filter(|e| e.sender != user && !model.can_read(user, e))
                .collect();
            let (id, size) = candidates
                .choose(rng)
                .map(|e| (e.id.clone(), e.size))
                .unwrap_or_else(|| (new_id(), 8));
            if rng.gen_bool(0.3) {
                // How much of somebody else's upload the server holds.
                (
                    Method::GET,
                    format!("/api/envelopes/{id}/content/offset"),
                    None,
                    Kind::Envelope,
                )
            } else {
                let body = Some((vec![0u8; size], "application/octet-stream"));
                (
                    Method::PUT,
                    format!("/api/envelopes/{id}/content"),
                    body,
                    Kind::Envelope,
                )
            }
        }
        4 => {
            let method = [Method::GET, Method::DELETE].choose(rng).unwrap().clone();
            let suffix = if method == Method::GET && rng.gen_bool(0.5) {
                "/content"
            } else {
                ""
            };
            (
                method,
                format!("/api/envelopes/{}{suffix}", new_id()),
                None,
                Kind::Envelope,
            )
        }
        5 => (
            Method::GET,
            format!("/api/inbox?mailbox={}", mailbox_not_member(rng)),
            None,
            Kind::Mailbox,
        ),
        6 => (
            Method::GET,
            format!("/api/admin/mailboxes/{}", mailbox_not_managed(rng)),
            None,
            Kind::Mailbox,
        ),
        7 => {
            let body = json!({ "email": model.users[user].user.email })
                .to_string()
                .into_bytes();
            (
                Method::POST,
                format!("/api/admin/mailboxes/{}/members", mailbox_not_managed(rng)),
                Some((body, "application/json")),
                Kind::Mailbox,
            )
        }
        14 => {
            let body = json!({
                "email": model.users[user].user.email,
                "mailbox": mailbox_not_managed(rng),
                "scope": if rng.gen_bool(0.5) { "read" } else { "send" },
                "until": "2999-01-01T00:00:00Z",
            })
            .to_string()
            .into_bytes();
            (
                Method::POST,
                "/api/admin/grants".into(),
                Some((body, "application/json")),
                Kind::Mailbox,
            )
        }
        15 => {
            let name = mailbox_not_managed(rng);
            let email = &model.users[user].user.email;
            (
                Method::DELETE,
                format!("/api/admin/grants/{name}/{email}"),
                None,
                Kind::Mailbox,
            )
        }
        8 => {
            let name = mailbox_not_managed(rng);
            let member = model
                .boxes
                .iter()
                .find(|b| b.name == name)
                .and_then(|b| b.members.iter().next().copied())
                .unwrap_or(user);
            let email = &model.users[member].user.email;
            (
                Method::DELETE,
                format!("/api/admin/mailboxes/{name}/members/{email}"),
                None,
                Kind::Mailbox,
            )
        }
        9 => {
            let me = &model.users[user];
            let org = if me.role == Role::Admin {
                let others: Vec<usize> = model
                    .users
                    .iter()
                    .map(|m| m.org)
                    .filter(|o| *o != me.org)
                    .collect();
                *others.choose(rng).unwrap()
            } else {
                me.org
            };
            let body = json!({ "email": format!("{}@new.fr", new_id()), "org": format!("Org {org}"), "role": "admin" });
            (
                Method::POST,
                "/api/admin/invitations".into(),
                Some((body.to_string().into_bytes(), "application/json")),
                Kind::Forbidden,
            )
        }
        11 => (
            Method::GET,
            format!("/api/mailboxes/{}/keys", mailbox_not_member(rng)),
            None,
            Kind::Mailbox,
        ),
        12 => {
            let body = json!({
                "generation": 1,
                "recipient": RECIPIENT,
                "signature": b64(&[7; 64]),
                "wraps": wraps(&model.users[user].user.email),
            });
            (
                Method::POST,
                format!("/api/mailboxes/{}/keys", mailbox_not_keyed(rng)),
                Some((body.to_string().into_bytes(), "application/json")),
                Kind::Mailbox,
            )
        }
        13 => {
            let body = json!({ "wraps": wraps(&model.users[user].user.email) });
            (
                Method::POST,
                format!("/api/mailboxes/{}/keys/wraps", mailbox_not_keyed(rng)),
                Some((body.to_string().into_bytes(), "application/json")),
                Kind::Mailbox,
            )
        }
        16 if model.users[user].role != Role::Admin => {
            // Only admins publish their organisation's policy.
            let body = json!({
                "version": 1,
                "text": "version = 1\n",
                "signature": b64(&[7; 64]),
            });
            (
                Method::PUT,
                "/api/policy".into(),
                Some((body.to_string().into_bytes(), "application/json")),
                Kind::Forbidden,
            )
        }
        _ => {
            let me = &model.users[user];
            let org = if me.role == Role::Admin {
                let others: Vec<usize> = model
                    .users
                    .iter()
                    .map(|m| m.org)
                    .filter(|o| *o != me.org)
                    .collect();
                *others.choose(rng).unwrap()
            } else {
                me.org
            };
            let body =
                json!({ "name": format!("x{}", &new_id()[..8]), "org": format!("Org {org}") });
            (
                Method::POST,
                "/api/admin/mailboxes".into(),
                Some((body.to_string().into_bytes(), "application/json")),
                Kind::Forbidden,
            )
        }
    };
    Probe {
        method,
        uri,
        user,
        body,
        kind,
    }
}

async fn run(app: &TestApp, model: &Model, probe: &Probe) -> Answer {
    let builder = Request::builder()
        .method(probe.method.clone())
        .uri(&probe.uri)
        .header(
            header::AUTHORIZATION,
            format!("Bearer {}", model.users[probe.user].user.token),
        );
    let request = match &probe.body {
        Some((bytes, content_type)) => builder
            .header(header::CONTENT_TYPE, *content_type)
            .body(Body::from(bytes.clone())),
        None => builder.body(Body::empty()),
    };
    app.raw(request.unwrap()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_thousand_requests_without_rights_all_fail_alike() {
    let seed: u64 = std::env::var("PLI_PROBE_SEED")
        .ok()
        .and_then(|seed| seed.parse().ok())
        .unwrap_or_else(|| rand::thread_rng().r#gen());
    println!("probe seed {seed} (set PLI_PROBE_SEED to replay)");
    let mut rng = StdRng::seed_from_u64(seed);
    let app = TestApp::fast().await;
    let model = build(&app, &mut rng).await;

    // The rights the probes lack do work for those who have them.
    for env in model.envelopes.iter().filter(|e| e.stored) {
        let reader = (0..model.users.len())
            .find(|u| model.can_read(*u, env))
            .unwrap();
        let answer = app
            .get(
                &format!("/api/envelopes/{}", env.id),
                &model.users[reader].user,
            )
            .await;
        assert_eq!(answer.status, StatusCode::OK, "seed {seed}");
    }

    let reference_user = &model.users[0].user;
    let envelope_404 = app
        .get(&format!("/api/envelopes/{}", new_id()), reference_user)
        .await
        .without_request_id();
    let mailbox_404 = app
        .get("/api/inbox?mailbox=nosuchbox", reference_user)
        .await
        .without_request_id();
    assert_eq!(envelope_404["error"], "not_found");

    let started = std::time::Instant::now();
    let probes: Vec<Probe> = (0..N_REQUESTS).map(|_| probe(&model, &mut rng)).collect();
    let answers = futures_util::stream::iter(probes.iter())
        .map(|probe| {
            let (app, model) = (&app, &model);
            async move { (probe, run(app, model, probe).await) }
        })
        .buffer_unordered(CONCURRENCY);
    let mut n_requests = 0usize;
    let mut answers = std::pin::pin!(answers);
    while let Some((probe, answer)) = answers.next().await {
        n_requests += 1;
        let what = format!(
            "seed {seed}: user {} {} {}",
            model.users[probe.user].user.email, probe.method, probe.uri
        );
        assert!(
            !answer.status.is_success(),
            "{what} succeeded: {:?}",
            answer.body
        );
        let body: Value = answer.without_request_id();
        match probe.kind {
            Kind::Envelope => {
                assert_eq!(answer.status, StatusCode::NOT_FOUND, "{what}");
                assert_eq!(body, envelope_404, "{what}");
            }
            Kind::Mailbox => {
                assert_eq!(answer.status, StatusCode::NOT_FOUND, "{what}");
                assert_eq!(body, mailbox_404, "{what}");
            }
            Kind::Forbidden => {
                assert_eq!(answer.status, StatusCode::FORBIDDEN, "{what}");
                assert_eq!(answer.error(), "forbidden", "{what}");
            }
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "made {n_requests} requests without rights ({CONCURRENCY} at a time, {:.0} per second); none succeeded",
        n_requests as f64 / seconds
    );
    assert!(n_requests >= N_REQUESTS);

    // Nothing changed: every envelope and every membership is as built.
    for env in &model.envelopes {
        if let Some(reader) = (0..model.users.len()).find(|u| model.can_read(*u, env)) {
            let answer = app
                .get(
                    &format!("/api/envelopes/{}/content", env.id),
                    &model.users[reader].user,
                )
                .await;
            // A reader downloading every envelope it can in a row is what the flow monitor
            // stops (a step-up, then a block): then the blob store itself says the content
            // is as built.
            let held = answer.status == StatusCode::FORBIDDEN
                && matches!(answer.error(), "second_factor_again" | "downloads_blocked");
            let size = if held {
                usize::try_from(app.blob_size(&env.id).await).unwrap()
            } else {
                answer.bytes.len()
            };
            assert_eq!(
                size,
                env.size,
                "seed {seed}: {}",
                String::from_utf8_lossy(&answer.bytes[..answer.bytes.len().min(300)])
            );
        }
    }
    for mailbox in &model.boxes {
        let admin = model
            .users
            .iter()
            .find(|m| m.org == mailbox.org && m.role == Role::Admin)
            .unwrap();
        let answer = app
            .get(
                &format!("/api/admin/mailboxes/{}", mailbox.name),
                &admin.user,
            )
            .await;
        let mut expected: Vec<&str> = mailbox
            .members
            .iter()
            .map(|u| model.users[*u].user.email.as_str())
            .collect();
        expected.sort();
        assert_eq!(answer.body["members"], json!(expected), "seed {seed}");
    }
}
