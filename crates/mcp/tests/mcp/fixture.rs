//! The MCP tests' corpus: one hospitality training package with a ladder, a two-hop
//! supersession chain (equivalent, then not), a superseded unit, a unit grid with a unit
//! the mirror lacks, three RTOs (one enriched, with contacts that name a person and one
//! that does not; one not current), scope with lapsed, implicit and assess-only rows, and
//! CRICOS courses. Organisations, people and courses are fictional.
//!
//! Sync times differ per register and per row, so `source` and `freshness` have something
//! to say.

use std::cell::RefCell;

use futures::executor::block_on;
use rtopacks_mcp::{
    handle, header_list, McpRequest, McpResponse, Server, Tier, LATEST_PROTOCOL_VERSION,
};
use rtopacks_store::sqlite::SqliteDb;
use rtopacks_store::Db;
use serde_json::{json, Value};

/// tga-sync's latest run.
pub const TGA: &str = "2026-11-28T16:00:00Z";
/// Rows tga-sync has not touched since the run before.
pub const TGA_EARLIER: &str = "2026-11-21T16:00:00Z";
/// cricos-sync's run.
pub const CRICOS: &str = "2026-11-01T18:00:00Z";

/// The browser origin the test server allows.
pub const ALLOWED_ORIGIN: &str = "https://rtopacks.com.au";

const CORPUS: &str = r#"
INSERT INTO tga_training_components
  (code, component_type, title, is_current, usage_recommendation, training_package_code, aqf_level,
   latest_release_number, latest_release_date, superseded_by, synced_at, is_confidential) VALUES
  ('SIT', 'TrainingPackage', 'Tourism, Travel and Hospitality Training Package', 1, 'Current', NULL, NULL, '3', '2022-09-01', NULL, '2026-11-28T16:00:00Z', 0),
  ('SIT20322', 'Qualification', 'Certificate II in Hospitality', 1, 'Current', 'SIT', 'Certificate II', '1', '2022-09-01', NULL, '2026-11-28T16:00:00Z', 0),
  ('SIT30622', 'Qualification', 'Certificate III in Hospitality', 1, 'Current', 'SIT', 'Certificate III', '2', '2023-03-10', NULL, '2026-11-28T16:00:00Z', 0),
  ('SIT30616', 'Qualification', 'Certificate III in Hospitality', 0, 'Superseded', 'SIT', 'Certificate III', '3', '2018-06-01', 'SIT30622', '2026-11-21T16:00:00Z', 0),
  ('SIT30612', 'Qualification', 'Certificate III in Hospitality', 0, 'Superseded', 'SIT', 'Certificate III', '1', '2013-01-01', 'SIT30616', '2026-11-21T16:00:00Z', 0),
  ('SIT40521', 'Qualification', 'Certificate IV in Kitchen Management', 1, 'Current', 'SIT', 'Certificate IV', '1', '2021-12-01', NULL, '2026-11-28T16:00:00Z', 0),
  ('SIT50422', 'Qualification', 'Diploma of Hospitality Management', 1, 'Current', 'SIT', 'Diploma', '1', '2022-09-01', NULL, '2026-11-28T16:00:00Z', 0),
  ('SIT60322', 'Qualification', 'Advanced Diploma of Hospitality Management', 1, 'Current', 'SIT', 'Advanced Diploma', '1', '2022-09-01', NULL, '2026-11-28T16:00:00Z', 0),
  ('SITHIND006', 'Unit', 'Source and use information on the hospitality industry', 1, 'Current', 'SIT', NULL, '1', '2022-09-01', NULL, '2026-11-28T16:00:00Z', 0),
  ('SITXFSA005', 'Unit', 'Use hygienic practices for food safety', 1, 'Current', 'SIT', NULL, '1', '2022-09-01', NULL, '2026-11-28T16:00:00Z', 0),
  ('SITXFSA001', 'Unit', 'Use hygienic practices for food safety', 0, 'Superseded', 'SIT', NULL, '1', '2015-10-01', 'SITXFSA005', '2026-11-21T16:00:00Z', 0),
  ('SITHCCC023', 'Unit', 'Use food preparation equipment', 1, 'Current', 'SIT', NULL, '1', '2022-09-01', NULL, '2026-11-28T16:00:00Z', 0),
  ('SITXCCS014', 'Unit', 'Provide service to customers', 1, 'Current', 'SIT', NULL, '1', '2022-09-01', NULL, '2026-11-28T16:00:00Z', 0),
  ('SITSS00080', 'SkillSet', 'Food Handling Skill Set', 1, 'Current', 'SIT', NULL, '1', '2022-09-01', NULL, '2026-11-28T16:00:00Z', 0),
  ('22555VIC', 'AccreditedCourse', 'Certificate II in Hospitality Pathways', 1, 'Current', NULL, NULL, '1', '2024-02-01', NULL, '2026-11-28T16:00:00Z', 0),
  ('SIT99999', 'Qualification', 'Certificate III in Confidential Catering', 1, 'Current', 'SIT', 'Certificate III', '1', '2022-09-01', NULL, '2026-11-28T16:00:00Z', 1);

