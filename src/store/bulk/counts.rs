//! The statistics counts of a bulk load's rows, summed in Rust as the rows go by (issue 13: the
//! generator at scale): what the insert triggers of `store::report_blocks` would have added to
//! `stats_blocks` row by row, for a load that set them aside ([`super::Bulk`]).
//!
//! Each row adds one contribution per dimension, read from the values the row is written with
//! exactly as the triggers' SQL reads the row ([`case`] mirrors `report_blocks::dim_columns`:
//! the same dates, keys and nine counted values, a NULL date adding nothing); they are summed
//! per one-day block in a hash map, the longer blocks summed from the one-day sums at the end
//! (each span divides the next: `floor(floor(t / a) / b) = floor(t / ab)`), and the sums are
//! added to `stats_blocks` in its key order with the triggers' own upsert. The tests compare
//! the result with the counts the triggers build row by row (tests/bulk_load.rs).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use rusqlite::types::ValueRef;
use rusqlite::Transaction;

use super::super::report_blocks::{bind_counts, insert_counts_sql, Dim, ADD_ON_CONFLICT, DAY, SPANS};
use super::super::sql::ts;
use crate::domain::{AgreementForm, Case, Followup, StatusSet};
use crate::error::Result;

/// A small multiplicative hasher for the keys (a few integers each; SipHash's resistance to
/// chosen keys is not needed for keys the load makes itself).
#[derive(Default)]
struct Mix(u64);

impl Hasher for Mix {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_u8(&mut self, n: u8) {
        self.write_u64(u64::from(n));
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }
    fn write_i64(&mut self, n: i64) {
        self.write_u64(n as u64);
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
    fn finish(&self) -> u64 {
        // The product's well-mixed high bits brought down to where the table indexes.
        self.0.rotate_left(26)
    }
}

type Map<K, V> = HashMap<K, V, BuildHasherDefault<Mix>>;

/// A key of `stats_blocks` as written: an integer or a code (the Kind dimension's keys).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    /// An integer key (SQLite orders integers before text).
    Int(i64),
    /// A code, compared bytewise as SQLite's BINARY collation does.
    Text(&'static str),
}

/// The nine counted values of a row, in the order of `report_blocks::COLUMNS` after the key.
type Values = [i64; 9];

/// Every dimension, in `stats_blocks`' key order (by its number).
const DIMS: [Dim; 8] = [
    Dim::Place,
    Dim::Kind,
    Dim::Mediator,
    Dim::Received,
    Dim::WaitHour,
    Dim::WaitMinute,
    Dim::VisitDone,
    Dim::VisitDue,
];

/// The sums of one dimension's one-day blocks: per day, per key (a small map per day, so the
/// days a stream of rows is at stay in the processor's cache).
type DaySums = Map<i64, Map<[i64; 3], Values>>;

/// The sums of the rows seen so far, per dimension, one-day block and key.
#[derive(Default)]
pub struct Counts {
    /// By dimension number.
    sums: [DaySums; DIMS.len()],
    /// The codes the Kind dimension's keys hold, by place.
    codes: Vec<&'static str>,
    code_ix: Map<&'static str, i64>,
}

/// Rows one INSERT statement adds to `stats_blocks`.
const ROWS: usize = 32;

/// The dimensions a case row adds to, each with its date.
const CASE_DIMS: [Dim; 6] = [Dim::Place, Dim::Kind, Dim::Mediator, Dim::Received, Dim::WaitHour, Dim::WaitMinute];

impl Counts {
    fn code(&mut self, code: &'static str) -> i64 {
        let next = self.codes.len() as i64;
        let ix = *self.code_ix.entry(code).or_insert(next);
        if ix == next {
            self.codes.push(code);
        }
        ix
    }

    fn add(&mut self, dim: Dim, time: Option<i64>, keys: [i64; 3], values: Values) {
        let Some(t) = time else { return };
        let Some(days) = self.sums.get_mut(dim as usize) else { return };
        let sums = days.entry(t.div_euclid(DAY)).or_default().entry(keys).or_insert([0; 9]);
        for (s, v) in sums.iter_mut().zip(values) {
            *s += v;
        }
    }

