//! The session's [`AppEvent`]s in the UI's shape.

use ipc::commands::environment as ui_env;
use ipc::events as ui;
use kalshi::ws::ConnectionState;

use super::markets::{EventLabels, row_of};
use super::orders::{pending_order, unconfirmed_order};
use super::portfolio::{live_position_view, position_view};
use super::{fill_view, ms, order_view};
use crate::event::{AppEvent, ConnectionStatus, FillOrigin, OrderEvent, PositionEvent};

/// The feed's state as the status bar shows it.
pub fn connection_state(state: &ConnectionState) -> ui_env::ConnectionState {
    match state {
        ConnectionState::Connecting => ui_env::ConnectionState::Connecting,
        ConnectionState::Connected { since } => ui_env::ConnectionState::Connected {
            since_ms: ms(*since),
        },
        ConnectionState::Reconnecting { attempt, retry_in } => {
            ui_env::ConnectionState::Reconnecting {
                attempt: *attempt,
                retry_in_ms: u64::try_from(retry_in.as_millis()).unwrap_or(u64::MAX),
            }
        }
        ConnectionState::Offline { reason } => ui_env::ConnectionState::Offline {
            reason: reason.clone(),
        },
    }
}

/// The status bar's content; `last_message_age_ms` as of now (`None` before the first).
pub fn connection_status(
    status: &ConnectionStatus,
    last_message_age_ms: Option<u64>,
) -> ui_env::ConnectionStatus {
    ui_env::ConnectionStatus {
        state: connection_state(&status.state),
        offline: status.offline,
        last_message_age_ms,
    }
}

/// Turns the session's events into the UI's, one session at a time. (A key's bulk
/// history import already arrives as one summary from core.)
#[derive(Debug, Default)]
pub struct EventMapper;

impl EventMapper {
    /// A mapper for a new session.
    pub fn new() -> Self {
        Self
    }

    /// The UI's events for `event`. `last_message_age_ms` fills a connection event's age
    /// when given; otherwise the age core measured when it sent the event is used.
    pub fn map(&mut self, event: &AppEvent, last_message_age_ms: Option<u64>) -> Vec<ui::AppEvent> {
        let one = match event {
            AppEvent::Connection(status) => {
                let age = last_message_age_ms.or_else(|| {
                    status
                        .last_message_age
                        .map(|a| u64::try_from(a.as_millis()).unwrap_or(u64::MAX))
                });
                ui::AppEvent::Connection(connection_status(status, age))
            }
            AppEvent::Order(order) => ui::AppEvent::Order(order_event(order)),
            AppEvent::Fill(fill) => {
                let origin = match fill.origin {
                    FillOrigin::Live => ui::FillOrigin::Live,
                    FillOrigin::CatchUp => ui::FillOrigin::CatchUp,
                };
                ui::AppEvent::Fill(ui::FillEvent {
                    fill: fill_view(&fill.fill),
                    origin,
                })
            }
            AppEvent::Position(p) => ui::AppEvent::Position(match p {
                PositionEvent::Live(live) => ui::PositionEvent::Stored {
                    position: live_position_view(live),
                },
                PositionEvent::Stored(stored) => ui::PositionEvent::Stored {
                    position: position_view(stored),
                },
                PositionEvent::Closed { ticker } => ui::PositionEvent::Closed {
                    ticker: ticker.clone(),
                },
            }),
            AppEvent::Balance(b) => ui::AppEvent::Balance(ui::BalanceUpdate {
                balance: b.balance,
                portfolio_value: b.portfolio_value,
                at_ms: ms(b.at),
            }),
            AppEvent::Market(m) => ui::AppEvent::Market(row_of(m, &EventLabels::default())),
            AppEvent::Synced(s) => ui::AppEvent::Synced(ui::SyncSummary {
                new_fills: s.new_fills as u64,
                changed_orders: s.changed_orders as u64,
                changed_positions: s.changed_positions as u64,
                changed_settlements: s.changed_settlements as u64,
                at_ms: ms(s.at),
            }),
            AppEvent::HistoryImported(h) => ui::AppEvent::HistoryImported(ui::HistoryImport {
                fills: h.fills as u64,
                orders: h.orders as u64,
            }),
            AppEvent::Error(e) => ui::AppEvent::Error(e.clone()),
        };
        vec![one]
    }
}

fn order_event(e: &OrderEvent) -> ui::OrderEvent {
    match e {
        OrderEvent::Pending(p) => ui::OrderEvent::Pending(pending_order(p)),
        OrderEvent::Accepted {
            client_order_id,
            order_id,
            fill_count,
            remaining_count,
        } => ui::OrderEvent::Accepted {
            client_order_id: client_order_id.clone(),
            order_id: order_id.clone(),
            fill_count: *fill_count,
            remaining_count: *remaining_count,
        },
        OrderEvent::Rejected {
            client_order_id,
            error,
        } => ui::OrderEvent::Rejected {
            client_order_id: client_order_id.clone(),
            error: error.clone(),
        },
        OrderEvent::Stored(order) => ui::OrderEvent::Stored {
            order: order_view(order, None),
        },
        OrderEvent::Unconfirmed(u) => ui::OrderEvent::Unconfirmed {
            client_order_id: u.client_order_id.clone(),
            error: unconfirmed_order(u).error,
        },
        OrderEvent::NotPlaced {
            client_order_id,
            error,
        } => ui::OrderEvent::NotPlaced {
            client_order_id: client_order_id.clone(),
            reason: error.message.clone(),
        },
    }
}