INSERT INTO tga_component_releases (code, release_number, release_date, currency, synced_at) VALUES
  ('SIT30622', '1', '2022-09-01', 'Superseded', '2026-11-28T16:00:00Z'),
  ('SIT30622', '2', '2023-03-10', 'Current', '2026-11-28T16:00:00Z');

INSERT INTO tga_qualification_units (qualification_code, unit_code, is_essential, release_number, synced_at) VALUES
  ('SIT30622', 'SITHIND006', 1, '2', '2026-11-28T16:00:00Z'),
  ('SIT30622', 'SITXFSA005', 1, '2', '2026-11-28T16:00:00Z'),
  ('SIT30622', 'SITHCCC023', 0, '2', '2026-11-28T16:00:00Z'),
  ('SIT30622', 'SITXCCS014', 0, '2', '2026-11-28T16:00:00Z'),
  ('SIT30622', 'SITHGAM099', 0, '2', '2026-11-28T16:00:00Z');

INSERT INTO tga_component_mappings (code, mapped_code, mapped_title, is_equivalent, notes, mapping_date, synced_at) VALUES
  ('SIT30612', 'SIT30616', 'Certificate III in Hospitality', 1, 'Updated packaging rules; equivalent outcome.', '2016-06-01', '2026-11-21T16:00:00Z'),
  ('SIT30616', 'SIT30622', 'Certificate III in Hospitality', 0, 'Not equivalent: core units changed.', '2022-09-01', '2026-11-28T16:00:00Z'),
  ('SITXFSA001', 'SITXFSA005', 'Use hygienic practices for food safety', 1, 'Equivalent.', '2022-09-01', '2026-11-28T16:00:00Z');

INSERT INTO tga_organisations
  (code, legal_name, trading_name, status, is_rto, has_active_registration, registration_manager_code,
   abn, state_code, registration_start_date, registration_end_date, cricos_provider_code, restrictions,
   synced_at) VALUES
  ('41000', 'Saltbush Hospitality College Pty Ltd', 'Saltbush College', 'Current', 1, 1, 'ASQA', '33111222333', '04', '2018-03-01', '2027-02-28', '04567J', '[]', '2026-11-28T16:00:00Z'),
  ('41001', 'Coastal Chefs Academy Ltd', 'Coastal Chefs', 'Current', 1, 1, 'ASQA', NULL, '03', '2020-05-01', '2027-04-30', NULL, '[]', '2026-11-28T16:00:00Z'),
  ('41002', 'Outback Training Co-operative Ltd', NULL, 'Non-current', 1, 0, 'ASQA', NULL, '07', '2010-01-01', '2019-12-31', NULL, NULL, '2026-11-21T16:00:00Z');

INSERT INTO rtos (rto_code, legal_name, trading_name, status, abn, registration_manager_code,
   registration_start_date, registration_end_date, head_office_state_code, cricos_provider_code,
   enriched, enriched_at, enriched_by, synced_at) VALUES
  ('41000', 'Saltbush Hospitality College Pty Ltd', 'Saltbush College', 'Current', '33111222333', 'ASQA', '2018-03-01', '2027-02-28', '04', '04567J', 1, '2026-11-29T02:30:00Z', 'enrich_sync', '2026-11-29T02:30:00Z');