    /// Adds what the row `c` is written as adds (the triggers' `stats_finished_insert`,
    /// `stats_received_insert` and `stats_assigned_insert`).
    pub fn case(&mut self, c: &Case) {
        let withdrawn = StatusSet::Withdrawn.contains(c.status);
        let mediated = !withdrawn;
        let ok = mediated && StatusSet::Success.contains(c.status);
        let finished_at = c.finished_at.map(ts);
        let mediation_due = c.mediation_due.map(ts);
        let finished: Values = [
            0,
            i64::from(mediated),
            i64::from(ok),
            if mediated { c.amount_fen } else { 0 },
            i64::from(ok && c.agreement.map(|a| a.code()) == Some(AgreementForm::Oral.code())),
            i64::from(ok && c.performed_at.is_some()),
            i64::from(ok && c.judicial_confirmation),
            i64::from(withdrawn),
            i64::from(mediated && matches!((finished_at, mediation_due), (Some(f), Some(d)) if f > d)),
        ];
        let counted: Values = [1, 0, 0, 0, 0, 0, 0, 0, 0];
        let (received_at, assigned_at) = (ts(c.received_at), c.assigned_at.map(ts));
        // SQLite's integer division truncates toward zero, as Rust's does.
        let minutes = assigned_at.map_or(0, |a| (a - received_at) / 60);
        for dim in CASE_DIMS {
            match dim {
                Dim::Place => self.add(dim, finished_at, [c.area_id, c.committee_id, 0], finished),
                Dim::Kind => {
                    let keys = [self.code(c.category.code()), self.code(c.source.code()), self.code(c.tier.code())];
                    self.add(dim, finished_at, keys, finished);
                }
                Dim::Mediator => self.add(dim, finished_at, [c.lead_mediator_id.unwrap_or(0), 0, 0], finished),
                Dim::Received => self.add(dim, Some(received_at), [0; 3], counted),
                Dim::WaitHour => self.add(dim, assigned_at, [minutes / 60, 0, 0], counted),
                Dim::WaitMinute => self.add(dim, assigned_at, [minutes, 0, 0], counted),
                Dim::VisitDone | Dim::VisitDue => {}
            }
        }
    }

    /// Adds what the follow-up row `f` adds (`stats_visit_done_insert`, `stats_visit_due_insert`).
    pub fn followup(&mut self, f: &Followup) {
        let done_at = f.done_at.map(ts);
        self.add(Dim::VisitDone, done_at, [0; 3], [1, 0, 0, 0, 0, 0, 0, 0, 0]);
        self.add(Dim::VisitDue, Some(ts(f.due)), [0; 3], [1, 0, 0, 0, 0, i64::from(done_at.is_some()), 0, 0, 0]);
    }

    /// Adds the sums to `stats_blocks` (the triggers' upsert; a plain insert into an empty table)
    /// for every block length, in its key order: per dimension and block length, the blocks in
    /// order, each summed from its one-day blocks; [`ROWS`] rows a statement.
    pub fn write(self, tx: &Transaction<'_>) -> Result<()> {
        let empty: bool = tx.query_row("SELECT NOT EXISTS (SELECT 1 FROM stats_blocks)", [], |r| r.get(0))?;
        let conflict = if empty { "" } else { ADD_ON_CONFLICT };
        let mut many = tx.prepare(&insert_counts_sql(ROWS, conflict))?;
        let mut one = tx.prepare(&insert_counts_sql(1, conflict))?;
        let mut spans = SPANS;
        spans.sort_unstable();
        let mut rows: Vec<(i64, [Key; 3], Values)> = Vec::new();
        for (dim, days) in DIMS.iter().zip(&self.sums) {
            let key = |k: i64| match dim {
                Dim::Kind => Key::Text(usize::try_from(k).ok().and_then(|i| self.codes.get(i)).copied().unwrap_or("")),
                _ => Key::Int(k),
            };
            let mut order: Vec<i64> = days.keys().copied().collect();
            order.sort_unstable();
            for span in spans {
                // The days of each block of `span` days are consecutive in `order`: a block's
                // sums are complete when the next day falls in another block.
                let mut block_sums: Map<[i64; 3], Values> = Map::default();
                rows.clear();
                for (i, day) in order.iter().enumerate() {
                    let block = day.div_euclid(span);
                    for (keys, values) in days.get(day).into_iter().flatten() {
                        let sums = block_sums.entry(*keys).or_insert([0; 9]);
                        for (s, v) in sums.iter_mut().zip(values) {
                            *s += v;
                        }
                    }
                    if order.get(i + 1).is_some_and(|next| next.div_euclid(span) == block) {
                        continue;
                    }
                    let from = rows.len();
                    rows.extend(block_sums.drain().map(|(keys, values)| (block, keys.map(key), values)));
                    if let Some(these) = rows.get_mut(from..) {
                        these.sort_unstable_by_key(|r| r.1);
                    }
                }
                for chunk in rows.chunks(ROWS) {
                    let stmt = if chunk.len() == ROWS { &mut many } else { &mut one };
                    for (i, (block, keys, values)) in chunk.iter().enumerate() {
                        let first = if chunk.len() == ROWS { 15 * i + 1 } else { 1 };
                        let keys = keys.map(|k| match k {
                            Key::Int(v) => ValueRef::Integer(v),
                            Key::Text(t) => ValueRef::Text(t.as_bytes()),
                        });
                        bind_counts(stmt, first, (*dim as i64, span, *block), keys, values)?;
                        if chunk.len() != ROWS {
                            stmt.raw_execute()?;
                        }
                    }
                    if chunk.len() == ROWS {
                        stmt.raw_execute()?;
                    }
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_dimension_is_summed_under_its_own_number() {
        for (i, d) in DIMS.iter().enumerate() {
            assert_eq!(*d as usize, i);
        }
    }

    #[test]
    fn codes_are_interned_by_their_text() {
        let mut c = Counts::default();
        let a = c.code("walk_in");
        let b = c.code(String::from("walk_in").leak());
        assert_eq!(a, b);
        assert_ne!(c.code("phone"), a);
        assert_eq!(c.codes, ["walk_in", "phone"]);
    }
}
