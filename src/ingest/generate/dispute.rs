//! What a dispute is about: category, source and complexity mixes, risk, amounts, and the
//! Chinese summary templates per category.

use std::fmt::Write as _;

use chrono::{DateTime, Datelike, Duration, Utc};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::people::{company, person, push_given, respondent};
use super::{chance, pick, pick_str, LOCAL_OFFSET_SECS, PARTNERS, PROGRESS};
use crate::domain::{Category, Complexity, Party, RiskFlags, RiskLevel, Source};

/// The intake fields of one dispute.
pub(super) struct Dispute {
    pub(super) source: Source,
    pub(super) category: Category,
    pub(super) complexity: Complexity,
    pub(super) risk_level: RiskLevel,
    pub(super) risk_flags: RiskFlags,
    pub(super) applicant: Party,
    pub(super) respondent: Party,
    pub(super) summary: String,
    pub(super) amount_fen: i64,
}

pub(super) const SOURCES: &[(Source, u32)] = &[
    (Source::WalkIn, 260),
    (Source::Phone, 170),
    (Source::GridReport, 230),
    (Source::CourtReferral, 50),
    (Source::PoliceReferral, 70),
    (Source::PetitionReferral, 30),
    (Source::Screening, 90),
    (Source::Online, 60),
    (Source::MobileVan, 40),
];

pub(super) const LIVE_SOURCES: &[(Source, u32)] = &[
    (Source::WalkIn, 30),
    (Source::Phone, 25),
    (Source::GridReport, 30),
    (Source::PoliceReferral, 6),
    (Source::CourtReferral, 3),
    (Source::Online, 6),
];

pub(super) const CATEGORIES_URBAN: &[(Category, u32)] = &[
    (Category::Neighbour, 240),
    (Category::MarriageFamily, 170),
    (Category::HousingHomestead, 50),
    (Category::Contract, 70),
    (Category::Business, 30),
    (Category::Damages, 110),
    (Category::LandForest, 5),
    (Category::LandAcquisition, 10),
    (Category::Environment, 6),
    (Category::Labour, 60),
    (Category::Consumer, 35),
    (Category::Medical, 15),
    (Category::TrafficAccident, 70),
    (Category::PropertyManagement, 80),
    (Category::Other, 49),
];

pub(super) const CATEGORIES_RURAL: &[(Category, u32)] = &[
    (Category::Neighbour, 230),
    (Category::MarriageFamily, 170),
    (Category::HousingHomestead, 120),
    (Category::Contract, 50),
    (Category::Business, 25),
    (Category::Damages, 100),
    (Category::LandForest, 80),
    (Category::LandAcquisition, 40),
    (Category::Environment, 10),
    (Category::Labour, 35),
    (Category::Consumer, 10),
    (Category::Medical, 10),
    (Category::TrafficAccident, 60),
    (Category::PropertyManagement, 5),
    (Category::Other, 55),
];

pub(super) const COMPLEXITY_USUAL: &[(Complexity, u32)] =
    &[(Complexity::Simple, 560), (Complexity::General, 355), (Complexity::Major, 78), (Complexity::Critical, 7)];
pub(super) const COMPLEXITY_HARD: &[(Complexity, u32)] =
    &[(Complexity::Simple, 150), (Complexity::General, 500), (Complexity::Major, 300), (Complexity::Critical, 50)];

pub(super) fn risk_table(c: Complexity) -> &'static [(RiskLevel, u32)] {
    match c {
        Complexity::Simple => {
            &[(RiskLevel::None, 750), (RiskLevel::Yellow, 230), (RiskLevel::Orange, 18), (RiskLevel::Red, 2)]
        }
        Complexity::General => {
            &[(RiskLevel::None, 550), (RiskLevel::Yellow, 380), (RiskLevel::Orange, 60), (RiskLevel::Red, 10)]
        }
        Complexity::Major => {
            &[(RiskLevel::None, 250), (RiskLevel::Yellow, 450), (RiskLevel::Orange, 240), (RiskLevel::Red, 60)]
        }
        Complexity::Critical => &[(RiskLevel::Yellow, 200), (RiskLevel::Orange, 450), (RiskLevel::Red, 350)],
    }
}

