//! The email layer: outbox first, Resend only in send mode, retries harmless.

use std::cell::RefCell;

use futures::executor::block_on;
use rtopacks_domain::email::EmailMessage;
use rtopacks_domain::time::parse_iso;
use rtopacks_edge::email::{
    parse_resend_response, send, EmailMode, EmailTransport, ResendRequest, SendError,
    TransportError,
};
use rtopacks_store::sqlite::SqliteDb;
use rtopacks_store::{Db, Statement};

/// Records what would have gone to Resend and answers as told.
struct FakeResend {
    calls: RefCell<Vec<(String, String)>>,
    answer: RefCell<Vec<(u16, String)>>,
}

impl FakeResend {
    fn answering(answers: &[(u16, &str)]) -> Self {
        FakeResend {
            calls: RefCell::new(Vec::new()),
            answer: RefCell::new(
                answers
                    .iter()
                    .rev()
                    .map(|(s, b)| (*s, b.to_string()))
                    .collect(),
            ),
        }
    }
}

impl EmailTransport for FakeResend {
    async fn deliver(
        &self,
        request: &ResendRequest<'_>,
        key: &str,
    ) -> Result<String, TransportError> {
        self.calls
            .borrow_mut()
            .push((key.to_owned(), serde_json::to_string(request).unwrap()));
        let (status, body) = self.answer.borrow_mut().pop().expect("unexpected delivery");
        parse_resend_response(status, &body)
    }
}

fn msg(key: &str) -> EmailMessage {
    EmailMessage {
        idempotency_key: key.into(),
        from: "RTOpacks <noreply@rtopacks.com.au>".into(),
        to: vec!["admin@rtopacks.com.au".into()],
        subject: "[tga-sync] cycle complete".into(),
        text: "3 events".into(),
        html: Some("<p>3 events</p>".into()),
        reply_to: None,
        tags: vec![("category".into(), "notify-01".into())],
        secret_body: false,
    }
}

fn now() -> chrono::DateTime<chrono::Utc> {
    parse_iso("2026-11-24T10:00:00Z").unwrap()
}

fn outbox(db: &SqliteDb) -> Vec<serde_json::Value> {
    block_on(db.all(Statement::new("SELECT idempotency_key, status, subject, to_addrs, attempts, provider_id FROM email_outbox"))).unwrap()
}

#[test]
fn record_mode_writes_the_outbox_and_never_calls_resend() {
    let db = SqliteDb::migrated("ops-db").unwrap();
    let resend = FakeResend::answering(&[]);
    let row = block_on(send(&db, &resend, EmailMode::Record, &msg("k1"), now())).unwrap();
    assert_eq!(row.status, "recorded");
    assert!(resend.calls.borrow().is_empty());
    let rows = outbox(&db);
    assert_eq!(rows[0]["subject"], "[tga-sync] cycle complete");
    assert_eq!(rows[0]["to_addrs"], "[\"admin@rtopacks.com.au\"]");
}

