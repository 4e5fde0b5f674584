//! The email layer. Every message is written to `ops-db.email_outbox` first, keyed by its
//! idempotency key, then (only in `send` mode, with a Resend key) delivered through
//! Resend's `POST /emails`. In dev and tests the row is `recorded` and nothing leaves.
//! A retried send of the same key does no harm: the outbox keeps one row, a sent or
//! recorded message is not sent again, and Resend dedupes on `Idempotency-Key` for 24 h.

use chrono::{DateTime, Utc};
use rtopacks_domain::email::{EmailError, EmailMessage};
use rtopacks_domain::time::iso;
use rtopacks_store::{Db, Statement, StoreError};
use serde::{Deserialize, Serialize};
use thiserror::Error;

pub const RESEND_URL: &str = "https://api.resend.com/emails";

/// Whether mail leaves the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailMode {
    /// Dev and tests: written to the outbox as `recorded`, never sent.
    Record,
    /// Production: sent through Resend.
    Send,
}

impl EmailMode {
    /// Sending needs both the explicit `EMAIL_MODE=send` and a key; anything less records.
    pub fn from_config(mode: Option<&str>, has_api_key: bool) -> Self {
        if mode == Some("send") && has_api_key {
            EmailMode::Send
        } else {
            EmailMode::Record
        }
    }
}

/// Resend's request body.
#[derive(Debug, Serialize, PartialEq)]
pub struct ResendRequest<'a> {
    pub from: &'a str,
    pub to: &'a [String],
    pub subject: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub html: Option<&'a str>,
    pub text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<ResendTag<'a>>,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct ResendTag<'a> {
    pub name: &'a str,
    pub value: &'a str,
}

impl<'a> ResendRequest<'a> {
    pub fn from_message(m: &'a EmailMessage) -> Self {
        ResendRequest {
            from: &m.from,
            to: &m.to,
            subject: &m.subject,
            html: m.html.as_deref(),
            text: &m.text,
            reply_to: m.reply_to.as_deref(),
            tags: m
                .tags
                .iter()
                .map(|(name, value)| ResendTag { name, value })
                .collect(),
        }
    }
}

/// A failed delivery attempt.
#[derive(Debug, Clone, Error, PartialEq)]
#[error("{message}")]
pub struct TransportError {
    pub message: String,
    /// Worth retrying later (429, 5xx, network), as opposed to a rejected message.
    pub retryable: bool,
}

/// Turn Resend's answer into the message id or an error: `200 {"id"}`, errors
/// `{statusCode, message, name}`; 429 and 5xx are retryable.
pub fn parse_resend_response(status: u16, body: &str) -> Result<String, TransportError> {
    #[derive(Deserialize)]
    struct Ok_ {
        id: String,
    }
    #[derive(Deserialize)]
    struct Err_ {
        message: Option<String>,
        name: Option<String>,
    }
    if (200..300).contains(&status) {
        return serde_json::from_str::<Ok_>(body)
            .map(|o| o.id)
            .map_err(|_| TransportError {
                message: format!("resend: unreadable success body (HTTP {status})"),
                retryable: false,
            });
    }
    let detail = serde_json::from_str::<Err_>(body)
        .ok()
        .map(|e| {
            format!(
                "{}: {}",
                e.name.unwrap_or_default(),
                e.message.unwrap_or_default()
            )
        })
        .unwrap_or_else(|| body.chars().take(200).collect());
    Err(TransportError {
        message: format!("resend HTTP {status}: {detail}"),
        retryable: status == 429 || status >= 500,
    })
}

/// Delivers one message (Resend over fetch in a worker; a fake in tests).
pub trait EmailTransport {
    async fn deliver(
        &self,
        request: &ResendRequest<'_>,
        idempotency_key: &str,
    ) -> Result<String, TransportError>;
}

