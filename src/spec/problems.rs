//! The one problem type every engine entry point returns: each problem named by its
//! path in the spec (`zone.records[3].value.alias.target`) with a plain sentence, and
//! every problem of a document collected, not just the first.

/// One validation problem, named by its path in the spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Path of the offending field, e.g. `records[3].routing.weight`.
    pub path: String,
    /// What is wrong, in plain words.
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Every problem found in a spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problems(pub Vec<Problem>);

impl std::fmt::Display for Problems {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Problems {}

impl Problem {
    /// A problem at `path`.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem { path: path.into(), message: message.into() }
    }
}

impl Problems {
    /// No problems yet.
    pub fn none() -> Problems {
        Problems(Vec::new())
    }

    /// Adds a problem at `path`.
    pub fn push(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.0.push(Problem::new(path, message));
    }

    /// Whether nothing is wrong.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The same problems with `prefix` put before every path (`zone.` for a zone
    /// validated inside a scenario).
    pub fn prefixed(self, prefix: &str) -> Problems {
        Problems(self.0.into_iter().map(|p| Problem { path: format!("{prefix}{}", p.path), ..p }).collect())
    }

    /// Every problem as `path: message`, joined by `sep` (one line for a notice).
    pub fn join(&self, sep: &str) -> String {
        self.0.iter().map(ToString::to_string).collect::<Vec<_>>().join(sep)
    }

    /// `Ok(value)` when nothing is wrong, else these problems.
    pub fn into_result<T>(self, value: T) -> Result<T, Problems> {
        if self.0.is_empty() { Ok(value) } else { Err(self) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_collect_and_print_one_per_line() {
        let mut p = Problems::none();
        assert!(p.is_empty());
        p.push("records[0].ttl_s", "required");
        p.push("records[2].routing.weight", "256 is over 255");
        let p = p.prefixed("zone.");
        assert_eq!(p.join("; "), "zone.records[0].ttl_s: required; zone.records[2].routing.weight: 256 is over 255");
        assert_eq!(p.to_string(), "zone.records[0].ttl_s: required\nzone.records[2].routing.weight: 256 is over 255");
        assert!(p.into_result(()).is_err());
        assert_eq!(Problems::none().into_result(7), Ok(7));
    }
}
