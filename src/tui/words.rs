//! The desk's words for following cases, drill-down lists, search, the message log and the
//! mouse, in English and Chinese (kept apart from `i18n.rs` so each feature's words sit together).

/// Adds `Strings` methods each giving its words in the desk's language: `name = ("en", "zh");`.
macro_rules! words {
    ($($(#[$doc:meta])* $name:ident = ($en:expr, $zh:expr);)*) => {
        impl $crate::tui::i18n::Strings {
            $(
                $(#[$doc])*
                pub fn $name(&self) -> &'static str {
                    if self.lang == $crate::domain::Lang::Zh { $zh } else { $en }
                }
            )*
        }
    };
}
pub(crate) use words;

words! {
    /// After a ref: the case is no longer in the list.
    left_list = ("left the list", "已离开列表");
    /// Before a ref: where the cursor went.
    cursor_on = ("cursor on", "光标移至");
    /// A pane filter matched nothing.
    nothing_matches = ("Nothing matches the filter", "没有符合筛选的案件");
    /// Marks a new arrival.
    new_mark = ("new", "新");
    /// The message log's title.
    messages_title = ("Messages today", "今日消息");
    /// The message log is empty.
    no_messages = ("No messages yet today.", "今天还没有消息。");
    /// The drill-down's bottom hint after "Esc".
    drill_back = ("back", "返回");
    /// Header of the committee column.
    drill_committee = ("Committee", "调委会");
    /// Header of the open-cases column.
    drill_open = ("open", "在办");
    /// Header of the status column.
    drill_status = ("Status", "状态");
    /// An empty drill-down list.
    drill_empty = ("No open cases here.", "这里没有在办案件。");
    /// The title of the Overdue view.
    overdue_view = ("Overdue: every open case past a clock", "超期：所有超过时限的在办案件");
    /// The Routing hint on a tier row label.
    tier_committees = ("Enter: its committees", "Enter：查看各调委会");
    /// The Routing hint on a cell.
    cell_cases = ("Enter: its cases", "Enter：查看案件");
}
