//! The saved-scenarios list: scenarios kept by title (one per title, a new save
//! replacing the old), in title order, as (title, scenario JSON).

/// Saves `json` under `title`, replacing an earlier save of that title.
pub fn save(list: &mut Vec<(String, String)>, title: &str, json: String) {
    list.retain(|(k, _)| k != title);
    list.push((title.to_string(), json));
    list.sort();
}

/// Removes the save named `title`, if there is one.
pub fn remove(list: &mut Vec<(String, String)>, title: &str) {
    list.retain(|(k, _)| k != title);
}

/// The JSON saved under `title`.
pub fn find<'a>(list: &'a [(String, String)], title: &str) -> Option<&'a str> {
    list.iter().find(|(k, _)| k == title).map(|(_, json)| json.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_save_per_title_in_title_order() {
        let mut list = Vec::new();
        save(&mut list, "b", "1".into());
        save(&mut list, "a", "2".into());
        save(&mut list, "b", "3".into());
        assert_eq!(list, [("a".to_string(), "2".to_string()), ("b".to_string(), "3".to_string())]);
        assert_eq!(find(&list, "b"), Some("3"));
        remove(&mut list, "a");
        remove(&mut list, "zzz");
        assert_eq!(find(&list, "a"), None);
        assert_eq!(list.len(), 1);
    }
}
