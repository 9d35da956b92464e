//! The desk's words for after the agreement (follow-up visitor, rectification items, screening
//! duties), in en and zh; kept apart from `i18n` so this part of the desk is one place.

use crate::domain::Lang;

/// The after-the-agreement words in one language.
#[derive(Debug)]
pub struct AftercareWords {
    /// Label of the follow-up form's "who visited" field.
    pub f_visitor: &'static str,
    /// Heading of the overdue rectification items on the Follow-ups pane.
    pub items_overdue: &'static str,
    /// Heading of the agreements whose judicial-confirmation window is closing.
    pub judicial_due: &'static str,
    /// Heading of the screening duties on the Follow-ups pane.
    pub screenings: &'static str,
    /// "due" for a screening of the current period.
    pub due: &'static str,
    /// "overdue" for a screening of the last period not recorded.
    pub overdue: &'static str,
    /// Title of the screening form.
    pub screening_title: &'static str,
    /// Labels of the screening form's fields.
    pub f_committee: &'static str,
    /// Who screened.
    pub f_screened_by: &'static str,
    /// Places visited.
    pub f_places: &'static str,
    /// Disputes found (a number).
    pub f_found: &'static str,
    /// Title of the arrival form.
    pub arrive_title: &'static str,
    /// Label of the arrival time field.
    pub f_arrived: &'static str,
}

/// English.
pub const EN: AftercareWords = AftercareWords {
    f_visitor: "Visited by",
    items_overdue: "Items overdue",
    judicial_due: "Judicial due",
    screenings: "Screening",
    due: "due",
    overdue: "overdue",
    screening_title: "Record screening",
    f_committee: "Committee",
    f_screened_by: "Screened by",
    f_places: "Places",
    f_found: "Disputes found",
    arrive_title: "Arrived on site",
    f_arrived: "Arrived at",
};

/// 简体中文.
pub const ZH: AftercareWords = AftercareWords {
    f_visitor: "回访人",
    items_overdue: "整改超期",
    judicial_due: "司法确认将截止",
    screenings: "排查",
    due: "待排查",
    overdue: "超期",
    screening_title: "登记排查",
    f_committee: "调委会",
    f_screened_by: "排查人",
    f_places: "排查地点",
    f_found: "发现纠纷",
    arrive_title: "到场登记",
    f_arrived: "到场时间",
};

/// The words in `lang`.
pub fn words(lang: Lang) -> &'static AftercareWords {
    match lang {
        Lang::En => &EN,
        Lang::Zh => &ZH,
    }
}
