//! A tiny organisation for unit tests (two districts, two towns each, two villages each).

use super::org::{Area, Committee, CommitteeKind, Mediator, Org, Tier};

/// What unit tests return: a failure is reported as an error rather than an unwrap panic.
pub type TestResult = Result<(), Box<dyn std::error::Error>>;

/// City C; districts D1, D2; towns T1, T2; villages V1, V2; a geographic committee each;
/// TRAFFIC-D1 and city-level TRAFFIC/MEDICAL/LABOUR/PROPERTY; three mediators on G-C-D1-T1-V1.
pub fn small_org() -> Org {
    let mut org = Org { city_code: "C".into(), ..Org::default() };
    let mut add_area = |code: String, parent: Option<String>, level| {
        org.areas.push(Area { id: 0, name_zh: code.clone(), name_en: code.clone(), code, parent, level });
    };
    add_area("C".into(), None, Tier::City);
    for d in 1..=2 {
        let dc = format!("C-D{d}");
        add_area(dc.clone(), Some("C".into()), Tier::District);
        for t in 1..=2 {
            let tc = format!("{dc}-T{t}");
            add_area(tc.clone(), Some(dc.clone()), Tier::Town);
            for v in 1..=2 {
                add_area(format!("{tc}-V{v}"), Some(tc.clone()), Tier::Village);
            }
        }
    }
    let mut committees: Vec<Committee> = org
        .areas
        .iter()
        .map(|a| Committee {
            id: 0,
            code: format!("G-{}", a.code),
            kind: CommitteeKind::Geographic,
            area: a.code.clone(),
            name_zh: format!("{}调委会", a.name_zh),
            name_en: format!("{} committee", a.name_en),
        })
        .collect();
    for (code, kind, area) in [
        ("TRAFFIC-D1", CommitteeKind::Traffic, "C-D1"),
        ("TRAFFIC-C", CommitteeKind::Traffic, "C"),
        ("MEDICAL-C", CommitteeKind::Medical, "C"),
        ("LABOUR-C", CommitteeKind::Labour, "C"),
        ("PROPERTY-C", CommitteeKind::Property, "C"),
    ] {
        committees.push(Committee {
            id: 0,
            code: code.into(),
            kind,
            area: area.into(),
            name_zh: code.into(),
            name_en: code.into(),
        });
    }
    org.committees = committees;
    for name in ["张伟", "李娜", "王芳"] {
        org.mediators.push(Mediator {
            id: 0,
            name: name.into(),
            committees: vec!["G-C-D1-T1-V1".into()],
            grid_worker: false,
            specialties: vec![],
            capacity: 10,
            on_duty: true,
            phone: "13800000000".into(),
        });
    }
    for (i, a) in org.areas.iter_mut().enumerate() {
        a.id = i as i64 + 1;
    }
    for (i, c) in org.committees.iter_mut().enumerate() {
        c.id = i as i64 + 1;
    }
    for (i, m) in org.mediators.iter_mut().enumerate() {
        m.id = i as i64 + 1;
    }
    org
}
