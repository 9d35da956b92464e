//! Keys are data: the default keymap is embedded, a user file overrides only the actions it
//! names, a key bound twice is refused, and the reverse lookup feeds hints and help.

use std::collections::{BTreeMap, HashMap};

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;
use crate::error::Msg;
use crate::msg;

const DEFAULT_KEYMAP: &str = include_str!("default-keymap.toml");

/// A key as written in the keymap file (`a`, `G`, `ctrl-c`, `enter`, `pagedown`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    code: KeyCode,
    ctrl: bool,
    alt: bool,
}

impl Key {
    /// The key of a terminal key event (shift is folded into the character).
    pub fn from_event(e: &KeyEvent) -> Key {
        Key {
            code: e.code,
            ctrl: e.modifiers.contains(KeyModifiers::CONTROL),
            alt: e.modifiers.contains(KeyModifiers::ALT),
        }
    }

    /// Parses `ctrl-c`, `alt-x`, `enter`, `a`, `G`, `f5`.
    pub fn parse(s: &str) -> Result<Key, String> {
        let mut ctrl = false;
        let mut alt = false;
        let mut rest = s;
        loop {
            if let Some(r) = rest.strip_prefix("ctrl-") {
                ctrl = true;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("alt-") {
                alt = true;
                rest = r;
            } else {
                break;
            }
        }
        let code = match rest {
            "enter" => KeyCode::Enter,
            "esc" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "space" => KeyCode::Char(' '),
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "pageup" => KeyCode::PageUp,
            "pagedown" => KeyCode::PageDown,
            "backspace" => KeyCode::Backspace,
            "delete" => KeyCode::Delete,
            f if f.len() > 1 && f.starts_with('f') && f[1..].parse::<u8>().is_ok() => {
                KeyCode::F(f[1..].parse().map_err(|_| format!("bad key {s:?}"))?)
            }
            c if c.chars().count() == 1 => KeyCode::Char(c.chars().next().unwrap_or(' ')),
            _ => return Err(format!("unknown key {s:?}")),
        };
        Ok(Key { code, ctrl, alt })
    }

    /// How the key is shown in hints and help.
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Enter => "Enter".to_string(),
            KeyCode::Esc => "Esc".to_string(),
            KeyCode::Tab => "Tab".to_string(),
            KeyCode::BackTab => "S-Tab".to_string(),
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Up => "↑".to_string(),
            KeyCode::Down => "↓".to_string(),
            KeyCode::Left => "←".to_string(),
            KeyCode::Right => "→".to_string(),
            KeyCode::Home => "Home".to_string(),
            KeyCode::End => "End".to_string(),
            KeyCode::PageUp => "PgUp".to_string(),
            KeyCode::PageDown => "PgDn".to_string(),
            KeyCode::F(n) => format!("F{n}"),
            KeyCode::Char(c) => c.to_string(),
            other => format!("{other:?}"),
        };
        let mut s = String::new();
        if self.ctrl {
            s.push_str("Ctrl-");
        }
        if self.alt {
            s.push_str("Alt-");
        }
        s + &base
    }
}

/// Key → action, with the reverse lookup.
#[derive(Debug, Clone)]
pub struct Keymap {
    by_key: HashMap<Key, Action>,
    by_action: BTreeMap<&'static str, Vec<Key>>,
    /// The mouse is wanted (`mouse = false` in the user's file turns it off).
    mouse: bool,
    /// The bell rings when a red or flagged case arrives (`bell = false` turns it off).
    bell: bool,
}

fn parse_table(text: &str, origin: &str) -> Result<BTreeMap<String, Vec<String>>, Msg> {
    toml::from_str(text).map_err(|e| not_toml(origin, e))
}

/// A keymap file that TOML cannot read (the parser's words are English).
fn not_toml(origin: &str, e: impl std::fmt::Display) -> Msg {
    msg!("{origin}: {e}", "{origin}：格式有误：{e}")
}

/// The settings a keymap file holds besides keys: `mouse = true|false` and `bell = true|false`.
#[derive(Debug, Clone, Copy)]
struct Settings {
    mouse: bool,
    bell: bool,
}

/// Takes the settings out of a keymap file's text; both default to on.
fn split_settings(text: &str, origin: &str) -> Result<(String, Settings), Msg> {
    let mut table: toml::Table = toml::from_str(text).map_err(|e| not_toml(origin, e))?;
    let mut flag = |name: &str| match table.remove(name) {
        None => Ok(true),
        Some(toml::Value::Boolean(b)) => Ok(b),
        Some(_) => Err(msg!("{origin}: {name} must be true or false", "{origin}：{name} 只能是 true 或 false")),
    };
    let settings = Settings { mouse: flag("mouse")?, bell: flag("bell")? };
    Ok((toml::to_string(&table).map_err(|e| not_toml(origin, e))?, settings))
}

fn action_named(name: &str) -> Option<Action> {
    Action::BINDABLE.iter().find(|a| a.name() == name).cloned()
}

impl Keymap {
    /// The embedded defaults.
    pub fn defaults() -> Keymap {
        // The embedded file is tested to load; fall back to an empty map rather than panic.
        Keymap::with_overrides(None).unwrap_or(Keymap {
            by_key: HashMap::new(),
            by_action: BTreeMap::new(),
            mouse: true,
            bell: true,
        })
    }

