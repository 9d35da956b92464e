//! A JSON record as read, before it is a case: the value plus the keys that appeared more than
//! once in it (`serde_json::Value` keeps only the last, so a duplicate would pass unseen).

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use super::record::new_case_from_json;
use crate::domain::{FieldError, NewCase, OfficeTz};

/// One JSON value as read, with the duplicate keys of its top-level object (or, for an array,
/// of its elements' objects).
#[derive(Debug, Clone, PartialEq)]
pub struct RawRecord {
    /// The value (for a duplicate key, its last occurrence).
    pub value: Value,
    /// Keys that appeared more than once, each named once, in order of first repetition.
    pub duplicates: Vec<String>,
}

impl RawRecord {
    /// Parses one JSON text.
    pub fn parse(text: &str) -> serde_json::Result<RawRecord> {
        serde_json::from_str(text)
    }
}

/// The new case a raw record describes; a duplicate key is an error naming the key, alongside
/// every other problem of the record.
pub fn new_case_from_raw(raw: &RawRecord, tz: OfficeTz) -> Result<NewCase, Vec<FieldError>> {
    let parsed = new_case_from_json(&raw.value, tz);
    if raw.duplicates.is_empty() {
        return parsed;
    }
    let mut errs: Vec<FieldError> = raw
        .duplicates
        .iter()
        .map(|k| {
            FieldError::new(
                k.as_str(),
                crate::msg!(
                    "appears more than once in the record; give each field once",
                    "在记录中出现了不止一次；每个字段只能给一次"
                ),
            )
        })
        .collect();
    if let Err(more) = parsed {
        errs.extend(more);
    }
    Err(errs)
}

impl<'de> Deserialize<'de> for RawRecord {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<RawRecord, D::Error> {
        d.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

fn plain(value: Value) -> RawRecord {
    RawRecord { value, duplicates: Vec::new() }
}

impl<'de> Visitor<'de> for RawVisitor {
    type Value = RawRecord;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawRecord, A::Error> {
        let mut m = Map::new();
        let mut duplicates = Vec::new();
        while let Some((k, v)) = map.next_entry::<String, Value>()? {
            if m.contains_key(&k) && !duplicates.contains(&k) {
                duplicates.push(k.clone());
            }
            m.insert(k, v);
        }
        Ok(RawRecord { value: Value::Object(m), duplicates })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawRecord, A::Error> {
        let mut items = Vec::new();
        let mut duplicates = Vec::new();
        while let Some(item) = seq.next_element::<RawRecord>()? {
            for k in item.duplicates {
                if !duplicates.contains(&k) {
                    duplicates.push(k);
                }
            }
            items.push(item.value);
        }
        Ok(RawRecord { value: Value::Array(items), duplicates })
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<RawRecord, E> {
        Ok(plain(Value::Bool(v)))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawRecord, E> {
        Ok(plain(Value::Number(v.into())))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawRecord, E> {
        Ok(plain(Value::Number(v.into())))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawRecord, E> {
        Ok(plain(Number::from_f64(v).map_or(Value::Null, Value::Number)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<RawRecord, E> {
        Ok(plain(Value::String(v.to_string())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<RawRecord, E> {
        Ok(plain(Value::String(v)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<RawRecord, E> {
        Ok(plain(Value::Null))
    }

    fn visit_none<E: de::Error>(self) -> Result<RawRecord, E> {
        Ok(plain(Value::Null))
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<RawRecord, D::Error> {
        d.deserialize_any(RawVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::testing::TestResult;

    #[test]
    fn a_duplicate_key_is_named() -> TestResult {
        let raw = RawRecord::parse(r#"{"summary": "a", "area": "x", "summary": "b"}"#)?;
        assert_eq!(raw.duplicates, vec!["summary".to_string()]);
        let errs = new_case_from_raw(&raw, OfficeTz::default()).unwrap_err();
        assert!(errs.iter().any(|e| e.to_string().contains("summary") && e.to_string().contains("more than once")));
        Ok(())
    }

    #[test]
    fn values_are_kept_as_serde_json_reads_them() -> TestResult {
        let text = r#"[{"a": 1, "b": [1, "x"], "c": null, "d": 1.5, "e": {"f": true}}]"#;
        let raw = RawRecord::parse(text)?;
        assert_eq!(raw.value, serde_json::from_str::<Value>(text)?);
        assert!(raw.duplicates.is_empty());
        Ok(())
    }

    #[test]
    fn duplicates_inside_a_one_record_array_are_seen() -> TestResult {
        let raw = RawRecord::parse(r#"[{"area": "x", "area": "y"}]"#)?;
        assert_eq!(raw.duplicates, vec!["area".to_string()]);
        Ok(())
    }
}
