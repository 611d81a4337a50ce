//! When a key press may act as a page shortcut: never while the person is typing. Typing
//! is judged from both the event's target and the focused element, because a focused
//! field can receive keys whose event names another target (WebKitWebDriver sends keys to
//! a field it has just focused, and the first of them could reach the page as if typed on
//! the body, so a `b` in the ticket's count would flip the side).

/// An element as far as shortcuts care: its tag name and whether it is editable text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Focus {
    /// The tag name as the DOM reports it (`INPUT` in HTML, `input` in XHTML).
    pub tag: String,
    /// True for a `contenteditable` element.
    pub editable: bool,
}

impl Focus {
    /// True when keys typed here are text (or a choice) for the element itself.
    pub fn takes_keys(&self) -> bool {
        self.editable
            || ["INPUT", "TEXTAREA", "SELECT"]
                .iter()
                .any(|t| self.tag.eq_ignore_ascii_case(t))
    }
}

/// Everything that decides whether a key press is a page shortcut.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Press {
    /// The element the event names.
    pub target: Option<Focus>,
    /// The document's focused element when the event arrives.
    pub active: Option<Focus>,
    /// An input method is composing text (e.g. typing Japanese).
    pub composing: bool,
    /// Ctrl, Cmd or Alt is held: the browser's or the OS's shortcut, not ours.
    pub modifier: bool,
    /// A dialog is open: its own keys only.
    pub modal: bool,
}

/// True when the press may run a page shortcut (B/S, ↑/↓, page digits, …).
pub fn page_shortcut(p: &Press) -> bool {
    !(p.modal
        || p.modifier
        || p.composing
        || p.target.as_ref().is_some_and(Focus::takes_keys)
        || p.active.as_ref().is_some_and(Focus::takes_keys))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn el(tag: &str) -> Option<Focus> {
        Some(Focus {
            tag: tag.to_owned(),
            editable: false,
        })
    }

    #[test]
    fn keys_on_the_page_body_are_shortcuts() {
        let p = Press {
            target: el("BODY"),
            active: el("BODY"),
            ..Press::default()
        };
        assert!(page_shortcut(&p));
        assert!(page_shortcut(&Press {
            target: el("BUTTON"),
            active: el("BUTTON"),
            ..Press::default()
        }));
        assert!(page_shortcut(&Press::default()), "no target, no focus");
    }

    #[test]
    fn keys_typed_in_a_field_never_are() {
        for tag in ["INPUT", "TEXTAREA", "SELECT", "input", "select"] {
            let p = Press {
                target: el(tag),
                active: el(tag),
                ..Press::default()
            };
            assert!(!page_shortcut(&p), "{tag} keeps its keys");
        }
        let editable = Some(Focus {
            tag: "DIV".to_owned(),
            editable: true,
        });
        assert!(!page_shortcut(&Press {
            target: editable.clone(),
            active: editable,
            ..Press::default()
        }));
    }

    #[test]
    fn a_focused_field_keeps_its_keys_even_when_the_event_names_the_body() {
        // The WebKitWebDriver case: the ticket's count is focused, the key's event names
        // the body.
        let p = Press {
            target: el("BODY"),
            active: el("INPUT"),
            ..Press::default()
        };
        assert!(!page_shortcut(&p));
    }

    #[test]
    fn modifiers_dialogs_and_composition_stop_shortcuts() {
        let body = Press {
            target: el("BODY"),
            active: el("BODY"),
            ..Press::default()
        };
        for p in [
            Press {
                modifier: true,
                ..body.clone()
            },
            Press {
                modal: true,
                ..body.clone()
            },
            Press {
                composing: true,
                ..body.clone()
            },
        ] {
            assert!(!page_shortcut(&p), "{p:?}");
        }
    }
}
