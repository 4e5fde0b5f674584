//! The verification email, and its delivery after the page has been answered.

use chrono::{DateTime, Utc};
use rtopacks_domain::email::EmailMessage;
use rtopacks_domain::signin::{Email, LinkToken, LINK_TTL};
use rtopacks_edge::bindings::{vars, OPS_DB};
use rtopacks_edge::email;
use rtopacks_store::D1Db;
use worker::{console_error, Env};

/// Sender when `EMAIL_FROM` is not set.
const DEFAULT_FROM: &str = "RTOpacks <noreply@rtopacks.com.au>";

/// The link in the mail: the configured origin (never the Host header) and the token.
pub fn link(origin: &str, token: &LinkToken) -> String {
    format!("{origin}/verify?t={}", token.value())
}

/// The message for a new verification token. Nothing the visitor typed goes into it but
/// the address it is sent to: a name field must not let anyone put words of their choosing
/// into a mail from RTOpacks to a stranger's inbox.
pub fn verification(from: &str, to: &Email, origin: &str, token: &LinkToken) -> EmailMessage {
    let minutes = LINK_TTL.num_minutes();
    let text = format!(
        "Confirm your email address to join the RTOpacks waitlist:\n\n\
         {}\n\n\
         The link works once, within {minutes} minutes. It opens a page with a Confirm button; \
         nothing changes until you press it.\n\n\
         If you didn't ask to join, ignore this email: without confirmation the address stays \
         off the list and you won't hear from us again.\n\n\
         RTOpacks\n",
        link(origin, token)
    );
    EmailMessage {
        // One message per token; the hash is what the database already holds, never the
        // token itself.
        idempotency_key: format!("prelaunch-verify-{}", &token.hash()[..32]),
        from: from.to_owned(),
        to: vec![to.as_str().to_owned()],
        subject: "Confirm your email for the RTOpacks waitlist".to_owned(),
        text,
        html: None,
        reply_to: None,
        tags: vec![("category".to_owned(), "prelaunch-verify".to_owned())],
        // It carries a credential: the outbox drops the body once the provider has it.
        secret_body: true,
    }
}

/// `EMAIL_FROM`, or the default sender.
pub fn from_address(env: &Env) -> String {
    env.var(vars::EMAIL_FROM)
        .map(|v| v.to_string())
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_FROM.to_owned())
}

/// Write the message to the outbox and, in send mode, deliver it. Runs after the answer
/// has left (`waitUntil`), so a sign-up that mails and one that does not (verified or
/// rate-limited address) take the same time to answer.
pub async fn deliver(env: Env, message: EmailMessage, now: DateTime<Utc>) {
    let ops = match env.d1(OPS_DB) {
        Ok(db) => D1Db(db),
        Err(e) => {
            console_error!("prelaunch: verification mail: {OPS_DB}: {e}");
            return;
        }
    };
    let (mode, transport) = email::from_env(&env);
    if let Err(e) = email::send(&ops, &transport, mode, &message, now).await {
        console_error!("prelaunch: verification mail not sent: {e}");
    }
}
