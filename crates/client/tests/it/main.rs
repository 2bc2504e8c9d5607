//! The client against a hostile server, played by a small axum app on loopback.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::routing::post;
use pli_client::account::{self, AccountError};
use pli_client::keys::{self, KeyError};
use pli_proto::{KdfParams, PreloginResponse};
use secrecy::SecretString;

/// Serves `prelogin` answers and counts login attempts; returns the URL and the counter.
async fn hostile_server(answer: PreloginResponse) -> (String, Arc<AtomicUsize>) {
    let logins = Arc::new(AtomicUsize::new(0));
    let app = Router::new()
        .route(
            "/api/auth/prelogin",
            post(move || {
                let answer = answer.clone();
                async move { Json(answer) }
            }),
        )
        .route(
            "/api/auth/login",
            post(|State(logins): State<Arc<AtomicUsize>>| async move {
                logins.fetch_add(1, Ordering::SeqCst);
                axum::http::StatusCode::UNAUTHORIZED
            }),
        )
        .with_state(Arc::clone(&logins));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, logins)
}

fn password() -> SecretString {
    SecretString::from("a long enough password".to_owned())
}

#[tokio::test]
async fn login_refuses_a_cheap_derivation_before_sending_anything() {
    let (url, logins) = hostile_server(PreloginResponse {
        salt: keys::b64(&[1; 16]),
        kdf: KdfParams {
            m_kib: 8,
            t: 1,
            p: 1,
        },
    })
    .await;
    let error = account::login(&url, "a@b.fr", &password())
        .await
        .unwrap_err();
    assert!(
        matches!(error, AccountError::Keys(KeyError::WeakParams { .. })),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("misconfigured or hostile"),
        "{error}"
    );
    assert_eq!(
        logins.load(Ordering::SeqCst),
        0,
        "no authentication key was sent"
    );
}

#[tokio::test]
async fn login_refuses_a_salt_that_is_not_sixteen_bytes() {
    for salt in [keys::b64(&[1; 4]), keys::b64(&[]), "@@@".to_owned()] {
        let (url, logins) = hostile_server(PreloginResponse {
            salt,
            kdf: keys::KDF_FLOOR,
        })
        .await;
        let error = account::login(&url, "a@b.fr", &password())
            .await
            .unwrap_err();
        assert!(
            matches!(error, AccountError::Keys(KeyError::BadSalt)),
            "{error:?}"
        );
        assert_eq!(logins.load(Ordering::SeqCst), 0);
    }
}

#[tokio::test]
async fn a_refused_login_is_reported_as_bad_credentials() {
    let (url, logins) = hostile_server(PreloginResponse {
        salt: keys::b64(&[1; 16]),
        kdf: keys::KDF_FLOOR,
    })
    .await;
    let error = account::login(&url, "a@b.fr", &password())
        .await
        .unwrap_err();
    assert!(matches!(error, AccountError::BadCredentials), "{error:?}");
    assert_eq!(logins.load(Ordering::SeqCst), 1);
}
