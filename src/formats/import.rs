//! One import for every format Routewave reads: given the files a person chose,
//! dropped or pasted, [`import`] detects each one's format ([`crate::formats::detect`]),
//! groups the files that belong together (a Terraform module's `.tf` files and
//! variables, record sets with their health checks), picks the importer and runs it
//! against the current design where the format needs one (a change batch is applied
//! onto it, a traffic policy becomes its service's tree).
//!
//! The result says what was read as what, and carries the importer's notes (what was
//! modelled, skipped or assumed); a refusal is one line naming the file and the place
//! in it. The page's "Import" control is a thin shell over this.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::formats::aws::{self, ImportError, Input};
use crate::formats::detect::{Format, detect};
use crate::formats::link;
use crate::formats::terraform::{self, TfFile};
use crate::spec::scenario::Scenario;

/// The name given to text pasted rather than read from a file.
pub const PASTED: &str = "pasted text";

/// One document to import: a file's name and its text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// The file name (or [`PASTED`]), used in messages and to tell `.tf` from `.tf.json`.
    pub name: String,
    /// The text.
    pub text: String,
}

impl Source {
    /// A document named `name` holding `text`.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Source {
        Source { name: name.into(), text: text.into() }
    }
}

/// A successful import.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// The design to show (the whole new design, or the current one with the import
    /// applied).
    pub scenario: Scenario,
    /// What was read as what, in one sentence.
    pub summary: String,
    /// What was modelled, skipped or assumed, each naming its place in the input.
    pub notes: Vec<String>,
    /// Was the import applied onto the current design (a change batch, a traffic
    /// policy), rather than a design of its own? The page then keeps its playhead.
    pub onto_current: bool,
}

/// The kind of one document, as the import groups it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// A format [`detect`] names.
    Format(Format),
    /// A Terraform variables file (`*.tfvars`, `*.tfvars.json`), told by its name.
    TfVars,
}

impl Kind {
    fn describe(self) -> &'static str {
        match self {
            Kind::Format(f) => f.describe(),
            Kind::TfVars => "Terraform variables",
        }
    }

    fn is_terraform(self) -> bool {
        matches!(
            self,
            Kind::TfVars
                | Kind::Format(
                    Format::TerraformHcl | Format::TerraformJson | Format::TerraformState | Format::TerraformPlan
                )
        )
    }
}

/// The documents in pasted text: several JSON documents one after another (say the
/// output of `list-resource-record-sets` and of `list-health-checks` pasted together)
/// are split apart; anything else is one document.
pub fn pasted(text: &str) -> Vec<Source> {
    let trimmed = aws::strip_bom(text).trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        let mut docs = Vec::new();
        let mut stream = serde_json::Deserializer::from_str(trimmed).into_iter::<serde::de::IgnoredAny>();
        let mut start = 0;
        while let Some(item) = stream.next() {
            if item.is_err() {
                docs.clear();
                break;
            }
            let end = stream.byte_offset();
            docs.push(trimmed[start..end].trim().to_string());
            start = end;
        }
        if docs.len() > 1 {
            return docs
                .into_iter()
                .enumerate()
                .map(|(i, t)| Source::new(format!("{PASTED}, document {}", i + 1), t))
                .collect();
        }
    }
    vec![Source::new(PASTED, text)]
}

/// The kind of one document, or why it is not one Routewave reads.
fn kind_of(s: &Source) -> Result<Kind, String> {
    let lower = s.name.to_ascii_lowercase();
    if lower.ends_with(".tfvars") || lower.ends_with(".tfvars.json") {
        return Ok(Kind::TfVars);
    }
    let text = aws::strip_bom(&s.text).trim();
    if text.is_empty() {
        return Err(format!("{}: the file is empty", s.name));
    }
    match detect(text.as_bytes(), Some(&s.name)) {
        Format::Unknown if text.starts_with('{') || text.starts_with('[') => match aws::parse_json(text) {
            Err(e) => Err(format!("{}: {e}", s.name)),
            Ok(_) => Err(format!("{}: JSON of no format Routewave reads ({})", s.name, READS)),
        },
        Format::Unknown => Err(format!("{}: not a format Routewave reads ({})", s.name, READS)),
        f => Ok(Kind::Format(f)),
    }
}

