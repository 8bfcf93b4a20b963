//! What reviewers and submitters read, in Chinese: category and action
//! names and the names of a document's parts (`attachment 附件.pdf › page
//! 3` → `附件 附件.pdf › 第3页`). The identifiers stay in English in the
//! JSON contract and the logs; this is only how they are shown.

use super::{Action, Category};

impl Category {
    /// The category as reviewers read it.
    pub fn label_zh(self) -> &'static str {
        match self {
            Category::Classified => "涉密内容",
            Category::PersonalData => "个人信息",
            Category::ProcurementConfidential => "采购秘密",
            Category::MissingField => "必填项缺失",
            Category::Consistency => "内容不一致",
            Category::Unscannable => "无法检查",
        }
    }
}

impl Action {
    /// The verdict as submitters and reviewers read it.
    pub fn label_zh(self) -> &'static str {
        match self {
            Action::Pass => "放行",
            Action::Redact => "打码后放行",
            Action::Hold => "暂缓发布，待人工复核",
            Action::Block => "退回修改",
        }
    }
}

/// A part name as a reader reads it: each `›`-separated step translated
/// where it is one pubgate names (file names and form keys stay as they
/// are).
pub fn part_zh(part: &str) -> String {
    let mut steps: Vec<String> = part.split(" › ").map(step_zh).collect();
    // `body › body` (a request whose body is one text) reads as one step.
    steps.dedup();
    steps.join(" › ")
}

fn step_zh(step: &str) -> String {
    let fixed = match step {
        "body" => Some("正文"),
        "file" => Some("文件"),
        "html:title" => Some("网页标题"),
        "html:comment" => Some("网页注释（页面上不显示）"),
        "html:attributes" => Some("网页标签属性（页面上不显示）"),
        "html:css" => Some("网页样式（页面上不显示）"),
        "json:keys" => Some("JSON 键名"),
        "json:numbers" => Some("JSON 数字"),
        "json:after" => Some("JSON 之后的内容"),
        "mime:headers" => Some("邮件头"),
        "rtf:info" => Some("RTF 文档属性"),
        "xml" => Some("XML 正文"),
        "xml:attributes" => Some("XML 属性"),
        "form:values" => Some("表单内容"),
        "form:names" => Some("表单字段名"),
        "url:query" => Some("网址参数"),
        "url:path" => Some("网址路径"),
        "request headers" => Some("请求头"),
        "multipart:preamble" => Some("上传数据开头"),
        "multipart:epilogue" => Some("上传数据末尾"),
        "request" => Some("整个请求"),
        _ => None,
    };
    if let Some(zh) = fixed {
        return zh.to_string();
    }
    if let Some(name) = step.strip_prefix("attachment ") {
        return format!("附件 {name}");
    }
    if let Some(name) = step.strip_prefix("pdf:attachment ") {
        return format!("PDF 内嵌附件 {name}");
    }
    if let Some(key) = step.strip_prefix("pdf:info/") {
        return format!("PDF 文档属性 {key}");
    }
    if let Some(name) = step.strip_prefix("html:meta[") {
        return format!("网页元信息 {}", name.trim_end_matches(']'));
    }
    if let Some(key) = step.strip_prefix("form:") {
        return format!("表单字段 {key}");
    }
    if let Some(rest) = step.strip_prefix("revision ")
        && let Some((revision, page)) = rest.split_once(" page ")
    {
        return format!("第{revision}版 第{page}页");
    }
    if let Some(rest) = step.strip_prefix("page ") {
        let (number, note) = rest.split_once(' ').unwrap_or((rest, ""));
        let note = match note {
            "" => String::new(),
            "rotated text" => "（旋转的文字）".into(),
            "(not in the page tree)" => "（不在页面目录中的隐藏页）".into(),
            other => format!("（{other}）"),
        };
        return format!("第{number}页{note}");
    }
    step.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_read_in_chinese_names_kept() {
        assert_eq!(part_zh("body"), "正文");
        assert_eq!(part_zh("body › body"), "正文");
        assert_eq!(
            part_zh("attachment 附件.pdf › page 3"),
            "附件 附件.pdf › 第3页"
        );
        assert_eq!(
            part_zh("form:content › html:comment"),
            "表单字段 content › 网页注释（页面上不显示）"
        );
        assert_eq!(part_zh("page 2 rotated text"), "第2页（旋转的文字）");
        assert_eq!(part_zh("revision 1 page 4"), "第1版 第4页");
        assert_eq!(part_zh("word/document.xml"), "word/document.xml");
        assert_eq!(
            Category::parse("personal_data").map(Category::label_zh),
            Some("个人信息")
        );
    }
}
