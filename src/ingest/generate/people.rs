//! People and firms: Chinese names, mobile numbers, 18-character id numbers with a valid
//! check character, and company names per category.

use std::fmt::Write as _;

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::{chance, pick, pick_str};
use crate::domain::{Category, Party};

/// Common surnames, most frequent first (every character is 3 bytes of UTF-8).
pub(super) const SURNAMES: &str =
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁\
    魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文包";
pub(super) const GIVEN_MALE: &str =
    "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林阳建国峰亮成志海东文振利军福";
pub(super) const GIVEN_FEMALE: &str = "芳娜敏静丽艳娟霞燕玲桂秀英慧红梅琳婷雪丹萍洁颖琴云莉兰凤玉珍晶倩月华春";
pub(super) const MONGOLIAN_GIVEN: &[&str] =
    &["巴特尔", "乌云", "其其格", "斯琴", "额尔敦", "苏日娜", "格日勒", "阿拉坦", "萨仁", "宝音"];

pub(super) const PHONE_PREFIXES: &[&str] = &[
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155", "156", "158",
    "159", "166", "177", "180", "181", "186", "187", "188", "189", "199",
];

/// Region codes of id numbers: mostly Wuhai's districts, some from neighbouring places.
pub(super) const ID_REGIONS: &[(&str, u32)] = &[
    ("150302", 40),
    ("150303", 20),
    ("150304", 22),
    ("150602", 4),
    ("152921", 3),
    ("640202", 4),
    ("150102", 2),
    ("620102", 2),
    ("410102", 1),
    ("130102", 1),
    ("142601", 1),
];

pub(super) const FIRM_WORDS: &[&str] = &[
    "鑫源", "宏达", "金泰", "华泰", "恒通", "蒙西", "天宇", "瑞丰", "汇能", "广宇", "兴泰", "德润", "荣盛", "博远",
    "万和", "嘉禾", "正阳", "永盛", "泰和", "东源",
];

