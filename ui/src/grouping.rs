//! Grouping the markets list under its events, without reordering it: the list's rows stay
//! in the order the exchange ranked them, and every run of two or more neighbouring
//! markets of one event gets a header row (its title said once, its markets beneath, and
//! the run can be collapsed). Sorted by ticker or close time an event's markets are
//! neighbours, so the whole list groups; sorted by a figure (volume, price, change) the
//! ranking wins and only markets that rank side by side share a header, which is what a
//! trader sorting by volume expects: the busiest market first, wherever its event is.
//!
//! Headers are rows of the same height as markets, so [`crate::window`] virtualizes the
//! mixed list unchanged: it only needs the number of items.

/// One row of the rendered list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item {
    /// The header of a run of `len` markets of one event starting at market `first`.
    Event {
        /// Index (in the market rows) of the run's first market.
        first: usize,
        /// Markets in the run, two or more.
        len: usize,
        /// True when the run's markets are hidden.
        collapsed: bool,
    },
    /// A market row.
    Market {
        /// Index in the market rows.
        index: usize,
        /// True when it sits under an event header (it then shows only its outcome).
        grouped: bool,
    },
}

/// The items for market rows whose events are `events` (in list order), hiding the
/// markets of the runs whose event `collapsed` says is collapsed.
pub fn layout<'a>(
    events: impl IntoIterator<Item = &'a str>,
    collapsed: impl Fn(&str) -> bool,
) -> Vec<Item> {
    let events: Vec<&str> = events.into_iter().collect();
    let mut items = Vec::with_capacity(events.len() + events.len() / 4);
    let mut first = 0;
    while first < events.len() {
        let event = events[first];
        let len = events[first..].iter().take_while(|e| **e == event).count();
        if len < 2 {
            items.push(Item::Market {
                index: first,
                grouped: false,
            });
        } else {
            let hidden = collapsed(event);
            items.push(Item::Event {
                first,
                len,
                collapsed: hidden,
            });
            if !hidden {
                items.extend((first..first + len).map(|index| Item::Market {
                    index,
                    grouped: true,
                }));
            }
        }
        first += len;
    }
    items
}

/// Where `item` (from an earlier layout) sits in `items`: a header stays on its header, a
/// market on its row or, when its run is now folded, its header. The selection follows
/// it when a run opens or closes.
pub fn position_of(items: &[Item], item: Item) -> Option<usize> {
    items.iter().position(|now| match (item, *now) {
        (Item::Event { first: a, .. }, Item::Event { first: b, .. }) => a == b,
        (Item::Market { index, .. }, Item::Market { index: i, .. }) => i == index,
        (
            Item::Market { index, .. },
            Item::Event {
                first,
                len,
                collapsed,
            },
        ) => collapsed && (first..first + len).contains(&index),
        (Item::Event { .. }, Item::Market { .. }) => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(index: usize, grouped: bool) -> Item {
        Item::Market { index, grouped }
    }

    #[test]
    fn runs_of_one_event_get_a_header_and_single_markets_stand_alone() {
        let items = layout(["A", "B", "B", "B", "C", "A", "A"], |_| false);
        assert_eq!(
            items,
            vec![
                m(0, false),
                Item::Event {
                    first: 1,
                    len: 3,
                    collapsed: false
                },
                m(1, true),
                m(2, true),
                m(3, true),
                m(4, false),
                Item::Event {
                    first: 5,
                    len: 2,
                    collapsed: false
                },
                m(5, true),
                m(6, true),
            ],
            "an event's markets apart from each other are two runs: the ranking is never reordered"
        );
    }

    #[test]
    fn the_markets_keep_their_order_whatever_the_grouping() {
        let events = ["X", "Y", "Y", "Z", "Z", "Z", "Y"];
        let order: Vec<usize> = layout(events, |_| false)
            .into_iter()
            .filter_map(|i| match i {
                Item::Market { index, .. } => Some(index),
                Item::Event { .. } => None,
            })
            .collect();
        assert_eq!(order, (0..events.len()).collect::<Vec<_>>());
    }

    #[test]
    fn a_collapsed_event_keeps_its_header_and_hides_its_markets() {
        let items = layout(["A", "A", "B", "B"], |e| e == "A");
        assert_eq!(
            items,
            vec![
                Item::Event {
                    first: 0,
                    len: 2,
                    collapsed: true
                },
                Item::Event {
                    first: 2,
                    len: 2,
                    collapsed: false
                },
                m(2, true),
                m(3, true),
            ]
        );
        assert_eq!(
            position_of(&items, m(1, true)),
            Some(0),
            "a hidden market is at its header"
        );
        assert_eq!(position_of(&items, m(3, true)), Some(3));
        assert_eq!(position_of(&items, m(9, false)), None);
        let open = layout(["A", "A", "B", "B"], |_| false);
        assert_eq!(
            position_of(&open, items[1]),
            Some(3),
            "B's header moves down two rows when A opens"
        );
        assert_eq!(
            position_of(&open, items[0]),
            Some(0),
            "a header stays on itself"
        );
    }

    #[test]
    fn the_mixed_list_virtualizes_by_its_item_count() {
        // 10,000 markets in events of 4: 2,500 headers, so 12,500 rows of one height.
        let events: Vec<String> = (0..10_000).map(|i| format!("EV{}", i / 4)).collect();
        let items = layout(events.iter().map(String::as_str), |_| false);
        assert_eq!(items.len(), 12_500);
        let w = crate::window::window(items.len(), 30, 30 * 6_000, 600, 8);
        assert_eq!((w.first, w.end), (5_992, 6_029));
        assert_eq!(
            w.pad_top + (w.end - w.first) as u32 * 30 + w.pad_bottom,
            12_500 * 30,
            "the spacers and the rendered rows always add up to the whole list"
        );
        // Item 6,000 is the header of event 1,200 (every fifth item is a header).
        assert_eq!(
            items[6_000],
            Item::Event {
                first: 4_800,
                len: 4,
                collapsed: false
            }
        );
        // Collapsing every event leaves the headers only.
        assert_eq!(
            layout(events.iter().map(String::as_str), |_| true).len(),
            2_500
        );
    }

    #[test]
    fn an_empty_list_has_no_items() {
        assert!(layout([], |_| false).is_empty());
    }
}
