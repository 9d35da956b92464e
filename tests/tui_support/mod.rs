//! A small, fixed desk for TUI tests: a real SQLite file with the demo organisation and a few
//! hand-made cases at known times, the state built from it, and a screen renderer.
#![allow(dead_code)]

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use duty_desk::domain::{
    AgreementForm, Category, Complexity, NewCase, Org, Party, Policy, RiskFlags, RiskLevel, Source, Status, Tier,
};
use duty_desk::store::{Expect, Store};
use duty_desk::tui::action::Action;
use duty_desk::tui::keymap::Keymap;
use duty_desk::tui::snapshot::Snapshot;
use duty_desk::tui::state::{update, State};
use duty_desk::tui::theme::Theme;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use tempfile::TempDir;
use unicode_width::UnicodeWidthStr;

/// The fixed "now" of every TUI test: 2023-05-10 09:00 in Wuhai (UTC+8).
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2023, 5, 10, 1, 0, 0).unwrap()
}

/// The demo organisation from the fixture.
pub fn demo_org() -> Org {
    serde_json::from_str(include_str!("../../fixtures/demo-org.json")).unwrap()
}

/// A temp dir holding the database, and the store open on it.
pub struct Desk {
    pub dir: TempDir,
    pub store: Store,
    pub refs: Vec<String>,
}

fn villages(store: &Store) -> Vec<String> {
    store.org().unwrap().areas.iter().filter(|a| a.level == Tier::Village).map(|a| a.code.clone()).collect()
}

fn new_case(
    area: &str,
    category: Category,
    complexity: Complexity,
    risk: RiskLevel,
    age: Duration,
    who: (&str, &str),
    summary: &str,
) -> NewCase {
    NewCase {
        received_at: now() - age,
        source: Source::WalkIn,
        category,
        applicant: Party { name: who.0.into(), phone: "13812345678".into(), id_no: "150302199001011231".into() },
        respondent: Party { name: who.1.into(), phone: "13987654321".into(), id_no: String::new() },
        summary: summary.into(),
        amount_fen: 1_250_000,
        area: area.into(),
        complexity,
        risk_flags: RiskFlags { mass: risk == RiskLevel::Red, ..RiskFlags::default() },
        risk_level: risk,
        partners: Vec::new(),
    }
}

/// Builds the fixed desk: six unassigned cases (ok, due soon and overdue clocks; every risk
/// colour), one assigned, two resolved with follow-ups (one overdue, one due soon).
pub fn desk() -> Desk {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::create(&dir.path().join("desk.db")).unwrap();
    store.init_org(&demo_org(), &Policy::default(), now()).unwrap();
    let v = villages(&store);
    let h = Duration::hours;
    let specs = [
        (
            Category::Neighbour,
            Complexity::Simple,
            RiskLevel::None,
            h(2),
            ("张伟", "李娜"),
            "因排水沟堵塞与邻居发生争执",
        ),
        (
            Category::TrafficAccident,
            Complexity::General,
            RiskLevel::Yellow,
            h(20),
            ("王芳", "刘洋"),
            "电动车与行人相撞，医药费赔偿分歧",
        ),
        (
            Category::MarriageFamily,
            Complexity::Major,
            RiskLevel::Orange,
            h(6),
            ("陈静", "杨军"),
            "离婚后子女抚养费给付纠纷",
        ),
        (
            Category::Labour,
            Complexity::Critical,
            RiskLevel::Red,
            Duration::minutes(30),
            ("赵磊", "某建筑公司"),
            "三十余名工人追讨欠薪，情绪激动",
        ),
        (
            Category::HousingHomestead,
            Complexity::General,
            RiskLevel::None,
            Duration::days(3),
            ("黄敏", "周强"),
            "宅基地边界界桩位置争议",
        ),
        (Category::Contract, Complexity::Simple, RiskLevel::Yellow, h(1), ("吴霞", "郑涛"), "装修工程尾款拒付"),
        (
            Category::Medical,
            Complexity::General,
            RiskLevel::None,
            Duration::days(2),
            ("孙丽", "市第二医院"),
            "术后并发症赔偿",
        ),
        (
            Category::Damages,
            Complexity::General,
            RiskLevel::None,
            Duration::days(45),
            ("马超", "胡斌"),
            "饲养的狗咬伤邻居",
        ),
        (
            Category::PropertyManagement,
            Complexity::Simple,
            RiskLevel::None,
            Duration::days(20),
            ("林峰", "某物业公司"),
            "物业费与漏水维修纠纷",
        ),
    ];
    let mut refs = Vec::new();
    for (i, (cat, cx, risk, age, who, summary)) in specs.into_iter().enumerate() {
        let c = store.add_case(&new_case(&v[i % v.len()], cat, cx, risk, age, who, summary), now()).unwrap();
        refs.push(c.reference);
    }
    // Case 7 is being mediated; cases 8 and 9 were resolved and have follow-ups.
    for (i, assigned_ago, finished_ago) in [
        (6, Duration::days(1), None),
        (7, Duration::days(40), Some(Duration::days(20))),
        (8, Duration::days(19), Some(Duration::days(10))),
    ] {
        let case = store.case_by_ref(&refs[i]).unwrap();
        let best = store.suggestions(&case, now()).unwrap()[0].mediator_id;
        store.assign(&refs[i], best, Expect::Latest, true, now() - assigned_ago).unwrap();
        if let Some(ago) = finished_ago {
            store
                .finish(
                    &refs[i],
                    Status::Resolved,
                    Some(AgreementForm::Written),
                    None,
                    "达成协议",
                    Expect::Latest,
                    now() - ago,
                )
                .unwrap();
        }
    }
    Desk { dir, store, refs }
}

