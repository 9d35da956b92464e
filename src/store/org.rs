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
    let mut stmt = conn.prepare(&format!("{MEDIATOR_SELECT} ORDER BY id"))?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let mut m = mediator_from_row(r)?;
        m.committees = membership.remove(&m.id).unwrap_or_default();
        mediators.push(m);
    }
    Ok(Org { city_code: city_code.unwrap_or_default(), areas, committees, mediators })
}

/// A mediator's row (its committees come from `mediator_committees`).
const MEDIATOR_SELECT: &str = "SELECT id, name, phone, grid_worker, specialties, capacity, on_duty FROM mediators";

/// A mediator from a [`MEDIATOR_SELECT`] row, without its committees.
fn mediator_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Mediator> {
    let specialties: String = r.get(4)?;
    Ok(Mediator {
        id: r.get(0)?,
        name: r.get(1)?,
        phone: r.get(2)?,
        grid_worker: r.get(3)?,
        specialties: specialties.split(',').filter_map(|s| s.parse().ok()).collect(),
        capacity: r.get(5)?,
        on_duty: r.get(6)?,
        committees: Vec::new(),
    })
}

/// One mediator by id, with the codes of their committees (in the order [`load_org`] gives).
fn load_mediator(conn: &Connection, id: i64) -> Result<Option<Mediator>> {
    let Some(mut m) =
        conn.query_row(&format!("{MEDIATOR_SELECT} WHERE id = ?1"), [id], mediator_from_row).optional()?
    else {
        return Ok(None);
    };
    let mut stmt = conn.prepare(
        "SELECT k.code FROM mediator_committees mc JOIN committees k ON k.id = mc.committee_id \
         WHERE mc.mediator_id = ?1 ORDER BY mc.committee_id",
    )?;
    m.committees = stmt.query_map([id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(Some(m))
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
        if self.is_initialised()? {
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
        self.org = std::cell::OnceCell::from(load_org(&self.conn)?);
        self.policy = load_policy(&self.conn)?;
        Ok(())
    }

    /// One mediator by id: from the organisation when it has been read, else from its rows
    /// alone (a one-shot write needs one mediator, not the whole organisation).
    pub fn mediator(&self, id: i64) -> Result<Option<Mediator>> {
        match self.org.get() {
            Some(org) => Ok(org.mediator(id).cloned()),
            None => load_mediator(&self.conn, id),
        }
    }

    /// The name of the mediator `id` names, if any.
    pub fn mediator_name(&self, id: Option<i64>) -> Result<Option<String>> {
        Ok(match id {
            Some(id) => self.mediator(id)?.map(|m| m.name),
            None => None,
        })
    }

    /// Finds a mediator by id (digits) or exact name; an ambiguous name is refused.
    pub fn find_mediator(&self, key: &str) -> Result<Mediator> {
        let key = key.trim();
        if let Ok(id) = key.parse::<i64>() {
            if let Some(m) = self.mediator(id)? {
                return Ok(m);
            }
        }
        let found: Vec<&Mediator> = self.org()?.mediators.iter().filter(|m| m.name == key).collect();
        match found.as_slice() {
            [m] => Ok((*m).clone()),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::testing::{small_org, TestResult};

    /// One mediator read alone is the mediator the whole organisation holds, committees in the
    /// same order; and finding one by id and assigning to them reads no more than that.
    #[test]
    fn one_mediator_read_alone_is_the_organisations_and_an_assignment_reads_no_more() -> TestResult {
        let dir = tempfile::TempDir::new()?;
        let path = dir.path().join("org.db");
        let now = Utc::now();
        let mut store = Store::create(&path)?;
        let mut fixture = small_org();
        // One mediator on two committees, listed out of id order.
        let other =
            fixture.committees.iter().map(|c| c.code.clone()).find(|c| !fixture.mediators[0].committees.contains(c));
        fixture.mediators[0].committees.insert(0, other.ok_or("the fixture has two committees")?);
        store.init_org(&fixture, &Policy::default(), now)?;
        let org = load_org(&store.conn)?;
        assert!(org.mediators.iter().any(|m| m.committees.len() > 1), "the fixture has a mediator on two committees");
        for m in &org.mediators {
            assert_eq!(load_mediator(&store.conn, m.id)?.as_ref(), Some(m));
        }
        assert_eq!(load_mediator(&store.conn, 999_999)?, None);
        drop(store);

        use crate::domain::{Category, Complexity, NewCase, Party, RiskFlags, RiskLevel, Source, Tier};
        let village = org.areas.iter().find(|a| a.level == Tier::Village).map(|a| a.code.clone()).unwrap_or_default();
        let party = |name: &str| Party { name: name.into(), phone: "13812345678".into(), id_no: String::new() };
        let new = NewCase {
            received_at: now,
            source: Source::WalkIn,
            category: Category::Neighbour,
            applicant: party("张三"),
            respondent: party("李四"),
            summary: "楼上漏水".into(),
            amount_fen: 0,
            area: village,
            complexity: Complexity::Simple,
            risk_flags: RiskFlags::default(),
            risk_level: RiskLevel::None,
            partners: Vec::new(),
        };
        let case = Store::open(&path, false)?.add_case(&new, now)?;
        let mut store = Store::open(&path, false)?;
        let first = &org.mediators[0];
        let found = store.find_mediator(&first.id.to_string())?;
        store.assign(&case.reference, found.id, super::super::Expect::Latest, true, now)?;
        assert_eq!(&found, first);
        assert!(store.org.get().is_none(), "assigning by id read the whole organisation");
        Ok(())
    }
}
