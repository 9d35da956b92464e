//! A pane's frame: the border (thick when focused), the `N Title` on the left of the top border
//! and the pane's extra text on the right. Drawn cell by cell: ratatui's `Block` merges every
//! border cell and composes each title as a paragraph, which cost as much as a pane's rows.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::symbols::border;
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType, Widget};

/// The frame around one pane.
#[derive(Debug, Clone)]
pub struct PaneFrame {
    focused: bool,
    border_style: Style,
    title: Line<'static>,
    extra: Option<Line<'static>>,
}

impl PaneFrame {
    /// A frame: `title` on the left (in its own style), `extra` (if any) on the right.
    pub fn new(focused: bool, border_style: Style, title: Line<'static>, extra: Option<Line<'static>>) -> PaneFrame {
        PaneFrame { focused, border_style, title, extra }
    }

    /// The inside of the frame.
    pub fn inner(&self, area: Rect) -> Rect {
        super::pane_inner(area)
    }

    /// The same frame as a ratatui [`Block`] (for a widget that takes one, and the reference
    /// the fast drawing is tested against).
    pub fn block(&self) -> Block<'static> {
        let block = Block::bordered()
            .border_type(if self.focused { BorderType::Thick } else { BorderType::Plain })
            .border_style(self.border_style)
            .title(self.title.clone());
        match &self.extra {
            Some(extra) => block.title(extra.clone().right_aligned()),
            None => block,
        }
    }
}

impl Widget for PaneFrame {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        let room = usize::from(area.width.saturating_sub(2));
        let widths = (self.title.width(), self.extra.as_ref().map_or(0, Line::width));
        // A title cut to fit is cut as ratatui cuts it: let the Block draw that rare frame.
        if area.width < 2 || area.height < 2 || widths.0 > room || widths.1 > room {
            return self.block().render(area, buf);
        }
        let set = if self.focused { border::THICK } else { border::PLAIN };
        let (left, right, top, bottom) = (area.left(), area.right() - 1, area.top(), area.bottom() - 1);
        let mut put = |x: u16, y: u16, symbol: &str| {
            buf[(x, y)].set_symbol(symbol).set_style(self.border_style);
        };
        for x in left + 1..right {
            put(x, top, set.horizontal_top);
            put(x, bottom, set.horizontal_bottom);
        }
        for y in top + 1..bottom {
            put(left, y, set.vertical_left);
            put(right, y, set.vertical_right);
        }
        put(left, top, set.top_left);
        put(right, top, set.top_right);
        put(left, bottom, set.bottom_left);
        put(right, bottom, set.bottom_right);
        title(buf, left + 1, top, &self.title);
        if let Some(extra) = &self.extra {
            let w = u16::try_from(widths.1).unwrap_or(u16::MAX);
            title(buf, right.saturating_sub(w), top, extra);
        }
    }
}

/// A whole title at (`x`, `y`), each span in the line's style patched by its own (as ratatui
/// draws a line that fits).
fn title(buf: &mut Buffer, x: u16, y: u16, line: &Line<'_>) {
    let w = u16::try_from(line.width()).unwrap_or(u16::MAX);
    super::widgets::set_line(buf, x, y, line, w);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use ratatui::style::{Color, Modifier};
    use ratatui::text::Span;

    fn text() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop::sample::select(vec![" 1 Incoming ", "来件", " ", "3/120", "·", "逾期 4", "x"]),
            0..4,
        )
        .prop_map(|v| v.concat())
    }

    proptest! {
        /// The frame is drawn cell for cell as ratatui's Block draws it: focused or not, titles
        /// that fit or not, in any area, over older content.
        #[test]
        fn the_frame_is_the_block_ratatui_would_draw(
            focused in any::<bool>(),
            title in text(),
            extra in prop::option::of(text()),
            (x, y, w, h) in (0u16..6, 0u16..3, 0u16..40, 0u16..6),
        ) {
            let style = Style::default().fg(Color::Cyan);
            let title = Line::from(vec![Span::raw(title), Span::styled("!", Style::default().add_modifier(Modifier::BOLD))])
                .style(Style::default().fg(Color::Yellow));
            let extra = extra.map(|e| Line::from(e).style(Style::default().add_modifier(Modifier::DIM)));
            let frame = PaneFrame::new(focused, style, title, extra);
            let bounds = Rect::new(0, 0, 32, 6);
            let mut ours = Buffer::filled(bounds, ratatui::buffer::Cell::new("#"));
            let mut theirs = ours.clone();
            let area = Rect::new(x, y, w, h);
            frame.clone().render(area, &mut ours);
            frame.block().render(area, &mut theirs);
            prop_assert_eq!(ours, theirs);
        }
    }
}
