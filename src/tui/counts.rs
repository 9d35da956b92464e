//! The Routing matrix and the Workload a desk counts from the open cases it holds, kept up to
//! date case by case: a changed case takes its old contribution out and puts its new one in,
//! so a change costs the desk what changed, not a recount of every open case. The counts say
//! how long they hold: until the first running clock of a held case runs out (its case then
//! turns overdue), after which they are counted again from scratch.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::domain::{Org, StatusSet};
use crate::store::feed::OpenCase;
use crate::store::{RoutingMatrix, WorkloadRow};

/// The counts of one set of open cases at one time.
#[derive(Debug, Clone)]
pub struct Counts {
    /// The counts hold while `now` is before this (no held case's clock runs out before it).
    valid_until: DateTime<Utc>,
    /// The matrix column of each committee the organisation knows.
    columns: HashMap<i64, usize>,
    matrix: RoutingMatrix,
    /// `(open, overdue)` cases led, per mediator.
    loads: HashMap<i64, (u64, u64)>,
    /// Each mediator's Workload row with no cases, in organisation order: the names and
    /// committees are shared by every build of the rows, not copied.
    blank: Vec<WorkloadRow>,
    /// The Workload rows as last built from `loads` (`None`: the loads changed since).
    workload: Option<Arc<Vec<WorkloadRow>>>,
}

impl Counts {
    /// Counts `open` at `now`.
    pub fn count<'a>(org: &Org, open: impl Iterator<Item = &'a OpenCase>, now: DateTime<Utc>) -> Counts {
        let mut counts = Counts {
            valid_until: DateTime::<Utc>::MAX_UTC,
            columns: org.committees.iter().map(|k| (k.id, k.kind.matrix_column())).collect(),
            matrix: RoutingMatrix::default(),
            loads: HashMap::new(),
            blank: org
                .mediators
                .iter()
                .map(|m| WorkloadRow {
                    mediator_id: m.id,
                    name: m.name.as_str().into(),
                    committees: m.committees.as_slice().into(),
                    open: 0,
                    capacity: m.capacity,
                    overdue: 0,
                    on_duty: m.on_duty,
                    grid_worker: m.grid_worker,
                })
                .collect(),
            workload: None,
        };
        for c in open {
            counts.add(c, now);
        }
        counts
    }

    /// True while the counts still hold at `now`.
    pub fn valid_at(&self, now: DateTime<Utc>) -> bool {
        now < self.valid_until
    }

    /// Counts one more open case at `now`.
    pub fn add(&mut self, c: &OpenCase, now: DateTime<Utc>) {
        self.tally(c, now, true);
        if let Some(due) = c.running_due().filter(|d| *d >= now) {
            self.valid_until = self.valid_until.min(due);
        }
    }

    /// Takes out a case counted before (while the counts held, so it is as overdue now as
    /// then).
    pub fn remove(&mut self, c: &OpenCase, now: DateTime<Utc>) {
        self.tally(c, now, false);
    }

    /// The one place a case's contribution is defined: its cell of the matrix, and its lead
    /// mediator's load while it is led.
    fn tally(&mut self, c: &OpenCase, now: DateTime<Utc>, add: bool) {
        let overdue = c.is_overdue(now);
        let step = |n: &mut u64, by: bool| *n = if add { *n + u64::from(by) } else { n.saturating_sub(u64::from(by)) };
        if let Some(&col) = self.columns.get(&c.committee_id) {
            let cell = &mut self.matrix.cells[c.tier as usize][col];
            step(&mut cell.0, true);
            step(&mut cell.1, overdue);
        }
        if let (Some(m), true) = (c.lead_mediator_id, StatusSet::Led.contains(c.status)) {
            let load = self.loads.entry(m).or_default();
            step(&mut load.0, true);
            step(&mut load.1, overdue);
            self.workload = None;
        }
    }

    /// The Routing matrix.
    pub fn matrix(&self) -> RoutingMatrix {
        self.matrix
    }

    /// The Workload rows, one per mediator in organisation order (built again only after a
    /// led case changed).
    pub fn workload(&mut self) -> Arc<Vec<WorkloadRow>> {
        let (loads, blank) = (&self.loads, &self.blank);
        self.workload
            .get_or_insert_with(|| {
                Arc::new(
                    blank
                        .iter()
                        .map(|b| {
                            let (open, overdue) = loads.get(&b.mediator_id).copied().unwrap_or_default();
                            WorkloadRow { open: narrow(open), overdue: narrow(overdue), ..b.clone() }
                        })
                        .collect(),
                )
            })
            .clone()
    }
}

fn narrow(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
