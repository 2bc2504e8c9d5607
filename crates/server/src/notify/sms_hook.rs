//! `--sms-hook URL`: an HTTP POST of `{"to", "text"}` to an SMS gateway.

use super::{NotifyError, Sms};
use std::time::Duration;

/// How long the gateway may take to answer.
const HOOK_TIMEOUT: Duration = Duration::from_secs(20);

/// Sends SMS through an HTTP gateway.
pub struct SmsHook {
    client: reqwest::Client,
    url: reqwest::Url,
}

impl SmsHook {
    /// A hook posting to `url` (`http://` or `https://`); `None` for anything else.
    pub fn new(url: &str) -> Option<SmsHook> {
        let url = reqwest::Url::parse(url).ok()?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return None;
        }
        let client = reqwest::Client::builder()
            .timeout(HOOK_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .ok()?;
        Some(SmsHook { client, url })
    }

    pub async fn send(&self, sms: &Sms) -> Result<(), NotifyError> {
        let body = serde_json::json!({"to": sms.to, "text": sms.text});
        let response = self
            .client
            .post(self.url.clone())
            .json(&body)
            .send()
            .await
            .map_err(|error| {
                NotifyError::Sms(if error.is_timeout() {
                    "the gateway did not answer in time".into()
                } else {
                    "the gateway could not be reached".into()
                })
            })?;
        if !response.status().is_success() {
            return Err(NotifyError::Sms(format!(
                "the gateway answered {}",
                response.status()
            )));
        }
        Ok(())
    }
}
