//! The demo organisation's published shape: the city's three districts with their real 20
//! towns/streets (DESIGN.md), 45 trade committees, 247 grid workers, and the trade kinds the
//! routing rules need at the city and in every district, checked on the org as the store loads it.

use std::collections::{BTreeSet, HashMap, HashSet};

use duty_desk::domain::{Category, CommitteeKind, Complexity, Org, Policy, RiskLevel, Tier};
use duty_desk::store::Store;

/// The demo organisation after a round trip through the real loader (a SQLite file in a temp dir).
fn loaded() -> Org {
    let org: Org = serde_json::from_str(include_str!("../fixtures/demo-org.json")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::create(&dir.path().join("org.db")).unwrap();
    store.init_org(&org, &Policy::default(), chrono::Utc::now()).unwrap();
    store.org().unwrap().clone()
}

/// DESIGN.md's list: each district's code and name, and its towns/streets.
const CITY: [(&str, &str, &[&str]); 3] = [
    ("WH-HBW", "海勃湾区", &["千里山镇", "新华街道", "新华西街道", "凤凰岭街道", "海北街道", "滨河街道", "卡布其街道"]),
    (
        "WH-WD",
        "乌达区",
        &["乌兰淖尔镇", "巴音赛街道", "三道坎街道", "五虎山街道", "梁家沟街道", "滨海街道", "新达街道", "苏海图街道"],
    ),
    ("WH-HN", "海南区", &["巴音陶亥镇", "公乌素镇", "拉僧庙镇", "拉僧仲街道", "西卓子山街道"]),
];

fn at(org: &Org, level: Tier) -> Vec<&duty_desk::domain::Area> {
    org.areas.iter().filter(|a| a.level == level).collect()
}

#[test]
fn three_districts_with_exactly_their_real_towns_and_streets() {
    let org = loaded();
    org.validate().unwrap();
    assert_eq!(org.city_code, "WH");
    let city = at(&org, Tier::City);
    assert_eq!(city.len(), 1);
    assert_eq!((city[0].code.as_str(), city[0].name_zh.as_str()), ("WH", "乌海市"));
    let districts: BTreeSet<(&str, &str)> =
        at(&org, Tier::District).iter().map(|a| (a.code.as_str(), a.name_zh.as_str())).collect();
    assert_eq!(districts, CITY.iter().map(|(code, name, _)| (*code, *name)).collect());
    assert_eq!(at(&org, Tier::Town).len(), 20);
    for (code, name, towns) in CITY {
        let under: BTreeSet<&str> = at(&org, Tier::Town)
            .iter()
            .filter(|t| t.parent.as_deref() == Some(code))
            .map(|t| t.name_zh.as_str())
            .collect();
        assert_eq!(under, towns.iter().copied().collect(), "the towns/streets of {name}");
    }
    for v in at(&org, Tier::Village) {
        assert!(org.ancestor_at(&v.code, Tier::Town).is_some_and(|t| t.parent.is_some()), "{}", v.code);
    }
    assert!(at(&org, Tier::Village).len() >= 60, "too few villages/communities");
}

#[test]
fn no_village_carries_the_name_of_another_districts_town_or_district() {
    let org = loaded();
    let base = |name: &str| name.trim_end_matches("街道").trim_end_matches('镇').trim_end_matches('区').to_string();
    // (base name, district code) of every district and town/street.
    let mut names: Vec<(String, String)> = Vec::new();
    for (code, district, towns) in CITY {
        names.push((base(district), code.to_string()));
        names.extend(towns.iter().map(|t| (base(t), code.to_string())));
    }
    let mut seen = HashSet::new();
    for a in &org.areas {
        assert!(seen.insert(a.name_zh.as_str()), "two areas are named {}", a.name_zh);
    }
    for v in at(&org, Tier::Village) {
        let district = org.ancestor_at(&v.code, Tier::District).map(|d| d.code.clone()).unwrap_or_default();
        assert!(v.name_zh.ends_with("社区") || v.name_zh.ends_with('村'), "{}", v.name_zh);
        for (name, code) in &names {
            assert!(
                *code == district || !v.name_zh.contains(name.as_str()),
                "{} ({district}) carries {name}",
                v.name_zh
            );
        }
    }
}

#[test]
fn forty_five_trade_committees_and_the_routed_kinds_at_city_and_every_district() {
    let org = loaded();
    let trade: Vec<_> = org.committees.iter().filter(|c| c.kind != CommitteeKind::Geographic).collect();
    assert_eq!(trade.len(), 45);
    for c in &trade {
        let tier = org.committee_tier(c);
        assert!(matches!(tier, Some(Tier::City | Tier::District)), "{} works at {tier:?}", c.code);
    }
    // One geographic committee per area.
    for a in &org.areas {
        let n = org.committees.iter().filter(|c| c.kind == CommitteeKind::Geographic && c.area == a.code).count();
        assert_eq!(n, 1, "{}", a.code);
    }
    use CommitteeKind as K;
    let places = ["WH", "WH-HBW", "WH-WD", "WH-HN"];
    for place in places {
        for kind in [K::Traffic, K::Medical, K::Labour, K::Property, K::Court, K::Police, K::Petition] {
            let n = trade.iter().filter(|c| c.kind == kind && c.area == place).count();
            assert_eq!(n, 1, "{place} has {n} {kind} committees");
        }
        // Kinds the domain has no variant for are `other`, told apart by their code.
        let code = format!("FAMILY-{place}");
        let c = org.committee_by_code(&code).unwrap_or_else(|| panic!("no {code}"));
        assert_eq!((c.kind, c.area.as_str()), (K::Other, place));
    }
    // Rule 1 sends each district's trade categories to that district's committee.
    let rules = Policy::default().routing;
    for village in at(&org, Tier::Village) {
        let district = org.ancestor_at(&village.code, Tier::District).map(|d| d.code.clone()).unwrap_or_default();
        for (category, prefix) in [
            (Category::TrafficAccident, "TRAFFIC"),
            (Category::Medical, "MEDICAL"),
            (Category::Labour, "LABOUR"),
            (Category::PropertyManagement, "PROPERTY"),
        ] {
            let r = rules
                .route(
                    &org,
                    duty_desk::domain::Source::WalkIn,
                    &village.code,
                    category,
                    Complexity::General,
                    RiskLevel::None,
                    Default::default(),
                )
                .unwrap();
            let c = org.committee(r.committee_id).unwrap();
            assert_eq!(c.code, format!("{prefix}-{district}"), "{} {category:?}", village.code);
        }
    }
}

/// Issue 8, point 4: court, police and petition referrals go to the attached committee of that
/// kind for the case's district; other sources route as before; red risk does not move them.
#[test]
fn referrals_go_to_the_attached_committee_of_their_district() {
    use duty_desk::domain::{RiskFlags, Source};
    let org = loaded();
    let rules = Policy::default().routing;
    for village in at(&org, Tier::Village) {
        let district = org.ancestor_at(&village.code, Tier::District).map(|d| d.code.clone()).unwrap_or_default();
        for (source, prefix) in [
            (Source::CourtReferral, "COURT"),
            (Source::PoliceReferral, "POLICE"),
            (Source::PetitionReferral, "PETITION"),
        ] {
            for (risk, flags) in [(RiskLevel::None, RiskFlags::default()), (RiskLevel::Red, RiskFlags::default())] {
                let r = rules
                    .route(&org, source, &village.code, Category::Neighbour, Complexity::General, risk, flags)
                    .unwrap();
                let c = org.committee(r.committee_id).unwrap();
                assert_eq!(c.code, format!("{prefix}-{district}"), "{} {source:?}", village.code);
                assert_eq!(r.joint, risk == RiskLevel::Red);
            }
        }
        let walk_in = rules
            .route(
                &org,
                Source::WalkIn,
                &village.code,
                Category::Neighbour,
                Complexity::General,
                RiskLevel::None,
                RiskFlags::default(),
            )
            .unwrap();
        assert_eq!(org.committee(walk_in.committee_id).unwrap().kind, CommitteeKind::Geographic);
    }
}

#[test]
fn mediators_247_grid_workers_and_staffed_committees() {
    let org = loaded();
    let grid: Vec<_> = org.mediators.iter().filter(|m| m.grid_worker).collect();
    assert_eq!(grid.len(), 247);
    for m in &grid {
        assert_eq!(m.committees.len(), 1, "{}", m.name);
        let tier = org.committee_by_code(&m.committees[0]).and_then(|c| org.committee_tier(c));
        assert_eq!(tier, Some(Tier::Village), "grid worker {} sits on {:?}", m.name, m.committees);
    }
    let mut members: HashMap<&str, usize> = HashMap::new();
    for m in &org.mediators {
        for c in &m.committees {
            *members.entry(c.as_str()).or_default() += 1;
        }
    }
    for c in &org.committees {
        let town = c.kind == CommitteeKind::Geographic && org.committee_tier(c) == Some(Tier::Town);
        let need = if town { 3 } else { 2 };
        let got = members.get(c.code.as_str()).copied().unwrap_or(0);
        assert!(got >= need, "{} has {got} mediators, needs {need}", c.code);
    }
    let mut phones = HashSet::new();
    for m in &org.mediators {
        let p = m.phone.as_bytes();
        assert!(
            p.len() == 11 && p.iter().all(u8::is_ascii_digit) && p[0] == b'1' && (b'3'..=b'9').contains(&p[1]),
            "{}: {}",
            m.name,
            m.phone
        );
        assert!(phones.insert(m.phone.as_str()), "{} shares a phone", m.name);
        assert!((1..=30).contains(&m.capacity), "{}: capacity {}", m.name, m.capacity);
        assert!(!m.specialties.is_empty(), "{} has no specialty", m.name);
    }
    let on_duty = org.mediators.iter().filter(|m| m.on_duty).count();
    assert!(on_duty > org.mediators.len() / 2 && on_duty < org.mediators.len(), "{on_duty} on duty");
}

#[test]
fn ids_the_tests_and_readme_use_still_exist() {
    let org = loaded();
    for (code, level) in [
        ("WH-HBW", Tier::District),
        ("WH-HBW-01", Tier::Town),
        ("WH-HBW-01-01", Tier::Village),
        ("WH-WD-03-01", Tier::Village),
    ] {
        assert_eq!(org.area_by_code(code).map(|a| a.level), Some(level), "{code}");
    }
    assert!(org.geographic_committee("WH-HBW-01").is_some_and(|c| c.code == "G-WH-HBW-01"));
    assert!(org.members("G-WH-HBW-01").count() >= 3);
}