pub(super) fn nth_char(s: &'static str, i: usize) -> &'static str {
    s.get(i * 3..i * 3 + 3).unwrap_or("")
}

pub(super) fn push_name(rng: &mut ChaCha8Rng, out: &mut String, male: bool) {
    let n = SURNAMES.len() / 3;
    let surname = nth_char(SURNAMES, if chance(rng, 0.7) { rng.random_range(0..20) } else { rng.random_range(0..n) });
    out.push_str(surname);
    if (surname == "包" || surname == "白") && chance(rng, 0.5) {
        out.push_str(pick_str(rng, MONGOLIAN_GIVEN));
        return;
    }
    push_given(rng, out, male);
}

pub(super) fn push_given(rng: &mut ChaCha8Rng, out: &mut String, male: bool) {
    let pool = if male { GIVEN_MALE } else { GIVEN_FEMALE };
    let m = pool.len() / 3;
    out.push_str(nth_char(pool, rng.random_range(0..m)));
    if chance(rng, 0.72) {
        out.push_str(nth_char(pool, rng.random_range(0..m)));
    }
}

pub(super) fn phone(rng: &mut ChaCha8Rng) -> String {
    let mut s = String::with_capacity(11);
    s.push_str(pick_str(rng, PHONE_PREFIXES));
    let _ = write!(s, "{:08}", rng.random_range(0..100_000_000u32));
    s
}

/// An 18-character resident id number with a valid check character.
pub(super) fn id_number(rng: &mut ChaCha8Rng, year: i32, male: bool) -> String {
    let mut s = String::with_capacity(18);
    s.push_str(pick(rng, ID_REGIONS));
    let birth_year = year - rng.random_range(18..80);
    let seq = rng.random_range(0..500u32) * 2 + u32::from(male);
    let _ = write!(s, "{birth_year:04}{:02}{:02}{seq:03}", rng.random_range(1..=12u32), rng.random_range(1..=28u32));
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = s.bytes().zip(WEIGHTS).map(|(b, w)| u32::from(b.wrapping_sub(b'0')) * w).sum();
    s.push(['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'][(sum % 11) as usize]);
    s
}

pub(super) fn person(rng: &mut ChaCha8Rng, year: i32, id_p: f64) -> Party {
    let male = chance(rng, 0.55);
    let mut name = String::with_capacity(12);
    push_name(rng, &mut name, male);
    let id_no = if chance(rng, id_p) { id_number(rng, year, male) } else { String::new() };
    Party { name, phone: phone(rng), id_no }
}

pub(super) fn company(rng: &mut ChaCha8Rng, category: Category, place: &str, id_p: f64) -> Party {
    let mut name = String::with_capacity(48);
    match category {
        Category::Medical => {
            const HOSPITALS: &[&str] = &[
                "乌海市人民医院",
                "乌海市蒙医中医医院",
                "乌海市妇幼保健院",
                "海勃湾区人民医院",
                "乌达区人民医院",
                "海南区人民医院",
            ];
            if chance(rng, 0.75) {
                name.push_str(pick_str(rng, HOSPITALS));
            } else {
                name.push_str(pick_str(rng, FIRM_WORDS));
                name.push_str(pick_str(rng, &["诊所", "口腔门诊部", "中医诊所", "社区卫生服务站"]));
            }
        }
        Category::LandAcquisition if chance(rng, 0.5) && !place.is_empty() => {
            name.push_str(place);
            name.push_str(if place.ends_with('村') { "村民委员会" } else { "居民委员会" });
        }
        Category::TrafficAccident => {
            name.push_str(pick_str(
                rng,
                &[
                    "中国人民财产保险股份有限公司乌海市分公司",
                    "中国平安财产保险股份有限公司乌海中心支公司",
                    "中华联合财产保险股份有限公司乌海中心支公司",
                ],
            ));
        }
        _ => {
            name.push_str("乌海市");
            name.push_str(pick_str(rng, FIRM_WORDS));
            name.push_str(pick_str(
                rng,
                match category {
                    Category::Labour => &[
                        "煤业有限公司",
                        "建筑工程有限公司",
                        "化工有限责任公司",
                        "劳务派遣有限公司",
                        "洗煤厂",
                        "餐饮管理有限公司",
                        "物流有限公司",
                    ],
                    Category::PropertyManagement => &["物业服务有限公司", "物业管理有限公司"],
                    Category::Consumer => {
                        &["商贸有限公司", "汽车销售服务有限公司", "装饰工程有限公司", "家电商城", "教育培训学校"]
                    }
                    Category::Environment => &["焦化有限公司", "洗煤厂", "硅铁厂", "养殖场", "水泥有限公司"],
                    Category::LandAcquisition => &["房地产开发有限公司", "城市建设投资有限公司"],
                    _ => &["建材有限公司", "运输有限公司", "商贸有限公司", "农牧业专业合作社", "建筑工程有限公司"],
                },
            ));
        }
    }
    let id_no = if chance(rng, id_p) {
        // 统一社会信用代码: 18 characters.
        const CHARS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
        let mut s = String::with_capacity(18);
        s.push_str("91");
        s.push_str(pick(rng, ID_REGIONS));
        for _ in 0..10 {
            s.push(char::from(CHARS[rng.random_range(0..CHARS.len())]));
        }
        s
    } else {
        String::new()
    };
    Party { name, phone: phone(rng), id_no }
}

pub(super) fn respondent(
    rng: &mut ChaCha8Rng,
    category: Category,
    place: &str,
    year: i32,
    applicant_org: bool,
) -> Party {
    let org_p = match category {
        Category::Labour => 0.9,
        Category::Medical => 1.0,
        Category::PropertyManagement => 0.95,
        Category::Consumer => 0.9,
        Category::Environment => 0.7,
        Category::LandAcquisition => 0.6,
        Category::TrafficAccident => 0.2,
        Category::Contract | Category::Business => 0.4,
        _ => 0.0,
    };
    if !applicant_org && chance(rng, org_p) {
        company(rng, category, place, 0.4)
    } else {
        person(rng, year, 0.55)
    }
}

// ---- text --------------------------------------------------------------------------------------
