//! Routing: which tier and committee a case goes to, and escalation one tier up.

use serde::{Deserialize, Serialize};

use super::case::{Category, Complexity, RiskFlags, RiskLevel, Source};
use super::org::{CommitteeKind, Org, Tier};

/// Routing rules; the defaults are DESIGN.md's, an office may override them in `rules.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RoutingRules {
    /// Rule 1: send trade categories (traffic, medical, labour, property) to trade committees.
    pub trade_committees: bool,
    /// Rule 2: the tier for each complexity on the geographic chain.
    pub simple: Tier,
    /// Tier for general cases.
    pub general: Tier,
    /// Tier for major cases.
    pub major: Tier,
    /// Tier for critical cases (always joint).
    pub critical: Tier,
    /// Rule 3: the lowest tier for red-risk or flagged cases (always joint).
    pub red_risk_min: Tier,
}

impl Default for RoutingRules {
    fn default() -> Self {
        RoutingRules {
            trade_committees: true,
            simple: Tier::Village,
            general: Tier::Village,
            major: Tier::Town,
            critical: Tier::Town,
            red_risk_min: Tier::Town,
        }
    }
}

/// Where a case goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    /// The tier of the committee.
    pub tier: Tier,
    /// The committee's database id.
    pub committee_id: i64,
    /// Worked with the joint office (四所一庭).
    pub joint: bool,
}

/// Why a case could not be routed (the org lacks a committee on the chain), in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteError(pub crate::error::Msg);

impl std::error::Error for RouteError {}

impl std::fmt::Display for RouteError {
    /// In English.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.en())
    }
}

/// Rule 3's test, shared by intake, import, the generator and the Incoming order: red risk, or
/// any of the mass-incident, media and turning-criminal flags.
pub fn is_acute(risk: RiskLevel, flags: RiskFlags) -> bool {
    risk == RiskLevel::Red || flags.any()
}

impl RoutingRules {
    /// Routes a case from its source, area (a code), category, complexity, risk level and risk
    /// flags. A court, police or petition referral goes first to the attached committee of that
    /// kind covering the case's district (else the city's), when the organisation has one.
    #[allow(clippy::too_many_arguments)]
    pub fn route(
        &self,
        org: &Org,
        source: Source,
        area_code: &str,
        category: Category,
        complexity: Complexity,
        risk: RiskLevel,
        flags: RiskFlags,
    ) -> Result<Route, RouteError> {
        let acute = is_acute(risk, flags);
        let joint = complexity == Complexity::Critical || acute;
        if let Some(route) = attached_route(org, source, area_code, joint) {
            return Ok(route);
        }
        if self.trade_committees {
            if let Some(kind) = CommitteeKind::for_category(category) {
                if let Some(route) = trade_route(org, area_code, kind, joint) {
                    if !acute || route.tier >= self.red_risk_min {
                        return Ok(route);
                    }
                }
            }
        }
        let mut tier = match complexity {
            Complexity::Simple => self.simple,
            Complexity::General => self.general,
            Complexity::Major => self.major,
            Complexity::Critical => self.critical,
        };
        if acute && tier < self.red_risk_min {
            tier = self.red_risk_min;
        }
        geographic_route(org, area_code, tier, joint)
    }

    /// Parses rules from TOML; unknown keys are refused.
    pub fn from_toml(text: &str) -> Result<RoutingRules, String> {
        toml::from_str(text).map_err(|e| format!("routing rules: {e}"))
    }
}

/// Where a court, police or petition referral goes: the attached committee of that kind
/// covering the case's district, else the city's; `None` for other sources or when the
/// organisation has no such committee (then the case routes like any other).
pub fn attached_route(org: &Org, source: Source, area_code: &str, joint: bool) -> Option<Route> {
    trade_route(org, area_code, CommitteeKind::attached_for(source)?, joint)
}

/// The trade or attached committee of `kind` covering the case's district, else the city's.
fn trade_route(org: &Org, area_code: &str, kind: CommitteeKind, joint: bool) -> Option<Route> {
    org.chain(area_code).into_iter().filter(|a| a.level >= Tier::District).find_map(|a| {
        org.committees.iter().find(|c| c.kind == kind && c.area == a.code).map(|c| Route {
            tier: a.level,
            committee_id: c.id,
            joint,
        })
    })
}

