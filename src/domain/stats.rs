//! Statistics for a period: counts, success rate, amounts, by category and by source class.

use serde::Serialize;

use super::case::{Category, SourceClass};

/// The period's statistics (what `report` prints and the supervisor reads).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// First day of the period (inclusive), `YYYY-MM-DD`.
    pub from: String,
    /// Last day of the period (inclusive), `YYYY-MM-DD`.
    pub to: String,
    /// Cases received in the period.
    pub received: u64,
    /// Cases whose mediation ended in the period with success or failure (调解案件数).
    pub mediated: u64,
    /// Of those, successful (调解成功).
    pub resolved: u64,
    /// Of those, failed (terminated).
    pub failed: u64,
    /// Withdrawn in the period (not counted as mediated).
    pub withdrawn: u64,
    /// Success rate in hundredths of a percent (9998 = 99.98 %), 0 when nothing was mediated.
    pub success_rate_bp: u64,
    /// Success rate as text, e.g. `99.98%`.
    pub success_rate: String,
    /// Amount involved in the mediated cases, in fen.
    pub amount_fen: i64,
    /// Amount involved, in 万元 with two decimals.
    pub amount_wan_yuan: String,
    /// Agreements reached (written + oral).
    pub agreements: u64,
    /// Written agreements.
    pub agreements_written: u64,
    /// Agreements whose performance was confirmed.
    pub performed: u64,
    /// Applications for judicial confirmation.
    pub judicial_confirmations: u64,
    /// Cases still open now.
    pub open_now: u64,
    /// Open cases overdue now.
    pub overdue_now: u64,
    /// Mediated cases by category, in the official order (zero rows included).
    pub by_category: Vec<CategoryCount>,
    /// Mediated cases by the official three source classes.
    pub by_source: Vec<SourceCount>,
}

/// One row of the by-category table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CategoryCount {
    /// The category.
    pub category: Category,
    /// Mediated cases.
    pub mediated: u64,
    /// Of those, successful.
    pub resolved: u64,
}

/// One row of the by-source table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceCount {
    /// The class.
    pub class: SourceClass,
    /// Mediated cases.
    pub mediated: u64,
}

impl Report {
    /// Fills the derived fields (rate and amount text) from the counts.
    pub fn finish(mut self) -> Report {
        self.success_rate_bp = success_rate_bp(self.resolved, self.mediated);
        self.success_rate = format!("{}.{:02}%", self.success_rate_bp / 100, self.success_rate_bp % 100);
        let wan = self.amount_fen; // 1 万元 = 1_000_000 fen
        self.amount_wan_yuan = format!("{}.{:02}", wan / 1_000_000, (wan % 1_000_000).abs() / 10_000);
        self
    }
}

/// Success rate in basis points of a percent, rounded down (4084 of 4085 → 9997; DESIGN's 99.98 %
/// is rounded half-up, which [`success_rate_bp`] also does).
pub fn success_rate_bp(resolved: u64, mediated: u64) -> u64 {
    if mediated == 0 {
        return 0;
    }
    (resolved * 10_000 * 2 + mediated) / (mediated * 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_published_rate_is_reproduced() {
        assert_eq!(success_rate_bp(4084, 4085), 9998);
        assert_eq!(success_rate_bp(0, 0), 0);
        let r = Report { resolved: 4084, mediated: 4085, amount_fen: 14_706_940_000, ..Report::default() }.finish();
        assert_eq!(r.success_rate, "99.98%");
        assert_eq!(r.amount_wan_yuan, "14706.94");
    }
}
