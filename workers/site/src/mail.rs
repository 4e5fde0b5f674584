//! The site's two mails, each carrying a single-use link (so `secret_body`: the outbox
//! drops the body once the provider has it); `Ctx::mail` delivers them after the reply.
//!
//! Nothing a visitor typed goes into a mail but the address it is sent to, so a form
//! cannot put words of someone's choosing into a mail from RTOpacks to a stranger. Links
//! start with `ORIGIN`, never the Host header.

use rtopacks_domain::email::EmailMessage;
use rtopacks_domain::signin::{Email, LinkToken, LINK_TTL};

fn message(
    kind: &str,
    from: &str,
    to: &Email,
    subject: String,
    text: String,
    token: &LinkToken,
) -> EmailMessage {
    EmailMessage {
        // One message per token, keyed by the hash the database already holds.
        idempotency_key: format!("site-{kind}-{}", &token.hash()[..32]),
        from: from.to_owned(),
        to: vec![to.as_str().to_owned()],
        subject,
        text,
        html: None,
        reply_to: None,
        tags: vec![("category".to_owned(), format!("site-{kind}"))],
        secret_body: true,
    }
}

/// The claim link: `ORIGIN/claim/verify?t=…`.
pub fn claim(
    from: &str,
    to: &Email,
    origin: &str,
    token: &LinkToken,
    rto_code: &str,
    rto_name: &str,
) -> EmailMessage {
    let minutes = LINK_TTL.num_minutes();
    let text = format!(
        "Someone asked to claim the RTOpacks page of RTO {rto_code} ({rto_name}) with this \
         address.\n\n\
         To confirm that you work there, open this link:\n\n\
         {origin}/claim/verify?t={}\n\n\
         The link works once, within {minutes} minutes. It opens a page with a Confirm button; \
         nothing changes until you press it.\n\n\
         If it wasn't you, ignore this email: nothing happens without the link.\n\n\
         RTOpacks\n",
        token.value()
    );
    message(
        "claim",
        from,
        to,
        format!("Confirm your claim of RTO {rto_code} on RTOpacks"),
        text,
        token,
    )
}

/// The waitlist confirmation: `ORIGIN/waitlist/verify?t=…`.
pub fn waitlist(from: &str, to: &Email, origin: &str, token: &LinkToken) -> EmailMessage {
    let minutes = LINK_TTL.num_minutes();
    let text = format!(
        "Confirm your email address to join the RTOpacks waitlist:\n\n\
         {origin}/waitlist/verify?t={}\n\n\
         The link works once, within {minutes} minutes. It opens a page with a Confirm button; \
         nothing changes until you press it.\n\n\
         If you didn't ask to join, ignore this email: without confirmation the address stays \
         off the list.\n\n\
         RTOpacks\n",
        token.value()
    );
    message(
        "waitlist",
        from,
        to,
        "Confirm your email for the RTOpacks waitlist".to_owned(),
        text,
        token,
    )
}