/// What Routewave reads, for messages.
const READS: &str = "a Routewave scenario or link, Route 53 record sets and health checks, a change batch, \
                     a traffic-policy document, Terraform configuration, state or plan";

/// Imports `sources` as one design; `current` is the design a change batch or a
/// traffic policy applies to. A lone change batch with `at_ms` is scheduled as a
/// timed change at that moment instead of applied now. Every failure is one line
/// naming the file and the place.
pub fn import(sources: &[Source], current: &Scenario, at_ms: Option<u64>) -> Result<Outcome, String> {
    if sources.is_empty() {
        return Err("nothing to import: choose, drop or paste a file".into());
    }
    let kinds: Vec<Kind> = sources.iter().map(kind_of).collect::<Result<_, _>>()?;
    let of = |want: Kind| -> Vec<&Source> {
        sources.iter().zip(&kinds).filter(|(_, k)| **k == want).map(|(s, _)| s).collect()
    };
    let only = |want: Kind| sources.len() == 1 && kinds[0] == want;
    if kinds.iter().all(|k| k.is_terraform()) {
        return import_terraform(sources, &kinds);
    }
    let records = of(Kind::Format(Format::RecordSets));
    let checks = of(Kind::Format(Format::HealthChecks));
    if records.len() == 1 && checks.len() <= 1 && records.len() + checks.len() == sources.len() {
        return import_records(records[0], checks.first().copied());
    }
    let one = &sources[0];
    if only(Kind::Format(Format::ChangeBatch)) {
        if let Some(at) = at_ms {
            let done = aws::schedule_change_batch(&one.text, current, at).map_err(|e| blame(e, one, None))?;
            return Ok(Outcome {
                summary: format!(
                    "Scheduled {} ({}) at {} in \"{}\".",
                    one.name,
                    Format::ChangeBatch.describe(),
                    crate::base::time::SimTime(at),
                    current.title
                ),
                scenario: done.scenario,
                notes: done.notes,
                onto_current: true,
            });
        }
        let done = aws::apply_change_batch(&one.text, current).map_err(|e| blame(e, one, None))?;
        let (c, r, d) = done.counts;
        let mut notes = done.imported.notes;
        notes.push(format!("{c} record sets created, {r} replaced, {d} deleted"));
        return Ok(Outcome {
            summary: format!("Applied {} ({}) onto \"{}\".", one.name, Format::ChangeBatch.describe(), current.title),
            scenario: done.imported.scenario,
            notes,
            onto_current: true,
        });
    }
    if only(Kind::Format(Format::TrafficPolicy)) {
        let imp = aws::import_traffic_policy(&one.text, current).map_err(|e| blame(e, one, None))?;
        return Ok(Outcome {
            summary: format!(
                "Read {} ({}) as the routing tree of {} in \"{}\".",
                one.name,
                Format::TrafficPolicy.describe(),
                current.service,
                current.title
            ),
            scenario: imp.scenario,
            notes: imp.notes,
            onto_current: true,
        });
    }
    if only(Kind::Format(Format::Scenario)) {
        let s =
            Scenario::from_json(aws::strip_bom(&one.text)).map_err(|e| one_line(Some(&one.name), &e.to_string()))?;
        return Ok(Outcome {
            summary: format!("Opened {} ({}).", one.name, Format::Scenario.describe()),
            scenario: s,
            notes: vec![],
            onto_current: false,
        });
    }
    if only(Kind::Format(Format::ShareLink)) {
        let text = one.text.trim();
        let fragment = text.find("#s=").map_or(text, |i| &text[i..]);
        let s = link::decode(fragment).map_err(|e| one_line(Some(&one.name), &e.to_string()))?;
        return Ok(Outcome {
            summary: format!("Opened {} ({}).", one.name, Format::ShareLink.describe()),
            scenario: s,
            notes: vec![],
            onto_current: false,
        });
    }
    Err(mismatch(sources, &kinds, records.len(), checks.len()))
}

