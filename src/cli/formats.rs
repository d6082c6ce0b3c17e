//! The AWS-format commands (`import-aws`, `import-changes`, `import-policy`,
//! `export-policy`, `export-changes`), `link` and `detect`.

use std::fmt::Write as _;

use super::{describe, load, read_text, value};
use crate::formats::aws::{self, ImportError, Input};

/// Names the file an import problem is in: the main document, the health checks or
/// the scenario imported into.
pub(super) fn blame(e: ImportError, main: &str, checks: Option<&str>, base: Option<&str>) -> String {
    let file = match e.input {
        Input::Main => main,
        Input::HealthChecks => checks.unwrap_or(main),
        Input::Base => base.unwrap_or(main),
    };
    format!("{file}: {}", e.message)
}

fn source_arg(parser: &mut lexopt::Parser, command: &str, what: &str) -> Result<String, String> {
    match parser.next().map_err(|e| e.to_string())? {
        Some(lexopt::Arg::Value(v)) => Ok(v.to_string_lossy().into_owned()),
        Some(other) => Err(format!("{command}: unexpected {}", describe(&other))),
        None => Err(format!("{command}: missing <{what}>")),
    }
}

pub(super) fn import_aws(parser: &mut lexopt::Parser, out: &mut String, notes: &mut Vec<String>) -> Result<(), String> {
    let mut file = None;
    let mut checks = None;
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            lexopt::Arg::Value(v) if file.is_none() => file = Some(v.to_string_lossy().into_owned()),
            lexopt::Arg::Long("health-checks") => checks = Some(value::<String>(parser, "health-checks")?),
            other => return Err(format!("import-aws: unexpected {}", describe(&other))),
        }
    }
    let file = file.ok_or("import-aws: missing <record-sets.json>")?;
    let text = read_text(&file)?;
    let hc = checks.as_deref().map(read_text).transpose()?;
    let imp = aws::import_record_sets(&text, hc.as_deref()).map_err(|e| blame(e, &file, checks.as_deref(), None))?;
    notes.extend(imp.notes);
    out.push_str(&imp.scenario.to_json());
    out.push('\n');
    Ok(())
}

pub(super) fn import_changes(
    parser: &mut lexopt::Parser,
    out: &mut String,
    notes: &mut Vec<String>,
) -> Result<(), String> {
    let mut file = None;
    let mut into = None;
    let mut zone = None;
    let mut checks = None;
    let mut at = None;
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            lexopt::Arg::Value(v) if file.is_none() => file = Some(v.to_string_lossy().into_owned()),
            lexopt::Arg::Long("into") => into = Some(value::<String>(parser, "into")?),
            lexopt::Arg::Long("at") => {
                let text: String = value(parser, "at")?;
                at = Some(crate::design::predict::parse_duration(&text).map_err(|e| format!("--at: {e}"))?);
            }
            lexopt::Arg::Long("zone") => zone = Some(value::<String>(parser, "zone")?),
            lexopt::Arg::Long("health-checks") => checks = Some(value::<String>(parser, "health-checks")?),
            other => return Err(format!("import-changes: unexpected {}", describe(&other))),
        }
    }
    let file = file.ok_or("import-changes: missing <batch.json>")?;
    let text = read_text(&file)?;
    if let Some(at_ms) = at {
        let base = into.ok_or("import-changes: --at schedules the batch in a scenario: give --into <scenario.json>")?;
        if checks.is_some() || zone.is_some() {
            return Err("import-changes: --health-checks and --zone apply to a new scenario, not with --into".into());
        }
        let s = load(&base)?;
        if at_ms > s.duration_s.saturating_mul(1000) {
            return Err(format!(
                "import-changes: --at {} is after the end of {base} ({} s simulated)",
                crate::base::time::SimTime(at_ms),
                s.duration_s
            ));
        }
        let imp = aws::schedule_change_batch(&text, &s, at_ms).map_err(|e| blame(e, &file, None, Some(&base)))?;
        notes.extend(imp.notes);
        out.push_str(&imp.scenario.to_json());
        out.push('\n');
        return Ok(());
    }
    let done = match &into {
        Some(base) => {
            if checks.is_some() || zone.is_some() {
                return Err(
                    "import-changes: --health-checks and --zone apply to a new scenario, not with --into".into()
                );
            }
            let s = load(base)?;
            aws::apply_change_batch(&text, &s).map_err(|e| blame(e, &file, None, Some(base)))?
        }
        None => {
            let hc = checks.as_deref().map(read_text).transpose()?;
            aws::import_change_batch(&text, hc.as_deref(), zone.as_deref())
                .map_err(|e| blame(e, &file, checks.as_deref(), None))?
        }
    };
    let (c, r, d) = done.counts;
    notes.extend(done.imported.notes);
    notes.push(format!("{c} record sets created, {r} replaced, {d} deleted"));
    out.push_str(&done.imported.scenario.to_json());
    out.push('\n');
    Ok(())
}

