//! Loading and saving the organisation and the office policy.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

use super::sql::coded;
use super::Store;
use crate::domain::{Area, Committee, Mediator, Org, Policy};
use crate::error::{Error, Result};

/// Reads the whole organisation (small: areas, committees, mediators).
pub fn load_org(conn: &Connection) -> Result<Org> {
    let city_code: Option<String> =
        conn.query_row("SELECT value FROM meta WHERE key = 'city_code'", [], |r| r.get(0)).optional()?;
    let mut codes: HashMap<i64, String> = HashMap::new();
    let mut areas = Vec::new();
    let mut stmt = conn.prepare("SELECT id, code, parent_id, level, name_zh, name_en FROM areas ORDER BY id")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let code: String = r.get(1)?;
        let parent: Option<i64> = r.get(2)?;
        codes.insert(id, code.clone());
        areas.push(Area {
            id,
            code,
            parent: parent.and_then(|p| codes.get(&p).cloned()),
            level: coded(r, 3)?,
            name_zh: r.get(4)?,
            name_en: r.get(5)?,
        });
    }
    let mut committees = Vec::new();
    let mut committee_codes: HashMap<i64, String> = HashMap::new();
    let mut stmt = conn.prepare("SELECT id, code, kind, area_id, name_zh, name_en FROM committees ORDER BY id")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let code: String = r.get(1)?;
        committee_codes.insert(id, code.clone());
        committees.push(Committee {
            id,
            code,
            kind: coded(r, 2)?,
            area: codes.get(&r.get::<_, i64>(3)?).cloned().unwrap_or_default(),
            name_zh: r.get(4)?,
            name_en: r.get(5)?,
        });
    }
    let mut membership: HashMap<i64, Vec<String>> = HashMap::new();
    let mut stmt = conn.prepare("SELECT mediator_id, committee_id FROM mediator_committees ORDER BY committee_id")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        if let Some(code) = committee_codes.get(&r.get::<_, i64>(1)?) {
            membership.entry(r.get(0)?).or_default().push(code.clone());
        }
    }
    let mut mediators = Vec::new();
    let mut stmt =
        conn.prepare("SELECT id, name, phone, grid_worker, specialties, capacity, on_duty FROM mediators ORDER BY id")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let specialties: String = r.get(4)?;
        mediators.push(Mediator {
            id,
            name: r.get(1)?,
            phone: r.get(2)?,
            grid_worker: r.get(3)?,
            specialties: specialties.split(',').filter_map(|s| s.parse().ok()).collect(),
            capacity: r.get(5)?,
            on_duty: r.get(6)?,
            committees: membership.remove(&id).unwrap_or_default(),
        });
    }
    Ok(Org { city_code: city_code.unwrap_or_default(), areas, committees, mediators })
}

/// Reads the policy stored at init (defaults when none was stored).
pub fn load_policy(conn: &Connection) -> Result<Policy> {
    let text: Option<String> =
        conn.query_row("SELECT value FROM meta WHERE key = 'policy'", [], |r| r.get(0)).optional()?;
    match text {
        Some(t) => Policy::read(&t).map_err(|e| Error::Db(crate::msg!("", "保存的规则无效：").then(e))),
        None => Ok(Policy::default()),
    }
}

