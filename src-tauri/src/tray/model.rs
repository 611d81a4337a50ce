//! The tray as data: a pure function from what the tray knows (connection, environment,
//! recent fills, pause, window) to its icon state and menu tree, so the menu's content is
//! tested headless and [`super::render`] only draws it.

use std::collections::VecDeque;
use std::time::Duration;

use ipc::commands::environment::{ConnectionState, ConnectionStatus, Environment};

/// Fills listed in the menu.
pub const RECENT_FILLS: usize = 5;

/// The three looks of the tray icon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Health {
    /// Connected and caught up.
    Connected,
    /// Connecting, waiting to reconnect, or connected but not yet caught up.
    Reconnecting,
    /// No session, or the connection gave up.
    Offline,
}

/// What the menu shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrayState {
    /// The open session's environment; `None` while none is open.
    pub environment: Option<Environment>,
    /// The session's connection as last reported.
    pub connection: Option<ConnectionStatus>,
    /// Lines of the latest fills, newest first, at most [`RECENT_FILLS`].
    pub recent: VecDeque<String>,
    /// The tray's "Pause notifications" toggle.
    pub paused: bool,
    /// The notifications setting (pausing means nothing while it is off).
    pub notifications: bool,
    /// Whether the main window is shown.
    pub window_visible: bool,
}

impl Default for TrayState {
    fn default() -> Self {
        Self {
            environment: None,
            connection: None,
            recent: VecDeque::new(),
            paused: false,
            notifications: true,
            window_visible: true,
        }
    }
}

/// A menu entry's id: stable strings, since Tauri reports clicks by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MenuId {
    /// Show or hide the main window.
    ShowHide,
    /// The state line (not clickable).
    Status,
    /// A recent fill or the fills heading (not clickable).
    Fill,
    /// Pause or resume fill notifications.
    PauseNotifications,
    /// Switch to an environment.
    Environment(Environment),
    /// Quit the app.
    Quit,
}

impl MenuId {
    /// The id Tauri carries.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ShowHide => "show_hide",
            Self::Status => "status",
            Self::Fill => "fill",
            Self::PauseNotifications => "pause_notifications",
            Self::Environment(Environment::Simulator) => "environment:simulator",
            Self::Environment(Environment::Demo) => "environment:demo",
            Self::Environment(Environment::Production) => "environment:production",
            Self::Quit => "quit",
        }
    }

    /// The entry a clicked id names; `None` for ids this menu never made.
    pub fn parse(id: &str) -> Option<Self> {
        ALL_IDS.iter().copied().find(|m| m.as_str() == id)
    }
}

const ALL_IDS: [MenuId; 8] = [
    MenuId::ShowHide,
    MenuId::Status,
    MenuId::Fill,
    MenuId::PauseNotifications,
    MenuId::Environment(Environment::Simulator),
    MenuId::Environment(Environment::Demo),
    MenuId::Environment(Environment::Production),
    MenuId::Quit,
];

/// One menu node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// A plain entry.
    Item {
        /// Its id.
        id: MenuId,
        /// Its label.
        text: String,
        /// Clickable.
        enabled: bool,
    },
    /// An entry with a check mark.
    Check {
        /// Its id.
        id: MenuId,
        /// Its label.
        text: String,
        /// Ticked.
        checked: bool,
        /// Clickable.
        enabled: bool,
    },
    /// A separator line.
    Separator,
    /// A submenu.
    Submenu {
        /// Its label.
        text: String,
        /// Its entries.
        children: Vec<Node>,
    },
}

impl TrayState {
    /// Records a fill line at the top of the recent fills.
    pub fn add_fill(&mut self, line: String) {
        self.recent.push_front(line);
        self.recent.truncate(RECENT_FILLS);
    }

    /// The icon to show.
    pub fn health(&self) -> Health {
        match &self.connection {
            None => Health::Offline,
            Some(status) => match status.state {
                ConnectionState::Connected { .. } if !status.offline => Health::Connected,
                ConnectionState::Connected { .. }
                | ConnectionState::Connecting
                | ConnectionState::Reconnecting { .. } => Health::Reconnecting,
                ConnectionState::Offline { .. } => Health::Offline,
            },
        }
    }

