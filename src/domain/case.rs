//! Cases: the dispute record, its classifications, parties, status and outcome.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::labelled_enum;

use super::org::Tier;

labelled_enum! {
    /// The official statistics list of dispute categories.
    pub enum Category {
        MarriageFamily = ("marriage_family", "婚姻家庭", "Marriage & family"),
        Neighbour = ("neighbour", "邻里", "Neighbour"),
        HousingHomestead = ("housing_homestead", "房屋宅基地", "Housing & homestead"),
        Contract = ("contract", "合同", "Contract"),
        Business = ("business", "生产经营", "Business"),
        Damages = ("damages", "损害赔偿", "Damages"),
        LandForest = ("land_forest", "山林土地", "Land & forest"),
        LandAcquisition = ("land_acquisition", "征地拆迁", "Land acquisition"),
        Environment = ("environment", "环境污染", "Environment"),
        Labour = ("labour", "劳动争议", "Labour"),
        Consumer = ("consumer", "消费", "Consumer"),
        Medical = ("medical", "医疗", "Medical"),
        TrafficAccident = ("traffic_accident", "道路交通事故", "Traffic accident"),
        PropertyManagement = ("property_management", "物业", "Property mgmt"),
        Other = ("other", "其他", "Other"),
    }
}

labelled_enum! {
    /// How a dispute reached the desk.
    pub enum Source {
        WalkIn = ("walk_in", "来访", "Walk-in"),
        Phone = ("phone", "来电", "Phone/12348"),
        GridReport = ("grid_report", "网格上报", "Grid report"),
        CourtReferral = ("court_referral", "法院委托", "Court referral"),
        PoliceReferral = ("police_referral", "公安移送", "Police referral"),
        PetitionReferral = ("petition_referral", "信访转办", "Petition referral"),
        Screening = ("screening", "排查", "Screening"),
        Online = ("online", "线上", "Online"),
        MobileVan = ("mobile_van", "流动调解", "Mobile van"),
    }
}

labelled_enum! {
    /// The official three-way classification of sources used in statistics.
    pub enum SourceClass {
        SelfInitiated = ("self_initiated", "主动调解", "Self-initiated"),
        Applied = ("applied", "申请调解", "Applied"),
        Referred = ("referred", "接受委托移送调解", "Referred"),
    }
}

impl Source {
    /// The statistics class this source counts under.
    pub fn class(self) -> SourceClass {
        match self {
            Source::GridReport | Source::Screening => SourceClass::SelfInitiated,
            Source::WalkIn | Source::Phone | Source::Online | Source::MobileVan => SourceClass::Applied,
            Source::CourtReferral | Source::PoliceReferral | Source::PetitionReferral => SourceClass::Referred,
        }
    }
}

labelled_enum! {
    /// How hard the dispute is; drives routing and the clocks.
    pub enum Complexity {
        Simple = ("simple", "简易", "Simple"),
        General = ("general", "一般", "General"),
        Major = ("major", "重大疑难复杂", "Major"),
        Critical = ("critical", "急难险重", "Critical"),
    }
}

labelled_enum! {
    /// The risk colour; `None` when no risk was assessed.
    pub enum RiskLevel {
        None = ("none", "无", "None"),
        Yellow = ("yellow", "黄", "Yellow"),
        Orange = ("orange", "橙", "Orange"),
        Red = ("red", "红", "Red"),
    }
}

labelled_enum! {
    /// Where a case is in its life.
    pub enum Status {
        Received = ("received", "待分派", "Received"),
        Assigned = ("assigned", "已分派", "Assigned"),
        Mediating = ("mediating", "调解中", "Mediating"),
        Resolved = ("resolved", "调解成功", "Resolved"),
        Failed = ("failed", "调解终止", "Failed"),
        Withdrawn = ("withdrawn", "撤回", "Withdrawn"),
        Closed = ("closed", "已结案", "Closed"),
    }
}

impl Status {
    /// True while the case is still being worked (counts toward load and the routing matrix);
    /// see [`super::lifecycle`].
    pub fn is_open(self) -> bool {
        super::lifecycle::rule(self).open
    }

    /// True once mediation ended, whatever the outcome.
    pub fn is_finished(self) -> bool {
        !self.is_open()
    }
}

labelled_enum! {
    /// The form of the agreement reached.
    pub enum AgreementForm {
        Written = ("written", "书面协议", "Written"),
        Oral = ("oral", "口头协议", "Oral"),
    }
}

