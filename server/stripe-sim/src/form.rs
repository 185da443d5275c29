//! Decoding of Stripe's bracket-notation form encoding (`a[b][0]=x`, `expand[]=y`) into a
//! nested `serde_json::Value`, plus small typed readers used by the endpoints.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::error::ApiError;

enum Node {
    Leaf(String),
    Obj(Vec<(String, Node)>),
    Arr(BTreeMap<usize, Node>),
}

impl Node {
    fn into_value(self) -> Value {
        match self {
            Node::Leaf(s) => Value::String(s),
            Node::Obj(entries) => {
                let mut map = Map::new();
                for (k, v) in entries {
                    map.insert(k, v.into_value());
                }
                Value::Object(map)
            }
            Node::Arr(items) => Value::Array(items.into_values().map(Node::into_value).collect()),
        }
    }
}

/// Splits `a[b][0][]` into `["a", "b", "0", ""]`.
fn split_key(key: &str) -> Vec<String> {
    let Some(open) = key.find('[') else {
        return vec![key.to_string()];
    };
    let mut parts = vec![key[..open].to_string()];
    let mut rest = &key[open..];
    while let Some(stripped) = rest.strip_prefix('[') {
        match stripped.find(']') {
            Some(close) => {
                parts.push(stripped[..close].to_string());
                rest = &stripped[close + 1..];
            }
            None => {
                // Unbalanced bracket: keep the remainder as a literal segment.
                parts.push(stripped.to_string());
                rest = "";
            }
        }
    }
    parts
}

fn is_index(seg: &str) -> bool {
    seg.is_empty() || seg.bytes().all(|b| b.is_ascii_digit())
}

fn insert(node: &mut Node, segs: &[String], value: String) {
    let Some((first, rest)) = segs.split_first() else {
        *node = Node::Leaf(value);
        return;
    };
    let wants_array = is_index(first);
    let fresh = |rest: &[String]| -> Node {
        match rest.first() {
            None => Node::Leaf(String::new()),
            Some(s) if is_index(s) => Node::Arr(BTreeMap::new()),
            Some(_) => Node::Obj(Vec::new()),
        }
    };
    if wants_array {
        if !matches!(node, Node::Arr(_)) {
            *node = Node::Arr(BTreeMap::new());
        }
        if let Node::Arr(items) = node {
            let idx = if first.is_empty() {
                items.keys().next_back().map_or(0, |k| k + 1)
            } else {
                first.parse::<usize>().unwrap_or(usize::MAX)
            };
            let child = items.entry(idx).or_insert_with(|| fresh(rest));
            insert(child, rest, value);
        }
    } else {
        if !matches!(node, Node::Obj(_)) {
            *node = Node::Obj(Vec::new());
        }
        if let Node::Obj(entries) = node {
            let pos = match entries.iter().position(|(k, _)| k == first) {
                Some(p) => p,
                None => {
                    entries.push((first.clone(), fresh(rest)));
                    entries.len() - 1
                }
            };
            if let Some((_, child)) = entries.get_mut(pos) {
                insert(child, rest, value);
            }
        }
    }
}

/// Decodes an `application/x-www-form-urlencoded` string (or query string) with bracket
/// notation. Every leaf is a string; numeric or empty indices make arrays.
pub fn decode(input: &str) -> Value {
    let mut root = Node::Obj(Vec::new());
    for (k, v) in form_urlencoded::parse(input.as_bytes()) {
        if k.is_empty() {
            continue;
        }
        let segs = split_key(&k);
        insert(&mut root, &segs, v.into_owned());
    }
    root.into_value()
}

/// Merges `over` into `base` (top-level keys of `over` win).
pub fn merge(base: &mut Value, over: Value) {
    if let (Value::Object(b), Value::Object(o)) = (base, over) {
        for (k, v) in o {
            b.insert(k, v);
        }
    }
}

/// A canonical string for a params value (keys sorted at every level).
pub fn canonical(v: &Value) -> String {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let parts: Vec<String> = keys
                .into_iter()
                .map(|k| format!("{}:{}", Value::String(k.clone()), canonical(&m[k])))
                .collect();
            format!("{{{}}}", parts.join(","))
        }
        Value::Array(a) => format!(
            "[{}]",
            a.iter().map(canonical).collect::<Vec<_>>().join(",")
        ),
        other => other.to_string(),
    }
}

/// Typed readers over decoded params.
pub trait Params {
    fn str_of(&self, key: &str) -> Option<&str>;
    fn req_str(&self, key: &str) -> Result<&str, ApiError>;
    fn i64_of(&self, key: &str) -> Result<Option<i64>, ApiError>;
    fn bool_of(&self, key: &str) -> Result<Option<bool>, ApiError>;
    fn path(&self, dotted: &str) -> Option<&Value>;
    fn metadata(&self) -> Result<Option<Map<String, Value>>, ApiError>;
    fn string_list(&self, key: &str) -> Vec<String>;
}