INSERT INTO rto_registrations (rto_code, start_date, end_date, exerciser, registration_manager_code, synced_at) VALUES
  ('41000', '2018-03-01', '2027-02-28', 'ASQA', 'ASQA', '2026-11-29T02:30:00Z');
INSERT INTO rto_addresses (rto_code, address_type, address_key, line1, suburb, state_code, postcode, start_date, synced_at) VALUES
  ('41000', 'head_office', 'saltbush|adelaide', '9 Vine Lane', 'Adelaide', '04', '5000', '2018-03-01', '2026-11-29T02:30:00Z');
INSERT INTO rto_web_addresses (rto_code, url, start_date, synced_at) VALUES
  ('41000', 'https://saltbush.example', '2018-03-01', '2026-11-29T02:30:00Z');
INSERT INTO rto_contacts (rto_code, contact_key, type_code, role_code, first_name, last_name, job_title, email, phone, start_date, synced_at) VALUES
  ('41000', 'person|ines|moreau', 'Person', 'CEO', 'Ines', 'Moreau', 'Principal', 'ines.moreau@saltbush.example', '(08) 7000 0001', '2018-03-01', '2026-11-29T02:30:00Z'),
  ('41000', 'position|enquiries', 'Position', 'PublicEnquiries', NULL, NULL, 'Admissions', 'admissions@saltbush.example', '(08) 7000 0000', '2018-03-01', '2026-11-29T02:30:00Z');

INSERT INTO rto_scope (rto_code, component_code, component_type, is_implicit, is_refused, extent_code, start_date, end_date, is_current, synced_at) VALUES
  ('41000', 'SIT30622', 'Qualification', 0, 0, '01', '2023-01-01', '2027-02-28', 1, '2026-11-29T02:30:00Z'),
  ('41000', 'SIT30616', 'Qualification', 0, 0, '01', '2018-03-01', '2027-02-28', 1, '2026-11-29T02:30:00Z'),
  ('41000', 'SIT40521', 'Qualification', 0, 0, '01', '2018-03-01', '2024-06-30', 0, '2026-11-29T02:30:00Z'),
  ('41000', 'SITXFSA001', 'Unit', 0, 0, '02', '2018-03-01', '2027-02-28', 1, '2026-11-29T02:30:00Z'),
  ('41000', 'SITXFSA005', 'Unit', 1, 0, '01', '2023-01-01', '2027-02-28', 1, '2026-11-29T02:30:00Z'),
  ('41000', 'SITHCCC023', 'Unit', 0, 0, '01', '2023-01-01', '2027-02-28', 1, '2026-11-29T02:30:00Z'),
  ('41001', 'SIT30616', 'Qualification', 0, 0, '01', '2020-05-01', '2027-04-30', 1, '2026-11-28T16:00:00Z'),
  ('41001', 'SITXFSA001', 'Unit', 0, 0, '01', '2020-05-01', '2027-04-30', 1, '2026-11-28T16:00:00Z'),
  ('41002', 'SIT30612', 'Qualification', 0, 0, '01', '2010-01-01', '2019-12-31', 0, '2026-11-21T16:00:00Z');

INSERT INTO cricos_institutions (provider_code, trading_name, institution_name, institution_type, institution_capacity, website, postal_address_state, synced_at) VALUES
  ('04567J', 'Saltbush College', 'Saltbush Hospitality College Pty Ltd', 'Private', 240, 'www.saltbush.example', 'SA', '2026-11-01T18:00:00Z');
INSERT INTO cricos_courses (course_code, provider_code, institution_name, course_name, vet_national_code, dual_qualification, course_level, work_component, duration_weeks, tuition_fee_cents, non_tuition_fee_cents, estimated_total_course_cost_cents, course_language, expired, synced_at) VALUES
  ('112233K', '04567J', 'Saltbush Hospitality College Pty Ltd', 'Certificate III in Hospitality', 'SIT30622', 0, 'Certificate III', 1, 52, 1200000, 50000, 1250000, 'English', 0, '2026-11-01T18:00:00Z'),
  ('112234M', '04567J', 'Saltbush Hospitality College Pty Ltd', 'Diploma of Hospitality Management', 'SIT50422', 0, 'Diploma', 0, 78, 2100000, 0, 2100000, 'English', 0, '2026-11-01T18:00:00Z');