/// The geographic committee at `tier` (or the nearest above it) on the area's chain.
fn geographic_route(org: &Org, area_code: &str, tier: Tier, joint: bool) -> Result<Route, RouteError> {
    let chain = org.chain(area_code);
    if chain.is_empty() {
        return Err(RouteError(crate::msg!("unknown area {area_code}", "未知地区 {area_code}")));
    }
    chain
        .into_iter()
        .filter(|a| a.level >= tier)
        .find_map(|a| org.geographic_committee(&a.code).map(|c| Route { tier: a.level, committee_id: c.id, joint }))
        .ok_or_else(|| {
            RouteError(crate::error::Msg::new(
                format!("no committee at or above {tier} for area {area_code}"),
                format!("地区 {area_code} 在{}及以上没有调解委员会", tier.zh()),
            ))
        })
}

/// Escalation: one tier above the case's current tier, to the committee of the same kind at that
/// tier covering the case's area where there is one (a district traffic case goes to the city
/// traffic committee), else the geographic committee. The joint flag is kept, and a critical
/// case escalated to town or above gets the joint team.
pub fn escalate(
    org: &Org,
    area_code: &str,
    current: Tier,
    kind: CommitteeKind,
    complexity: Complexity,
    joint: bool,
) -> Result<Route, RouteError> {
    let up = current.up().ok_or_else(|| {
        RouteError(crate::msg!("the case is already at the city tier; it cannot go higher", "案件已在市级，不能再上报"))
    })?;
    let joint = joint || (complexity == Complexity::Critical && up >= Tier::Town);
    if kind != CommitteeKind::Geographic {
        let same_kind = org.chain(area_code).into_iter().filter(|a| a.level == up).find_map(|a| {
            org.committees.iter().find(|c| c.kind == kind && c.area == a.code).map(|c| Route {
                tier: up,
                committee_id: c.id,
                joint,
            })
        });
        if let Some(route) = same_kind {
            return Ok(route);
        }
    }
    geographic_route(org, area_code, up, joint)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::testing::{small_org, TestResult};
    use proptest::prelude::*;

    #[test]
    fn traffic_goes_to_the_district_traffic_committee() -> TestResult {
        let org = small_org();
        let r = RoutingRules::default().route(
            &org,
            Source::WalkIn,
            "C-D1-T1-V1",
            Category::TrafficAccident,
            Complexity::Simple,
            RiskLevel::None,
            RiskFlags::default(),
        )?;
        assert_eq!(org.committee(r.committee_id).map(|c| c.code.as_str()), Some("TRAFFIC-D1"));
        assert_eq!(r.tier, Tier::District);
        Ok(())
    }

    #[test]
    fn medical_falls_back_to_the_city_committee() -> TestResult {
        let org = small_org();
        let r = RoutingRules::default().route(
            &org,
            Source::WalkIn,
            "C-D1-T1-V1",
            Category::Medical,
            Complexity::General,
            RiskLevel::None,
            RiskFlags::default(),
        )?;
        assert_eq!(org.committee(r.committee_id).map(|c| c.code.as_str()), Some("MEDICAL-C"));
        assert_eq!(r.tier, Tier::City);
        Ok(())
    }

    #[test]
    fn complexity_picks_the_geographic_tier() -> TestResult {
        let org = small_org();
        let rules = RoutingRules::default();
        let at = |cx, risk| {
            rules.route(&org, Source::WalkIn, "C-D1-T1-V1", Category::Neighbour, cx, risk, RiskFlags::default())
        };
        assert_eq!(at(Complexity::Simple, RiskLevel::None)?.tier, Tier::Village);
        assert_eq!(at(Complexity::General, RiskLevel::Yellow)?.tier, Tier::Village);
        assert_eq!(at(Complexity::Major, RiskLevel::None)?.tier, Tier::Town);
        let critical = at(Complexity::Critical, RiskLevel::None)?;
        assert_eq!((critical.tier, critical.joint), (Tier::Town, true));
        let red = at(Complexity::Simple, RiskLevel::Red)?;
        assert_eq!((red.tier, red.joint), (Tier::Town, true));
        Ok(())
    }

    #[test]
    fn escalation_moves_one_tier_and_stops_at_the_city() -> TestResult {
        let org = small_org();
        let up = |tier, kind| escalate(&org, "C-D1-T1-V1", tier, kind, Complexity::General, false);
        let r = up(Tier::Village, CommitteeKind::Geographic)?;
        assert_eq!(r.tier, Tier::Town);
        let r = up(Tier::District, CommitteeKind::Geographic)?;
        assert_eq!(r.tier, Tier::City);
        assert!(up(Tier::City, CommitteeKind::Geographic).is_err());
        Ok(())
    }

    #[test]
    fn escalation_keeps_the_specialist_where_the_higher_tier_has_one() -> TestResult {
        let org = small_org();
        let r = escalate(&org, "C-D1-T1-V1", Tier::District, CommitteeKind::Traffic, Complexity::General, false)?;
        let c = org.committee(r.committee_id).ok_or("no committee")?;
        assert_eq!((r.tier, c.kind), (Tier::City, CommitteeKind::Traffic), "{}", c.code);
        assert!(!r.joint);
        Ok(())
    }

    #[test]
    fn critical_cases_escalated_to_town_or_above_get_the_joint_team() -> TestResult {
        let org = small_org();
        let r = escalate(&org, "C-D1-T1-V1", Tier::Village, CommitteeKind::Geographic, Complexity::Critical, false)?;
        assert_eq!((r.tier, r.joint), (Tier::Town, true));
        let r = escalate(&org, "C-D1-T1-V1", Tier::Village, CommitteeKind::Geographic, Complexity::Major, false)?;
        assert!(!r.joint);
        Ok(())
    }

    #[test]
    fn a_risk_flag_acts_like_red_risk() -> TestResult {
        let org = small_org();
        let rules = RoutingRules::default();
        for flags in [
            RiskFlags { mass: true, ..RiskFlags::default() },
            RiskFlags { media: true, ..RiskFlags::default() },
            RiskFlags { criminal: true, ..RiskFlags::default() },
        ] {
            let r = rules.route(
                &org,
                Source::WalkIn,
                "C-D1-T1-V1",
                Category::Neighbour,
                Complexity::Simple,
                RiskLevel::None,
                flags,
            )?;
            assert_eq!((r.tier, r.joint), (Tier::Town, true), "{flags:?}");
            let r = rules.route(
                &org,
                Source::WalkIn,
                "C-D1-T1-V1",
                Category::TrafficAccident,
                Complexity::Simple,
                RiskLevel::Yellow,
                flags,
            )?;
            assert!(r.tier >= Tier::Town && r.joint, "{flags:?}");
        }
        assert!(!is_acute(RiskLevel::Orange, RiskFlags::default()));
        assert!(is_acute(RiskLevel::Red, RiskFlags::default()));
        Ok(())
    }

    #[test]
    fn rules_file_overrides_defaults_and_refuses_unknown_keys() -> TestResult {
        let r = RoutingRules::from_toml("general = \"town\"")?;
        assert_eq!(r.general, Tier::Town);
        assert_eq!(r.simple, Tier::Village);
        assert!(RoutingRules::from_toml("genral = \"town\"").is_err());
        Ok(())
    }

    proptest! {
        #[test]
        fn every_case_routes_to_one_existing_covering_committee(
            area_ix in 0usize..64,
            cat_ix in 0usize..Category::ALL.len(),
            cx_ix in 0usize..Complexity::ALL.len(),
            risk_ix in 0usize..RiskLevel::ALL.len(),
            (mass, media, criminal) in (any::<bool>(), any::<bool>(), any::<bool>()),
        ) {
            let org = small_org();
            let villages: Vec<_> = org.areas.iter().filter(|a| a.level == Tier::Village).collect();
            let area = villages[area_ix % villages.len()];
            let (cat, cx, risk) = (Category::ALL[cat_ix], Complexity::ALL[cx_ix], RiskLevel::ALL[risk_ix]);
            let flags = RiskFlags { mass, media, criminal };
            let r = RoutingRules::default()
                .route(&org, Source::WalkIn, &area.code, cat, cx, risk, flags)
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            let c = org.committee(r.committee_id).ok_or_else(|| TestCaseError::fail("routed committee missing"))?;
            prop_assert!(org.covers(c, &area.code));
            prop_assert_eq!(org.committee_tier(c), Some(r.tier));
            if risk == RiskLevel::Red || flags.any() {
                prop_assert!(r.tier >= Tier::Town);
                prop_assert!(r.joint);
            }
        }
    }
}
