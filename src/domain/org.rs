//! The organisation: the area tree, committees (geographic and trade) and mediators.

use serde::{Deserialize, Serialize};

use crate::labelled_enum;

use super::case::Category;
use super::Lang;
use crate::error::Msg;
use crate::msg;

labelled_enum! {
    /// The four levels of the network, lowest first; an area's level is its tier.
    pub enum Tier {
        Village = ("village", "村(居)", "Village"),
        Town = ("town", "镇(街道)", "Town"),
        District = ("district", "区", "District"),
        City = ("city", "市", "City"),
    }
}

impl Tier {
    /// The next tier up, or `None` at the city.
    pub fn up(self) -> Option<Tier> {
        match self {
            Tier::Village => Some(Tier::Town),
            Tier::Town => Some(Tier::District),
            Tier::District => Some(Tier::City),
            Tier::City => None,
        }
    }
}

labelled_enum! {
    /// What kind of committee: the geographic one of an area, or a trade/specialised one.
    pub enum CommitteeKind {
        Geographic = ("geographic", "地域", "Geographic"),
        Traffic = ("traffic", "交通", "Traffic"),
        Medical = ("medical", "医疗", "Medical"),
        Labour = ("labour", "劳动", "Labour"),
        Property = ("property", "物业", "Property"),
        Court = ("court", "诉调", "Court-attached"),
        Police = ("police", "警调", "Police-attached"),
        Petition = ("petition", "访调", "Petition-attached"),
        Other = ("other", "其他行业", "Other trade"),
    }
}

impl CommitteeKind {
    /// The trade committee kind that takes a category under routing rule 1, if any.
    pub fn for_category(category: Category) -> Option<CommitteeKind> {
        match category {
            Category::TrafficAccident => Some(CommitteeKind::Traffic),
            Category::Medical => Some(CommitteeKind::Medical),
            Category::Labour => Some(CommitteeKind::Labour),
            Category::PropertyManagement => Some(CommitteeKind::Property),
            _ => None,
        }
    }

    /// The attached committee kind a referral from `source` goes to (court, police, petition).
    pub fn attached_for(source: super::Source) -> Option<CommitteeKind> {
        match source {
            super::Source::CourtReferral => Some(CommitteeKind::Court),
            super::Source::PoliceReferral => Some(CommitteeKind::Police),
            super::Source::PetitionReferral => Some(CommitteeKind::Petition),
            _ => None,
        }
    }

    /// The column of the routing matrix this kind is counted in.
    pub fn matrix_column(self) -> usize {
        match self {
            CommitteeKind::Traffic => 0,
            CommitteeKind::Medical => 1,
            CommitteeKind::Labour => 2,
            CommitteeKind::Property => 3,
            CommitteeKind::Court | CommitteeKind::Police | CommitteeKind::Petition | CommitteeKind::Other => 4,
            CommitteeKind::Geographic => 5,
        }
    }
}

/// A node of the area tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Area {
    /// Database id (assigned on load; 0 in files).
    #[serde(default)]
    pub id: i64,
    /// Stable code, e.g. `WH-HBW-01-03`.
    pub code: String,
    /// Parent area code; `None` for the city.
    pub parent: Option<String>,
    /// Its level in the network.
    pub level: Tier,
    /// Chinese name.
    pub name_zh: String,
    /// English (pinyin) name.
    pub name_en: String,
}

/// A people's mediation committee (调委会).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Committee {
    /// Database id (assigned on load; 0 in files).
    #[serde(default)]
    pub id: i64,
    /// Stable code.
    pub code: String,
    /// Geographic or trade.
    pub kind: CommitteeKind,
    /// Code of the area it belongs to (geographic) or covers (trade).
    pub area: String,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
}

/// A mediator (调解员), possibly a grid worker (网格员).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mediator {
    /// Database id (assigned on load; 0 in files).
    #[serde(default)]
    pub id: i64,
    /// Full name.
    pub name: String,
    /// Codes of the committees the mediator sits on.
    pub committees: Vec<String>,
    /// A grid worker who also mediates.
    #[serde(default)]
    pub grid_worker: bool,
    /// Categories the mediator specialises in.
    #[serde(default)]
    pub specialties: Vec<Category>,
    /// How many open cases the mediator can carry.
    pub capacity: u32,
    /// On duty now.
    #[serde(default = "yes")]
    pub on_duty: bool,
    /// Phone number.
    #[serde(default)]
    pub phone: String,
}