/// Runs the requests through the real worker thread on the desk's file and returns its first
/// reply (the worker is shut down after).
pub fn run_worker(desk: &Desk, requests: Vec<duty_desk::tui::worker::Request>) -> Box<duty_desk::tui::worker::Reply> {
    use duty_desk::tui::event::Event;
    use duty_desk::tui::worker::Request;
    let path = desk.dir.path().join("desk.db");
    let (tx, inbox) = std::sync::mpsc::channel();
    let (events, replies) = std::sync::mpsc::channel();
    let worker = duty_desk::tui::worker::spawn(Store::open(&path, false).unwrap(), inbox, events, Default::default());
    for r in requests {
        tx.send(r).unwrap();
    }
    let reply = loop {
        if let Event::Reply(r) = replies.recv().unwrap() {
            break r;
        }
    };
    tx.send(Request::Shutdown).unwrap();
    worker.join().unwrap();
    reply
}

/// The state of a desk that has just received its first snapshot.
pub fn state(desk: &Desk, lang: duty_desk::domain::Lang, size: (u16, u16)) -> State {
    let mut s = State::new(
        lang,
        Keymap::defaults(),
        "officer1".into(),
        "desk.db".into(),
        false,
        desk.store.policy().clocks.clone(),
        now(),
    );
    s.tz = desk.store.policy().office.time_zone;
    update(&mut s, Action::Resize(size.0, size.1));
    let snap = Snapshot::read(&desk.store, &s.query, Arc::new(desk.store.org().unwrap().clone()), now()).unwrap();
    update(&mut s, Action::Snapshot(Box::new(snap)));
    s
}

/// Renders the state into a test terminal and returns the buffer.
pub fn buffer(state: &State, theme: &Theme) -> ratatui::buffer::Buffer {
    let mut term = Terminal::new(TestBackend::new(state.size.0, state.size.1)).unwrap();
    term.draw(|f| duty_desk::tui::ui::render(f, state, theme)).unwrap();
    term.backend().buffer().clone()
}

/// The screen as text, one line per row, wide characters counted once.
pub fn text(buf: &ratatui::buffer::Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut skip = 0;
        for x in 0..buf.area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let sym = buf[(x, y)].symbol();
            skip = sym.width().saturating_sub(1);
            out.push_str(sym);
        }
        out.push('\n');
    }
    out
}

/// Renders and returns the screen text.
pub fn screen(state: &State, theme: &Theme) -> String {
    text(&buffer(state, theme))
}

/// The position of the first occurrence of `needle` on the screen (column in cells, row).
pub fn find(buf: &ratatui::buffer::Buffer, needle: &str) -> Option<(u16, u16)> {
    for y in 0..buf.area.height {
        let mut line = String::new();
        let mut cols = Vec::new();
        let mut skip = 0;
        for x in 0..buf.area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let sym = buf[(x, y)].symbol();
            skip = sym.width().saturating_sub(1);
            for _ in sym.chars() {
                cols.push(x);
            }
            line.push_str(sym);
        }
        if let Some(byte) = line.find(needle) {
            let ch = line[..byte].chars().count();
            return Some((cols[ch], y));
        }
    }
    None
}
