//! Draws the [`model`](super::model) with Tauri's tray: the menu tree into Tauri menu
//! items, the health into one of the three icons of `icons/tray/`.

use tauri::image::Image;
use tauri::menu::{CheckMenuItem, IsMenuItem, Menu, MenuItem, PredefinedMenuItem, Submenu};
use tauri::{Manager, Runtime};

use super::model::{Health, MenuId, Node};

/// The icon of a health state (PNGs made as icons/tray/README.md says).
pub fn icon(health: Health) -> tauri::Result<Image<'static>> {
    let bytes: &'static [u8] = match health {
        Health::Connected => include_bytes!("../../../icons/tray/connected.png"),
        Health::Reconnecting => include_bytes!("../../../icons/tray/reconnecting.png"),
        Health::Offline => include_bytes!("../../../icons/tray/offline.png"),
    };
    Image::from_bytes(bytes)
}

/// A drawn menu, with the state line kept so its text can change in place (the age of the
/// last message ticks) without rebuilding a menu the person may have open.
pub struct Drawn<R: Runtime> {
    /// The menu.
    pub menu: Menu<R>,
    /// The state line.
    pub status: Option<MenuItem<R>>,
}

impl<R: Runtime> std::fmt::Debug for Drawn<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Drawn")
            .field("menu", &self.menu.id())
            .field("status", &self.status.as_ref().map(MenuItem::id))
            .finish()
    }
}

/// Builds the Tauri menu for `nodes`.
pub fn menu<R: Runtime, M: Manager<R>>(manager: &M, nodes: &[Node]) -> tauri::Result<Drawn<R>> {
    let menu = Menu::new(manager)?;
    let mut status = None;
    for node in nodes {
        let item = item(manager, node, &mut status)?;
        menu.append(item.as_ref())?;
    }
    Ok(Drawn { menu, status })
}

fn item<R: Runtime, M: Manager<R>>(
    manager: &M,
    node: &Node,
    status: &mut Option<MenuItem<R>>,
) -> tauri::Result<Box<dyn IsMenuItem<R>>> {
    Ok(match node {
        Node::Item { id, text, enabled } => {
            let item = MenuItem::with_id(manager, id.as_str(), text, *enabled, None::<&str>)?;
            if *id == MenuId::Status {
                *status = Some(item.clone());
            }
            Box::new(item)
        }
        Node::Check {
            id,
            text,
            checked,
            enabled,
        } => Box::new(CheckMenuItem::with_id(
            manager,
            id.as_str(),
            text,
            *enabled,
            *checked,
            None::<&str>,
        )?),
        Node::Separator => Box::new(PredefinedMenuItem::separator(manager)?),
        Node::Submenu { text, children } => {
            let submenu = Submenu::new(manager, text, true)?;
            for child in children {
                submenu.append(item(manager, child, status)?.as_ref())?;
            }
            Box::new(submenu)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_has_a_readable_icon() {
        for health in [Health::Connected, Health::Reconnecting, Health::Offline] {
            let image = icon(health).unwrap();
            assert_eq!((image.width(), image.height()), (64, 64), "{health:?}");
        }
    }
}
