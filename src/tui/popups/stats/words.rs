//! The Statistics screen's own words in English and Chinese (figure names come from the shared
//! glossary, `view::Term`, so the screen and `report` say the same).

use crate::tui::words::words;

words! {
    /// The screen's title.
    stats_title = ("Statistics", "统计");
    /// Before the path of an export.
    stats_exported = ("CSV saved:", "已导出 CSV：");
    /// The prompt of the custom period line.
    stats_dates_prompt = ("From to:", "起止日期：");
    /// What the custom period line accepts.
    stats_dates_help = ("YYYY-MM-DD YYYY-MM-DD or 2023-Q1 · Enter · Esc", "YYYY-MM-DD YYYY-MM-DD 或 2023-Q1 · Enter · Esc");
    /// The figures page (small terminals).
    stats_page_figures = ("Figures", "数字");
    /// The area table page (small terminals).
    stats_page_table = ("Areas", "地区");
    /// The charts page (small terminals).
    stats_page_charts = ("Charts", "图表");
    /// The trend chart's title.
    stats_trend = ("Received per month", "每月受理");
    /// The largest month of the trend.
    stats_max = ("max", "最多");
    /// The area table when nothing was mediated.
    stats_empty = ("Nothing was mediated in this period.", "本期没有调解结案的案件。");
    /// Key hint: the period key.
    stats_hint_period = ("period", "期间");
    /// Key hint: the custom period key.
    stats_hint_dates = ("dates", "日期");
    /// Key hint: export.
    stats_hint_export = ("CSV", "导出");
    /// Key hint: Enter goes down a level.
    stats_hint_down = ("down", "下钻");
    /// Key hint: Esc goes up a level or closes.
    stats_hint_up = ("up/close", "返回");
    /// Key hint: Tab shows the next page.
    stats_hint_page = ("page", "翻页");
    /// Shown while the export is being written.
    stats_exporting = ("exporting…", "正在导出…");
    /// The period line's note on time.
    stats_office_time = ("office time", "办公时区");
}