pub(super) fn draw_dispute(
    rng: &mut ChaCha8Rng,
    source: Source,
    place: &str,
    rural: bool,
    at: DateTime<Utc>,
) -> Dispute {
    let category = pick(rng, if rural { CATEGORIES_RURAL } else { CATEGORIES_URBAN });
    let source = match category {
        Category::TrafficAccident if chance(rng, 0.35) => Source::PoliceReferral,
        Category::Labour if chance(rng, 0.08) => Source::PetitionReferral,
        _ => source,
    };
    let hard = matches!(category, Category::LandAcquisition | Category::Environment | Category::Medical);
    let complexity = pick(rng, if hard { COMPLEXITY_HARD } else { COMPLEXITY_USUAL });
    let risk_level = pick(rng, risk_table(complexity));
    let high = matches!(risk_level, RiskLevel::Orange | RiskLevel::Red);
    let crowd = matches!(
        category,
        Category::LandAcquisition | Category::Labour | Category::Environment | Category::PropertyManagement
    );
    let violent = matches!(category, Category::Neighbour | Category::MarriageFamily | Category::Damages);
    let risk_flags = RiskFlags {
        mass: (crowd && high && chance(rng, 0.4)) || (complexity >= Complexity::Major && chance(rng, 0.02)),
        media: chance(rng, if high { 0.08 } else { 0.002 }),
        criminal: violent && high && chance(rng, 0.3),
    };
    let year = (at + Duration::seconds(LOCAL_OFFSET_SECS)).year();
    let applicant_org = matches!(category, Category::PropertyManagement) && chance(rng, 0.35);
    let applicant = if applicant_org { company(rng, category, place, 0.5) } else { person(rng, year, 0.8) };
    let mut respondent = respondent(rng, category, place, year, applicant_org);
    if category == Category::MarriageFamily && chance(rng, 0.45) {
        // Siblings, parent and child: one family name. The id number's 17th digit is odd for men.
        let male = respondent.id_no.as_bytes().get(16).map_or_else(|| chance(rng, 0.5), |b| b % 2 == 1);
        respondent.name.clear();
        respondent.name.push_str(applicant.name.get(..3).unwrap_or(""));
        push_given(rng, &mut respondent.name, male);
    }
    let amount_fen = amount(rng, category, complexity);

    let mut summary = String::with_capacity(160);
    summary.push_str(pick_str(rng, reasons(category)));
    summary.push('，');
    summary.push_str(pick_str(rng, PROGRESS));
    if risk_flags.mass {
        let _ = write!(summary, "，涉及群众{}余人", rng.random_range(1..8) * 10);
    }
    if risk_flags.criminal {
        summary.push_str("，一方情绪激动，有民转刑风险");
    }
    if risk_flags.media {
        summary.push_str("，已引发网络舆情关注");
    }
    if amount_fen > 0 && chance(rng, 0.6) {
        let yuan = amount_fen / 100;
        if yuan >= 10_000 {
            let _ = write!(summary, "，涉及金额约{:.1}万元", yuan as f64 / 10_000.0);
        } else {
            let _ = write!(summary, "，涉及金额{yuan}元");
        }
    }
    summary.push('。');
    Dispute { source, category, complexity, risk_level, risk_flags, applicant, respondent, summary, amount_fen }
}

pub(super) fn draw_partners(rng: &mut ChaCha8Rng, complexity: Complexity) -> Vec<String> {
    if complexity == Complexity::Critical && chance(rng, 0.7) {
        return PARTNERS.iter().map(|p| p.to_string()).collect();
    }
    let mut v = vec![PARTNERS[0].to_string()];
    for p in &PARTNERS[1..] {
        if chance(rng, 0.5) {
            v.push(p.to_string());
        }
    }
    if v.len() == 1 {
        v.push(PARTNERS[1].to_string());
    }
    v
}