#[test]
fn send_mode_delivers_once_with_the_idempotency_key() {
    let db = SqliteDb::migrated("ops-db").unwrap();
    let resend =
        FakeResend::answering(&[(200, r#"{"id":"49a3999c-0ce1-4ea6-ab68-afcd6dc2e794"}"#)]);
    let row = block_on(send(&db, &resend, EmailMode::Send, &msg("k2"), now())).unwrap();
    assert_eq!((row.status.as_str(), row.attempts), ("sent", 1));
    assert_eq!(
        row.provider_id.as_deref(),
        Some("49a3999c-0ce1-4ea6-ab68-afcd6dc2e794")
    );
    let (key, body) = resend.calls.borrow()[0].clone();
    assert_eq!(key, "k2");
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["to"][0], "admin@rtopacks.com.au");
    assert_eq!(body["tags"][0]["name"], "category");
    // A retried send of the same message is a no-op.
    block_on(send(&db, &resend, EmailMode::Send, &msg("k2"), now())).unwrap();
    assert_eq!(resend.calls.borrow().len(), 1);
    assert_eq!(outbox(&db).len(), 1);
}

#[test]
fn a_failed_delivery_is_recorded_and_a_retry_can_succeed() {
    let db = SqliteDb::migrated("ops-db").unwrap();
    let resend = FakeResend::answering(&[
        (
            429,
            r#"{"statusCode":429,"message":"Too many requests","name":"rate_limit_exceeded"}"#,
        ),
        (200, r#"{"id":"abc"}"#),
    ]);
    let err = block_on(send(&db, &resend, EmailMode::Send, &msg("k3"), now())).unwrap_err();
    match err {
        SendError::Delivery(e) => assert!(
            e.retryable && e.message.contains("rate_limit_exceeded"),
            "{e:?}"
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(outbox(&db)[0]["status"], "failed");
    let row = block_on(send(&db, &resend, EmailMode::Send, &msg("k3"), now())).unwrap();
    assert_eq!((row.status.as_str(), row.attempts), ("sent", 2));
}

#[test]
fn an_invalid_message_is_refused_before_anything_is_written() {
    let db = SqliteDb::migrated("ops-db").unwrap();
    let mut bad = msg("k4");
    bad.to = vec!["not-an-address".into()];
    let resend = FakeResend::answering(&[]);
    assert!(matches!(
        block_on(send(&db, &resend, EmailMode::Send, &bad, now())),
        Err(SendError::Invalid(_))
    ));
    assert!(outbox(&db).is_empty());
}

#[test]
fn resend_answers_are_read_per_contract() {
    assert_eq!(
        parse_resend_response(200, r#"{"id":"x1"}"#),
        Ok("x1".into())
    );
    let e = parse_resend_response(
        422,
        r#"{"statusCode":422,"message":"Invalid `to` field","name":"validation_error"}"#,
    )
    .unwrap_err();
    assert!(!e.retryable && e.message.contains("validation_error"));
    assert!(
        parse_resend_response(503, "upstream down")
            .unwrap_err()
            .retryable
    );
    assert!(parse_resend_response(200, "not json").is_err());
}

#[test]
fn only_explicit_send_mode_with_a_key_sends() {
    assert_eq!(EmailMode::from_config(Some("send"), true), EmailMode::Send);
    assert_eq!(
        EmailMode::from_config(Some("send"), false),
        EmailMode::Record
    );
    assert_eq!(EmailMode::from_config(None, true), EmailMode::Record);
    assert_eq!(
        EmailMode::from_config(Some("record"), true),
        EmailMode::Record
    );
}

#[test]
fn a_secret_body_reaches_the_provider_but_does_not_stay_in_the_outbox() {
    let link =
        "https://my.rtopacks.com.au/auth/verify?t=Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXg";
    let secret = |key: &str| EmailMessage {
        text: format!("Sign in: {link}"),
        html: Some(format!("<a href=\"{link}\">Sign in</a>")),
        secret_body: true,
        ..msg(key)
    };
    let db = SqliteDb::migrated("ops-db").unwrap();
    let resend = FakeResend::answering(&[(200, r#"{"id":"m1"}"#), (500, r#"{"message":"down"}"#)]);
    block_on(send(&db, &resend, EmailMode::Send, &secret("s1"), now())).unwrap();
    assert!(
        resend.calls.borrow()[0].1.contains(link),
        "the provider gets the link"
    );
    // Delivered or failed, the outbox keeps no link.
    block_on(send(&db, &resend, EmailMode::Send, &secret("s2"), now())).unwrap_err();
    let bodies = || -> Vec<serde_json::Value> {
        block_on(db.all(Statement::new(
            "SELECT text, html FROM email_outbox ORDER BY idempotency_key",
        )))
        .unwrap()
    };
    for row in bodies() {
        let row = row.to_string();
        assert!(!row.contains("Zm9vYmFy"), "{row}");
        assert!(row.contains(rtopacks_edge::email::REDACTED_BODY), "{row}");
    }
    // Record mode (dev, tests) keeps it: nothing was sent, and the link is how one signs in.
    block_on(send(&db, &resend, EmailMode::Record, &secret("s3"), now())).unwrap();
    assert!(bodies().iter().any(|r| r.to_string().contains(link)));
}