pub(super) fn import_policy(
    parser: &mut lexopt::Parser,
    out: &mut String,
    notes: &mut Vec<String>,
) -> Result<(), String> {
    let mut file = None;
    let mut into = None;
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            lexopt::Arg::Value(v) if file.is_none() => file = Some(v.to_string_lossy().into_owned()),
            lexopt::Arg::Long("into") => into = Some(value::<String>(parser, "into")?),
            other => return Err(format!("import-policy: unexpected {}", describe(&other))),
        }
    }
    let file = file.ok_or("import-policy: missing <policy.json>")?;
    let into = into.ok_or("import-policy: missing --into <scenario.json|preset:NAME>")?;
    let base = load(&into)?;
    let text = read_text(&file)?;
    let imp = aws::import_traffic_policy(&text, &base).map_err(|e| blame(e, &file, None, Some(&into)))?;
    notes.extend(imp.notes);
    out.push_str(&imp.scenario.to_json());
    out.push('\n');
    Ok(())
}

pub(super) fn export_policy(
    parser: &mut lexopt::Parser,
    out: &mut String,
    notes: &mut Vec<String>,
) -> Result<(), String> {
    let source = source_arg(parser, "export-policy", "scenario.json|preset:NAME")?;
    let s = load(&source)?;
    let (doc, n) = aws::export_traffic_policy(&s).map_err(|e| format!("{source}: {e}"))?;
    notes.extend(n);
    out.push_str(&doc);
    out.push('\n');
    Ok(())
}

pub(super) fn export_changes(
    parser: &mut lexopt::Parser,
    out: &mut String,
    notes: &mut Vec<String>,
) -> Result<(), String> {
    let mut source = None;
    let mut zone_id = "<your hosted zone id>".to_string();
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            lexopt::Arg::Value(v) if source.is_none() => source = Some(v.to_string_lossy().into_owned()),
            lexopt::Arg::Long("zone-id") => zone_id = value(parser, "zone-id")?,
            other => return Err(format!("export-changes: unexpected {}", describe(&other))),
        }
    }
    let source = source.ok_or("export-changes: missing <scenario.json|preset:NAME>")?;
    let s = load(&source)?;
    let (batch, n) = aws::change_batch(&s.zone, &zone_id);
    notes.extend(n);
    out.push_str(&batch);
    out.push('\n');
    Ok(())
}

pub(super) fn link(parser: &mut lexopt::Parser, out: &mut String, notes: &mut Vec<String>) -> Result<(), String> {
    let source = source_arg(parser, "link", "scenario.json|preset:NAME")?;
    let s = load(&source)?;
    let frag = crate::formats::link::encode(&s);
    let _ = writeln!(out, "#{frag}");
    match crate::formats::link::size_class(frag.len() + 1) {
        crate::formats::link::LinkSize::Ok => {}
        crate::formats::link::LinkSize::Long => {
            notes.push(format!("the link is {} characters; some chat apps cut links past 2,000", frag.len() + 1))
        }
        crate::formats::link::LinkSize::UseFile => {
            notes.push(format!("the link is {} characters; share the JSON file instead", frag.len() + 1))
        }
    }
    Ok(())
}

pub(super) fn detect(parser: &mut lexopt::Parser, out: &mut String) -> Result<(), String> {
    let file = source_arg(parser, "detect", "file")?;
    let path = std::path::Path::new(&file);
    let format = if path.is_dir() {
        crate::formats::detect::Format::TerraformHcl
    } else {
        let bytes = std::fs::read(&file).map_err(|e| format!("{file}: {e}"))?;
        crate::formats::detect::detect(&bytes, Some(&file))
    };
    let _ = writeln!(out, "{}", format.describe());
    Ok(())
}