labelled_enum! {
    /// The route the parties were told to take when mediation failed.
    pub enum ToldRoute {
        Litigation = ("litigation", "诉讼", "Litigation"),
        Arbitration = ("arbitration", "仲裁", "Arbitration"),
        Administrative = ("administrative", "行政途径", "Administrative"),
        Police = ("police", "公安", "Police"),
    }
}

labelled_enum! {
    /// The kind of body a failed case is referred onward to.
    pub enum ReferralKind {
        Court = ("court", "法院", "Court"),
        Arbitration = ("arbitration", "仲裁机构", "Arbitration"),
        Police = ("police", "公安机关", "Police"),
        Administrative = ("administrative", "行政机关", "Administrative body"),
    }
}

labelled_enum! {
    /// Whose consent extends the mediation clock.
    pub enum ExtensionConsent {
        Parties = ("parties", "双方当事人同意", "Both parties"),
        Court = ("court", "法院同意", "The court"),
    }
}

/// Risk flags that can be set independently of each other.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskFlags {
    /// 群体性: a mass incident is possible.
    pub mass: bool,
    /// 舆情: media attention.
    pub media: bool,
    /// 民转刑: risk of turning criminal.
    pub criminal: bool,
}

impl RiskFlags {
    /// Comma-separated codes (`mass,media,criminal`), empty when none.
    pub fn to_codes(self) -> String {
        let mut v = Vec::new();
        if self.mass {
            v.push("mass");
        }
        if self.media {
            v.push("media");
        }
        if self.criminal {
            v.push("criminal");
        }
        v.join(",")
    }

    /// Parses comma-, semicolon- or space-separated codes (or their Chinese names).
    pub fn parse(s: &str) -> Result<RiskFlags, String> {
        RiskFlags::read(s).map_err(|m| m.en().to_string())
    }

    /// [`RiskFlags::parse`], refusing in both languages.
    pub fn read(s: &str) -> Result<RiskFlags, crate::error::Msg> {
        let mut f = RiskFlags::default();
        for part in s.split([',', ';', ' ', '|']).map(str::trim).filter(|p| !p.is_empty()) {
            match part {
                "mass" | "群体性" => f.mass = true,
                "media" | "舆情" => f.media = true,
                "criminal" | "民转刑" => f.criminal = true,
                other => {
                    return Err(crate::msg!(
                        "unknown risk flag {other:?} (expected mass, media, criminal)",
                        "未知的风险标记“{other}”（可选：群体性、舆情、民转刑；或代码：mass, media, criminal）"
                    ))
                }
            }
        }
        Ok(f)
    }

    /// True when any flag is set.
    pub fn any(self) -> bool {
        self.mass || self.media || self.criminal
    }
}

/// One side of the dispute.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    /// Full name.
    pub name: String,
    /// Phone number (masked on screen unless revealed).
    pub phone: String,
    /// Optional national id number (masked unless revealed).
    pub id_no: String,
}

/// A dispute case as the store holds it. A new field: see `store::case_row` (the column list)
/// and `ingest::record::RECORD` (the JSON/CSV record); its status rules: [`super::lifecycle`].
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    /// Database id.
    pub id: i64,
    /// Human reference, e.g. `WH-2023-04085`.
    pub reference: String,
    /// When the dispute reached the desk.
    pub received_at: DateTime<Utc>,
    /// How it arrived.
    pub source: Source,
    /// Official category.
    pub category: Category,
    /// The party applying.
    pub applicant: Party,
    /// The other party.
    pub respondent: Party,
    /// What the dispute is about.
    pub summary: String,
    /// Amount involved, in fen (1/100 yuan).
    pub amount_fen: i64,
    /// The village/community where it arose.
    pub area_id: i64,
    /// Grading.
    pub complexity: Complexity,
    /// Risk flags.
    pub risk_flags: RiskFlags,
    /// Risk colour.
    pub risk_level: RiskLevel,
    /// Life-cycle status.
    pub status: Status,
    /// The tier it is routed to.
    pub tier: Tier,
    /// The committee it is routed to.
    pub committee_id: i64,
    /// Worked jointly with the judicial office, police, court and law firm (四所一庭).
    pub joint: bool,
    /// The lead mediator once assigned.
    pub lead_mediator_id: Option<i64>,
    /// Joint-office partners (free text names of the offices or people).
    pub partners: Vec<String>,
    /// Assignment deadline ("whistle to report for duty").
    pub assign_due: DateTime<Utc>,
    /// Mediation deadline once assigned.
    pub mediation_due: Option<DateTime<Utc>>,
    /// When it was last assigned.
    pub assigned_at: Option<DateTime<Utc>>,
    /// When mediation ended (resolved, failed or withdrawn).
    pub finished_at: Option<DateTime<Utc>>,
    /// Form of the agreement when resolved.
    pub agreement: Option<AgreementForm>,
    /// Agreed performance date, if any.
    pub performance_due: Option<DateTime<Utc>>,
    /// Performance confirmed.
    pub performed: bool,
    /// When performance was first confirmed (on the spot: the finish; else the follow-up visit);
    /// `performed` in a period's statistics means this is before the period's end.
    pub performed_at: Option<DateTime<Utc>>,
    /// The parties applied for judicial confirmation (司法确认).
    pub judicial_confirmation: bool,
    /// Free-text outcome note (for a failure: the reason).
    pub outcome_note: String,
    /// Optimistic-concurrency version, bumped on every write.
    pub version: i64,
    /// When the lead mediator reported on site (到场), if recorded.
    pub arrived_at: Option<DateTime<Utc>>,
    /// When the first mediation session was held (status mediating).
    pub mediation_started_at: Option<DateTime<Utc>>,
    /// Where the first session was held.
    pub session_place: String,
    /// The mediators present at the first session (names, `;`-separated).
    pub session_mediators: String,
    /// Days the mediation clock has been extended by, in total.
    pub extended_days: i64,
    /// The amount agreed, in fen, when an agreement names one.
    pub amount_agreed_fen: Option<i64>,
    /// The route the parties were told to take when mediation failed.
    pub told_route: Option<ToldRoute>,
    /// When the parties applied for judicial confirmation.
    pub judicial_applied_at: Option<DateTime<Utc>>,
    /// The court applied to for judicial confirmation.
    pub judicial_court: String,
    /// The kind of body a failed case was referred onward to.
    pub referred_to: Option<ReferralKind>,
    /// The receiving body's name.
    pub referred_body: String,
    /// When it was referred onward.
    pub referred_at: Option<DateTime<Utc>>,
}

