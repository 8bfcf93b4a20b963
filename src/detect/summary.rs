//! What a reviewer reads first about a held notice, in the queue and on
//! its page: the title, 项目名称 and 项目编号, read from the same
//! structure (tables, labelled lines, headings) the field check reads.
//! Computed only for held items, so a scan never pays for it.

use super::Context;
use super::announcement::{complete_title, title_text};
use super::structure::label_key;

/// Longest value kept (characters): a label whose value runs on is cut.
const MAX_CHARS: usize = 120;

/// A notice's title and project, each if found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// The notice's title (a whole title line if there is one).
    pub title: Option<String>,
    /// 项目名称.
    pub project_name: Option<String>,
    /// 项目编号.
    pub project_code: Option<String>,
}

/// Reads the summary of one document.
pub fn summarize(cx: &Context<'_>) -> Summary {
    let titles = title_text(cx.doc);
    let title = titles
        .lines()
        .map(str::trim)
        .find(|l| complete_title(l))
        .or_else(|| titles.lines().map(str::trim).find(|l| !l.is_empty()))
        .map(short);
    Summary {
        title,
        project_name: field_value(cx, "project_name"),
        project_code: field_value(cx, "project_code"),
    }
}

/// The first non-empty value of a field's labels, on one line.
fn field_value(cx: &Context<'_>, field: &str) -> Option<String> {
    let spec = cx.spec.fields.get(field)?;
    let keys: Vec<String> = spec
        .labels
        .iter()
        .map(|l| label_key(l))
        .filter(|k| k.chars().count() >= 2)
        .collect();
    cx.structure()
        .matching(&keys)
        .filter_map(|e| {
            let value = cx.doc.text.get(e.value.clone())?;
            let line = value.lines().map(str::trim).find(|l| !l.is_empty())?;
            Some(short(line))
        })
        .next()
}

fn short(s: &str) -> String {
    let s = s.trim_start_matches([':', '：']).trim();
    if s.chars().count() <= MAX_CHARS {
        return s.to_string();
    }
    let mut out: String = s.chars().take(MAX_CHARS).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use crate::engine::Engine;
    use crate::model::{PartKind, Piece};

    fn summary(text: &str) -> super::Summary {
        Engine::embedded().unwrap().summarize(&[Piece {
            part: "body".into(),
            kind: PartKind::Content,
            text: text.into(),
        }])
    }

    #[test]
    fn title_name_and_code_from_labelled_lines_and_tables() {
        let s = summary(
            "首页 > 采购公告\n某市第一中学教学设备采购项目公开招标公告\n\
             项目编号：JZCG-2026-017\n项目名称：某市第一中学教学设备采购项目\n预算金额：120万元\n",
        );
        assert_eq!(
            s.title.as_deref(),
            Some("某市第一中学教学设备采购项目公开招标公告")
        );
        assert_eq!(s.project_code.as_deref(), Some("JZCG-2026-017"));
        assert_eq!(
            s.project_name.as_deref(),
            Some("某市第一中学教学设备采购项目")
        );
        let s = summary("某某项目中标结果公告\n项目编号\t项目名称\nABC-1\t办公家具采购\n");
        assert_eq!(s.project_code.as_deref(), Some("ABC-1"));
        assert_eq!(s.project_name.as_deref(), Some("办公家具采购"));
        assert_eq!(summary("通知\n没有标签的正文。").project_code, None);
    }
}
