//! Kalshi Desk's UI entry point (see the `ui` library for everything else).

fn main() {
    ui::run();
}