impl Case {
    /// A case with every field empty (first variants, the epoch, zero): the starting point of a
    /// row mapping that then sets every field. Not a valid case by itself.
    pub fn placeholder() -> Case {
        let party = Party::default();
        Case {
            id: 0,
            reference: String::new(),
            received_at: DateTime::default(),
            source: Source::WalkIn,
            category: Category::Other,
            applicant: party.clone(),
            respondent: party,
            summary: String::new(),
            amount_fen: 0,
            area_id: 0,
            complexity: Complexity::General,
            risk_flags: RiskFlags::default(),
            risk_level: RiskLevel::None,
            status: Status::Received,
            tier: Tier::Village,
            committee_id: 0,
            joint: false,
            lead_mediator_id: None,
            partners: Vec::new(),
            assign_due: DateTime::default(),
            mediation_due: None,
            assigned_at: None,
            finished_at: None,
            agreement: None,
            performance_due: None,
            performed: false,
            performed_at: None,
            judicial_confirmation: false,
            outcome_note: String::new(),
            version: 0,
            arrived_at: None,
            mediation_started_at: None,
            session_place: String::new(),
            session_mediators: String::new(),
            extended_days: 0,
            amount_agreed_fen: None,
            told_route: None,
            judicial_applied_at: None,
            judicial_court: String::new(),
            referred_to: None,
            referred_body: String::new(),
            referred_at: None,
        }
    }

    /// True when the assignment or mediation clock has run out at `now`.
    /// The rule is [`super::lifecycle::is_overdue`].
    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        super::lifecycle::is_overdue(self, now)
    }
}

labelled_enum! {
    /// How a follow-up visit was made.
    pub enum FollowupChannel {
        Visit = ("visit", "上门", "Visit"),
        Phone = ("phone", "电话", "Phone"),
        Online = ("online", "线上", "Online"),
    }
}

labelled_enum! {
    /// What a follow-up found.
    pub enum FollowupOutcome {
        Performed = ("performed", "已履行", "Performed"),
        Partial = ("partial", "部分履行", "Partly performed"),
        NotPerformed = ("not_performed", "未履行", "Not performed"),
        Recurrence = ("recurrence", "有反复风险", "Recurrence risk"),
    }
}

/// A follow-up visit (回访), due after an agreement.
#[derive(Debug, Clone, PartialEq)]
pub struct Followup {
    /// Database id.
    pub id: i64,
    /// The case it belongs to.
    pub case_id: i64,
    /// When it is due.
    pub due: DateTime<Utc>,
    /// When it was done, if it was.
    pub done_at: Option<DateTime<Utc>>,
    /// How it was done.
    pub channel: Option<FollowupChannel>,
    /// What it found.
    pub outcome: Option<FollowupOutcome>,
    /// Free-text note.
    pub note: String,
    /// Who made the visit.
    pub visitor: String,
}
