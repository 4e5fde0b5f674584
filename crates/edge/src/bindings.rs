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
/// The chain queues (producer and consumer in the same worker).
pub const TGA_SYNC_QUEUE: &str = "TGA_SYNC_QUEUE";
pub const CRICOS_SYNC_QUEUE: &str = "CRICOS_SYNC_QUEUE";
/// R2 `tga-content`: the raw TGA payload archive.
pub const TGA_CONTENT: &str = "TGA_CONTENT";
/// enrich-sync's self-chain queue.
pub const ENRICH_SYNC_QUEUE: &str = "ENRICH_SYNC_QUEUE";
/// `rtopacks-ingest-queue` (BACKFILL-01 and the site produce to it).
pub const INGEST_QUEUE: &str = "INGEST_QUEUE";
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
    /// CKAN action base for CRICOS (data.gov.au).
    pub const CKAN_BASE: &str = "CKAN_BASE";
    /// Rows per CKAN page, and pages per invocation.
    pub const CKAN_PAGE_SIZE: &str = "CKAN_PAGE_SIZE";
    pub const PAGES_PER_INVOCATION: &str = "PAGES_PER_INVOCATION";
    /// SENTINEL-02 threshold, percent.
    pub const SENTINEL_DROP_THRESHOLD_PCT: &str = "SENTINEL_DROP_THRESHOLD_PCT";
    /// TGA SOAP host, and the service generation (`base`, or `12` for `…ServiceV12.svc`).
    pub const TGA_SOAP_HOST: &str = "TGA_SOAP_HOST";
    pub const TGA_SOAP_VERSION: &str = "TGA_SOAP_VERSION";
    /// Search `PageSize`, `GetDetails` calls per invocation, TGA-REFRESH-01 components per cycle.
    pub const TGA_PAGE_SIZE: &str = "TGA_PAGE_SIZE";
    pub const TGA_DETAILS_PER_INVOCATION: &str = "TGA_DETAILS_PER_INVOCATION";
    pub const TGA_REFRESH_PER_CYCLE: &str = "TGA_REFRESH_PER_CYCLE";
    /// TGA REST base (enrichment).
    pub const TGA_REST_BASE: &str = "TGA_REST_BASE";
    /// enrich-sync: organisations started per invocation, and the age that makes an
    /// enrichment due again.
    pub const ENRICH_CODES_PER_INVOCATION: &str = "ENRICH_CODES_PER_INVOCATION";
    pub const ENRICH_MAX_AGE_DAYS: &str = "ENRICH_MAX_AGE_DAYS";
}

/// Secrets (`wrangler secret put`), never in files.
pub mod secrets {
    pub const RESEND_API_KEY: &str = "RESEND_API_KEY";
    /// Bearer token for the sync workers' `POST /trigger`.
    pub const TRIGGER_TOKEN: &str = "TRIGGER_TOKEN";
    /// The TGA web services account (WS-Security UsernameToken).
    pub const TGA_USERNAME: &str = "TGA_USERNAME";
    pub const TGA_PASSWORD: &str = "TGA_PASSWORD";
}

/// KV of the public API's keys (`rtp_live_…`), one record per key id
/// (`rtopacks_domain::keys::KeyKind::Api`).
pub const RTOPACKS_OPERATIONAL_KEYS: &str = "RTOPACKS_OPERATIONAL_KEYS";
/// KV of the MCP server's keys (`rtp_mcp_…`).
pub const MCP_API_KEYS: &str = "MCP_API_KEYS";
/// The service binding the surfaces (site, admin, workspace) use to reach internal-api.
pub const INTERNAL_API: &str = "INTERNAL_API";

/// Host names and request headers of the internal-api contract.
pub mod internal_api {
    /// The host a surface puts in the URL of a service-binding call
    /// (`http://internal-api.internal/catalogue/search?q=…`). `.internal` is reserved for
    /// private use and never resolves publicly, so no request from the internet can carry it:
    /// internal-api trusts this door, and requires Cloudflare Access on every other host.
    pub const SERVICE_HOST: &str = "internal-api.internal";
    /// The local stack's name for the worker (`scripts/dev` routes `<worker>.localhost`);
    /// `.localhost` never resolves publicly either (RFC 6761).
    pub const LOCAL_HOST: &str = "internal-api.localhost";
    /// The signed-in user's session token, forwarded by the calling surface as it read it
    /// from its cookie (internal-api hashes it and resolves it against `engine-db-oc`).
    pub const SESSION_HEADER: &str = "X-RTOpacks-Session";
    /// The end user's address (`CF-Connecting-IP` as the surface received it), so SEC-02
    /// keeps anonymous visitors of a surface apart; stored only as a salted hash.
    pub const CLIENT_HEADER: &str = "X-RTOpacks-Client";
}

/// Plain-text variables of the catalogue surfaces.
pub mod catalogue_vars {
    /// The Cloudflare Access team (`rtopacks` or `rtopacks.cloudflareaccess.com`).
    pub const ACCESS_TEAM_DOMAIN: &str = "ACCESS_TEAM_DOMAIN";
    /// The Access application AUD tag(s) accepted, comma-separated.
    pub const ACCESS_AUD: &str = "ACCESS_AUD";
}

/// Secrets of the catalogue surfaces.
pub mod catalogue_secrets {
    /// Salt of the anonymous clients' hashes (`keys::anonymous_client_id`).
    pub const ANON_SALT: &str = "ANON_SALT";
}