    /// The defaults patched by a user keymap's text: each action the user names gets exactly the
    /// user's keys. A key bound to two actions, an unknown action or an unknown key is refused.
    pub fn with_overrides(user: Option<(&str, &str)>) -> crate::error::Result<Keymap> {
        Keymap::build(user).map_err(|reason| crate::error::Error::setting("keymap", reason))
    }

    fn build(user: Option<(&str, &str)>) -> Result<Keymap, Msg> {
        let mut table = parse_table(DEFAULT_KEYMAP, "default keymap")?;
        let mut settings = Settings { mouse: true, bell: true };
        if let Some((origin, text)) = user {
            let (text, wanted) = split_settings(text, origin)?;
            settings = wanted;
            for (action, keys) in parse_table(&text, origin)? {
                if action_named(&action).is_none() {
                    return Err(msg!("{origin}: unknown action {action:?}", "{origin}：未知操作“{action}”"));
                }
                table.insert(action, keys);
            }
        }
        let mut by_key: HashMap<Key, Action> = HashMap::new();
        let mut by_action: BTreeMap<&'static str, Vec<Key>> = BTreeMap::new();
        for (name, keys) in &table {
            let action = action_named(name).ok_or_else(|| msg!("unknown action {name:?}", "未知操作“{name}”"))?;
            let (origin, origin_zh) = user.map_or(("default keymap", "默认键位表"), |(o, _)| (o, o));
            for k in keys {
                let key = Key::parse(k).map_err(|e| msg!("{origin}: {e}", "{origin_zh}：无法识别的按键“{k}”"))?;
                if let Some(other) = by_key.get(&key) {
                    let (a, b) = (other.name(), action.name());
                    let fix = user.map_or("the default keymap", |(o, _)| o);
                    return Err(msg!(
                        "key {k:?} is bound to both {a} and {b}; fix {fix}",
                        "按键“{k}”同时绑定了 {a} 和 {b}；请修改 {origin_zh}"
                    ));
                }
                by_key.insert(key, action.clone());
                by_action.entry(action.name()).or_default().push(key);
            }
        }
        Ok(Keymap { by_key, by_action, mouse: settings.mouse, bell: settings.bell })
    }

    /// Whether the desk reports the mouse (`mouse = false` in the user's file turns it off).
    pub fn mouse(&self) -> bool {
        self.mouse
    }

    /// Whether a red or flagged arrival rings the bell (`bell = false` in the user's file turns
    /// it off).
    pub fn bell(&self) -> bool {
        self.bell
    }

    /// The action a key event is bound to.
    pub fn action_for(&self, e: &KeyEvent) -> Option<Action> {
        self.by_key.get(&Key::from_event(e)).cloned()
    }

    /// The keys bound to an action, as labels joined with `/` (empty when unbound).
    pub fn keys_for(&self, action: &Action) -> String {
        self.by_action
            .get(action.name())
            .map(|ks| ks.iter().map(Key::label).collect::<Vec<_>>().join("/"))
            .unwrap_or_default()
    }

    /// The first key bound to an action, for short hints.
    pub fn first_key(&self, action: &Action) -> String {
        self.by_action.get(action.name()).and_then(|ks| ks.first()).map(Key::label).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::testing::TestResult;

    fn ev(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    #[test]
    fn defaults_load_and_bind_every_action() -> TestResult {
        let k = Keymap::with_overrides(None)?;
        for a in Action::BINDABLE {
            assert!(!k.keys_for(a).is_empty(), "{} unbound", a.name());
        }
        assert_eq!(k.action_for(&ev('a')), Some(Action::Assign));
        assert_eq!(k.action_for(&ev('A')), Some(Action::AutoAssign));
        assert_eq!(k.action_for(&KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)), Some(Action::Quit));
        Ok(())
    }

    #[test]
    fn user_file_overrides_only_what_it_names() -> TestResult {
        let k = Keymap::with_overrides(Some(("user", "assign = [\"ctrl-a\"]")))?;
        assert_eq!(k.action_for(&ev('a')), None);
        assert_eq!(k.action_for(&ev('e')), Some(Action::Escalate));
        assert_eq!(k.keys_for(&Action::Assign), "Ctrl-a");
        Ok(())
    }

    #[test]
    fn the_file_can_turn_the_mouse_off() -> TestResult {
        assert!(Keymap::with_overrides(None)?.mouse());
        let k = Keymap::with_overrides(Some(("user", "mouse = false\nassign = [\"ctrl-a\"]")))?;
        assert!(!k.mouse());
        assert_eq!(k.keys_for(&Action::Assign), "Ctrl-a");
        assert!(Keymap::with_overrides(Some(("user", "mouse = \"no\""))).is_err());
        Ok(())
    }

    #[test]
    fn duplicate_bindings_are_refused() {
        let err = Keymap::with_overrides(Some(("user", "assign = [\"e\"]"))).unwrap_err();
        assert!(err.to_string().contains("bound to both"), "{err}");
        assert_eq!(err.exit_code(), 2);
        assert!(Keymap::with_overrides(Some(("user", "asign = [\"x\"]"))).is_err());
    }
}