    /// "Simulator: Connected · last message 3 s ago", with the age of the last message as
    /// of now (`None` when unknown).
    pub fn status_line(&self, last_message_age: Option<Duration>) -> String {
        let state = match &self.connection {
            None => "Offline, no session".to_owned(),
            Some(status) => match &status.state {
                ConnectionState::Connecting => "Connecting…".to_owned(),
                ConnectionState::Connected { .. } if status.offline => {
                    "Connected, catching up…".to_owned()
                }
                ConnectionState::Connected { .. } => match last_message_age {
                    Some(age) => format!("Connected · last message {} ago", age_text(age)),
                    None => "Connected".to_owned(),
                },
                ConnectionState::Reconnecting { attempt, .. } => {
                    format!("Reconnecting (attempt {attempt})…")
                }
                ConnectionState::Offline { reason } => format!("Offline: {}", shorten(reason)),
            },
        };
        match self.environment {
            Some(environment) => format!("{}: {state}", environment_name(environment)),
            None => state,
        }
    }

    /// The menu, top to bottom.
    pub fn menu(&self, status_line: String) -> Vec<Node> {
        let mut menu = vec![
            Node::Item {
                id: MenuId::ShowHide,
                text: if self.window_visible {
                    "Hide Kalshi Desk"
                } else {
                    "Show Kalshi Desk"
                }
                .to_owned(),
                enabled: true,
            },
            Node::Separator,
            Node::Item {
                id: MenuId::Status,
                text: status_line,
                enabled: false,
            },
            Node::Separator,
        ];
        if self.recent.is_empty() {
            menu.push(Node::Item {
                id: MenuId::Fill,
                text: "No fills yet".to_owned(),
                enabled: false,
            });
        } else {
            menu.push(Node::Item {
                id: MenuId::Fill,
                text: "Recent fills".to_owned(),
                enabled: false,
            });
            menu.extend(self.recent.iter().map(|line| Node::Item {
                id: MenuId::Fill,
                text: line.clone(),
                enabled: false,
            }));
        }
        menu.push(Node::Separator);
        menu.push(Node::Check {
            id: MenuId::PauseNotifications,
            text: if self.notifications {
                "Pause notifications"
            } else {
                "Pause notifications (off in Settings)"
            }
            .to_owned(),
            checked: self.paused,
            enabled: self.notifications,
        });
        menu.push(Node::Submenu {
            text: "Environment".to_owned(),
            children: [
                Environment::Simulator,
                Environment::Demo,
                Environment::Production,
            ]
            .into_iter()
            .map(|environment| Node::Check {
                id: MenuId::Environment(environment),
                text: environment_name(environment).to_owned(),
                checked: self.environment == Some(environment),
                enabled: true,
            })
            .collect(),
        });
        menu.push(Node::Separator);
        menu.push(Node::Item {
            id: MenuId::Quit,
            text: "Quit Kalshi Desk".to_owned(),
            enabled: true,
        });
        menu
    }
}

/// The environment as the person reads it.
pub fn environment_name(environment: Environment) -> &'static str {
    match environment {
        Environment::Simulator => "Simulator",
        Environment::Demo => "Demo",
        Environment::Production => "Production",
    }
}

fn age_text(age: Duration) -> String {
    match age.as_secs() {
        s if s < 60 => format!("{s} s"),
        s if s < 3600 => format!("{} min", s / 60),
        s => format!("{} h", s / 3600),
    }
}