/// Amount involved in fen: nothing for many family and neighbour quarrels, more for traffic,
/// medical, labour and land cases.
pub(super) fn amount(rng: &mut ChaCha8Rng, category: Category, complexity: Complexity) -> i64 {
    let (zero, lo, hi): (f64, f64, f64) = match category {
        Category::MarriageFamily => (0.7, 2_000.0, 200_000.0),
        Category::Neighbour => (0.55, 200.0, 20_000.0),
        Category::HousingHomestead => (0.2, 5_000.0, 500_000.0),
        Category::Contract => (0.03, 2_000.0, 500_000.0),
        Category::Business => (0.05, 5_000.0, 1_000_000.0),
        Category::Damages => (0.05, 500.0, 100_000.0),
        Category::LandForest => (0.4, 1_000.0, 100_000.0),
        Category::LandAcquisition => (0.1, 20_000.0, 1_000_000.0),
        Category::Environment => (0.3, 2_000.0, 200_000.0),
        Category::Labour => (0.02, 3_000.0, 200_000.0),
        Category::Consumer => (0.02, 300.0, 50_000.0),
        Category::Medical => (0.03, 10_000.0, 800_000.0),
        Category::TrafficAccident => (0.03, 3_000.0, 500_000.0),
        Category::PropertyManagement => (0.05, 500.0, 30_000.0),
        Category::Other => (0.5, 200.0, 20_000.0),
    };
    if chance(rng, zero) {
        return 0;
    }
    let scale = match complexity {
        Complexity::Simple => 0.6,
        Complexity::General => 1.0,
        Complexity::Major => 2.5,
        Complexity::Critical => 4.0,
    };
    let yuan = (lo.ln() + rng.random::<f64>() * (hi.ln() - lo.ln())).exp() * scale;
    let round = if yuan < 1_000.0 {
        10.0
    } else if yuan < 100_000.0 {
        100.0
    } else {
        1_000.0
    };
    let yuan = ((yuan / round).round() * round).max(round);
    let fen = yuan as i64 * 100;
    // Bills (medical, repairs) keep their odd yuan and fen.
    if matches!(category, Category::Medical | Category::TrafficAccident) && chance(rng, 0.3) {
        fen + rng.random_range(0..round as i64 * 100)
    } else {
        fen
    }
}

// ---- parties -----------------------------------------------------------------------------------