/// Why these documents do not make one import.
fn mismatch(sources: &[Source], kinds: &[Kind], records: usize, checks: usize) -> String {
    let mut listed = String::new();
    for (i, (s, k)) in sources.iter().zip(kinds).enumerate() {
        let _ = write!(listed, "{}{} is {}", if i == 0 { "" } else { ", " }, s.name, k.describe());
    }
    let hint = if records == 0 && checks > 0 {
        "health checks are imported together with the record sets that use them"
    } else if records > 1 {
        "import one zone's record sets at a time"
    } else {
        "import record sets with their health checks, a Terraform module's files together, or one other document at a time"
    };
    format!("these files do not make one design ({listed}): {hint}")
}

/// A message of possibly several lines (a scenario's problems) as one line, after
/// the file's name when given.
fn one_line(name: Option<&str>, message: &str) -> String {
    let mut lines = message.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next().unwrap_or("not readable");
    let more = match lines.count() {
        0 => String::new(),
        n => format!(" (and {n} more problem{})", if n == 1 { "" } else { "s" }),
    };
    match name {
        Some(name) => format!("{name}: {first}{more}"),
        None => format!("{first}{more}"),
    }
}

/// Names the file an importer's problem is in.
fn blame(e: ImportError, main: &Source, checks: Option<&Source>) -> String {
    match e.input {
        Input::Main => one_line(Some(&main.name), &e.message),
        Input::HealthChecks => one_line(Some(&checks.unwrap_or(main).name), &e.message),
        Input::Base => format!("the current design: {}", e.message),
    }
}

fn import_records(records: &Source, checks: Option<&Source>) -> Result<Outcome, String> {
    let imp = aws::import_record_sets(&records.text, checks.map(|c| c.text.as_str()))
        .map_err(|e| blame(e, records, checks))?;
    let mut summary = format!("Read {} as {}", records.name, Format::RecordSets.describe());
    if let Some(c) = checks {
        let _ = write!(summary, " and {} as {}", c.name, Format::HealthChecks.describe());
    }
    summary.push('.');
    Ok(Outcome { scenario: imp.scenario, summary, notes: imp.notes, onto_current: false })
}