/// A menu line stays one short line: long texts are cut with an ellipsis.
pub fn shorten(text: &str) -> String {
    const MAX: usize = 60;
    if text.chars().count() <= MAX {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(MAX - 1).collect();
        format!("{}…", cut.trim_end())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(state: ConnectionState, offline: bool) -> Option<ConnectionStatus> {
        Some(ConnectionStatus {
            state,
            offline,
            last_message_age_ms: None,
        })
    }

    #[test]
    fn health_follows_the_connection() {
        let mut s = TrayState::default();
        assert_eq!(s.health(), Health::Offline, "no session");
        s.connection = status(ConnectionState::Connected { since_ms: 1 }, false);
        assert_eq!(s.health(), Health::Connected);
        s.connection = status(ConnectionState::Connected { since_ms: 1 }, true);
        assert_eq!(s.health(), Health::Reconnecting, "not caught up yet");
        s.connection = status(
            ConnectionState::Reconnecting {
                attempt: 2,
                retry_in_ms: 500,
            },
            true,
        );
        assert_eq!(s.health(), Health::Reconnecting);
        s.connection = status(ConnectionState::Connecting, true);
        assert_eq!(s.health(), Health::Reconnecting);
        s.connection = status(
            ConnectionState::Offline {
                reason: "closed".into(),
            },
            true,
        );
        assert_eq!(s.health(), Health::Offline);
    }

    #[test]
    fn the_state_line_names_environment_state_and_message_age() {
        let mut s = TrayState::default();
        assert_eq!(s.status_line(None), "Offline, no session");
        s.environment = Some(Environment::Demo);
        s.connection = status(ConnectionState::Connected { since_ms: 1 }, false);
        assert_eq!(s.status_line(None), "Demo: Connected");
        assert_eq!(
            s.status_line(Some(Duration::from_millis(3400))),
            "Demo: Connected · last message 3 s ago"
        );
        assert_eq!(
            s.status_line(Some(Duration::from_secs(125))),
            "Demo: Connected · last message 2 min ago"
        );
        s.connection = status(
            ConnectionState::Reconnecting {
                attempt: 3,
                retry_in_ms: 800,
            },
            true,
        );
        assert_eq!(s.status_line(None), "Demo: Reconnecting (attempt 3)…");
        s.connection = status(
            ConnectionState::Offline {
                reason: "x".repeat(100),
            },
            true,
        );
        let line = s.status_line(None);
        assert!(line.ends_with('…') && line.chars().count() < 80, "{line}");
    }

    #[test]
    fn the_menu_lists_the_last_five_fills_newest_first() {
        let mut s = TrayState::default();
        let texts = |menu: &[Node]| -> Vec<String> {
            menu.iter()
                .filter_map(|n| match n {
                    Node::Item {
                        id: MenuId::Fill,
                        text,
                        ..
                    } => Some(text.clone()),
                    _ => None,
                })
                .collect()
        };
        assert_eq!(texts(&s.menu(String::new())), ["No fills yet"]);
        for i in 1..=7 {
            s.add_fill(format!("fill {i}"));
        }
        assert_eq!(
            texts(&s.menu(String::new())),
            [
                "Recent fills",
                "fill 7",
                "fill 6",
                "fill 5",
                "fill 4",
                "fill 3"
            ]
        );
    }

    #[test]
    fn the_menu_has_show_hide_state_pause_environment_and_quit() {
        let s = TrayState {
            environment: Some(Environment::Simulator),
            paused: true,
            window_visible: false,
            ..TrayState::default()
        };
        let menu = s.menu("Simulator: Connected".into());
        assert_eq!(
            menu.first(),
            Some(&Node::Item {
                id: MenuId::ShowHide,
                text: "Show Kalshi Desk".into(),
                enabled: true
            })
        );
        assert!(menu.contains(&Node::Item {
            id: MenuId::Status,
            text: "Simulator: Connected".into(),
            enabled: false
        }));
        assert!(menu.contains(&Node::Check {
            id: MenuId::PauseNotifications,
            text: "Pause notifications".into(),
            checked: true,
            enabled: true
        }));
        let Some(Node::Submenu { text, children }) =
            menu.iter().find(|n| matches!(n, Node::Submenu { .. }))
        else {
            panic!("no environment submenu")
        };
        assert_eq!(text, "Environment");
        let checked: Vec<MenuId> = children
            .iter()
            .filter_map(|n| match n {
                Node::Check {
                    id, checked: true, ..
                } => Some(*id),
                _ => None,
            })
            .collect();
        assert_eq!(checked, [MenuId::Environment(Environment::Simulator)]);
        assert_eq!(
            menu.last(),
            Some(&Node::Item {
                id: MenuId::Quit,
                text: "Quit Kalshi Desk".into(),
                enabled: true
            })
        );

        let off = TrayState {
            notifications: false,
            ..TrayState::default()
        };
        assert!(off.menu(String::new()).iter().any(|n| matches!(
            n,
            Node::Check {
                id: MenuId::PauseNotifications,
                enabled: false,
                ..
            }
        )));
    }

    #[test]
    fn menu_ids_read_back() {
        for id in ALL_IDS {
            assert_eq!(MenuId::parse(id.as_str()), Some(id));
        }
        assert_eq!(MenuId::parse("nope"), None);
    }
}