fn yes() -> bool {
    true
}

/// The whole organisation, small enough to hold in memory (areas, committees, mediators).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Org {
    /// City code used in case refs, e.g. `WH`.
    pub city_code: String,
    /// Every area, parents before children.
    pub areas: Vec<Area>,
    /// Every committee.
    pub committees: Vec<Committee>,
    /// Every mediator.
    pub mediators: Vec<Mediator>,
}

impl Org {
    /// The area with this database id.
    pub fn area(&self, id: i64) -> Option<&Area> {
        self.areas.iter().find(|a| a.id == id)
    }

    /// The area with this code.
    pub fn area_by_code(&self, code: &str) -> Option<&Area> {
        self.areas.iter().find(|a| a.code == code)
    }

    /// The committee with this database id.
    pub fn committee(&self, id: i64) -> Option<&Committee> {
        self.committees.iter().find(|c| c.id == id)
    }

    /// The committee with this code.
    pub fn committee_by_code(&self, code: &str) -> Option<&Committee> {
        self.committees.iter().find(|c| c.code == code)
    }

    /// The mediator with this database id.
    pub fn mediator(&self, id: i64) -> Option<&Mediator> {
        self.mediators.iter().find(|m| m.id == id)
    }

    /// The area itself, then its parent, up to the city.
    pub fn chain(&self, area_code: &str) -> Vec<&Area> {
        let mut out = Vec::new();
        let mut cur = self.area_by_code(area_code);
        while let Some(a) = cur {
            if out.len() > 8 {
                break; // a cycle in a hand-written org file; validate() reports it
            }
            out.push(a);
            cur = a.parent.as_deref().and_then(|p| self.area_by_code(p));
        }
        out
    }

    /// The ancestor (or self) of an area at the given level.
    pub fn ancestor_at(&self, area_code: &str, level: Tier) -> Option<&Area> {
        self.chain(area_code).into_iter().find(|a| a.level == level)
    }

    /// The tier a committee works at: the level of the area it belongs to or covers.
    pub fn committee_tier(&self, c: &Committee) -> Option<Tier> {
        self.area_by_code(&c.area).map(|a| a.level)
    }

    /// The geographic committee of an area.
    pub fn geographic_committee(&self, area_code: &str) -> Option<&Committee> {
        self.committees.iter().find(|c| c.kind == CommitteeKind::Geographic && c.area == area_code)
    }

    /// True when `committee` covers `area_code`: its area is the case's area or an ancestor of it.
    pub fn covers(&self, committee: &Committee, area_code: &str) -> bool {
        self.chain(area_code).iter().any(|a| a.code == committee.area)
    }

