//! The pure domain: cases, the organisation, routing, clocks, suggestions, statistics, text.
//! No IO, no SQL, no terminal.

pub mod aftercare;
pub mod audit;
pub mod bounds;
pub mod case;
pub mod clocks;
pub mod identity;
pub mod intake;
pub mod labels;
pub mod lifecycle;
pub mod office_time;
pub mod org;
pub mod routing;
pub mod screening;
pub mod search;
pub mod stats;
pub mod suggest;
#[cfg(test)]
pub mod testing;
pub mod text;

pub use case::{
    AgreementForm, Case, Category, Complexity, ExtensionConsent, Followup, FollowupChannel, FollowupOutcome, Party,
    ReferralKind, RiskFlags, RiskLevel, Source, SourceClass, Status, ToldRoute,
};
pub use clocks::{ClockState, Clocks};
pub use intake::{FieldError, NewCase};
pub use lifecycle::{Event, StatusSet};
pub use office_time::{OfficeTz, Period, PeriodKind};
pub use org::{Area, Committee, CommitteeKind, Mediator, Org, Tier};
pub use routing::{is_acute, Route, RoutingRules};

/// The language of everything on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Chinese (简体中文).
    Zh,
}

/// Office policy: routing rules and clocks together, as one `rules.toml` holds them.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    /// The office itself: its time zone.
    pub office: Office,
    /// Routing rules.
    pub routing: RoutingRules,
    /// Deadlines.
    pub clocks: Clocks,
    /// The screening rhythm (三个一) of each tier.
    pub screening: screening::Rhythm,
}

/// The `[office]` table of the policy.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Office {
    /// The office's time zone (IANA name); every day boundary and every time shown or typed is
    /// in it, whatever the server's `TZ`. Default `Asia/Shanghai`.
    pub time_zone: office_time::OfficeTz,
}

impl Policy {
    /// Parses a `rules.toml`; keys it does not name keep their defaults, unknown keys are refused,
    /// and every clock value must lie in its range (the error names the key).
    pub fn from_toml(text: &str) -> Result<Policy, String> {
        Policy::read(text).map_err(|m| m.en().to_string())
    }

    /// [`Policy::from_toml`], refusing in both languages.
    pub fn read(text: &str) -> Result<Policy, crate::error::Msg> {
        let p: Policy = toml::from_str(text).map_err(|e| crate::msg!("rules file: {e}", "规则文件格式有误：{e}"))?;
        p.clocks.validate().map_err(|errs| {
            let en: Vec<&str> = errs.iter().map(|m| m.en()).collect();
            let zh: Vec<&str> = errs.iter().map(|m| m.get(Lang::Zh)).collect();
            crate::error::Msg::new(format!("rules file: {}", en.join("; ")), format!("规则文件：{}", zh.join("；")))
        })?;
        p.clocks.check()?;
        Ok(p)
    }
}
