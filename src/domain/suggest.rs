//! Assignment suggestions: the routed committee's mediators ranked, each with the reasons why.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::case::{Category, Complexity};
use super::org::{Org, Tier};

/// A mediator's current load, as the store counts it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Load {
    /// Open cases led.
    pub open: u32,
    /// Of those, overdue.
    pub overdue: u32,
    /// When the mediator was last assigned a case.
    pub last_assigned: Option<DateTime<Utc>>,
}

/// One ranked candidate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// Mediator id.
    pub mediator_id: i64,
    /// Mediator name.
    pub name: String,
    /// On duty now.
    pub on_duty: bool,
    /// A specialty matches the case's category.
    pub specialty_match: bool,
    /// A grid worker of the case's village (added for simple cases).
    pub village_grid_worker: bool,
    /// Open cases.
    pub open: u32,
    /// Capacity.
    pub capacity: u32,
    /// Overdue cases.
    pub overdue: u32,
    /// Last assignment.
    pub last_assigned: Option<DateTime<Utc>>,
}

impl Suggestion {
    /// True when one more case would put the mediator over capacity.
    pub fn would_exceed_capacity(&self) -> bool {
        self.open >= self.capacity
    }

    /// Load as open/capacity in per-mille (for sorting without floats).
    pub fn load_permille(&self) -> u64 {
        u64::from(self.open) * 1000 / u64::from(self.capacity.max(1))
    }
}

/// What to rank candidates for.
#[derive(Debug, Clone, Copy)]
pub struct SuggestFor<'a> {
    /// The routed committee's code.
    pub committee: &'a str,
    /// The case's area (a village) code.
    pub area: &'a str,
    /// The case's category.
    pub category: Category,
    /// The case's complexity.
    pub complexity: Complexity,
}

/// Ranks candidates: specialty matches; load ascending; fewer overdue; least recently assigned;
/// id. Mediators off duty are not candidates (an officer can still assign one by name from the
/// CLI); suggestions and auto-assign skip them.
pub fn suggest(org: &Org, loads: &HashMap<i64, Load>, case: SuggestFor<'_>) -> Vec<Suggestion> {
    let village = org.ancestor_at(case.area, Tier::Village).map(|a| a.code.clone());
    let village_committee = village.as_deref().and_then(|v| org.geographic_committee(v)).map(|c| c.code.clone());
    let mut out: Vec<Suggestion> = org
        .mediators
        .iter()
        .filter_map(|m| {
            let member = m.committees.iter().any(|c| c == case.committee);
            let grid_here = case.complexity == Complexity::Simple
                && m.grid_worker
                && village_committee.as_deref().is_some_and(|vc| m.committees.iter().any(|c| c == vc));
            if (!member && !grid_here) || !m.on_duty {
                return None;
            }
            let load = loads.get(&m.id).copied().unwrap_or_default();
            Some(Suggestion {
                mediator_id: m.id,
                name: m.name.clone(),
                on_duty: m.on_duty,
                specialty_match: m.specialties.contains(&case.category),
                village_grid_worker: grid_here,
                open: load.open,
                capacity: m.capacity,
                overdue: load.overdue,
                last_assigned: load.last_assigned,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        b.on_duty
            .cmp(&a.on_duty)
            .then(b.specialty_match.cmp(&a.specialty_match))
            .then(a.load_permille().cmp(&b.load_permille()))
            .then(a.overdue.cmp(&b.overdue))
            .then(a.last_assigned.cmp(&b.last_assigned))
            .then(a.mediator_id.cmp(&b.mediator_id))
    });
    out
}

/// Spreads `n` cases over ranked candidates by load: each case goes to the candidate with the
/// lowest load after the previous picks (on-duty and under capacity first). Returns indexes into
/// `ranked`, one per case.
pub fn spread_by_load(ranked: &[Suggestion], n: usize) -> Vec<usize> {
    let mut open: Vec<u32> = ranked.iter().map(|s| s.open).collect();
    let mut picks = Vec::with_capacity(n);
    for _ in 0..n {
        let best = (0..ranked.len()).min_by_key(|&i| {
            let s = &ranked[i];
            let full = open[i] >= s.capacity;
            (!s.on_duty, full, u64::from(open[i]) * 1000 / u64::from(s.capacity.max(1)), i)
        });
        match best {
            Some(i) => {
                open[i] += 1;
                picks.push(i);
            }
            None => break,
        }
    }
    picks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::testing::small_org;

    #[test]
    fn ranking_prefers_on_duty_then_specialty_then_load() {
        let mut org = small_org();
        // Three members of the village committee.
        org.mediators[1].on_duty = false;
        org.mediators[2].specialties = vec![Category::Neighbour];
        let mut loads = HashMap::new();
        loads.insert(org.mediators[0].id, Load { open: 1, ..Load::default() });
        let v = suggest(
            &org,
            &loads,
            SuggestFor {
                committee: "G-C-D1-T1-V1",
                area: "C-D1-T1-V1",
                category: Category::Neighbour,
                complexity: Complexity::General,
            },
        );
        let names: Vec<_> = v.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, vec!["王芳", "张伟"], "李娜 is off duty");
        assert!(v[0].specialty_match);
        assert!(v.iter().all(|s| s.on_duty));
    }

    #[test]
    fn off_duty_mediators_are_never_offered() {
        let mut org = small_org();
        for m in &mut org.mediators {
            m.on_duty = false;
        }
        let case = SuggestFor {
            committee: "G-C-D1-T1-V1",
            area: "C-D1-T1-V1",
            category: Category::Neighbour,
            complexity: Complexity::Simple,
        };
        let v = suggest(&org, &HashMap::new(), case);
        assert!(v.is_empty(), "{v:?}");
        assert!(spread_by_load(&v, 2).is_empty(), "auto-assign finds no one");
    }

    #[test]
    fn spreading_goes_to_the_least_loaded_first() {
        let mk = |id, open| Suggestion {
            mediator_id: id,
            name: format!("m{id}"),
            on_duty: true,
            specialty_match: false,
            village_grid_worker: false,
            open,
            capacity: 10,
            overdue: 0,
            last_assigned: None,
        };
        let ranked = vec![mk(1, 5), mk(2, 0), mk(3, 1)];
        assert_eq!(spread_by_load(&ranked, 4), vec![1, 1, 2, 1]);
        assert!(spread_by_load(&[], 3).is_empty());
    }
}
