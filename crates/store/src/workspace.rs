//! What the workspace (`my.rtopacks.com.au`) needs of magic links beyond
//! [`crate::signin`]: a read-only look at a link (the landing page must never burn it,
//! mail scanners open links), a consume that only takes sign-in links (a claim link
//! belongs to the site and stays usable there), and the timing pad of a refused request.

use chrono::{DateTime, Utc};
use rtopacks_domain::signin::Email;
use rtopacks_domain::time::iso;
use serde::Deserialize;

use crate::{Db, Statement, StoreError};

/// Whether a sign-in link (by its hash) is unused and unexpired at `now`. One read; the
/// link is not touched.
pub fn sign_in_link_usable_statement(token_hash: &str, now: DateTime<Utc>) -> Statement {
    Statement::new(
        "SELECT count(*) AS n FROM magic_link_tokens
          WHERE token_hash = ?1 AND purpose = 'sign_in' AND used_at IS NULL AND expires_at > ?2",
    )
    .bind(token_hash)
    .bind(iso(now))
}

pub async fn sign_in_link_usable(
    engine: &impl Db,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    Ok(crate::count(engine, sign_in_link_usable_statement(token_hash, now)).await? > 0)
}

/// Mark a sign-in link used, only if unused, unexpired and for signing in: one
/// conditional UPDATE … RETURNING, so two presses of the button cannot both win.
pub fn consume_sign_in_link_statement(token_hash: &str, now: DateTime<Utc>) -> Statement {
    Statement::new(
        "UPDATE magic_link_tokens SET used_at = ?2
          WHERE token_hash = ?1 AND purpose = 'sign_in' AND used_at IS NULL AND expires_at > ?2
          RETURNING email",
    )
    .bind(token_hash)
    .bind(iso(now))
}

/// Use a sign-in link: the address it was sent to, or `None` when it is unknown, used,
/// expired or a claim link (which is left as it was).
pub async fn consume_sign_in_link(
    engine: &impl Db,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<Email>, StoreError> {
    #[derive(Deserialize)]
    struct Row {
        email: String,
    }
    let Some(row) = engine
        .first::<Row>(consume_sign_in_link_statement(token_hash, now))
        .await?
    else {
        return Ok(None);
    };
    Email::parse(&row.email)
        .map(Some)
        .map_err(|e| StoreError::Decode(format!("link email: {e}")))
}

/// The write a refused link request makes in place of the token INSERT, so allowed and
/// refused requests cost the same round trips (`signin::request_link` always makes its
/// two reads; an issued link adds one write). An UPDATE on the primary key of the token
/// just generated, which no row holds: it changes nothing.
pub fn timing_pad_statement(token_hash: &str) -> Statement {
    Statement::new("UPDATE magic_link_tokens SET used_at = used_at WHERE token_hash = ?1")
        .bind(token_hash)
}

pub async fn timing_pad(engine: &impl Db, token_hash: &str) -> Result<(), StoreError> {
    engine.run(timing_pad_statement(token_hash)).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signin::{request_link, NewLink};
    use crate::sqlite::SqliteDb;
    use chrono::{Duration, TimeZone};
    use futures::executor::block_on;
    use rtopacks_domain::codes::RtoCode;
    use rtopacks_domain::signin::{LinkLimits, LinkPurpose, LinkToken};

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0).unwrap()
    }

    fn issue(engine: &SqliteDb, ops: &SqliteDb, purpose: LinkPurpose, seed: u8) -> LinkToken {
        let token = LinkToken::from_bytes(&[seed; 32]);
        let email = Email::parse("kim@rto.example.edu.au").unwrap();
        let r = block_on(request_link(
            engine,
            ops,
            &NewLink {
                email: &email,
                purpose: &purpose,
                ip_hash: "ip",
                token: &token,
            },
            &LinkLimits::default(),
            now(),
        ))
        .unwrap();
        assert!(r.issued, "{r:?}");
        token
    }

    fn dbs() -> (SqliteDb, SqliteDb) {
        let engine = SqliteDb::migrated("engine-db-oc").unwrap();
        let ops = SqliteDb::migrated("ops-db").unwrap();
        ops.connection()
            .execute_batch(
                "INSERT INTO access_allowlist (kind, value, active, created_at)
                 VALUES ('domain', 'rto.example.edu.au', 1, '2026-01-01T00:00:00Z')",
            )
            .unwrap();
        (engine, ops)
    }

    #[test]
    fn looking_never_uses_a_link_and_using_works_once() {
        let (engine, ops) = dbs();
        let t = issue(&engine, &ops, LinkPurpose::SignIn, 1);
        for _ in 0..3 {
            assert!(block_on(sign_in_link_usable(&engine, t.hash(), now())).unwrap());
        }
        let email = block_on(consume_sign_in_link(&engine, t.hash(), now())).unwrap();
        assert_eq!(email.unwrap().as_str(), "kim@rto.example.edu.au");
        assert!(!block_on(sign_in_link_usable(&engine, t.hash(), now())).unwrap());
        assert_eq!(
            block_on(consume_sign_in_link(&engine, t.hash(), now())).unwrap(),
            None
        );
    }

    #[test]
    fn expired_and_claim_links_are_not_taken() {
        let (engine, ops) = dbs();
        let t = issue(&engine, &ops, LinkPurpose::SignIn, 2);
        let later = now() + Duration::minutes(15);
        assert!(!block_on(sign_in_link_usable(&engine, t.hash(), later)).unwrap());
        assert_eq!(
            block_on(consume_sign_in_link(&engine, t.hash(), later)).unwrap(),
            None
        );
        let claim = LinkPurpose::Claim {
            rto_code: RtoCode::parse("90001").unwrap(),
        };
        let c = issue(&engine, &ops, claim, 3);
        assert!(!block_on(sign_in_link_usable(&engine, c.hash(), now())).unwrap());
        assert_eq!(
            block_on(consume_sign_in_link(&engine, c.hash(), now())).unwrap(),
            None
        );
        // Still usable where it belongs.
        assert!(
            block_on(crate::signin::consume_link(&engine, c.hash(), now()))
                .unwrap()
                .is_some()
        );
    }

    #[test]
    fn the_timing_pad_changes_nothing() {
        let (engine, ops) = dbs();
        let t = issue(&engine, &ops, LinkPurpose::SignIn, 4);
        block_on(timing_pad(&engine, t.hash())).unwrap();
        block_on(timing_pad(&engine, LinkToken::from_bytes(&[9; 32]).hash())).unwrap();
        assert!(block_on(sign_in_link_usable(&engine, t.hash(), now())).unwrap());
        let n: i64 = engine
            .connection()
            .query_row("SELECT count(*) FROM magic_link_tokens", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 1);
    }
}
