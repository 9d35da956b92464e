//! Themes are data: TOML files in `themes/` (embedded, so the binary works alone) or a path.

use std::collections::BTreeMap;

use crate::error::Msg;
use crate::msg;
use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

const EMBEDDED: &[(&str, &str)] = &[
    ("default", include_str!("../../themes/default.toml")),
    ("light", include_str!("../../themes/light.toml")),
    ("high-contrast", include_str!("../../themes/high-contrast.toml")),
    ("mono", include_str!("../../themes/mono.toml")),
];

/// The names of the built-in themes.
pub fn builtin_names() -> Vec<&'static str> {
    EMBEDDED.iter().map(|(n, _)| *n).collect()
}

/// Every style the desk draws with.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Theme {
    /// The theme's name.
    pub name: String,
    /// Pane borders.
    pub border: Style,
    /// The focused pane's border.
    pub border_focused: Style,
    /// Pane titles.
    pub title: Style,
    /// The focused pane's title.
    pub title_focused: Style,
    /// Table headers.
    pub header: Style,
    /// The selected row.
    pub selected: Style,
    /// Marked rows.
    pub marked: Style,
    /// A clock with time left.
    pub ok: Style,
    /// A clock nearly run out.
    pub due_soon: Style,
    /// A clock run out.
    pub overdue: Style,
    /// Red risk.
    pub risk_red: Style,
    /// Orange risk.
    pub risk_orange: Style,
    /// Yellow risk.
    pub risk_yellow: Style,
    /// Secondary text.
    pub muted: Style,
    /// The status bar.
    pub status_bar: Style,
    /// Key names in hints.
    pub key: Style,
    /// Error messages.
    pub error: Style,
    /// Success messages.
    pub success: Style,
    /// A load bar at or over capacity.
    pub bar_full: Style,
    /// A load bar under capacity.
    pub bar: Style,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    name: String,
    styles: BTreeMap<String, StyleSpec>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct StyleSpec {
    fg: Option<String>,
    bg: Option<String>,
    #[serde(default)]
    modifiers: Vec<String>,
}

fn color(s: &str) -> Result<Color, Msg> {
    s.parse::<Color>().map_err(|_| msg!("unknown colour {s:?}", "未知颜色“{s}”"))
}

fn style(spec: &StyleSpec) -> Result<Style, Msg> {
    let mut st = Style::default();
    if let Some(fg) = &spec.fg {
        st = st.fg(color(fg)?);
    }
    if let Some(bg) = &spec.bg {
        st = st.bg(color(bg)?);
    }
    for m in &spec.modifiers {
        st = st.add_modifier(match m.as_str() {
            "bold" => Modifier::BOLD,
            "dim" => Modifier::DIM,
            "italic" => Modifier::ITALIC,
            "underlined" => Modifier::UNDERLINED,
            "reversed" => Modifier::REVERSED,
            other => {
                return Err(msg!(
                    "unknown modifier {other:?}",
                    "未知修饰“{other}”（可用：bold、dim、italic、underlined、reversed）"
                ))
            }
        });
    }
    Ok(st)
}

impl Theme {
    /// Parses a theme file; every style must be named, unknown names are refused.
    pub fn from_toml(text: &str) -> crate::error::Result<Theme> {
        Theme::parse(text).map_err(|reason| crate::error::Error::setting("theme", reason))
    }

    /// Parses a theme file over the `mono` styles: a style the file leaves out keeps mono's
    /// (colourless, so it suits any background), and the selected row is always marked.
    fn parse(text: &str) -> Result<Theme, Msg> {
        let mono = EMBEDDED.iter().find(|(n, _)| *n == "mono").map_or("", |(_, t)| *t);
        let base = Theme::parse_over(mono, Theme::default())?;
        let mut t = Theme::parse_over(text, base)?;
        if t.selected == Style::default() {
            t.selected = t.selected.add_modifier(Modifier::REVERSED);
        }
        Ok(t)
    }

