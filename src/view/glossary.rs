//! The one glossary of domain terms in Chinese and English, read by the CLI, the desk
//! (`tui::i18n`) and the view models, so the same field has the same name everywhere
//! (收案时间, 主办调解员, 难易程度 …). Labels of enum values (categories, tiers, …) stay with their
//! `labelled_enum!`; these are the names of fields, sections and counts.

use crate::domain::Lang;

macro_rules! glossary {
    ($($(#[$m:meta])* $term:ident = ($zh:literal, $en:literal)),+ $(,)?) => {
        /// A domain term with its Chinese and English words.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Term { $($(#[$m])* $term),+ }

        impl Term {
            /// Every term, in declaration order.
            pub const ALL: &'static [Term] = &[$(Term::$term),+];
            /// The Chinese word.
            pub const fn zh(self) -> &'static str { match self { $(Term::$term => $zh),+ } }
            /// The English word.
            pub const fn en(self) -> &'static str { match self { $(Term::$term => $en),+ } }
        }
    };
}

glossary! {
    // ---- the case's fields ----
    /// When the dispute reached the desk.
    Received = ("收案时间", "Received"),
    /// How it arrived.
    Source = ("来源", "Source"),
    /// What the dispute is about.
    Category = ("类别", "Category"),
    /// Where it arose.
    Area = ("地区", "Area"),
    /// The tier and committee it is routed to.
    Route = ("分流至", "Routed to"),
    /// The mediator leading the case.
    Lead = ("主办调解员", "Lead mediator"),
    /// Simple, general, major, critical.
    Complexity = ("难易程度", "Complexity"),
    /// The risk colour and flags.
    Risk = ("风险", "Risk"),
    /// The applicant.
    Applicant = ("申请人", "Applicant"),
    /// The respondent.
    Respondent = ("被申请人", "Respondent"),
    /// The amount involved.
    Amount = ("涉及金额", "Amount"),
    /// The joint-office partners.
    Partners = ("联合调解", "Joint partners"),
    /// The assignment deadline.
    AssignDue = ("分派时限", "Assign by"),
    /// The mediation deadline.
    MediationDue = ("调解时限", "Mediate by"),
    /// When mediation ended.
    Finished = ("办结", "Finished"),
    /// The agreed performance date.
    PerformanceDue = ("履行期限", "Perform by"),
    /// Whether the agreement was performed.
    Performed = ("已履行", "Performed"),
    /// Whether a court confirmed the agreement.
    JudicialConfirmation = ("司法确认", "Judicial conf."),
    /// The note on the outcome.
    OutcomeNote = ("结果备注", "Outcome note"),
    /// The first mediation session: when, where, who.
    MediationStarted = ("首次调解", "First session"),
    /// Days the mediation clock was extended by.
    Extended = ("延长期限", "Extended"),
    /// The amount agreed.
    AmountAgreed = ("协议金额", "Amount agreed"),
    /// The route the parties were told after a failure.
    ToldRoute = ("告知途径", "Route told"),
    /// Where a failed case was referred onward.
    Referred = ("移交", "Referred to"),
    /// A word for "days".
    Days = ("天", "days"),
    /// What the dispute is about, in words.
    Summary = ("纠纷简况", "Summary"),
    /// The case's status.
    Status = ("状态", "Status"),
    /// The follow-up visits.
    Followups = ("回访", "Follow-ups"),
    /// The audit trail.
    AuditTrail = ("操作记录", "Audit trail"),
    /// How a follow-up was made.
    Channel = ("方式", "Channel"),
    /// What a follow-up found.
    Outcome = ("结果", "Outcome"),
    /// A free note.
    Note = ("备注", "Note"),
    /// A follow-up's due date.
    FollowupDue = ("应回访", "due"),
    /// A follow-up made.
    FollowupDone = ("已回访", "done"),
    /// A follow-up not made yet.
    FollowupPending = ("待回访", "pending"),
    /// Yes.
    Yes = ("是", "yes"),
    /// No.
    No = ("否", "no"),
    /// Routed to the joint office (四所一庭).
    JointOffice = ("四所一庭联合调解", "joint office (四所一庭)"),
    /// The currency unit.
    Yuan = ("元", "yuan"),

    // ---- the statistics ----
    /// The statistics' title.
    Statistics = ("统计报表", "Report"),
    /// Cases received in the period.
    CountReceived = ("受理", "Received"),
    /// Cases mediated (finished) in the period.
    CountMediated = ("调解", "Mediated"),
    /// Resolved.
    CountResolved = ("调解成功", "Resolved"),
    /// Failed.
    CountFailed = ("调解终止", "Failed"),
    /// Withdrawn.
    CountWithdrawn = ("撤回", "Withdrawn"),
    /// Resolved over mediated.
    SuccessRate = ("调解成功率", "Success rate"),
    /// Amount involved, in 10 000 yuan.
    AmountWan = ("涉及金额（万元）", "Amount (10k yuan)"),
    /// Agreements reached.
    Agreements = ("达成协议", "Agreements"),
    /// Of which written.
    AgreementsWritten = ("其中书面", "  of which written"),
    /// Agreements performed.
    CountPerformed = ("履行", "Performed"),
    /// Of which oral.
    AgreementsOral = ("其中口头", "  of which oral"),
    /// Applications for judicial confirmation.
    JudicialApplications = ("申请司法确认", "Applied for judicial conf."),
    /// The share settled at village level.
    VillageShare = ("小事不出村", "Settled in the village"),
    /// Escalations in the period.
    Escalations = ("上交（升级）", "Escalations"),
    /// Median minutes to assignment.
    MedianAssign = ("指派用时中位（分）", "Median to assign (min)"),
    /// Median minutes to on-site arrival.
    MedianArrival = ("到场用时中位（分）", "Median to arrive (min)"),
    /// Cases over their clock.
    OverClock = ("超时办结", "Over their clock"),
    /// Follow-ups done.
    FollowupsDone = ("回访完成", "Follow-ups done"),
    /// Follow-ups overdue.
    FollowupsOverdue = ("回访逾期", "Follow-ups overdue"),
    /// Rectification items opened.
    RectOpened = ("整改新增", "Rectifications opened"),
    /// Rectification items closed.
    RectClosed = ("整改销号", "Rectifications closed"),
    /// Screening duties done on time.
    ScreeningsOnTime = ("排查按时完成", "Screenings on time"),
    /// The by-tier table.
    ByTier = ("按层级", "By tier"),
    /// The amount column.
    ColAmount = ("金额（万元）", "amount (10k)"),
    /// The agreements column.
    ColAgreements = ("协议", "agreements"),
    /// The performed column.
    ColPerformed = ("履行", "performed"),
    /// The applications column.
    ColJudicial = ("申请司法确认", "judicial appl."),
    /// The success-rate column.
    ColRate = ("成功率", "rate"),
    /// The by-category table.
    ByCategory = ("按类别", "By category"),
    /// The by-source table.
    BySource = ("按来源", "By source"),
    /// The mediated column.
    ColMediated = ("调解", "mediated"),
    /// The resolved column.
    ColResolved = ("成功", "resolved"),
}

impl Term {
    /// The word in the given language.
    pub const fn word(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Zh => self.zh(),
            Lang::En => self.en(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_term_has_both_words_and_no_two_fields_share_one() {
        for t in Term::ALL {
            assert!(!t.zh().is_empty() && !t.en().is_empty(), "{t:?}");
        }
        let fields = &Term::ALL[..Term::ALL.iter().position(|t| *t == Term::Statistics).unwrap_or(0)];
        let mut zh: Vec<&str> = fields.iter().map(|t| t.zh()).collect();
        zh.sort_unstable();
        zh.dedup();
        assert_eq!(zh.len(), fields.len(), "two fields share a Chinese name");
    }

    #[test]
    fn the_desk_words_win() {
        assert_eq!(Term::Received.zh(), "收案时间");
        assert_eq!(Term::Lead.zh(), "主办调解员");
        assert_eq!(Term::Complexity.zh(), "难易程度");
    }
}