INSERT INTO cricos_course_locations (provider_code, course_code, location_name, institution_name, location_city, location_state, synced_at) VALUES
  ('04567J', '112233K', 'Adelaide Campus', 'Saltbush Hospitality College Pty Ltd', 'Adelaide', 'SA', '2026-11-01T18:00:00Z');
"#;

/// The corpus in a migrated `rtopacks-db`.
pub fn db() -> SqliteDb {
    let db = SqliteDb::migrated("rtopacks-db").expect("migrations apply");
    db.connection().execute_batch(CORPUS).expect("corpus loads");
    db
}

/// A server and its database, driven like the worker drives it.
pub struct Mcp<D: Db = SqliteDb> {
    pub server: Server,
    pub db: D,
    pub tier: Tier,
    next_id: RefCell<i64>,
}

impl Mcp {
    pub fn new() -> Self {
        Mcp::over(db())
    }
}

impl<D: Db> Mcp<D> {
    pub fn over(db: D) -> Self {
        Mcp {
            server: Server::new().allow_origin(ALLOWED_ORIGIN),
            db,
            tier: Tier::Anonymous,
            next_id: RefCell::new(0),
        }
    }

    pub fn with_tier(mut self, tier: Tier) -> Self {
        self.tier = tier;
        self
    }

    /// One HTTP request, exactly as given.
    pub fn http(&self, method: &str, headers: &[(&str, &str)], body: &[u8]) -> McpResponse {
        let lookup = header_list(headers);
        block_on(handle(
            &self.server,
            &self.db,
            McpRequest {
                method,
                headers: &lookup,
                body,
            },
            self.tier,
        ))
    }

    /// A POST with the headers the official client sends after initialisation.
    pub fn post(&self, body: &Value) -> McpResponse {
        self.http(
            "POST",
            &[
                ("Content-Type", "application/json"),
                ("Accept", "application/json, text/event-stream"),
                ("MCP-Protocol-Version", LATEST_PROTOCOL_VERSION),
            ],
            body.to_string().as_bytes(),
        )
    }

    fn id(&self) -> i64 {
        let mut n = self.next_id.borrow_mut();
        *n += 1;
        *n
    }

    /// A request; the whole JSON-RPC response (checked to be a 200 JSON answer with our id).
    pub fn rpc(&self, method: &str, params: Value) -> Value {
        let id = self.id();
        let out =
            self.post(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        assert_eq!(out.status, 200, "{}", String::from_utf8_lossy(&out.body));
        assert_eq!(out.header("Content-Type"), Some("application/json"));
        let v = out.body_json().expect("a JSON body");
        assert_eq!(v["jsonrpc"], "2.0");
        assert_eq!(v["id"], id);
        v
    }

    /// `tools/call`; the `CallToolResult`.
    pub fn call(&self, tool: &str, arguments: Value) -> Value {
        let v = self.rpc(
            "tools/call",
            json!({ "name": tool, "arguments": arguments }),
        );
        assert!(v.get("error").is_none(), "JSON-RPC error: {v}");
        v["result"].clone()
    }

    /// A call that must succeed; its `structuredContent`.
    pub fn ok(&self, tool: &str, arguments: Value) -> Value {
        let r = self.call(tool, arguments.clone());
        assert_eq!(r["isError"], false, "{tool} {arguments}: {r}");
        let text = r["content"][0]["text"].as_str().expect("a text rendering");
        assert_eq!(r["content"][0]["type"], "text");
        assert!(text.contains("Source: "), "{text}");
        r["structuredContent"].clone()
    }

    /// A call that must fail as a tool result; its message.
    pub fn refused(&self, tool: &str, arguments: Value) -> String {
        let r = self.call(tool, arguments.clone());
        assert_eq!(r["isError"], true, "{tool} {arguments}: {r}");
        assert!(
            r.get("structuredContent").is_none(),
            "an error carries no structured content: {r}"
        );
        assert_eq!(r["content"][0]["type"], "text");
        r["content"][0]["text"].as_str().unwrap().to_owned()
    }
}
