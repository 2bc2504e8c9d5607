//! HTTP handlers, one file per resource. Each is thin: parse, authenticate (the
//! [`Principal`](crate::auth::Principal) extractor), authorize ([`authorize`](crate::authz::authorize)),
//! call the store, map errors.

pub mod admin;
pub mod audit;
pub mod audit_log;
pub mod audit_report;
pub mod auth;
pub mod canaries;
mod counted_body;
pub mod directory;
pub mod envelopes;
pub mod health;
pub mod keys;
pub mod links;
pub mod mailboxes;
pub mod me;
pub mod outside_pieces;
pub mod passkeys;
pub mod policy;
pub mod receipts;
pub mod requests;
pub mod resumable;
pub mod second_factor;
pub mod security;
pub mod witnesses;

use crate::error::ApiError;
use axum::extract::FromRequest;
use axum::extract::FromRequestParts;

/// `Json` whose rejections become our [`ApiError`] body.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

/// `Path` whose rejections become our [`ApiError`] body.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

/// `Query` whose rejections become our [`ApiError`] body.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);
