//! `import-terraform` (a module directory, a `.tf` / `.tf.json` file, a state or a plan)
//! and `export-terraform` (a design as `.tf`).

use super::{describe, load, read_text, value};
use crate::formats::terraform::{self, TfFile};

/// The files of a Terraform import: a directory's `.tf`, `.tf.json`, `terraform.tfvars`
/// and `*.auto.tfvars` (sorted by name, as Terraform reads them), or the one file.
fn files(path: &str) -> Result<Vec<TfFile>, String> {
    let p = std::path::Path::new(path);
    if !p.is_dir() {
        return Ok(vec![TfFile { name: path.to_string(), text: read_text(path)? }]);
    }
    let mut names: Vec<String> = std::fs::read_dir(p)
        .map_err(|e| format!("{path}: {e}"))?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| {
            n.ends_with(".tf")
                || n.ends_with(".tf.json")
                || n == "terraform.tfvars"
                || n == "terraform.tfvars.json"
                || n.ends_with(".auto.tfvars")
                || n.ends_with(".auto.tfvars.json")
        })
        .collect();
    names.sort();
    // Variable files after the configuration, so their values win.
    names.sort_by_key(|n| n.contains(".tfvars"));
    if names.is_empty() {
        return Err(format!("{path}: no .tf or .tf.json files in this directory"));
    }
    names
        .into_iter()
        .map(|n| {
            let full = p.join(&n);
            Ok(TfFile { name: n, text: read_text(&full.to_string_lossy())? })
        })
        .collect()
}

/// The name a `--var-file` is read under: variable files are known by their
/// `.tfvars` / `.tfvars.json` ending, added only when the name lacks it, so messages
/// name the file as given.
fn var_file_name(f: &str) -> String {
    if f.ends_with(".tfvars") || f.ends_with(".tfvars.json") {
        f.to_string()
    } else if f.ends_with(".json") {
        format!("{f}.tfvars.json")
    } else {
        format!("{f}.tfvars")
    }
}

pub(super) fn import(parser: &mut lexopt::Parser, out: &mut String, notes: &mut Vec<String>) -> Result<(), String> {
    let mut source = None;
    let mut vars = Vec::new();
    let mut var_files = Vec::new();
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            lexopt::Arg::Value(v) if source.is_none() => source = Some(v.to_string_lossy().into_owned()),
            lexopt::Arg::Long("var") => {
                let kv: String = value(parser, "var")?;
                let (k, v) = kv.split_once('=').ok_or_else(|| format!("--var: '{kv}' is not NAME=VALUE"))?;
                vars.push((k.trim().to_string(), v.to_string()));
            }
            lexopt::Arg::Long("var-file") => var_files.push(value::<String>(parser, "var-file")?),
            other => return Err(format!("import-terraform: unexpected {}", describe(&other))),
        }
    }
    let source = source.ok_or("import-terraform: missing <directory|file.tf|file.tf.json|state.json|plan.json>")?;
    let mut fs = files(&source)?;
    for f in &var_files {
        let text = read_text(f)?;
        fs.push(TfFile { name: var_file_name(f), text });
    }
    // A single file's messages already start with its name; a directory's name the
    // file inside it.
    let imp = terraform::import_terraform(&fs, &vars).map_err(|e| {
        if e.message.starts_with(&format!("{source}:")) { e.message } else { format!("{source}: {}", e.message) }
    })?;
    notes.extend(imp.notes);
    out.push_str(&imp.scenario.to_json());
    out.push('\n');
    Ok(())
}

pub(super) fn export(parser: &mut lexopt::Parser, out: &mut String, notes: &mut Vec<String>) -> Result<(), String> {
    let mut source = None;
    let mut zone_id = None;
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            lexopt::Arg::Value(v) if source.is_none() => source = Some(v.to_string_lossy().into_owned()),
            lexopt::Arg::Long("zone-id") => zone_id = Some(value::<String>(parser, "zone-id")?),
            other => return Err(format!("export-terraform: unexpected {}", describe(&other))),
        }
    }
    let source = source.ok_or("export-terraform: missing <scenario.json|preset:NAME>")?;
    let s = load(&source)?;
    let (tf, n) = terraform::export_terraform(&s, zone_id.as_deref());
    notes.extend(n);
    out.push_str(&tf);
    Ok(())
}
