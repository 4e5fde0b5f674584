//! Regulatory events: the "what changed" log shared by the observatory feed and the
//! NOTIFY-01 cycle email. Detection compares what the corpus held with what upstream
//! now says; no change, no event (so re-running a cycle adds nothing).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventType {
    StatusChange,
    Supersession,
    NewComponent,
    NewRelease,
    Deleted,
    Appeared,
    Disappeared,
    RestrictionAdded,
    RestrictionLifted,
}

impl EventType {
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::StatusChange => "status_change",
            EventType::Supersession => "supersession",
            EventType::NewComponent => "new_component",
            EventType::NewRelease => "new_release",
            EventType::Deleted => "deleted",
            EventType::Appeared => "appeared",
            EventType::Disappeared => "disappeared",
            EventType::RestrictionAdded => "restriction_added",
            EventType::RestrictionLifted => "restriction_lifted",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityType {
    Organisation,
    Qualification,
    Unit,
    SkillSet,
    AccreditedCourse,
    TrainingPackage,
    Component,
    CricosInstitution,
    CricosCourse,
}

impl EntityType {
    pub fn as_str(self) -> &'static str {
        match self {
            EntityType::Organisation => "organisation",
            EntityType::Qualification => "qualification",
            EntityType::Unit => "unit",
            EntityType::SkillSet => "skill_set",
            EntityType::AccreditedCourse => "accredited_course",
            EntityType::TrainingPackage => "training_package",
            EntityType::Component => "component",
            EntityType::CricosInstitution => "cricos_institution",
            EntityType::CricosCourse => "cricos_course",
        }
    }
}

/// One row of `regulatory_events` (the run id and time are added by the writer).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegulatoryEvent {
    pub event_type: EventType,
    pub entity_type: EntityType,
    pub entity_code: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub detail: String,
}

fn event(
    event_type: EventType,
    entity_type: EntityType,
    code: &str,
    old: Option<&str>,
    new: Option<&str>,
    detail: String,
) -> RegulatoryEvent {
    RegulatoryEvent {
        event_type,
        entity_type,
        entity_code: code.to_owned(),
        old_value: old.map(str::to_owned),
        new_value: new.map(str::to_owned),
        detail,
    }
}

/// A status transition (an RTO Current → Non-current, a qualification Current → Superseded).
/// Nothing when the entity is new (that is [`new_component`]) or unchanged.
pub fn status_change(
    entity: EntityType,
    code: &str,
    old: Option<&str>,
    new: &str,
) -> Option<RegulatoryEvent> {
    let old = old?;
    (!old.eq_ignore_ascii_case(new)).then(|| {
        event(
            EventType::StatusChange,
            entity,
            code,
            Some(old),
            Some(new),
            format!("{code}: {old} → {new}"),
        )
    })
}

/// A component newly superseded by `by` (a mapping that was not there before).
pub fn supersession(entity: EntityType, code: &str, by: &str, equivalent: bool) -> RegulatoryEvent {
    let eq = if equivalent {
        "equivalent"
    } else {
        "not equivalent"
    };
    event(
        EventType::Supersession,
        entity,
        code,
        Some(code),
        Some(by),
        format!("{code} superseded by {by} ({eq})"),
    )
}

pub fn new_component(entity: EntityType, code: &str, title: &str) -> RegulatoryEvent {
    event(
        EventType::NewComponent,
        entity,
        code,
        None,
        Some(title),
        format!("new: {code} {title}"),
    )
}

/// A release newer than the one held. Nothing when the release is the same.
pub fn new_release(
    entity: EntityType,
    code: &str,
    old: Option<&str>,
    new: &str,
) -> Option<RegulatoryEvent> {
    let old = old?;
    (old != new).then(|| {
        event(
            EventType::NewRelease,
            entity,
            code,
            Some(old),
            Some(new),
            format!("{code}: release {old} → {new}"),
        )
    })
}

pub fn deleted(entity: EntityType, code: &str, how: &str) -> RegulatoryEvent {
    event(
        EventType::Deleted,
        entity,
        code,
        None,
        None,
        format!("{code} deleted upstream ({how})"),
    )
}

pub fn appeared(entity: EntityType, code: &str, name: &str) -> RegulatoryEvent {
    event(
        EventType::Appeared,
        entity,
        code,
        None,
        Some(name),
        format!("{code} {name} appeared"),
    )
}

pub fn disappeared(entity: EntityType, code: &str, name: &str) -> RegulatoryEvent {
    event(
        EventType::Disappeared,
        entity,
        code,
        Some(name),
        None,
        format!("{code} {name} disappeared"),
    )
}

/// An RTO's restricted flag changing. Nothing when unchanged or first seen unrestricted.
pub fn restriction(
    code: &str,
    was: Option<bool>,
    now: bool,
    what: &str,
) -> Option<RegulatoryEvent> {
    match (was.unwrap_or(false), now) {
        (false, true) => Some(event(
            EventType::RestrictionAdded,
            EntityType::Organisation,
            code,
            None,
            Some(what),
            format!("{code}: restriction added: {what}"),
        )),
        (true, false) => Some(event(
            EventType::RestrictionLifted,
            EntityType::Organisation,
            code,
            Some(what),
            None,
            format!("{code}: restriction lifted"),
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unchanged_or_new_entities_raise_no_status_event() {
        assert!(status_change(
            EntityType::Organisation,
            "45329",
            Some("Current"),
            "Current"
        )
        .is_none());
        assert!(status_change(EntityType::Organisation, "45329", None, "Current").is_none());
        let e = status_change(
            EntityType::Organisation,
            "45329",
            Some("Current"),
            "Cancelled",
        )
        .unwrap();
        assert_eq!(
            (e.event_type.as_str(), e.detail.as_str()),
            ("status_change", "45329: Current → Cancelled")
        );
    }

    #[test]
    fn supersession_says_whether_it_is_equivalent() {
        let e = supersession(EntityType::Qualification, "BSB50120", "BSB50125", true);
        assert_eq!(e.detail, "BSB50120 superseded by BSB50125 (equivalent)");
        assert_eq!(e.new_value.as_deref(), Some("BSB50125"));
        assert!(supersession(EntityType::Unit, "A", "B", false)
            .detail
            .ends_with("(not equivalent)"));
    }

    #[test]
    fn releases_and_restrictions_only_fire_on_change() {
        assert!(new_release(EntityType::Qualification, "BSB50420", Some("1"), "1").is_none());
        assert!(new_release(EntityType::Qualification, "BSB50420", None, "1").is_none());
        assert!(new_release(EntityType::Qualification, "BSB50420", Some("1"), "2").is_some());
        assert!(restriction("45329", None, false, "x").is_none());
        assert_eq!(
            restriction("45329", Some(false), true, "no new enrolments")
                .unwrap()
                .event_type,
            EventType::RestrictionAdded
        );
        assert_eq!(
            restriction("45329", Some(true), false, "")
                .unwrap()
                .event_type,
            EventType::RestrictionLifted
        );
    }
}