/// A Terraform module's files (configuration before variables, each sorted by name,
/// as Terraform reads a directory) or one state or plan.
fn import_terraform(sources: &[Source], kinds: &[Kind]) -> Result<Outcome, String> {
    let mut files: Vec<(&Source, Kind)> = sources.iter().zip(kinds.iter().copied()).collect();
    files.sort_by(|a, b| (a.1 == Kind::TfVars, &a.0.name).cmp(&(b.1 == Kind::TfVars, &b.0.name)));
    if files.iter().all(|(_, k)| *k == Kind::TfVars) {
        return Err(format!(
            "{}: variables alone are not a design: choose them together with the module's .tf files",
            files[0].0.name
        ));
    }
    let states =
        files.iter().filter(|(_, k)| matches!(k, Kind::Format(Format::TerraformState | Format::TerraformPlan))).count();
    if states > 0 && files.len() > 1 {
        let names: Vec<&str> = files.iter().map(|(s, _)| s.name.as_str()).collect();
        return Err(format!(
            "{}: give one Terraform state or plan on its own, or a module's configuration files, not both",
            names.join(", ")
        ));
    }
    let tf: Vec<TfFile> = files.iter().map(|(s, _)| TfFile { name: s.name.clone(), text: s.text.clone() }).collect();
    let imp = terraform::import_terraform(&tf, &[]).map_err(|e| {
        // Most messages already start with their file's name; the others are about
        // the module as a whole.
        if files.iter().any(|(s, _)| e.message.starts_with(&format!("{}:", s.name))) {
            one_line(None, &e.message)
        } else {
            let names: Vec<&str> = files.iter().map(|(s, _)| s.name.as_str()).collect();
            one_line(Some(&names.join(", ")), &e.message)
        }
    })?;
    let summary = if states == 1 {
        format!("Read {} as {}.", files[0].0.name, files[0].1.describe())
    } else {
        let names: Vec<&str> = files.iter().map(|(s, _)| s.name.as_str()).collect();
        let what = if files.len() == 1 { "a Terraform module of one file" } else { "one Terraform module" };
        format!("Read {} as {what}.", names.join(", "))
    };
    Ok(Outcome { scenario: imp.scenario, summary, notes: imp.notes, onto_current: false })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::zone::Routing;

    const RECORDS: &str = include_str!("../../tests/fixtures/aws-record-sets.json");
    const CHECKS: &str = include_str!("../../tests/fixtures/aws-health-checks.json");
    const POLICY: &str = include_str!("../../tests/fixtures/traffic-policy.json");
    const MODULE: [(&str, &str); 5] = [
        ("variables.tf", include_str!("../../tests/fixtures/terraform/module/variables.tf")),
        ("terraform.tfvars", include_str!("../../tests/fixtures/terraform/module/terraform.tfvars")),
        ("main.tf", include_str!("../../tests/fixtures/terraform/module/main.tf")),
        ("providers.tf", include_str!("../../tests/fixtures/terraform/module/providers.tf")),
        ("lb.tf", include_str!("../../tests/fixtures/terraform/module/lb.tf")),
    ];

    fn module() -> Vec<Source> {
        MODULE.iter().map(|(n, t)| Source::new(*n, *t)).collect()
    }

    /// The design imports apply onto.
    fn base() -> Scenario {
        aws::import_record_sets(RECORDS, None).unwrap().scenario
    }

    #[test]
    fn pasted_documents_are_split_apart() {
        let both = format!("{RECORDS}\n{CHECKS}");
        let docs = pasted(&both);
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].name, "pasted text, document 1");
        assert_eq!(detect(docs[0].text.as_bytes(), None), Format::RecordSets);
        assert_eq!(detect(docs[1].text.as_bytes(), None), Format::HealthChecks);
        assert_eq!(pasted(RECORDS), vec![Source::new(PASTED, RECORDS)]);
        assert_eq!(pasted("resource \"a\" \"b\" {}").len(), 1);
        // A broken second document leaves the text whole, so the error names its place.
        assert_eq!(pasted("{} {nope").len(), 1);
    }

    #[test]
    fn record_sets_and_health_checks_combine_in_either_order() {
        let current = base();
        let a =
            import(&[Source::new("zone.json", RECORDS), Source::new("checks.json", CHECKS)], &current, None).unwrap();
        let b =
            import(&[Source::new("checks.json", CHECKS), Source::new("zone.json", RECORDS)], &current, None).unwrap();
        assert_eq!(a.scenario, b.scenario);
        assert!(!a.scenario.zone.health_checks.is_empty());
        assert!(a.summary.contains("zone.json as Route 53 record sets"), "{}", a.summary);
        assert!(a.summary.contains("checks.json as Route 53 health checks"), "{}", a.summary);
        assert!(a.notes.iter().any(|n| n.contains("MX")), "{:?}", a.notes);
        let alone = import(&[Source::new("zone.json", RECORDS)], &current, None).unwrap();
        assert!(alone.scenario.zone.health_checks.len() < a.scenario.zone.health_checks.len());
        // Pasted together, the same import.
        let p = import(&pasted(&format!("{RECORDS}{CHECKS}")), &current, None).unwrap();
        assert_eq!(p.scenario, a.scenario);
    }

    #[test]
    fn a_terraform_module_is_read_as_one_whatever_the_order() {
        let mut files = module();
        let a = import(&files, &base(), None).unwrap();
        files.reverse();
        let b = import(&files, &base(), None).unwrap();
        assert_eq!(a.scenario, b.scenario);
        assert!(a.summary.contains("lb.tf, main.tf, providers.tf, variables.tf, terraform.tfvars"), "{}", a.summary);
        let kinds = |r: &Routing| match r {
            Routing::Weighted { .. } => "weighted",
            Routing::Latency { .. } => "latency",
            Routing::Failover { .. } => "failover",
            Routing::Geolocation { .. } => "geolocation",
            _ => "other",
        };
        let seen: Vec<&str> = a.scenario.zone.records.iter().map(|r| kinds(&r.routing)).collect();
        for k in ["weighted", "latency", "failover", "geolocation"] {
            assert!(seen.contains(&k), "{k} missing from {seen:?}");
        }
        // terraform.tfvars set the weighted records' TTL.
        assert!(a.scenario.zone.records.iter().any(|r| r.ttl_s == Some(60)));
    }

    #[test]
    fn terraform_state_is_read_alone() {
        let state = Source::new("show.json", include_str!("../../tests/fixtures/terraform/show-state.json"));
        let out = import(std::slice::from_ref(&state), &base(), None).unwrap();
        assert!(out.summary.contains("show.json as Terraform state"), "{}", out.summary);
        let mut mixed = module();
        mixed.push(state);
        let e = import(&mixed, &base(), None).unwrap_err();
        assert!(e.contains("not both"), "{e}");
        let e = import(&[Source::new("terraform.tfvars", "ttl = 60")], &base(), None).unwrap_err();
        assert!(e.starts_with("terraform.tfvars: variables alone"), "{e}");
    }

    #[test]
    fn bad_input_is_one_line_naming_the_file_and_place() {
        let current = base();
        let mut files = module();
        files[2].text = "resource \"aws_route53_record\" \"x\" {\n  name = \n}\n".into();
        let e = import(&files, &current, None).unwrap_err();
        assert!(e.starts_with("main.tf: "), "{e}");
        assert!(e.contains("line 2, column 10"), "{e}");
        assert!(!e.contains('\n'), "{e}");
        let e =
            import(&[Source::new("broken.json", "{\n  \"ResourceRecordSets\": [ nope")], &current, None).unwrap_err();
        assert!(e.starts_with("broken.json: not valid JSON"), "{e}");
        assert!(e.contains("line 2 column"), "{e}");
        let e = import(&[Source::new("notes.txt", "hello")], &current, None).unwrap_err();
        assert!(e.starts_with("notes.txt: not a format Routewave reads"), "{e}");
        let e = import(&[Source::new("empty.json", " \n")], &current, None).unwrap_err();
        assert_eq!(e, "empty.json: the file is empty");
        // A problem in the health checks names the health-check file.
        let bad_checks = r#"{"HealthChecks":[{"Id":"x","HealthCheckConfig":{"Type":42}}]}"#;
        let e = import(&[Source::new("zone.json", RECORDS), Source::new("hc.json", bad_checks)], &current, None)
            .unwrap_err();
        assert!(e.starts_with("hc.json: "), "{e}");
        // A scenario's shape error names its line.
        let json = current.to_json().replacen("\"title\": \"", "\"title\": 5, \"x\": \"", 1);
        let e = import(&[Source::new("s.json", json)], &current, None).unwrap_err();
        assert!(e.starts_with("s.json: ") && e.contains("line 3"), "{e}");
        // Several problems stay on one line.
        assert_eq!(one_line(Some("f"), "a\nb\n\nc"), "f: a (and 2 more problems)");
    }

    #[test]
    fn files_that_do_not_belong_together_are_refused_by_name() {
        let current = base();
        let e = import(&[Source::new("hc.json", CHECKS)], &current, None).unwrap_err();
        assert!(e.contains("hc.json is Route 53 health checks") && e.contains("together with the record sets"), "{e}");
        let e = import(&[Source::new("a.json", RECORDS), Source::new("b.json", RECORDS)], &current, None).unwrap_err();
        assert!(e.contains("one zone's record sets at a time"), "{e}");
        let mut files = module();
        files.push(Source::new("zone.json", RECORDS));
        let e = import(&files, &current, None).unwrap_err();
        assert!(e.contains("zone.json is Route 53 record sets") && e.contains("main.tf is Terraform"), "{e}");
        assert_eq!(import(&[], &current, None).unwrap_err(), "nothing to import: choose, drop or paste a file");
    }

    #[test]
    fn a_change_batch_applies_onto_the_current_design() {
        let current = base();
        let batch = r#"{"Changes":[{"Action":"UPSERT","ResourceRecordSet":{"Name":"new.example.com.","Type":"A","TTL":60,"ResourceRecords":[{"Value":"192.0.2.99"}]}}]}"#;
        let out = import(&[Source::new("batch.json", batch)], &current, None).unwrap();
        assert_eq!(out.scenario.title, current.title);
        assert_eq!(out.scenario.zone.records.len(), current.zone.records.len() + 1);
        assert!(out.notes.iter().any(|n| n == "1 record sets created, 0 replaced, 0 deleted"), "{:?}", out.notes);
        assert!(out.summary.starts_with("Applied batch.json"), "{}", out.summary);
        let delete = r#"{"Changes":[{"Action":"DELETE","ResourceRecordSet":{"Name":"gone.example.com.","Type":"A","TTL":60,"ResourceRecords":[{"Value":"192.0.2.99"}]}}]}"#;
        let e = import(&[Source::new("batch.json", delete)], &current, None).unwrap_err();
        assert!(e.starts_with("batch.json: ") && e.contains("does not exist"), "{e}");
    }

    #[test]
    fn a_change_batch_with_a_moment_is_scheduled_not_applied() {
        let current = base();
        let batch = r#"{"Changes":[{"Action":"UPSERT","ResourceRecordSet":{"Name":"new.example.com.","Type":"A","TTL":60,"ResourceRecords":[{"Value":"192.0.2.99"}]}}]}"#;
        let out = import(&[Source::new("batch.json", batch)], &current, Some(600_000)).unwrap();
        assert!(out.onto_current);
        assert!(
            out.summary.starts_with("Scheduled batch.json") && out.summary.contains("10:00.000"),
            "{}",
            out.summary
        );
        let added = out.scenario.zone.records.iter().filter(|r| r.name.starts_with("new.")).count();
        assert_eq!(added, 0, "nothing changes before the moment");
        let last = out.scenario.faults.last().unwrap();
        assert_eq!(last.at_ms, 600_000);
        assert!(matches!(last.action, crate::spec::scenario::FaultAction::ApplyChanges { .. }), "{last:?}");
        // A moment means nothing to other formats: record sets import as before.
        let records = import(&[Source::new("zone.json", RECORDS)], &current, Some(600_000)).unwrap();
        assert_eq!(records.scenario, import(&[Source::new("zone.json", RECORDS)], &current, None).unwrap().scenario);
    }

    #[test]
    fn a_traffic_policy_becomes_the_current_services_tree() {
        let current = base();
        let out = import(&[Source::new("policy.json", POLICY)], &current, None).unwrap();
        assert_eq!(out.scenario.service, current.service);
        assert_ne!(out.scenario.zone, current.zone);
        assert!(out.summary.contains("routing tree of"), "{}", out.summary);
    }

    #[test]
    fn a_scenario_or_link_opens_as_it_is() {
        let current = base();
        let other = Scenario { title: "Other".into(), ..current.clone() };
        let out = import(&[Source::new("s.json", other.to_json())], &current, None).unwrap();
        assert_eq!(out.scenario, other);
        let link = format!("https://example.org/#{}", link::encode(&other));
        let out = import(&pasted(&link), &current, None).unwrap();
        assert_eq!(out.scenario.title, "Other");
        assert!(out.summary.contains("share link"), "{}", out.summary);
    }
}
