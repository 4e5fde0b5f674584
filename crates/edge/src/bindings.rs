//! Binding names, spelled once. The wrangler files declare the same names; the
//! inventory script reads them from there.

/// `rtopacks-db` (alias `rto-nrt-db`): the NRT corpus.
pub const RTOPACKS_DB: &str = "RTOPACKS_DB";
/// `ops-db`: operational state (observatory, cursors, clients, logs, email outbox).
pub const OPS_DB: &str = "OPS_DB";
/// `engine-db-oc` (alias `rto-workspace-db`): users, sessions, orgs, memberships.
pub const ENGINE_DB: &str = "ENGINE_DB";
/// `rto-intake-db`: waitlist and verification.
pub const INTAKE_DB: &str = "INTAKE_DB";
/// `abs-db-oc` (alias `rto-abs-db`): ABS statistics.
pub const ABS_DB: &str = "ABS_DB";
/// Sessions, QB OAuth tokens and cron heartbeats.
pub const SESSION_KV: &str = "SESSION_KV";
/// Tests only: a service answering the current test time. Never declared in `wrangler/`.
pub const TEST_CLOCK: &str = "TEST_CLOCK";

/// Plain-text variables.
pub mod vars {
    /// `send` delivers mail through Resend; anything else records it in the outbox only.
    pub const EMAIL_MODE: &str = "EMAIL_MODE";
    /// Default sender, e.g. `RTOpacks <noreply@rtopacks.com.au>`.
    pub const EMAIL_FROM: &str = "EMAIL_FROM";
    /// Where operator alerts go (`admin@rtopacks.com.au`).
    pub const ADMIN_EMAIL: &str = "ADMIN_EMAIL";
}

/// Secrets (`wrangler secret put`), never in files.
pub mod secrets {
    pub const RESEND_API_KEY: &str = "RESEND_API_KEY";
}