    /// Mediators who sit on the committee with this code.
    pub fn members<'a>(&'a self, committee_code: &'a str) -> impl Iterator<Item = &'a Mediator> + 'a {
        self.mediators.iter().filter(move |m| m.committees.iter().any(|c| c == committee_code))
    }

    /// Checks the org is well formed; returns every problem found (in English).
    pub fn validate(&self) -> Result<(), Vec<String>> {
        let errs = self.problems();
        if errs.is_empty() {
            Ok(())
        } else {
            Err(errs.iter().map(|m| m.en().to_string()).collect())
        }
    }

    /// Every problem that makes the org ill formed, in both languages; empty when it is well
    /// formed.
    pub fn problems(&self) -> Vec<Msg> {
        use std::collections::{HashMap, HashSet};
        let mut errs = self.text_problems();
        // Indexes, so that checking is linear in the size of the organisation.
        let areas: HashMap<&str, &Area> = self.areas.iter().map(|a| (a.code.as_str(), a)).collect();
        let geographic: HashSet<&str> =
            self.committees.iter().filter(|c| c.kind == CommitteeKind::Geographic).map(|c| c.area.as_str()).collect();
        let mut seen = HashSet::new();
        for a in &self.areas {
            if !seen.insert(a.code.as_str()) {
                errs.push(msg!("area {}: duplicate code", "地区 {}：编码重复"; a.code));
            }
            match (&a.parent, a.level) {
                (None, Tier::City) => {}
                (None, _) => errs
                    .push(msg!("area {}: only the city may have no parent", "地区 {}：只有市级可以没有上级"; a.code)),
                (Some(p), level) => match areas.get(p.as_str()) {
                    None => errs.push(msg!("area {}: unknown parent {p}", "地区 {}：未知上级 {p}"; a.code)),
                    Some(parent) if parent.level.up().is_none() && level != Tier::District => errs.push(Msg::new(
                        format!("area {}: level {level} cannot sit under the city", a.code),
                        format!("地区 {}：{}级不能直属于市", a.code, level.zh()),
                    )),
                    Some(parent) if level.up() != Some(parent.level) => errs.push(Msg::new(
                        format!("area {}: a {level} cannot sit under a {}", a.code, parent.level),
                        format!("地区 {}：{}级不能隶属于{}级", a.code, level.zh(), parent.level.zh()),
                    )),
                    Some(_) => {}
                },
            }
        }
        let mut seen = HashSet::new();
        for c in &self.committees {
            if !seen.insert(c.code.as_str()) {
                errs.push(msg!("committee {}: duplicate code", "调解委员会 {}：编码重复"; c.code));
            }
            if !areas.contains_key(c.area.as_str()) {
                errs.push(msg!("committee {}: unknown area {}", "调解委员会 {}：未知地区 {}"; c.code, c.area));
            }
        }
        for a in &self.areas {
            if !geographic.contains(a.code.as_str()) {
                errs.push(msg!("area {}: has no geographic committee", "地区 {}：没有本地调解委员会"; a.code));
            }
        }
        let committees: HashSet<&str> = self.committees.iter().map(|c| c.code.as_str()).collect();
        let mut seen = std::collections::HashSet::new();
        for m in &self.mediators {
            if super::bounds::is_blank(&m.name) {
                errs.push(msg!("mediator with an empty name", "有调解员姓名为空"));
            }
            if !seen.insert(m.name.as_str()) {
                errs.push(msg!("mediator {}: duplicate name", "调解员 {}：姓名重复"; m.name));
            }
            if m.committees.is_empty() {
                errs.push(msg!("mediator {}: sits on no committee", "调解员 {}：不属于任何调解委员会"; m.name));
            }
            for c in &m.committees {
                if !committees.contains(c.as_str()) {
                    errs.push(msg!("mediator {}: unknown committee {c}", "调解员 {}：未知调解委员会 {c}"; m.name));
                }
            }
        }
        errs
    }
}

impl Org {
    /// Every text of the organisation through the one free-text validator (codes, names,
    /// phones); the city code, which every ref starts with, is 1 to 8 ASCII letters or digits.
    /// Each problem names the item and the field.
    fn text_problems(&self) -> Vec<Msg> {
        use super::bounds::check_text;
        use super::intake::MAX_SHORT_BYTES;
        let mut errs = Vec::new();
        let c = &self.city_code;
        if c.is_empty() || c.len() > 8 || !c.bytes().all(|b| b.is_ascii_alphanumeric()) {
            let c = super::text::sanitize(c);
            errs.push(msg!(
                "city_code {c:?}: must be 1 to 8 ASCII letters or digits",
                "city_code “{c}”：应为 1 到 8 位 ASCII 字母或数字"
            ));
        }
        let mut check = |what: Msg, field: &str, value: &str, required: bool| {
            for e in check_text(field, value, MAX_SHORT_BYTES, required, false) {
                let (en, zh) = (super::text::sanitize(what.en()), super::text::sanitize(what.get(Lang::Zh)));
                errs.push(Msg::new(format!("{en}: {e}"), format!("{zh}：{}", e.words(Lang::Zh))));
            }
        };
        for a in &self.areas {
            let what = || msg!("area {}", "地区 {}"; a.code);
            check(what(), "code", &a.code, true);
            check(what(), "name_zh", &a.name_zh, true);
            check(what(), "name_en", &a.name_en, true);
        }
        for k in &self.committees {
            let what = || msg!("committee {}", "调解委员会 {}"; k.code);
            check(what(), "code", &k.code, true);
            check(what(), "name_zh", &k.name_zh, true);
            check(what(), "name_en", &k.name_en, true);
        }
        for m in &self.mediators {
            let what = || msg!("mediator {}", "调解员 {}"; m.name);
            check(what(), "name", &m.name, false);
            check(what(), "phone", &m.phone, false);
        }
        errs
    }
}