impl Params for Value {
    fn path(&self, dotted: &str) -> Option<&Value> {
        let mut cur = self;
        for seg in dotted.split('.') {
            cur = match cur {
                Value::Object(m) => m.get(seg)?,
                Value::Array(a) => a.get(seg.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(cur)
    }

    fn str_of(&self, key: &str) -> Option<&str> {
        self.path(key)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    }

    fn req_str(&self, key: &str) -> Result<&str, ApiError> {
        self.str_of(key)
            .ok_or_else(|| ApiError::missing_param(&bracket(key)))
    }

    fn i64_of(&self, key: &str) -> Result<Option<i64>, ApiError> {
        match self.str_of(key) {
            None => Ok(None),
            Some(s) => s.trim().parse::<i64>().map(Some).map_err(|_| {
                ApiError::invalid_param(
                    "parameter_invalid_integer",
                    &format!("Invalid integer: {s}"),
                    &bracket(key),
                )
            }),
        }
    }

    fn bool_of(&self, key: &str) -> Result<Option<bool>, ApiError> {
        match self.str_of(key) {
            None => Ok(None),
            Some("true") => Ok(Some(true)),
            Some("false") => Ok(Some(false)),
            Some(s) => Err(ApiError::invalid_param(
                "parameter_invalid_boolean",
                &format!("Invalid boolean: {s}"),
                &bracket(key),
            )),
        }
    }

    fn metadata(&self) -> Result<Option<Map<String, Value>>, ApiError> {
        match self.get("metadata") {
            None => Ok(None),
            // `metadata=` (empty) clears metadata, like Stripe.
            Some(Value::String(s)) if s.is_empty() => Ok(Some(Map::new())),
            Some(Value::Object(m)) => {
                if m.len() > 50 {
                    return Err(ApiError::invalid_param(
                        "parameter_invalid_string",
                        "You can have at most 50 metadata keys.",
                        "metadata",
                    ));
                }
                let mut out = Map::new();
                for (k, v) in m {
                    let Some(s) = v.as_str() else {
                        return Err(ApiError::invalid_param(
                            "parameter_invalid_string",
                            "Metadata values must be strings.",
                            &format!("metadata[{k}]"),
                        ));
                    };
                    if k.chars().count() > 40 || s.chars().count() > 500 {
                        return Err(ApiError::invalid_param(
                            "parameter_invalid_string",
                            "Metadata keys can be at most 40 characters and values at most 500 characters.",
                            &format!("metadata[{k}]"),
                        ));
                    }
                    if !s.is_empty() {
                        out.insert(k.clone(), Value::String(s.to_string()));
                    }
                }
                Ok(Some(out))
            }
            Some(_) => Err(ApiError::invalid_param(
                "parameter_invalid_string",
                "Invalid metadata: must be a hash.",
                "metadata",
            )),
        }
    }

    fn string_list(&self, key: &str) -> Vec<String> {
        match self.path(key) {
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            Some(Value::String(s)) if !s.is_empty() => vec![s.clone()],
            Some(Value::Object(m)) => m
                .values()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// `transfer_data.destination` → `transfer_data[destination]` (for error params).
pub fn bracket(dotted: &str) -> String {
    let mut parts = dotted.split('.');
    let mut out = parts.next().unwrap_or_default().to_string();
    for p in parts {
        out.push('[');
        out.push_str(p);
        out.push(']');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn flat_and_nested() {
        let v = decode("amount=2000&currency=sek&metadata[order_id]=o1&transfer_data[destination]=acct_1&automatic_payment_methods[enabled]=true");
        assert_eq!(
            v,
            json!({"amount":"2000","currency":"sek","metadata":{"order_id":"o1"},
                   "transfer_data":{"destination":"acct_1"},"automatic_payment_methods":{"enabled":"true"}})
        );
    }

    #[test]
    fn percent_encoded_brackets_and_plus() {
        let v = decode(
            "metadata%5Border_id%5D=a+b%26c&expand%5B0%5D=latest_invoice.confirmation_secret",
        );
        assert_eq!(
            v,
            json!({"metadata":{"order_id":"a b&c"},"expand":["latest_invoice.confirmation_secret"]})
        );
    }

    #[test]
    fn arrays_indexed_and_empty() {
        let v = decode("items[0][price]=price_1&items[0][quantity]=2&items[1][price]=price_2&expand[]=a&expand[]=b");
        assert_eq!(
            v,
            json!({"items":[{"price":"price_1","quantity":"2"},{"price":"price_2"}],"expand":["a","b"]})
        );
    }

    #[test]
    fn out_of_order_indices_are_sorted() {
        let v = decode("lookup_keys[1]=b&lookup_keys[0]=a");
        assert_eq!(v, json!({"lookup_keys":["a","b"]}));
    }

    #[test]
    fn empty_inputs() {
        assert_eq!(decode(""), json!({}));
        assert_eq!(decode("&"), json!({}));
        assert_eq!(decode("a="), json!({"a":""}));
    }

    #[test]
    fn deep_nesting() {
        let v = decode(
            "payment_method_data[card][number]=4242+4242+4242+4242&payment_method_data[type]=card",
        );
        assert_eq!(
            v.path("payment_method_data.card.number")
                .and_then(Value::as_str),
            Some("4242 4242 4242 4242")
        );
        assert_eq!(v.str_of("payment_method_data.type"), Some("card"));
    }

    #[test]
    fn canonical_ignores_key_order() {
        assert_eq!(
            canonical(&decode("a=1&b[x]=2&b[y]=3")),
            canonical(&decode("b[y]=3&a=1&b[x]=2"))
        );
        assert_ne!(canonical(&decode("a=1")), canonical(&decode("a=2")));
    }

    #[test]
    fn typed_readers() {
        let v = decode("amount=12&flag=true&bad=x&metadata[k]=v");
        assert_eq!(v.i64_of("amount").ok().flatten(), Some(12));
        assert!(v.i64_of("bad").is_err());
        assert_eq!(v.bool_of("flag").ok().flatten(), Some(true));
        assert!(v.bool_of("bad").is_err());
        assert_eq!(v.metadata().ok().flatten().map(|m| m.len()), Some(1));
        assert_eq!(
            bracket("transfer_data.destination"),
            "transfer_data[destination]"
        );
    }
}