pub(super) fn reasons(category: Category) -> &'static [&'static str] {
    match category {
        Category::MarriageFamily => &[
            "夫妻因感情不和闹离婚，就子女抚养问题产生分歧",
            "夫妻双方因家庭琐事长期争吵",
            "离婚后因子女探视问题发生争执",
            "兄弟姐妹因老人赡养费分担问题发生纠纷",
            "因父母遗产继承份额分配不均发生争执",
            "婆媳因生活习惯不同矛盾激化",
            "因彩礼返还问题双方家庭发生纠纷",
            "子女未按约定支付老人赡养费",
            "离婚时就夫妻共同财产分割产生争议",
        ],
        Category::Neighbour => &[
            "因楼上卫生间漏水导致楼下房屋墙面受损",
            "因邻居装修噪音扰民发生争执",
            "因楼道内堆放杂物影响通行发生口角",
            "因宅基地边界问题与邻居发生争执",
            "因邻居饲养犬只扰民并咬伤他人",
            "因排水沟堵塞导致雨水倒灌发生纠纷",
            "因邻居占用公共通道停车发生争吵",
            "因邻居种植树木遮挡采光发生争执",
        ],
        Category::HousingHomestead => &[
            "因宅基地使用权归属问题发生争议",
            "因房屋买卖过户手续未办理发生纠纷",
            "因租赁房屋押金退还问题发生争执",
            "因翻建房屋超出原宅基地范围与邻居发生纠纷",
            "因拖欠房屋租金发生纠纷",
            "因共有房屋分割问题发生争执",
        ],
        Category::Contract => &[
            "因借款到期未还发生纠纷",
            "因货款结算不清发生争执",
            "因装修工程质量问题拒付工程款",
            "因车辆买卖合同违约发生纠纷",
            "因土地承包合同到期续包问题发生争议",
            "因民间借贷利息计算发生分歧",
        ],
        Category::Business => &[
            "因合伙经营利润分配不均发生纠纷",
            "因商铺经营范围冲突发生争执",
            "因拖欠运输费用发生纠纷",
            "因养殖场合伙散伙清算发生争议",
            "因门面转让费问题发生纠纷",
        ],
        Category::Damages => &[
            "因琐事发生肢体冲突致一方受伤",
            "因车辆剐蹭造成财产损失",
            "因施工致邻居房屋开裂要求赔偿",
            "因饲养的羊只啃食他人庄稼要求赔偿",
            "因高空坠物砸坏车辆要求赔偿",
            "因儿童玩耍时受伤就赔偿问题发生争执",
        ],
        Category::LandForest => &[
            "因承包地边界不清发生争议",
            "因林地承包经营权归属发生纠纷",
            "因灌溉用水分配问题发生争执",
            "因土地流转费用支付发生纠纷",
            "因占用他人耕地堆放杂物发生争执",
        ],
        Category::LandAcquisition => &[
            "因征地补偿款分配问题发生争议",
            "因房屋拆迁补偿标准存在异议",
            "因安置房分配顺序问题发生纠纷",
            "因青苗补偿费发放不到位发生争执",
            "因棚户区改造补偿款分配发生家庭内部纠纷",
        ],
        Category::Environment => &[
            "因附近企业粉尘污染影响生活要求赔偿",
            "因洗煤厂废水外排污染农田发生纠纷",
            "因烧烤店油烟扰民发生争执",
            "因养殖场异味影响周边居民发生纠纷",
        ],
        Category::Labour => &[
            "因拖欠工资发生纠纷",
            "因工作中受伤就工伤待遇发生争议",
            "因解除劳动合同经济补偿金问题发生争执",
            "因未签订书面劳动合同要求支付双倍工资",
            "农民工因工程完工后工资未结清讨要工资",
            "因未缴纳社会保险发生争议",
        ],
        Category::Consumer => &[
            "因购买的家电存在质量问题要求退换",
            "因预付卡余额退费问题发生纠纷",
            "因二手车隐瞒事故史要求退车",
            "因培训机构退费问题发生争执",
            "因装修材料以次充好发生纠纷",
        ],
        Category::Medical => &[
            "因手术后出现并发症对治疗结果有异议",
            "患者家属认为医院存在诊疗过错要求赔偿",
            "因医院未尽告知义务发生医疗纠纷",
            "因诊所输液后出现不良反应要求赔偿",
            "因分娩过程中新生儿受伤发生纠纷",
        ],
        Category::TrafficAccident => &[
            "因两车相撞造成车辆损坏、人员受伤",
            "因电动车与行人相撞致行人受伤",
            "因货车倒车时剐蹭停放车辆",
            "因交通事故赔偿责任划分存在异议",
            "因摩托车与小型轿车发生碰撞致一人骨折",
            "交通事故后就误工费、护理费赔偿金额发生争议",
        ],
        Category::PropertyManagement => &[
            "因拖欠物业费发生纠纷",
            "因小区电梯长期故障业主与物业公司发生争执",
            "因小区停车位管理收费发生争议",
            "因物业公司未及时维修管道导致房屋被淹",
            "因小区公共收益分配不透明发生纠纷",
            "因供暖不达标业主拒缴物业费",
        ],
        Category::Other => &[
            "因丢失物品归还问题发生争执",
            "因网络购物代购款项发生纠纷",
            "因红白事操办费用分摊发生争执",
            "因宠物走失寻找过程中发生纠纷",
            "因共用水井使用问题发生争执",
        ],
    }
}