#[derive(Debug, Error)]
pub enum SendError {
    #[error(transparent)]
    Invalid(#[from] EmailError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("delivery failed: {0}")]
    Delivery(TransportError),
}

/// Where a message stands after [`send`].
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct OutboxRow {
    pub id: String,
    pub status: String,
    pub provider_id: Option<String>,
    pub attempts: i64,
    pub error: Option<String>,
}

async fn outbox_row(ops: &impl Db, key: &str) -> Result<Option<OutboxRow>, StoreError> {
    ops.first(
        Statement::new("SELECT id, status, provider_id, attempts, error FROM email_outbox WHERE idempotency_key = ?1")
            .bind(key),
    )
    .await
}

/// What the outbox keeps of a [`EmailMessage::secret_body`] once it has been handed over.
pub const REDACTED_BODY: &str = "(body removed after delivery: it carried a sign-in link)";

/// Write the message to the outbox and, in `Send` mode, deliver it.
pub async fn send(
    ops: &impl Db,
    transport: &impl EmailTransport,
    mode: EmailMode,
    msg: &EmailMessage,
    now: DateTime<Utc>,
) -> Result<OutboxRow, SendError> {
    msg.validate()?;
    let at = iso(now);
    let initial = match mode {
        EmailMode::Record => "recorded",
        EmailMode::Send => "queued",
    };
    let tags: serde_json::Map<String, serde_json::Value> = msg
        .tags
        .iter()
        .map(|(k, v)| (k.clone(), v.clone().into()))
        .collect();
    ops.run(
        Statement::new(
            "INSERT INTO email_outbox
               (id, idempotency_key, from_addr, to_addrs, subject, html, text, reply_to, tags,
                status, attempts, created_at, updated_at)
             VALUES (?1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0, ?10, ?10)
             ON CONFLICT(idempotency_key) DO NOTHING",
        )
        .bind(msg.idempotency_key.as_str())
        .bind(msg.from.as_str())
        .bind(serde_json::to_string(&msg.to).unwrap_or_default())
        .bind(msg.subject.as_str())
        .bind(msg.html.as_deref())
        .bind(msg.text.as_str())
        .bind(msg.reply_to.as_deref())
        .bind(serde_json::Value::Object(tags).to_string())
        .bind(initial)
        .bind(at.as_str()),
    )
    .await?;
    let row = outbox_row(ops, &msg.idempotency_key)
        .await?
        .ok_or_else(|| StoreError::Database("outbox row vanished".into()))?;
    if mode == EmailMode::Record || row.status == "sent" || row.status == "recorded" {
        return Ok(row);
    }
    let outcome = transport
        .deliver(&ResendRequest::from_message(msg), &msg.idempotency_key)
        .await;
    let update = match &outcome {
        Ok(provider_id) => Statement::new(
            "UPDATE email_outbox SET status = 'sent', provider_id = ?2, error = NULL,
                    attempts = attempts + 1, sent_at = ?3, updated_at = ?3
              WHERE idempotency_key = ?1",
        )
        .bind(msg.idempotency_key.as_str())
        .bind(provider_id.as_str())
        .bind(at.as_str()),
        Err(e) => Statement::new(
            "UPDATE email_outbox SET status = 'failed', error = ?2, attempts = attempts + 1, updated_at = ?3
              WHERE idempotency_key = ?1",
        )
        .bind(msg.idempotency_key.as_str())
        .bind(e.message.as_str())
        .bind(at.as_str()),
    };
    ops.run(update).await?;
    if msg.secret_body {
        // Delivered or not, the credential leaves the outbox: a failed link is requested
        // again, never resent from here.
        ops.run(
            Statement::new(
                "UPDATE email_outbox SET text = ?2, html = NULL WHERE idempotency_key = ?1",
            )
            .bind(msg.idempotency_key.as_str())
            .bind(REDACTED_BODY),
        )
        .await?;
    }
    outcome.map_err(SendError::Delivery)?;
    Ok(outbox_row(ops, &msg.idempotency_key)
        .await?
        .expect("row exists"))
}

/// Resend over the Workers fetch API.
#[cfg(target_arch = "wasm32")]
pub struct ResendFetch {
    pub api_key: String,
}

#[cfg(target_arch = "wasm32")]
impl EmailTransport for ResendFetch {
    async fn deliver(
        &self,
        request: &ResendRequest<'_>,
        idempotency_key: &str,
    ) -> Result<String, TransportError> {
        use worker::{Fetch, Headers, Method, Request, RequestInit};
        let net = |e: worker::Error| TransportError {
            message: format!("resend: {e}"),
            retryable: true,
        };
        let headers = Headers::new();
        let body = serde_json::to_string(request).map_err(|e| TransportError {
            message: e.to_string(),
            retryable: false,
        })?;
        headers
            .set("Authorization", &format!("Bearer {}", self.api_key))
            .map_err(net)?;
        headers
            .set("Content-Type", "application/json")
            .map_err(net)?;
        headers
            .set("Idempotency-Key", idempotency_key)
            .map_err(net)?;
        let mut init = RequestInit::new();
        init.with_method(Method::Post)
            .with_headers(headers)
            .with_body(Some(body.into()));
        let req = Request::new_with_init(RESEND_URL, &init).map_err(net)?;
        let mut res = Fetch::Request(req).send().await.map_err(net)?;
        let text = res.text().await.map_err(net)?;
        parse_resend_response(res.status_code(), &text)
    }
}

/// The sender when `EMAIL_FROM` is not set.
pub const DEFAULT_FROM: &str = "RTOpacks <noreply@rtopacks.com.au>";

/// `EMAIL_FROM`, or [`DEFAULT_FROM`].
#[cfg(target_arch = "wasm32")]
pub fn from_address(env: &worker::Env) -> String {
    env.var(crate::bindings::vars::EMAIL_FROM)
        .map(|v| v.to_string())
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_FROM.to_owned())
}

/// Send `message` (outbox, then Resend in send mode) after the answer has left
/// (`waitUntil`): a request that mails and one that does not take the same time to answer,
/// which the sign-in and sign-up pages need (they answer alike whether or not a link went
/// out). A failure is logged under `who`; the visitor is only ever told what everyone is.
#[cfg(target_arch = "wasm32")]
pub fn deliver_later(
    ctx: &worker::Context,
    env: &worker::Env,
    message: EmailMessage,
    now: DateTime<Utc>,
    who: &'static str,
) {
    let env = env.clone();
    ctx.wait_until(async move {
        let ops = match env.d1(crate::bindings::OPS_DB) {
            Ok(db) => rtopacks_store::D1Db(db),
            Err(e) => return worker::console_error!("{who}: mail: {e}"),
        };
        let (mode, transport) = from_env(&env);
        if let Err(e) = send(&ops, &transport, mode, &message, now).await {
            worker::console_error!("{who}: mail not sent: {e}");
        }
    });
}

/// The mode and transport a worker's environment configures.
#[cfg(target_arch = "wasm32")]
pub fn from_env(env: &worker::Env) -> (EmailMode, ResendFetch) {
    use crate::bindings::{secrets, vars};
    let mode = env.var(vars::EMAIL_MODE).ok().map(|v| v.to_string());
    let key = env
        .secret(secrets::RESEND_API_KEY)
        .ok()
        .map(|s| s.to_string())
        .unwrap_or_default();
    (
        EmailMode::from_config(mode.as_deref(), !key.is_empty()),
        ResendFetch { api_key: key },
    )
}