impl Store {
    /// Loads an organisation and policy into an empty database, in one transaction.
    pub fn init_org(&mut self, org: &Org, policy: &Policy, now: DateTime<Utc>) -> Result<()> {
        self.writable()?;
        if self.is_initialised() {
            return Err(Error::Invalid(crate::msg!(
                "{} already holds an organisation; nothing was changed",
                "{} 已有组织数据；未作任何更改";
                self.path.display()
            )));
        }
        let problems = org.problems();
        if !problems.is_empty() {
            return Err(Error::Invalid(
                crate::msg!("the organisation is not valid:", "组织数据无效：").with_each(&problems),
            ));
        }
        let policy_toml = toml::to_string(policy)
            .map_err(|e| Error::Invalid(crate::msg!("cannot store the policy: {e}", "无法保存规则：{e}")))?;
        let tx = self.begin()?;
        // Checked again inside the write lock: another process may have initialised it since.
        let areas: i64 = tx.query_row("SELECT count(*) FROM areas", [], |r| r.get(0))?;
        if areas > 0 {
            return Err(Error::Invalid(crate::msg!(
                "{} already holds an organisation; nothing was changed",
                "{} 已有组织数据；未作任何更改";
                self.path.display()
            )));
        }
        tx.execute("INSERT INTO meta (key, value) VALUES ('city_code', ?1)", [&org.city_code])?;
        tx.execute("INSERT INTO meta (key, value) VALUES ('policy', ?1)", [&policy_toml])?;
        let mut area_ids: HashMap<&str, i64> = HashMap::new();
        for a in &org.areas {
            let parent = a.parent.as_deref().and_then(|p| area_ids.get(p).copied());
            tx.execute(
                "INSERT INTO areas (code, parent_id, level, name_zh, name_en) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![a.code, parent, a.level.code(), a.name_zh, a.name_en],
            )?;
            area_ids.insert(&a.code, tx.last_insert_rowid());
        }
        let mut committee_ids: HashMap<&str, i64> = HashMap::new();
        for c in &org.committees {
            let area = area_ids.get(c.area.as_str()).copied();
            tx.execute(
                "INSERT INTO committees (code, kind, area_id, name_zh, name_en) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![c.code, c.kind.code(), area, c.name_zh, c.name_en],
            )?;
            committee_ids.insert(&c.code, tx.last_insert_rowid());
        }
        for m in &org.mediators {
            let specialties: Vec<&str> = m.specialties.iter().map(|s| s.code()).collect();
            tx.execute(
                "INSERT INTO mediators (name, phone, grid_worker, specialties, capacity, on_duty) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![m.name, m.phone, m.grid_worker, specialties.join(","), m.capacity, m.on_duty],
            )?;
            let id = tx.last_insert_rowid();
            for c in &m.committees {
                tx.execute(
                    "INSERT INTO mediator_committees (mediator_id, committee_id) VALUES (?1, ?2)",
                    params![id, committee_ids.get(c.as_str())],
                )?;
            }
        }
        super::commands::audit(
            &tx,
            now,
            &self.actor,
            "init",
            None,
            &serde_json::json!({
                "areas": org.areas.len(), "committees": org.committees.len(), "mediators": org.mediators.len()
            }),
        )?;
        tx.commit()?;
        self.org = load_org(&self.conn)?;
        self.policy = load_policy(&self.conn)?;
        Ok(())
    }

    /// Finds a mediator by id (digits) or exact name; an ambiguous name is refused.
    pub fn find_mediator(&self, key: &str) -> Result<&Mediator> {
        let key = key.trim();
        if let Ok(id) = key.parse::<i64>() {
            if let Some(m) = self.org.mediator(id) {
                return Ok(m);
            }
        }
        let found: Vec<&Mediator> = self.org.mediators.iter().filter(|m| m.name == key).collect();
        match found.as_slice() {
            [m] => Ok(m),
            [] => Err(Error::missing(crate::error::Thing::MediatorIdOrName, key)),
            many => {
                let (n, ids) = (many.len(), many.iter().map(|m| m.id.to_string()).collect::<Vec<_>>());
                let (en, zh) = (ids.join(", "), ids.join("、"));
                Err(Error::Invalid(crate::msg!(
                    "{n} mediators are named {key:?}; use the id ({en})",
                    "有 {n} 位调解员名为“{key}”；请用编号（{zh}）"
                )))
            }
        }
    }

    /// Sets a mediator on or off duty.
    pub fn set_on_duty(&mut self, mediator_id: i64, on_duty: bool, now: DateTime<Utc>) -> Result<()> {
        self.writable()?;
        let tx = self.begin()?;
        let n = tx.execute("UPDATE mediators SET on_duty = ?1 WHERE id = ?2", params![on_duty, mediator_id])?;
        if n == 0 {
            return Err(Error::NotFound(crate::msg!(
                "no mediator with id {mediator_id}",
                "没有编号为 {mediator_id} 的调解员"
            )));
        }
        super::commands::audit(
            &tx,
            now,
            &self.actor,
            "duty",
            None,
            &serde_json::json!({"mediator": mediator_id, "on_duty": on_duty}),
        )?;
        tx.commit()?;
        self.reload_org()
    }
}
