//! The pure modules compiled to wasm32, where `usize` is 32 bits and the code runs as the
//! window runs it, under node (`wasm-bindgen-test-runner`; `cargo xtask test` runs it).
//! The same maths has native tests; these catch what only the wasm build gets wrong.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used)]

use ipc::{Count, Price};
use ui::grouping::{Item, layout};
use ui::{format, window};
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn a_long_list_virtualizes_without_overflow_on_32_bits() {
    // 100,000 markets of 30 px: 3,000,000 px of list, far below u32::MAX but above
    // what an i32 of scroll pixels times a row count would hold if multiplied first.
    let w = window::window(100_000, 30, 2_999_000, 900, 8);
    assert_eq!(w.end, 100_000);
    assert_eq!(
        w.pad_top + (w.end - w.first) as u32 * 30 + w.pad_bottom,
        3_000_000
    );
    assert_eq!(window::reveal(99_999, 30, 0, 900), Some(2_999_100));
}

#[wasm_bindgen_test]
fn events_group_in_wasm_as_natively() {
    let events: Vec<String> = (0..10_000).map(|i| format!("EV{}", i / 4)).collect();
    let items = layout(events.iter().map(String::as_str), |e| e == "EV0");
    assert_eq!(
        items.len(),
        12_496,
        "EV0 keeps its header, its four markets are folded"
    );
    assert_eq!(
        items[0],
        Item::Event {
            first: 0,
            len: 4,
            collapsed: true
        }
    );
}

#[wasm_bindgen_test]
fn money_reads_and_prints_exactly() {
    let p = format::parse_cents("56.5").unwrap();
    assert_eq!(p, Price::from_units(5650));
    assert_eq!(format::cents(p), "56.5¢");
    assert_eq!(format::count(Count::from_contracts(1_234)), "1,234");
    assert_eq!(
        format::parse_whole_count("999,999,999"),
        Some(Count::from_contracts(999_999_999)),
        "counts past i32 stay exact in the wasm build"
    );
}
