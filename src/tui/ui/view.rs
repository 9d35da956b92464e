//! Draws a view model ([`crate::view::View`]: the case detail, the statistics, the audit trail)
//! into a ratatui area — the desk's printer of the views the CLI prints as text. The popups call
//! [`lines`] (to put the lines in their own frame) or [`draw`].

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block as Border, Paragraph, Wrap};
use ratatui::Frame;

use super::widgets::span;
use crate::domain::text::width;
use crate::domain::Lang;
use crate::tui::theme::Theme;
use crate::view::{Block, View};

/// Width of the label column, in terminal columns.
const LABEL: usize = 16;

/// The view as styled lines: the title in the header style, labels in the title style, sections
/// as headers, items muted, tables with aligned columns. The view's text is already sanitised.
pub fn lines<'a>(view: &View, lang: Lang, theme: &Theme) -> Vec<Line<'a>> {
    let mut out = Vec::new();
    for b in &view.blocks {
        match b {
            Block::Title(t) => out.push(Line::from(Span::styled(t.clone(), theme.header))),
            Block::Field { label, value } => out.push(Line::from(vec![
                span(label.word(lang), LABEL, theme.title),
                Span::raw(" "),
                Span::raw(value.clone()),
            ])),
            Block::Section(t) => {
                out.push(Line::from(""));
                out.push(Line::from(Span::styled(t.word(lang), theme.header)));
            }
            Block::Item(t) => out.push(Line::from(Span::styled(format!("  {t}"), theme.muted))),
            Block::Table { header, rows } => {
                let cols: Vec<usize> = (0..header.len())
                    .map(|i| {
                        std::iter::once(header)
                            .chain(rows)
                            .filter_map(|r| r.get(i))
                            .map(|c| width(c))
                            .max()
                            .unwrap_or(0)
                    })
                    .collect();
                let styled = |r: &[String], first: ratatui::style::Style| {
                    let mut spans = Vec::new();
                    for (i, (c, w)) in r.iter().zip(&cols).enumerate() {
                        spans.push(span(c, *w, if i == 0 { first } else { ratatui::style::Style::default() }));
                        spans.push(Span::raw(" "));
                    }
                    Line::from(spans)
                };
                out.push(styled(header, theme.header));
                for r in rows {
                    out.push(styled(r, theme.title));
                }
            }
            Block::Blank => out.push(Line::from("")),
        }
    }
    out
}

/// Draws `view` inside `frame_block` in `area`, wrapped, scrolled down by `scroll` rows.
pub fn draw(
    frame: &mut Frame<'_>,
    area: Rect,
    frame_block: Border<'_>,
    view: &View,
    lang: Lang,
    theme: &Theme,
    scroll: u16,
) {
    let p = Paragraph::new(lines(view, lang, theme)).block(frame_block).scroll((scroll, 0)).wrap(Wrap { trim: false });
    frame.render_widget(p, area);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::testing::TestResult;
    use crate::view::Term;
    use ratatui::backend::TestBackend;
    use ratatui::Terminal;

    #[test]
    fn a_view_is_drawn_with_its_glossary_labels() -> TestResult {
        let mut v = View::default();
        v.blocks.push(Block::Title("WH-2023-00001  已受理".into()));
        v.field(Term::Lead, "王芳");
        v.section(Term::AuditTrail);
        v.item("assigned to 王芳");
        v.blocks.push(Block::Table {
            header: vec!["按来源".into(), "调解".into()],
            rows: vec![vec!["来访".into(), "3".into()]],
        });
        let theme = Theme::choose(None)?;
        let mut term = Terminal::new(TestBackend::new(40, 10))?;
        term.draw(|f| draw(f, f.area(), Border::default(), &v, Lang::Zh, &theme, 0))?;
        let text: String = term.backend().buffer().content().iter().map(|c| c.symbol()).collect();
        assert!(text.contains("主办调解员") || text.contains("主 办"), "{text}");
        assert!(text.contains("王"), "{text}");
        Ok(())
    }
}
