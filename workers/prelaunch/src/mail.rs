//! The verification email (delivered after the page has been answered:
//! `rtopacks_edge::email::deliver_later`).

use rtopacks_domain::email::EmailMessage;
use rtopacks_domain::signin::{Email, LinkToken, LINK_TTL};

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
