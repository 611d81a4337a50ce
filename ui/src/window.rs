//! Virtualization maths for long lists: which rows of a fixed-height list are visible in
//! a scrolled viewport (plus a few either side), and where the scroll must go to reveal a
//! row. Only those rows are in the DOM, so 10,000 markets cost as much as 40.

/// The rows to render and the space standing in for the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// First row rendered.
    pub first: usize,
    /// One past the last row rendered.
    pub end: usize,
    /// Height above the first row, in pixels.
    pub pad_top: u32,
    /// Height below the last row, in pixels.
    pub pad_bottom: u32,
}

/// The window of a list of `total` rows of `row_h` pixels, scrolled to `scroll_top` in a
/// viewport `viewport_h` high, with `overscan` extra rows either side.
pub fn window(
    total: usize,
    row_h: u32,
    scroll_top: u32,
    viewport_h: u32,
    overscan: usize,
) -> Window {
    let row_h = row_h.max(1);
    let first_visible = (scroll_top / row_h) as usize;
    let visible = viewport_h.div_ceil(row_h) as usize + 1;
    let first = first_visible.saturating_sub(overscan).min(total);
    let end = first_visible
        .saturating_add(visible)
        .saturating_add(overscan)
        .min(total);
    let px = |rows: usize| {
        u32::try_from(rows)
            .unwrap_or(u32::MAX)
            .saturating_mul(row_h)
    };
    Window {
        first,
        end,
        pad_top: px(first),
        pad_bottom: px(total - end),
    }
}

/// The scroll position that brings row `index` fully into view, or `None` if it already
/// is.
pub fn reveal(index: usize, row_h: u32, scroll_top: u32, viewport_h: u32) -> Option<u32> {
    let top = u32::try_from(index)
        .unwrap_or(u32::MAX)
        .saturating_mul(row_h);
    let bottom = top.saturating_add(row_h);
    if top < scroll_top {
        Some(top)
    } else if bottom > scroll_top.saturating_add(viewport_h) {
        Some(bottom.saturating_sub(viewport_h))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_visible_rows_and_the_overscan_render() {
        let w = window(10_000, 28, 0, 560, 5);
        assert_eq!(
            (w.first, w.end),
            (0, 26),
            "20 visible + 1 partial + 5 below"
        );
        assert_eq!(w.pad_top, 0);
        assert_eq!(w.pad_bottom, (10_000 - 26) * 28);
        let w = window(10_000, 28, 28 * 5000 + 10, 560, 5);
        assert_eq!((w.first, w.end), (4995, 5026));
        assert_eq!(
            w.pad_top + (w.end - w.first) as u32 * 28 + w.pad_bottom,
            280_000
        );
    }

    #[test]
    fn the_window_is_clamped_at_the_end_and_for_short_lists() {
        let w = window(100, 28, 28 * 100, 560, 5);
        assert_eq!((w.first, w.end), (95, 100));
        assert_eq!(w.pad_bottom, 0);
        let w = window(3, 28, 0, 560, 5);
        assert_eq!((w.first, w.end, w.pad_top, w.pad_bottom), (0, 3, 0, 0));
        let w = window(0, 28, 500, 560, 5);
        assert_eq!((w.first, w.end), (0, 0));
        let w = window(10, 0, 0, 100, 0);
        assert!(w.end <= 10, "a zero row height cannot divide by zero");
    }

    #[test]
    fn reveal_scrolls_only_as_far_as_needed() {
        assert_eq!(reveal(10, 28, 0, 560), None);
        assert_eq!(reveal(19, 28, 0, 560), None, "row 19 ends at 560");
        assert_eq!(reveal(20, 28, 0, 560), Some(28));
        assert_eq!(reveal(2, 28, 100, 560), Some(56));
        assert_eq!(reveal(5, 28, 100, 560), None);
    }
}