    fn parse_over(text: &str, base: Theme) -> Result<Theme, Msg> {
        let f: ThemeFile = toml::from_str(text).map_err(|e| msg!("{e}", "主题文件格式有误：{e}"))?;
        let mut t = Theme { name: f.name, ..base };
        for (key, spec) in &f.styles {
            let st = style(spec).map_err(|e| msg!("theme style {key}: ", "主题样式 {key}：").then(e))?;
            let slot = match key.as_str() {
                "border" => &mut t.border,
                "border_focused" => &mut t.border_focused,
                "title" => &mut t.title,
                "title_focused" => &mut t.title_focused,
                "header" => &mut t.header,
                "selected" => &mut t.selected,
                "marked" => &mut t.marked,
                "ok" => &mut t.ok,
                "due_soon" => &mut t.due_soon,
                "overdue" => &mut t.overdue,
                "risk_red" => &mut t.risk_red,
                "risk_orange" => &mut t.risk_orange,
                "risk_yellow" => &mut t.risk_yellow,
                "muted" => &mut t.muted,
                "status_bar" => &mut t.status_bar,
                "key" => &mut t.key,
                "error" => &mut t.error,
                "success" => &mut t.success,
                "bar_full" => &mut t.bar_full,
                "bar" => &mut t.bar,
                other => return Err(msg!("unknown style {other:?}", "未知样式“{other}”")),
            };
            *slot = st;
        }
        Ok(t)
    }

    /// A built-in theme by name, or a theme file by path.
    pub fn load(name_or_path: &str) -> crate::error::Result<Theme> {
        use crate::error::Error;
        if let Some((_, text)) = EMBEDDED.iter().find(|(n, _)| *n == name_or_path) {
            return Theme::from_toml(text);
        }
        let path = std::path::Path::new(name_or_path);
        if path.exists() {
            let text = crate::files::reader::read_text(path, crate::files::reader::SMALL_CAP)?;
            return Theme::parse(&text).map_err(|reason| Error::setting(format!("theme {name_or_path}"), reason));
        }
        let names = builtin_names().join(", ");
        Err(Error::setting(
            "--theme",
            msg!(
                "no theme {name_or_path:?}: use one of {names} or a path to a theme file",
                "没有主题“{name_or_path}”：请用 {names} 之一，或主题文件的路径"
            ),
        ))
    }

    /// The theme to use: the one asked for, else `mono` when NO_COLOR is set and non-empty,
    /// else `default`.
    pub fn choose(asked: Option<&str>) -> crate::error::Result<Theme> {
        match asked {
            Some(n) => Theme::load(n),
            None if std::env::var("NO_COLOR").is_ok_and(|v| !v.is_empty()) => Theme::load("mono"),
            None => Theme::load("default"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::testing::TestResult;

    #[test]
    fn every_builtin_theme_loads() -> TestResult {
        for n in builtin_names() {
            let t = Theme::load(n)?;
            assert_eq!(t.name, n);
        }
        Ok(())
    }

    #[test]
    fn mono_has_no_colour() -> TestResult {
        let t = Theme::load("mono")?;
        for st in [t.overdue, t.selected, t.due_soon, t.risk_red, t.status_bar] {
            assert_eq!(st.fg, None);
            assert_eq!(st.bg, None);
        }
        assert!(t.overdue.add_modifier.contains(Modifier::BOLD));
        Ok(())
    }

    #[test]
    fn a_theme_missing_styles_still_marks_the_selected_row() -> TestResult {
        for text in ["name='x'\n[styles]\n", "name='x'\n[styles]\nselected={}\n"] {
            let t = Theme::from_toml(text)?;
            assert_ne!(t.selected, Style::default(), "{text}");
            assert!(t.selected.add_modifier.contains(Modifier::REVERSED));
        }
        Ok(())
    }

    #[test]
    fn bad_themes_are_refused() {
        assert!(Theme::from_toml("name='x'\n[styles]\nborder={fg='nocolour'}").is_err());
        assert!(Theme::from_toml("name='x'\n[styles]\nbordr={}").is_err());
        assert!(Theme::load("no-such-theme").is_err());
    }
}
